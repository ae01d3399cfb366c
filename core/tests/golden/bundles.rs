//! The bundles the golden vectors are scored with: the embedded default bundle, and bundles built
//! here from a [`BundleSpec`] around the default model.

use ward_core::bundle::{BuiltinRules, encode};
use ward_core::currency::CurrencyTable;
use ward_core::lists::defaults::{DefaultKind, default_lists, feedback_items};
use ward_core::lists::{ItemType, ListItem, ValueList};
use ward_core::outcome::Thresholds;
use ward_core::{BundleSpec, DEFAULT_BUNDLE, Engine};

/// The embedded default bundle: default model, Radar's built-in rules, empty default lists.
pub const DEFAULT: &str = "default";
/// No model: every payment is `not_assessed`; a few rules still decide.
pub const NO_MODEL: &str = "no_model";
/// The default model with stricter thresholds (elevated from 50, highest from 60).
pub const THRESHOLDS: &str = "thresholds_50_60";
/// The default model with a value list of each of the 12 item types and filled default lists.
pub const LISTS: &str = "lists";
/// The default model with custom allow, block, review and 3D Secure rules.
pub const RULES: &str = "rules";
/// The default model with Radar's built-in rules turned off.
pub const NO_BUILTINS: &str = "no_builtins";

/// Every bundle, in the order they are written.
pub const ALL: [&str; 6] = [DEFAULT, NO_MODEL, THRESHOLDS, LISTS, RULES, NO_BUILTINS];

/// The time fraud feedback was recorded in the `lists` bundle (2025-11-20T00:00:00Z); the
/// default allow-list entries it made expire 30 days later.
pub const FEEDBACK_AT: i64 = 1_763_596_800;
/// When the temporary card block of the `lists` bundle stops matching (2025-11-25T12:00:00Z).
pub const TEMPORARY_BLOCK_UNTIL: i64 = 1_764_072_000;

/// The bytes of a bundle, built from its spec (the default bundle is the embedded one).
pub fn bytes(name: &str) -> Vec<u8> {
    if name == DEFAULT {
        return DEFAULT_BUNDLE.to_vec();
    }
    let spec = spec(name);
    let (bytes, _id) = encode(&spec).expect("the golden bundles encode");
    bytes
}

fn spec(name: &str) -> BundleSpec {
    let model = Engine::from_bundle(DEFAULT_BUNDLE).expect("the default bundle loads").model().cloned();
    let mut spec = BundleSpec {
        name: format!("golden-{}", name.replace('_', "-")),
        version: "1".to_owned(),
        model,
        rules: String::new(),
        builtin_rules: BuiltinRules::default(),
        lists: default_lists(),
        thresholds: Thresholds::default(),
        currencies: CurrencyTable::standard(),
    };
    match name {
        NO_MODEL => {
            spec.model = None;
            spec.rules = NO_MODEL_RULES.to_owned();
        }
        THRESHOLDS => spec.thresholds = Thresholds { elevated: 50, highest: 60 },
        LISTS => {
            spec.rules = LISTS_RULES.to_owned();
            spec.lists = lists_bundle_lists();
        }
        RULES => spec.rules = RULES_RULES.to_owned(),
        NO_BUILTINS => {
            spec.builtin_rules = BuiltinRules { block_highest: false, review_elevated: false, default_lists: false };
            spec.rules = NO_BUILTINS_RULES.to_owned();
            // A filled default block list, to show it has no effect once the list rules are off.
            spec.lists =
                with_default_items(vec![("default_block_email".to_owned(), ListItem::new("refund.fraud@example.net"))]);
        }
        other => panic!("no golden bundle named {other}"),
    }
    spec
}

const NO_MODEL_RULES: &str = "\
# A merchant that runs rules without a model.
allow_regular_customer: Allow if :customer: = 'cus_Regular0042'
block_huge_amount: Block if :amount_in_usd: > 10000
# Reads the risk score, which is missing without a model: only Stripe's test cards set one.
review_risky_score: Review if :risk_score: >= 50
review_unscored_large: Review if :risk_level: = 'not_assessed' AND :amount_in_usd: > 2000
";

const NO_BUILTINS_RULES: &str = "\
# The built-in rules are off; the merchant draws its own lines on the score.
block_score_90: Block if :risk_score: >= 90
review_score_80: Review if :risk_score: >= 80 AND :amount_in_usd: > 50
";

const RULES_RULES: &str = "\
# Custom rules on the default model: every action, metadata, context and missing values.
3ds_anonymous_ip: Request 3D Secure if :is_anonymous_ip: AND NOT :is_3d_secure:
3ds_large_eur: Request 3D Secure if :amount_in_eur: >= 500 AND :card_3d_secure_support: IN ('required', 'recommended')
allow_staff: Allow if ::customer:segment:: = 'staff'
allow_trusted_platform: Allow if ::destination:tier:: = 'trusted' AND :amount_in_usd: < 2000
allow_known_subscriber: Allow if :is_recurring: AND :seconds_since_card_first_seen: > 7776000
# Reads the issuer's CVC result: runs after the other block rules although it comes first.
block_cvc_fail: Block if :cvc_check: = 'fail' AND :amount_in_usd: > 100
block_gift_card_mismatch: Block if ::order_type:: = 'gift_card' AND :card_country: != :ip_country:
block_large_foreign: Block if :amount_in_usd: > 5000 AND :card_country: != :billing_address_country:
block_card_testing: Block if :total_charges_per_card_number_hourly: > 10 AND :amount_in_usd: < 5
block_ip_card_farm: Block if :card_count_for_ip_address_daily: >= 25
block_region_lock: Block if ::region_lock:: = 'us_only' AND NOT :card_country: = 'US'
block_kiosk_risk: Block if ::channel:: = 'kiosk' AND :risk_score: >= 60
review_zip_fail: Review if :address_zip_check: = 'fail'
review_no_email_large: Review if is_missing(:email:) AND :amount_in_usd: > 300
review_new_card: Review if :seconds_since_card_first_seen: < 3600
review_gift_description: Review if :charge_description: LIKE '%gift card%'
review_account_risk: Review if :account_risk_level: IN ('elevated', 'highest')
review_new_customer: Review if :hours_since_customer_was_created: < 24 AND :amount_in_usd: > 500
review_loyalty_redemption: Review if ::loyalty_points:: > 100000
review_admin_elsewhere: Review if ::role:: = 'admin' AND NOT :is_my_login_ip:
# Bounded counters are capped at 25, so this never fires.
review_email_card_spread: Review if :card_count_for_email_weekly: > 25
review_large_jpy: Review if :amount_in_jpy: >= 1000000
Review if :browser: = 'Chrome' AND :operating_system: INCLUDES 'linux' AND :ip_address_connection_type: = 'corporate'
";

const LISTS_RULES: &str = "\
# One value list of each of Radar's 12 item types, plus the filled default lists.
allow_vip_customers: Allow if :customer: IN @vip_customers
allow_trusted_platforms: Allow if :destination: IN @trusted_platforms
allow_vip_promo: Allow if ::promo_code:: IN @vip_promo_codes
block_fraud_emails: Block if :email: IN @fraud_emails
block_stolen_cards: Block if :card_fingerprint: IN @stolen_cards
block_temporary_cards: Block if :card_fingerprint: IN @temporary_card_blocks
block_bad_networks: Block if :ip_address: IN @bad_networks
block_embargoed: Block if :ip_country: IN @embargoed_countries OR :billing_address_country: IN @embargoed_countries
block_sepa_mandates: Block if ::sepa_fingerprint:: IN @blocked_sepa_accounts
block_bank_accounts: Block if ::bank_fingerprint:: IN @blocked_bank_accounts
review_risky_bins: Review if :card_bin: IN @risky_bins
review_flagged_wallets: Review if ::crypto_wallet:: IN @flagged_wallets
review_risky_descriptions: Review if :charge_description: IN @risky_descriptions
review_watched_amounts: Review if :amount_in_usd: IN @watched_amounts
review_unsupported_country: Review if NOT :card_country: IN @supported_card_countries
";

fn list(alias: &str, name: &str, ty: ItemType, values: &[&str]) -> ValueList {
    ValueList::new(format!("rsl_{alias}"), alias, name, ty).with_items(values.iter().map(|v| ListItem::new(*v)))
}

fn lists_bundle_lists() -> Vec<ValueList> {
    let mut lists = vec![
        list("risky_bins", "BINs of prepaid programmes we review", ItemType::CardBin, &["411111", "53998712"]),
        list("stolen_cards", "Cards reported stolen", ItemType::CardFingerprint, &["Qp0aZ81nLkT2mXwe"]),
        ValueList::new(
            "rsl_temporary_card_blocks",
            "temporary_card_blocks",
            "Cards on hold",
            ItemType::CardFingerprint,
        )
        .with_items([ListItem::expiring("Hd7TmpBlk0000001", TEMPORARY_BLOCK_UNTIL)]),
        list("vip_promo_codes", "Promo codes for VIPs", ItemType::CaseSensitiveString, &["SPRING-VIP"]),
        list("embargoed_countries", "Embargoed countries", ItemType::Country, &["kp", "IR", "Sy"]),
        list("flagged_wallets", "Flagged crypto wallets", ItemType::CryptoFingerprint, &["cwf_9Lk2PqXzR4"]),
        list("vip_customers", "VIP customers", ItemType::CustomerId, &["cus_PxVip0001"]),
        list("fraud_emails", "Emails behind chargebacks", ItemType::Email, &["Chargeback.King@Example.com"]),
        list(
            "bad_networks",
            "Abusive networks",
            ItemType::IpAddress,
            &["203.0.113.0/24", "198.51.100.77", "2001:DB8:BAD::/48", "2001:db8:0:0:0:0:0:1"],
        ),
        list("risky_descriptions", "Descriptions we review", ItemType::String, &["Gift Card", "prepaid voucher"]),
        list("watched_amounts", "Amounts used by card testers (USD)", ItemType::String, &["1337", "0.5"]),
        list("blocked_sepa_accounts", "Blocked SEPA mandates", ItemType::SepaDebitFingerprint, &["sdf_7QmZx21Lp"]),
        list(
            "blocked_bank_accounts",
            "Blocked US bank accounts",
            ItemType::UsBankAccountFingerprint,
            &["ubf_Ab12Cd34"],
        ),
        list("trusted_platforms", "Trusted connected accounts", ItemType::Account, &["acct_1TrustedPlat01"]),
        list(
            "supported_card_countries",
            "Countries we ship to",
            ItemType::Country,
            &["US", "CA", "GB", "DE", "FR", "JP", "BR"],
        ),
    ];
    let mut defaults = Vec::new();
    // Fraud feedback: a refund as fraudulent, and a payment marked safe.
    defaults.extend(feedback_items(
        DefaultKind::Block,
        Some("Fr4udCardFp00001"),
        Some("Refund.Fraud@Example.net"),
        FEEDBACK_AT,
    ));
    defaults.extend(feedback_items(
        DefaultKind::Allow,
        Some("Saf3CardFp000001"),
        Some("trusted.buyer@example.org"),
        FEEDBACK_AT,
    ));
    for (alias, value) in [
        ("default_allow_customer_id", "cus_LongTimeGood"),
        ("default_allow_card_bin", "222300"),
        ("default_block_card_bin", "535353"),
        ("default_block_card_country", "kp"),
        ("default_block_charge_description", "Test order - do not ship"),
        ("default_block_client_ip_country", "ve"),
        ("default_block_client_ip_address", "192.0.2.0/25"),
        ("default_block_customer_id", "cus_Banned0007"),
        ("default_block_email_domain", "fraudmail.example"),
    ] {
        defaults.push((alias.to_owned(), ListItem::new(value)));
    }
    lists.extend(with_default_items(defaults));
    lists
}

/// The 18 default lists with `items` added to the lists they name.
fn with_default_items(items: Vec<(String, ListItem)>) -> Vec<ValueList> {
    let mut lists = default_lists();
    for (alias, item) in items {
        let list = lists.iter_mut().find(|l| l.alias == alias).unwrap_or_else(|| panic!("no default list {alias}"));
        list.items.push(item);
    }
    lists
}
