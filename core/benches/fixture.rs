//! The benchmark workload, shared by `benches/score.rs` and `examples/score_profile.rs`: a
//! synthesised 300-tree depth-6 XGBoost model (full trees, deterministic pseudo-random splits, so
//! no fixture file is needed), 100 rules across every operator, and a realistic payment.

use serde_json::json;
use ward_core::Engine;
use ward_core::bundle::{BuiltinRules, BundleSpec};
use ward_core::currency::CurrencyTable;
use ward_core::lists::defaults::default_lists;
use ward_core::model::Model;
use ward_core::outcome::Thresholds;

pub const FEATURES: &[(&str, f64)] = &[
    ("amount_in_usd", 500.0),
    ("card_ip_country_mismatch", 1.0),
    ("billing_ip_country_mismatch", 1.0),
    ("is_disposable_email", 1.0),
    ("email_digit_count", 8.0),
    ("is_anonymous_ip", 1.0),
    ("hour_of_day", 24.0),
    ("card_expires_in_months", 48.0),
    ("cvc_check_failed", 1.0),
    ("total_charges_per_card_number_hourly", 10.0),
    ("total_charges_per_card_number_daily", 30.0),
    ("total_charges_per_ip_address_hourly", 20.0),
    ("card_count_for_ip_address_daily", 25.0),
    ("seconds_since_card_first_seen", 9_000_000.0),
    ("seconds_since_email_first_seen", 9_000_000.0),
    ("customer_charge_count_30d", 20.0),
];

/// A tiny deterministic generator (no randomness in what we measure between runs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn synth_xgboost(trees: usize, depth: u32) -> String {
    let mut rng = Lcg(42);
    let internal = (1usize << depth) - 1;
    let total = (1usize << (depth + 1)) - 1;
    let trees: Vec<_> = (0..trees)
        .map(|t| {
            let (mut left, mut right, mut index, mut cond, mut dl, mut hess) =
                (vec![-1i64; total], vec![-1i64; total], vec![0i64; total], vec![0f64; total], vec![0u8; total], vec![0f64; total]);
            for i in 0..total {
                if i < internal {
                    let f = (rng.next() * FEATURES.len() as f64) as usize % FEATURES.len();
                    left[i] = (2 * i + 1) as i64;
                    right[i] = (2 * i + 2) as i64;
                    index[i] = f as i64;
                    cond[i] = (rng.next() * FEATURES[f].1 * 1000.0).round() / 1000.0;
                    dl[i] = u8::from(rng.next() < 0.5);
                } else {
                    cond[i] = (rng.next() - 0.5) * 0.2;
                    hess[i] = 1.0 + rng.next() * 10.0;
                }
            }
            for i in (0..internal).rev() {
                hess[i] = hess[2 * i + 1] + hess[2 * i + 2];
            }
            json!({
                "id": t, "left_children": left, "right_children": right, "split_indices": index,
                "split_conditions": cond, "default_left": dl, "sum_hessian": hess, "split_type": vec![0; total],
                "base_weights": vec![0.0; total], "loss_changes": vec![0.0; total], "parents": vec![0; total],
                "categories": [], "categories_nodes": [], "categories_segments": [], "categories_sizes": [],
                "tree_param": {"num_deleted": "0", "num_feature": FEATURES.len().to_string(), "num_nodes": total.to_string(), "size_leaf_vector": "1"}
            })
        })
        .collect();
    let n = trees.len();
    json!({
        "version": [3, 2, 0],
        "learner": {
            "attributes": {}, "feature_names": FEATURES.iter().map(|f| f.0).collect::<Vec<_>>(), "feature_types": [],
            "learner_model_param": {"base_score": "[2E-2]", "boost_from_average": "1", "num_class": "0",
                "num_feature": FEATURES.len().to_string(), "num_target": "1"},
            "objective": {"name": "binary:logistic", "reg_loss_param": {"scale_pos_weight": "1"}},
            "gradient_booster": {"name": "gbtree", "model": {
                "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": n.to_string()},
                "iteration_indptr": (0..=n).collect::<Vec<_>>(), "tree_info": vec![0; n], "trees": trees, "cats": {}}}
        }
    })
    .to_string()
}

/// A two-letter code that differs per rule.
fn country(i: usize) -> String {
    [b'A' + (i % 26) as u8, b'Q' + (i / 26) as u8].iter().map(|&b| b as char).collect()
}

/// 100 rules across every operator, written so a typical payment evaluates all of them.
pub fn hundred_rules() -> String {
    let mut r = String::new();
    for i in 0..100 {
        let line = match i % 10 {
            0 => format!("Block if :amount_in_usd: > {}", 5000 + i),
            1 => format!("Review if :card_country: IN ('NG', 'RU', '{}') AND :amount_in_usd: > {i}", country(i)),
            2 => format!("Block if :email_domain: = 'spam{i}.example'"),
            3 => format!("Review if ::order_type:: = 'type{i}'"),
            4 => format!("Block if :total_charges_per_card_number_hourly: > {}", 20 + i),
            5 => format!("Review if :email: LIKE '%+spam{i}@%'"),
            6 => format!("Block if :ip_address: INCLUDES '10.{i}.'"),
            7 => format!("Review if :card_country: != :ip_country: AND :amount_in_usd: > {}", 2000 + i),
            8 => format!("Block if :is_anonymous_ip: AND :risk_score: > {}", 90 - i % 5),
            _ => format!("Request 3D Secure if :amount_in_usd: > {} AND NOT :is_3d_secure:", 9000 + i),
        };
        r.push_str(&format!("r{i}: {line}\n"));
    }
    r
}

pub fn engine(model: Option<Model>, rules: String) -> Engine {
    let spec = BundleSpec {
        name: "bench".into(),
        version: "0".into(),
        model,
        rules,
        builtin_rules: BuiltinRules::default(),
        lists: default_lists(),
        thresholds: Thresholds::default(),
        currencies: CurrencyTable::standard(),
    };
    Engine::from_spec(spec).expect("bench bundle loads")
}

pub const PAYMENT: &str = r#"{"payment": {"id": "ch_bench", "amount": 4999, "currency": "usd", "created": 1764028800, "customer": "cus_anna", "receipt_email": "anna.lee@example.com", "metadata": {"order_type": "standard"}, "billing_details": {"name": "Anna Lee", "address": {"line1": "1 Market St", "city": "San Francisco", "state": "CA", "postal_code": "94105", "country": "US"}}, "payment_method_details": {"card": {"brand": "visa", "country": "US", "funding": "credit", "fingerprint": "Xt5EWLLDS7FJjR1c", "bin": "424242", "last4": "4242", "exp_month": 8, "exp_year": 2028, "checks": {"cvc_check": "pass"}}}, "client": {"ip_address": "203.0.113.7", "ip_country": "US", "is_anonymous_ip": false}}, "context": {"total_charges_per_card_number_hourly": 1, "total_charges_per_card_number_daily": 2, "seconds_since_card_first_seen": 8640000, "customer_charge_count_30d": 3}}"#;
