//! Property tests: no input, however odd, makes the runtime panic, loop or misbehave.

use proptest::prelude::*;

use super::super::ensemble::LEAF_BIT;
use super::super::lightgbm::strict_f32_threshold;
use super::super::{Calibration, Model, ScoreScale, fit_isotonic};
use super::{LGB_TEXT, LGB_ZERO_TEXT, XGB_JSON, lgb, xgb};

fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -1000.0f32..1000.0,
        1 => Just(f32::NAN),
        1 => Just(0.0f32),
        1 => Just(-0.0f32),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(1e-36f32),
        1 => any::<f32>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn margin_and_contributions_never_panic(x in prop::collection::vec(any_f32(), 0..20)) {
        for m in [xgb(), lgb()] {
            let margin = m.margin(&x);
            prop_assert!(margin.is_finite());
            let mut out = Vec::new();
            m.contributions(&x, &mut out);
            prop_assert_eq!(out.len(), m.n_features() + 1);
            let sum: f64 = out.iter().sum();
            prop_assert!((sum - margin).abs() < 1e-5, "sum {} vs margin {}", sum, margin);
            let p = m.probability(margin);
            prop_assert!((0.0..=1.0).contains(&p));
            prop_assert!(m.risk_score(margin) <= 99);
        }
    }

    #[test]
    fn contributions_reuse_the_buffer(x in prop::collection::vec(any_f32(), 8)) {
        let m = lgb();
        let mut out = Vec::new();
        m.contributions(&x, &mut out);
        let (cap, ptr) = (out.capacity(), out.as_ptr());
        m.contributions(&x, &mut out);
        prop_assert_eq!((out.capacity(), out.as_ptr()), (cap, ptr));
    }

    /// The single f32 comparison reproduces LightGBM's `f64::from(x) <= t` for every input.
    #[test]
    fn strict_threshold_matches_lightgbm(t in prop_oneof![any::<f64>(), any::<f32>().prop_map(f64::from)],
                                          x in any::<f32>(), dx in -3i32..=3) {
        prop_assume!(t.is_finite() && !x.is_nan());
        let t32 = strict_f32_threshold(t);
        // Probe x and also values right around the threshold itself.
        let mut near = t as f32;
        for _ in 0..dx.abs() {
            near = if dx > 0 { near.next_up() } else { near.next_down() };
        }
        for v in [x, near] {
            if !v.is_nan() {
                prop_assert_eq!(v < t32, f64::from(v) <= t, "x = {}, t = {}", v, t);
            }
        }
    }

    /// Random corruption of the node arrays either fails validation or leaves a model that
    /// still predicts; in no case does anything panic or hang.
    #[test]
    fn corrupted_models_never_panic(edits in prop::collection::vec((0usize..4, any::<u32>(), any::<usize>()), 1..6),
                                    x in prop::collection::vec(any_f32(), 8)) {
        let mut m = xgb();
        for (kind, value, at) in edits {
            let n = m.ensemble.nodes.len();
            let node = &mut m.ensemble.nodes[at % n];
            match kind {
                0 => node.left = (value % (n as u32 + 2)) | (value & LEAF_BIT),
                1 => node.right = value,
                2 => node.feature_flags = value,
                _ => node.threshold = f32::from_bits(value),
            }
        }
        let _ = m.validate();
        let _ = m.margin(&x);
        let mut out = Vec::new();
        m.contributions(&x, &mut out);
        let bytes = postcard::to_allocvec(&m).unwrap();
        if let Ok(back) = postcard::from_bytes::<Model>(&bytes) {
            prop_assert!(back.validate().is_ok());
        }
    }

    #[test]
    fn garbage_text_is_an_error_not_a_panic(cut in 0usize..100_000, junk in "\\PC{0,40}") {
        for text in [XGB_JSON, LGB_TEXT, LGB_ZERO_TEXT] {
            let mut at = cut % text.len();
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mangled = format!("{}{}{}", &text[..at], junk, &text[at..]);
            let _ = Model::from_xgboost_json(&mangled);
            let _ = Model::from_lightgbm_text(&mangled);
            let _ = Model::from_xgboost_json(&text[..at]);
            let _ = Model::from_lightgbm_text(&text[..at]);
        }
    }

    #[test]
    fn platt_is_monotone(a in 1e-3f64..20.0, b in -20.0f64..20.0, m1 in -1e3f64..1e3, m2 in -1e3f64..1e3) {
        let cal = Calibration::Platt { a, b };
        let (lo, hi) = if m1 <= m2 { (m1, m2) } else { (m2, m1) };
        prop_assert!(cal.probability(lo) <= cal.probability(hi));
    }

    #[test]
    fn isotonic_fit_is_monotone(data in prop::collection::vec((-10.0f64..10.0, any::<bool>()), 2..200),
                                probes in prop::collection::vec(-12.0f64..12.0, 2..20)) {
        let (margins, labels): (Vec<f64>, Vec<bool>) = data.into_iter().unzip();
        prop_assume!(labels.iter().any(|&l| l) && labels.iter().any(|&l| !l));
        let cal = fit_isotonic(&margins, &labels).unwrap();
        let mut probes = probes;
        probes.sort_by(f64::total_cmp);
        let ps: Vec<f64> = probes.iter().map(|&m| cal.probability(m)).collect();
        prop_assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{:?}", ps);
        prop_assert!(ps.iter().all(|p| (0.0..=1.0).contains(p)));
    }

    #[test]
    fn score_scale_is_monotone(p1 in -0.5f64..1.5, p2 in -0.5f64..1.5) {
        let scale = ScoreScale::standard();
        let (lo, hi) = if p1 <= p2 { (p1, p2) } else { (p2, p1) };
        prop_assert!(scale.score(lo) <= scale.score(hi));
        prop_assert!(scale.risk_score(lo) <= scale.risk_score(hi));
    }
}
