//! `validate` rejects every kind of corruption, and deserialisation runs it.

use super::super::ensemble::LEAF_BIT;
use super::super::{Calibration, Knot, Model, ModelError};
use super::{lgb, xgb};

fn assert_invalid(model: &Model, what: &str) {
    let err = model.validate().expect_err(what);
    assert!(matches!(err, ModelError::Invalid(_) | ModelError::Calibration(_)), "{what}: {err}");
    // A corrupted model must not survive a serialise/deserialise round trip either.
    let bytes = postcard::to_allocvec(model).unwrap();
    assert!(postcard::from_bytes::<Model>(&bytes).is_err(), "{what}: deserialised");
    // And prediction on it must still terminate without panicking.
    let x = [0.5f32; 8];
    let _ = model.margin(&x);
    let mut out = Vec::new();
    model.contributions(&x, &mut out);
}

fn first_internal_child(m: &Model) -> usize {
    m.ensemble.nodes.iter().position(|n| n.left & LEAF_BIT == 0).unwrap()
}

#[test]
fn imported_models_are_valid() {
    xgb().validate().unwrap();
    lgb().validate().unwrap();
}

#[test]
fn rejects_backward_child() {
    let mut m = xgb();
    let i = first_internal_child(&m);
    m.ensemble.nodes[i].left = i as u32; // self-loop
    assert_invalid(&m, "self loop");
    let mut m = xgb();
    m.ensemble.nodes[5].right = 0; // back to the root: a cycle
    assert_invalid(&m, "cycle");
}

#[test]
fn rejects_out_of_range_children() {
    let mut m = xgb();
    m.ensemble.nodes[0].left = m.ensemble.nodes.len() as u32;
    assert_invalid(&m, "node out of range");
    let mut m = lgb();
    let i = m.ensemble.nodes.iter().position(|n| n.right & LEAF_BIT != 0).unwrap();
    m.ensemble.nodes[i].right = LEAF_BIT | m.ensemble.leaves.len() as u32;
    assert_invalid(&m, "leaf out of range");
}

#[test]
fn rejects_shared_nodes() {
    let mut m = xgb();
    let i = first_internal_child(&m);
    let shared = m.ensemble.nodes[i].left;
    m.ensemble.nodes[i].right = shared;
    assert_invalid(&m, "both children the same");
}

#[test]
fn rejects_bad_features_thresholds_and_values() {
    let mut m = xgb();
    m.ensemble.nodes[3].feature_flags = (m.ensemble.nodes[3].feature_flags & !0x3fff_ffff) | 8;
    assert_invalid(&m, "feature index == n_features");
    let mut m = xgb();
    m.ensemble.nodes[3].threshold = f32::NAN;
    assert_invalid(&m, "NaN threshold");
    let mut m = lgb();
    m.ensemble.leaves[7] = f64::INFINITY;
    assert_invalid(&m, "infinite leaf");
    let mut m = lgb();
    m.ensemble.node_cover[2] = 0.0;
    assert_invalid(&m, "zero cover");
    let mut m = lgb();
    m.ensemble.tree_expected[0] = f64::NAN;
    assert_invalid(&m, "NaN expected value");
    let mut m = xgb();
    m.ensemble.base_margin = f64::NEG_INFINITY;
    assert_invalid(&m, "infinite base margin");
}

#[test]
fn rejects_shape_mismatches() {
    let mut m = xgb();
    m.ensemble.leaves.push(0.0);
    m.ensemble.leaf_cover.push(1.0);
    assert_invalid(&m, "unreachable leaf");
    let mut m = xgb();
    m.ensemble.node_cover.pop();
    assert_invalid(&m, "short cover array");
    let mut m = xgb();
    m.ensemble.max_depth = 2;
    assert_invalid(&m, "understated depth");
    let mut m = xgb();
    m.ensemble.roots.clear();
    m.ensemble.tree_expected.clear();
    assert_invalid(&m, "no trees");
    let mut m = xgb();
    m.ensemble.roots.truncate(10);
    m.ensemble.tree_expected.truncate(10);
    assert_invalid(&m, "dropped trees leave unreachable nodes");
}

#[test]
fn rejects_inconsistent_names_and_info() {
    let mut m = xgb();
    m.feature_names.pop();
    assert_invalid(&m, "too few names");
    let mut m = xgb();
    m.feature_names[1] = m.feature_names[0].clone();
    assert_invalid(&m, "duplicate name");
    let mut m = xgb();
    m.feature_names[1] = String::new();
    assert_invalid(&m, "empty name");
    let mut m = xgb();
    m.info.n_trees += 1;
    assert_invalid(&m, "info");
}

#[test]
fn rejects_bad_calibration() {
    let bad = [
        Calibration::Platt { a: -1.0, b: 0.0 },
        Calibration::Platt { a: 1.0, b: f64::NAN },
        Calibration::Isotonic { knots: vec![] },
        Calibration::Isotonic {
            knots: vec![Knot { margin: 0.0, probability: 0.5 }, Knot { margin: 0.0, probability: 0.6 }],
        },
        Calibration::Isotonic {
            knots: vec![Knot { margin: 0.0, probability: 0.5 }, Knot { margin: 1.0, probability: 0.4 }],
        },
        Calibration::Isotonic { knots: vec![Knot { margin: 0.0, probability: 1.5 }] },
    ];
    for cal in bad {
        assert!(xgb().with_calibration(cal.clone()).is_err(), "{cal:?}");
        let mut m = xgb();
        m.calibration = cal;
        assert_invalid(&m, "calibration");
    }
}

#[test]
fn valid_model_round_trips() {
    let m = lgb().with_calibration(Calibration::Platt { a: 0.9, b: -0.3 }).unwrap();
    let bytes = postcard::to_allocvec(&m).unwrap();
    assert_eq!(postcard::from_bytes::<Model>(&bytes).unwrap(), m);
}

#[test]
fn truncated_bundles_are_rejected_without_panicking() {
    let bytes = postcard::to_allocvec(&xgb()).unwrap();
    for len in (0..bytes.len()).step_by(97) {
        assert!(postcard::from_bytes::<Model>(&bytes[..len]).is_err());
    }
}
