//! Bundle and inputs shared by the benchmarks.

use std::path::Path;

use ward_core::Evaluation;

/// The default bundle when it loads, else one built from the fixture model (as the tests do).
pub fn bundle(workspace: &Path) -> Vec<u8> {
    if ward_core::Engine::from_bundle(ward_core::DEFAULT_BUNDLE).is_ok() {
        return ward_core::DEFAULT_BUNDLE.to_vec();
    }
    let text = std::fs::read_to_string(workspace.join("tests/fixtures/models/xgb_depth5.json")).expect("fixture");
    let mut model = ward_core::model::Model::from_xgboost_json(&text).expect("model");
    model.feature_names = [
        "amount_in_usd",
        "seconds_since_card_first_seen",
        "seconds_since_email_first_seen",
        "total_charges_per_card_number_daily",
        "total_charges_per_ip_address_hourly",
        "customer_charge_count_30d",
        "declined_charges_per_card_number_daily",
        "total_charges_per_card_number_hourly",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut spec = ward_core::BundleSpec::rules_only("bench", "Review if :amount_in_usd: > 1000\n");
    spec.model = Some(model);
    ward_core::bundle::encode(&spec).expect("bundle").0
}

/// `n` evaluations cycled from the valid lines of `examples/payments.jsonl` (or of the JSON
/// lines file `WARD_BENCH_INPUT` names, relative to the workspace root).
pub fn evaluations(workspace: &Path, n: usize) -> Vec<Evaluation> {
    // Relative to the workspace root, not to `host/`, where cargo runs benches.
    let path = workspace.join(std::env::var_os("WARD_BENCH_INPUT").unwrap_or_else(|| "examples/payments.jsonl".into()));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let valid: Vec<Evaluation> = text.lines().filter_map(|l| ward_core::payment::decode_line(l).ok()).collect();
    valid.iter().cycle().take(n).cloned().collect()
}
