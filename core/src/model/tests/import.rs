//! Importer behaviour: decisions, missing values, and errors a user can act on.

use super::super::{Model, ModelError};
use super::{LGB_TEXT, LGB_ZERO_TEXT, XGB_JSON, XGB_PRUNED_JSON, lgb, tiny_lgb, xgb};

fn xgb_error(text: &str) -> ModelError {
    Model::from_xgboost_json(text).expect_err("should be rejected")
}

fn lgb_error(text: &str) -> ModelError {
    Model::from_lightgbm_text(text).expect_err("should be rejected")
}

#[test]
fn reads_names_and_shape() {
    let m = xgb();
    assert_eq!(m.n_features(), 8);
    assert_eq!(m.feature_names[3], "attempts_24h");
    assert_eq!(m.feature_index("velocity_1h"), Some(7));
    assert_eq!(m.n_trees(), 50);
    assert!(m.max_depth() <= 5 && m.max_depth() >= 1);
    assert_eq!(m.info.source, "xgboost");
    assert_eq!(m.info.source_version, "3.2.0");
    assert_eq!(m.info.objective, "binary:logistic");
    let m = lgb();
    assert_eq!((m.n_features(), m.n_trees(), m.info.source.as_str()), (8, 40, "lightgbm"));
    assert_eq!(m.info.source_version, "v4");
}

#[test]
fn pruned_xgboost_nodes_are_dropped() {
    // The exact-method fixture has deleted (unreachable) nodes in its arrays.
    let m = Model::from_xgboost_json(XGB_PRUNED_JSON).unwrap();
    let doc: serde_json::Value = serde_json::from_str(XGB_PRUNED_JSON).unwrap();
    let stored: usize = doc["learner"]["gradient_booster"]["model"]["trees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["left_children"].as_array().unwrap().len())
        .sum();
    assert!((m.info.n_nodes as usize) < stored);
}

#[test]
fn lightgbm_missing_types() {
    // decision_type: bit 1 default-left, bits 2-3 missing type (0 None, 1 Zero, 2 NaN).
    let m = |d| Model::from_lightgbm_text(&tiny_lgb(d)).unwrap();
    let nan = f32::NAN;
    let (left, right) = (-1.0 + 0.25, 2.0 + 0.25);
    // None: NaN reads as 0.0, and 0.0 <= 0.5 goes left whatever the default bit says.
    assert_eq!(m(0).margin(&[nan, 0.0]), left);
    assert_eq!(m(2).margin(&[nan, 0.0]), left);
    assert_eq!(m(0).margin(&[0.7, 0.0]), right);
    // NaN type: NaN takes the default branch; zero is an ordinary value.
    assert_eq!(m(8).margin(&[nan, 0.0]), right);
    assert_eq!(m(10).margin(&[nan, 0.0]), left);
    assert_eq!(m(8).margin(&[0.0, 0.0]), left);
    // Zero type: zero, tiny values and NaN take the default branch.
    for v in [0.0, -0.0, 1e-36, -1e-35, nan] {
        assert_eq!(m(4).margin(&[v, 0.0]), right, "{v}");
        assert_eq!(m(6).margin(&[v, 0.0]), left, "{v}");
    }
    assert_eq!(m(4).margin(&[1e-30, 0.0]), left);
    // Threshold itself: LightGBM goes left on equality.
    assert_eq!(m(0).margin(&[0.5, 0.0]), left);
    assert_eq!(m(0).margin(&[0.5f32.next_up(), 0.0]), right);
}

#[test]
fn short_slices_read_as_missing() {
    for m in [xgb(), lgb(), Model::from_lightgbm_text(LGB_ZERO_TEXT).unwrap()] {
        let full = [120.0f32, 30.0, 5.0, 0.0, 800.0, 3.0, 1.0, 0.5];
        for k in 0..=8 {
            let mut padded = full;
            padded[k..].fill(f32::NAN);
            assert_eq!(m.margin(&full[..k]).to_bits(), m.margin(&padded).to_bits());
            let (mut a, mut b) = (Vec::new(), Vec::new());
            m.contributions(&full[..k], &mut a);
            m.contributions(&padded, &mut b);
            assert_eq!(a, b);
        }
        // Extra values are ignored.
        let mut long = full.to_vec();
        long.extend([1.0; 5]);
        assert_eq!(m.margin(&long), m.margin(&full));
    }
}

#[test]
fn xgboost_errors_name_the_path() {
    let err = xgb_error("{\"learner\": 3}");
    assert!(matches!(&err, ModelError::XgboostJson { path, .. } if path == "learner"), "{err}");

    let no_names = XGB_JSON.replacen("\"feature_names\":[", "\"no_names\":[", 1);
    let err = xgb_error(&no_names);
    assert!(err.to_string().contains("learner.feature_names") && err.to_string().contains("DMatrix"), "{err}");

    let bad_cond = XGB_JSON.replacen("\"split_conditions\":[", "\"split_conditions\":[\"x\",", 1);
    let err = xgb_error(&bad_cond);
    assert!(err.to_string().contains("trees[0].split_conditions[0]"), "{err}");

    // Point the first tree's root at feature 99.
    let key = "\"split_indices\":[";
    let start = XGB_JSON.find(key).unwrap() + key.len();
    let end = start + XGB_JSON[start..].find(',').unwrap();
    let bad_feature = format!("{}99{}", &XGB_JSON[..start], &XGB_JSON[end..]);
    let err = xgb_error(&bad_feature);
    assert!(err.to_string().contains("trees[0].split_indices[0]`: feature 99"), "{err}");

    let err = xgb_error(&XGB_JSON.replace("binary:logistic", "reg:squarederror"));
    assert!(matches!(err, ModelError::Unsupported(_)) && err.to_string().contains("binary:logistic"), "{err}");

    let err = xgb_error(&XGB_JSON.replacen("\"name\":\"gbtree\"", "\"name\":\"dart\"", 1));
    assert!(err.to_string().contains("gbtree"), "{err}");

    let err = xgb_error(&XGB_JSON.replacen("\"split_type\":[0", "\"split_type\":[1", 1));
    assert!(err.to_string().contains("categorical"), "{err}");
}

#[test]
fn xgboost_base_score_forms() {
    // Both the XGBoost >= 2 vector form and the older scalar form give the same margin.
    let doc: serde_json::Value = serde_json::from_str(XGB_JSON).unwrap();
    let base = doc["learner"]["learner_model_param"]["base_score"].as_str().unwrap().to_owned();
    assert!(base.starts_with('['));
    let scalar = XGB_JSON.replacen(&format!("\"{base}\""), &format!("\"{}\"", base.trim_matches(['[', ']'])), 1);
    let (a, b) = (xgb(), Model::from_xgboost_json(&scalar).unwrap());
    assert_eq!(a.margin(&[f32::NAN; 8]), b.margin(&[f32::NAN; 8]));
    let err = xgb_error(&XGB_JSON.replacen(&format!("\"{base}\""), "\"[1.5E0]\"", 1));
    assert!(err.to_string().contains("base_score"), "{err}");
}

#[test]
fn lightgbm_errors_name_the_line() {
    let err = lgb_error("hello");
    assert!(matches!(err, ModelError::LightgbmText { line: 1, .. }), "{err}");

    let no_names: String =
        LGB_TEXT.lines().filter(|l| !l.starts_with("feature_names=")).map(|l| format!("{l}\n")).collect();
    let err = lgb_error(&no_names);
    assert!(err.to_string().contains("feature_names"), "{err}");

    let err = lgb_error(&tiny_lgb(1));
    assert!(err.to_string().contains("categorical"), "{err}");

    let err = lgb_error(&tiny_lgb(12));
    assert!(matches!(err, ModelError::LightgbmText { line: 18, .. }), "{err}");

    let err = lgb_error(&tiny_lgb(0).replace("left_child=-1", "left_child=-7"));
    assert!(matches!(err, ModelError::LightgbmText { line: 19, .. }), "{err}");

    let err = lgb_error(&tiny_lgb(0).replace("threshold=0.5", "threshold=0.5 0.7"));
    assert!(matches!(err, ModelError::LightgbmText { line: 17, .. }), "{err}");

    let err = lgb_error(&tiny_lgb(0).replace("sigmoid:1", "sigmoid:2"));
    assert!(matches!(err, ModelError::Unsupported(_)), "{err}");

    let err = lgb_error(&tiny_lgb(0).replace("objective=binary", "objective=regression"));
    assert!(err.to_string().contains("objective=binary"), "{err}");

    let err = lgb_error(&tiny_lgb(0).replace("split_feature=0", "split_feature=5"));
    assert!(matches!(err, ModelError::LightgbmText { line: 12, .. }), "{err}");

    let truncated = &LGB_TEXT[..LGB_TEXT.len() / 2];
    let err = lgb_error(truncated);
    assert!(err.to_string().contains("end of trees") || err.to_string().contains("line"), "{err}");
}

#[test]
fn single_leaf_trees_contribute_only_to_the_bias() {
    let m = Model::from_lightgbm_text(&tiny_lgb(0)).unwrap();
    assert_eq!(m.n_trees(), 2);
    let mut out = Vec::new();
    m.contributions(&[0.9, 0.0], &mut out);
    // Tree 0: E = (30 * -1 + 10 * 2) / 40 = -0.25; tree 1: 0.25.
    let expected = [2.0 - -0.25, 0.0, -0.25 + 0.25];
    assert!(out.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12), "{out:?}");
    assert!((out.iter().sum::<f64>() - m.margin(&[0.9, 0.0])).abs() < 1e-12);
}
