//! Shared test helpers: the built component, a runtime, and evaluations to score.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use ward_core::Evaluation;
use ward_host::runtime::{ComponentScorer, Limits, NativeScorer, RuntimeConfig, WasmRuntime, component_path};

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The built component's bytes; fails with the command to run when it is not built.
pub fn component_wasm() -> Vec<u8> {
    let path = component_path(None).unwrap_or_else(|e| panic!("{e}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run tests/build-component.sh", path.display()))
}

/// The runtime of this test binary, shared so the component is compiled once per binary.
pub fn runtime() -> Arc<WasmRuntime> {
    static RUNTIME: OnceLock<Arc<WasmRuntime>> = OnceLock::new();
    RUNTIME.get_or_init(|| WasmRuntime::new(config(Limits::default())).expect("runtime")).clone()
}

/// Test configuration: compiled code is cached beside the built component, so the test
/// binaries compile it once between them (unoptimised Cranelift in the dev profile takes
/// about 18 s per compile). Keys include the wasm's hash, so a rebuilt component never
/// meets stale code; without the cache the tests still pass, only slower.
pub fn config(limits: Limits) -> RuntimeConfig {
    RuntimeConfig { limits, cache_dir: Some(workspace().join("target/ward-component/cache")) }
}

/// Both scorers on one bundle.
pub fn scorers(bundle: &[u8]) -> (NativeScorer, ComponentScorer) {
    let native = NativeScorer::new(bundle).expect("native scorer");
    let component = ComponentScorer::new(runtime(), &component_wasm(), bundle).expect("component scorer");
    (native, component)
}

/// The bundle the parity tests use: the embedded default bundle when it loads; otherwise (while
/// the default bundle is being produced) one built here from the XGBoost fixture model with
/// its features renamed to catalogue attributes, plus a few rules of every action.
pub fn bundle() -> Vec<u8> {
    if ward_core::Engine::from_bundle(ward_core::DEFAULT_BUNDLE).is_ok() {
        return ward_core::DEFAULT_BUNDLE.to_vec();
    }
    let path = workspace().join("tests/fixtures/models/xgb_depth5.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut model = ward_core::model::Model::from_xgboost_json(&text).expect("fixture model");
    model.feature_names = FEATURES.iter().map(|s| (*s).to_owned()).collect();
    let mut spec = ward_core::BundleSpec::rules_only("parity", RULES);
    spec.model = Some(model);
    ward_core::bundle::encode(&spec).expect("encode bundle").0
}

const FEATURES: &[&str] = &[
    "amount_in_usd",
    "seconds_since_card_first_seen",
    "seconds_since_email_first_seen",
    "total_charges_per_card_number_daily",
    "total_charges_per_ip_address_hourly",
    "customer_charge_count_30d",
    "declined_charges_per_card_number_daily",
    "total_charges_per_card_number_hourly",
];

const RULES: &str = "big_usd: Review if :amount_in_usd: > 1000\n\
    Request 3D Secure if :amount_in_usd: > 500\n\
    Block if ::channel:: = 'fraud'\n\
    vip: Allow if ::customer:tier:: = 'gold' AND :amount_in_usd: < 5000\n";

/// Evaluations covering every nested record of the payment: the examples shipped with the
/// repository plus a few that fill the fields the examples leave out.
pub fn sample_evaluations() -> Vec<(String, Result<Evaluation, ward_core::StripeError>)> {
    let mut lines: Vec<String> = Vec::new();
    if let Ok(text) = std::fs::read_to_string(workspace().join("examples/payments.jsonl")) {
        lines.extend(text.lines().filter(|l| !l.trim().is_empty()).map(str::to_owned));
    }
    lines.extend(EXTRA.iter().map(|s| (*s).to_owned()));
    lines.into_iter().map(|l| (l.clone(), ward_core::payment::decode_line(&l))).collect()
}

const EXTRA: &[&str] = &[
    r#"{"payment":{"id":"ch_full","livemode":false,"amount":129900,"currency":"usd","created":1764040000,"customer":"cus_x","customer_details":{"email":"x@example.com","name":"X Y","phone":"+15555550100","description":"vip","created":1700000000,"metadata":{"tier":"gold"}},"receipt_email":"x@example.com","description":"Order 1","statement_descriptor":"WARD","metadata":{"order":"1","channel":"web"},"billing_details":{"address":{"city":"Berlin","country":"DE","line1":"Str 1","line2":"2","postal_code":"10115","state":"BE","latitude":52.52,"longitude":13.405},"email":"x@example.com","name":"X Y","phone":"+49"},"shipping":{"address":{"city":"Paris","country":"FR","postal_code":"75001","latitude":48.86,"longitude":2.35},"name":"Z","phone":"+33"},"payment_method_details":{"type":"card","card":{"brand":"mastercard","country":"DE","fingerprint":"fpABC","funding":"debit","bin":"555555","last4":"4444","exp_month":5,"exp_year":2031,"checks":{"address_line1_check":"pass","address_postal_code_check":"unavailable","cvc_check":"unchecked"},"three_d_secure":{"result":"authenticated","result_reason":"bypassed","authentication_flow":"challenge","version":"2.2.0"},"wallet":{"type":"apple_pay"},"three_d_secure_support":"recommended","has_cryptogram":true,"is_new_card_on_customer":false}},"client":{"ip_address":"2001:db8::1","ip_country":"NL","ip_state":"NH","ip_address_location":{"city":"Amsterdam","country":"NL","latitude":52.37,"longitude":4.9,"region":"NH"},"is_anonymous_ip":false,"ip_address_connection_type":"cable/dsl","isp":"Example ISP","user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0","browser":"Chrome","operating_system":"Windows","browser_signals":{"time_on_page_ms":45000,"card_number_pasted":false,"typing_speed_cps":4.5,"webdriver":false,"timezone":"Europe/Berlin","timezone_offset_minutes":-60,"language":"de-DE","screen_width":1920,"screen_height":1080}},"destination":"acct_1","destination_metadata":{"risk":"high"},"transaction_type":"payment_intent","is_checkout":true,"off_session":false,"is_recurring":true},"context":{"total_charges_per_card_number_hourly":2,"account_risk_level":"elevated"}}"#,
    r#"{"payment":{"id":"ch_min","amount":1,"currency":"jpy","created":0}}"#,
    r#"{"payment":{"id":"ch_bad_ctx","amount":100,"currency":"usd","created":1764040000},"context":{"no_such_attribute":1}}"#,
    r#"{"payment":{"id":"ch_live_number","livemode":true,"amount":100,"currency":"usd","created":1764040000,"payment_method_details":{"card":{"number":"4242424242424242"}}}}"#,
];
