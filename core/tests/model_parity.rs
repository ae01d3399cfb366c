//! Parity of Ward's model runtime with XGBoost and LightGBM themselves.
//!
//! Fixtures come from `tools/model-fixtures/make_fixtures.py`, which trains models with the
//! real libraries and records what they predict (margin, probability, SHAP contributions) for
//! ~200 rows including missing values, zeros and values sitting exactly on split thresholds.

use std::path::PathBuf;

use serde::Deserialize;
use ward_core::model::Model;

const MARGIN_TOLERANCE: f64 = 1e-6;
const SHAP_TOLERANCE: f64 = 1e-5;

#[derive(Deserialize)]
struct Expected {
    model_file: String,
    library: String,
    library_version: String,
    feature_names: Vec<String>,
    rows: Vec<Vec<Option<f64>>>,
    margins: Vec<f64>,
    probabilities: Vec<f64>,
    contributions: Vec<Vec<f64>>,
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/models")
}

fn load(name: &str) -> (Model, Expected) {
    let dir = fixtures();
    let expected: Expected =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.expected.json"))).unwrap()).unwrap();
    let text = std::fs::read_to_string(dir.join(&expected.model_file)).unwrap();
    let model = match expected.library.as_str() {
        "xgboost" => Model::from_xgboost_json(&text).unwrap(),
        "lightgbm" => Model::from_lightgbm_text(&text).unwrap(),
        other => panic!("unknown library {other}"),
    };
    (model, expected)
}

fn row(values: &[Option<f64>]) -> Vec<f32> {
    // Fixture values are f32s written as f64, so the cast is exact.
    values.iter().map(|v| v.map_or(f32::NAN, |v| v as f32)).collect()
}

struct Report {
    margin: f64,
    probability: f64,
    shap: f64,
    shap_sum: f64,
}

fn check(name: &str) -> Report {
    let (model, expected) = load(name);
    assert_eq!(model.feature_names, expected.feature_names, "{name}: feature names");
    assert_eq!(model.info.source, expected.library);
    assert!(expected.rows.len() >= 100, "{name}: too few rows");
    let mut report = Report { margin: 0.0, probability: 0.0, shap: 0.0, shap_sum: 0.0 };
    let mut contribs = Vec::new();
    for (i, values) in expected.rows.iter().enumerate() {
        let x = row(values);
        let margin = model.margin(&x);
        let dm = (margin - expected.margins[i]).abs();
        assert!(dm <= MARGIN_TOLERANCE, "{name} row {i}: margin {margin} vs {} ({dm:e})", expected.margins[i]);
        report.margin = report.margin.max(dm);
        if expected.library == "xgboost" {
            // XGBoost's margin is an f32 and Ward reproduces its f32 sum bit for bit.
            assert_eq!(margin as f32, expected.margins[i] as f32, "{name} row {i}: margin not bit-exact");
        }

        // The fixtures' probabilities come from the libraries' own (f32 for XGBoost) sigmoid.
        let dp = (model.probability(margin) - expected.probabilities[i]).abs();
        assert!(dp <= 1e-6, "{name} row {i}: probability differs by {dp:e}");
        report.probability = report.probability.max(dp);

        model.contributions(&x, &mut contribs);
        assert_eq!(contribs.len(), model.n_features() + 1);
        for (j, (&got, &want)) in contribs.iter().zip(&expected.contributions[i]).enumerate() {
            let d = (got - want).abs();
            assert!(d <= SHAP_TOLERANCE, "{name} row {i} feature {j}: SHAP {got} vs {want} ({d:e})");
            report.shap = report.shap.max(d);
        }
        let ds = (contribs.iter().sum::<f64>() - margin).abs();
        assert!(ds <= SHAP_TOLERANCE, "{name} row {i}: contributions sum to margin +- {ds:e}");
        report.shap_sum = report.shap_sum.max(ds);
    }
    eprintln!(
        "{name} ({} {}): {} rows, max |margin err| {:e}, |prob err| {:e}, |SHAP err| {:e}, |sum - margin| {:e}",
        expected.library,
        expected.library_version,
        expected.rows.len(),
        report.margin,
        report.probability,
        report.shap,
        report.shap_sum
    );
    report
}

#[test]
fn xgboost_depth5() {
    check("xgb_depth5");
}

#[test]
fn xgboost_exact_pruned_depth4() {
    check("xgb_exact_depth4");
}

#[test]
fn lightgbm_default() {
    check("lgb_default");
}

#[test]
fn lightgbm_use_missing_false() {
    check("lgb_no_missing");
}

#[test]
fn lightgbm_zero_as_missing() {
    check("lgb_zero_missing");
}

#[test]
fn fixture_models_survive_a_postcard_round_trip() {
    for name in ["xgb_depth5", "lgb_zero_missing"] {
        let (model, expected) = load(name);
        let bytes = postcard::to_allocvec(&model).unwrap();
        let back: Model = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, model);
        let x = row(&expected.rows[0]);
        assert_eq!(back.margin(&x).to_bits(), model.margin(&x).to_bits());
    }
}
