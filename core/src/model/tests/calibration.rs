//! Calibration fitting and the risk-score scale.

use super::super::{
    Calibration, Knot, MAX_RISK_SCORE, ScoreScale, fit_isotonic, fit_platt, probability_at, risk_score, sigmoid,
};

/// Deterministic splitmix64 stream for test data.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Margins uniform on [-6, 4] with labels drawn from `sigmoid(a * m + b)`.
fn sample(a: f64, b: f64, n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
    let mut rng = Rng(seed);
    let margins: Vec<f64> = (0..n).map(|_| rng.next_f64() * 10.0 - 6.0).collect();
    let labels = margins.iter().map(|&m| rng.next_f64() < sigmoid(a * m + b)).collect();
    (margins, labels)
}

#[test]
fn platt_recovers_known_parameters() {
    for (a, b) in [(1.0, 0.0), (0.6, -1.2), (1.8, 0.7)] {
        let (m, l) = sample(a, b, 40_000, 7);
        let Calibration::Platt { a: fa, b: fb } = fit_platt(&m, &l).unwrap() else { panic!() };
        assert!((fa - a).abs() < 0.05 && (fb - b).abs() < 0.05, "({a}, {b}) fitted as ({fa}, {fb})");
    }
}

#[test]
fn platt_is_deterministic_and_survives_separable_data() {
    let (m, l) = sample(0.8, -0.5, 5_000, 3);
    assert_eq!(fit_platt(&m, &l).unwrap(), fit_platt(&m, &l).unwrap());
    let margins = [-3.0, -2.0, -1.0, 1.0, 2.0, 3.0];
    let labels = [false, false, false, true, true, true];
    let Calibration::Platt { a, b } = fit_platt(&margins, &labels).unwrap() else { panic!() };
    assert!(a.is_finite() && a > 0.0 && b.is_finite());
}

#[test]
fn fitting_rejects_unusable_data() {
    assert!(fit_platt(&[1.0, 2.0], &[true]).is_err());
    assert!(fit_platt(&[1.0, 2.0], &[true, true]).is_err());
    assert!(fit_platt(&[], &[]).is_err());
    assert!(fit_isotonic(&[f64::NAN, 2.0], &[true, false]).is_err());
    // A model that ranks fraud lower than legitimate traffic gets no Platt calibration.
    assert!(fit_platt(&[-2.0, -1.0, 1.0, 2.0, 3.0], &[true, true, false, true, false]).is_err());
}

#[test]
fn isotonic_pools_adjacent_violators() {
    let margins = [1.0, 2.0, 3.0, 4.0, 5.0, 5.0];
    let labels = [false, true, false, true, true, false];
    let Calibration::Isotonic { knots } = fit_isotonic(&margins, &labels).unwrap() else { panic!() };
    // 2 and 3 pool to 0.5; 4 and the pair at 5 (mean 0.5) pool to 2/3.
    let want = [(1.0, 0.0), (2.0, 0.5), (3.0, 0.5), (4.0, 2.0 / 3.0), (5.0, 2.0 / 3.0)];
    let got: Vec<(f64, f64)> = knots.iter().map(|k| (k.margin, k.probability)).collect();
    assert_eq!(got, want);
    let cal = Calibration::Isotonic { knots };
    assert_eq!(cal.probability(0.0), 0.0);
    assert_eq!(cal.probability(1.5), 0.25);
    assert_eq!(cal.probability(9.0), 2.0 / 3.0);
}

#[test]
fn isotonic_recovers_a_sigmoid() {
    let (m, l) = sample(1.0, -1.0, 50_000, 11);
    let cal = fit_isotonic(&m, &l).unwrap();
    for x in [-4.0, -2.0, -1.0, 0.0, 1.0, 2.0] {
        let (got, want) = (cal.probability(x), sigmoid(x - 1.0));
        assert!((got - want).abs() < 0.05, "at {x}: {got} vs {want}");
    }
}

#[test]
fn calibrations_map_nan_to_nan_and_stay_in_range() {
    let cals = [
        Calibration::Sigmoid,
        Calibration::Platt { a: 2.0, b: 1.0 },
        Calibration::Isotonic { knots: vec![Knot { margin: 0.0, probability: 0.1 }] },
    ];
    for cal in cals {
        assert!(cal.probability(f64::NAN).is_nan());
        for m in [f64::NEG_INFINITY, -1e308, -50.0, 0.0, 50.0, 1e308, f64::INFINITY] {
            let p = cal.probability(m);
            assert!((0.0..=1.0).contains(&p), "{cal:?} at {m}: {p}");
        }
    }
}

#[test]
fn score_scale_hits_its_knots() {
    let scale = ScoreScale::standard();
    let knots =
        [(0.0, 0), (0.005, 10), (0.02, 30), (0.05, 50), (0.10, 65), (0.25, 75), (0.50, 85), (0.90, 95), (1.0, 99)];
    assert_eq!(scale.knots().len(), knots.len());
    for (p, s) in knots {
        assert_eq!(risk_score(p), s, "p = {p}");
        assert_eq!(scale.score(p), f64::from(s));
        assert_eq!(probability_at(s), p, "score {s}");
    }
}

#[test]
fn score_scale_rounds_half_up_and_clamps() {
    // Between 0.5% (10) and 2% (30), each 0.075% is one point: 10.5 at 0.5375%.
    assert_eq!(risk_score(0.005375), 11);
    assert_eq!(risk_score(0.0053), 10);
    assert_eq!(risk_score(-1.0), 0);
    assert_eq!(risk_score(7.0), MAX_RISK_SCORE);
    assert_eq!(risk_score(f64::NAN), 0);
    assert_eq!(risk_score(f64::INFINITY), 99);
}

#[test]
fn score_scale_inverse_round_trips() {
    let scale = ScoreScale::standard();
    let mut last = -1.0;
    for s in 0..=99u8 {
        let p = scale.probability_at(s);
        assert!(p > last, "probability_at is increasing");
        last = p;
        assert_eq!(scale.risk_score(p), s);
        let t = scale.threshold_probability(s);
        assert!(t <= p);
        assert!(scale.risk_score(t) >= s, "threshold for {s}");
        if s > 0 {
            assert!(scale.risk_score(t.next_down()) < s, "threshold for {s}");
        }
    }
    assert_eq!(scale.probability_at(200), 1.0);
}
