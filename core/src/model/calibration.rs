//! Calibration: from a model's raw margin to a fraud probability that means what it says.
//!
//! Boosted trees' own sigmoid is often over- or under-confident, and class re-weighting or
//! down-sampling during training shifts it further. Ward calibrates on held-out data with either
//! Platt scaling (a fitted sigmoid, two parameters, smooth) or isotonic regression (monotone
//! piecewise-linear, more flexible, needs more data). All arithmetic uses `libm` so native and
//! WebAssembly builds agree to the bit.

use serde::{Deserialize, Serialize};

use super::error::ModelError;

/// How a margin becomes a probability. Always non-decreasing in the margin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Calibration {
    /// The model's own link: `p = 1 / (1 + exp(-margin))`.
    Sigmoid,
    /// Platt scaling: `p = 1 / (1 + exp(-(a * margin + b)))`.
    Platt {
        /// Slope on the margin; positive.
        a: f64,
        /// Intercept.
        b: f64,
    },
    /// Isotonic regression: linear interpolation between knots, constant beyond the ends.
    Isotonic {
        /// Knots with strictly increasing margins and non-decreasing probabilities.
        knots: Vec<Knot>,
    },
}

/// One point of an isotonic calibration curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Knot {
    /// The model margin.
    pub margin: f64,
    /// The calibrated probability at that margin.
    pub probability: f64,
}

/// The logistic function, computed without overflow for any finite or infinite input.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + libm::exp(-z))
    } else {
        let e = libm::exp(z);
        e / (1.0 + e)
    }
}

impl Calibration {
    /// The calibrated probability for `margin` (NaN in, NaN out).
    pub fn probability(&self, margin: f64) -> f64 {
        if margin.is_nan() {
            return f64::NAN;
        }
        match self {
            Calibration::Sigmoid => sigmoid(margin),
            Calibration::Platt { a, b } => sigmoid(a * margin + b),
            Calibration::Isotonic { knots } => interpolate(knots, margin),
        }
    }

    /// Checks the parameters keep the mapping finite and non-decreasing.
    pub fn validate(&self) -> Result<(), ModelError> {
        let bad = |m: &str| Err(ModelError::Calibration(m.into()));
        match self {
            Calibration::Sigmoid => Ok(()),
            Calibration::Platt { a, b } => {
                if !a.is_finite() || !b.is_finite() {
                    bad("Platt parameters must be finite")
                } else if *a <= 0.0 {
                    bad("Platt slope `a` must be positive (the score must rise with the margin)")
                } else {
                    Ok(())
                }
            }
            Calibration::Isotonic { knots } => {
                if knots.is_empty() {
                    return bad("isotonic calibration has no knots");
                }
                if knots.iter().any(|k| !k.margin.is_finite() || !(0.0..=1.0).contains(&k.probability)) {
                    return bad("isotonic knots need finite margins and probabilities in [0, 1]");
                }
                if knots.windows(2).any(|w| w[1].margin <= w[0].margin || w[1].probability < w[0].probability) {
                    return bad("isotonic knots must have increasing margins and non-decreasing probabilities");
                }
                Ok(())
            }
        }
    }
}

fn interpolate(knots: &[Knot], margin: f64) -> f64 {
    let (Some(first), Some(last)) = (knots.first(), knots.last()) else { return f64::NAN };
    if margin <= first.margin {
        return first.probability;
    }
    if margin >= last.margin {
        return last.probability;
    }
    // First knot strictly above the margin; 1..len by the checks above (for sorted knots).
    let i = knots.partition_point(|k| k.margin <= margin).clamp(1, knots.len() - 1);
    let (lo, hi) = (knots[i - 1], knots[i]);
    let t = (margin - lo.margin) / (hi.margin - lo.margin);
    lo.probability + t * (hi.probability - lo.probability)
}

fn check_data(margins: &[f64], labels: &[bool]) -> Result<(usize, usize), ModelError> {
    if margins.len() != labels.len() {
        return Err(ModelError::Calibration(format!(
            "{} margins but {} labels; they must pair up",
            margins.len(),
            labels.len()
        )));
    }
    if margins.iter().any(|m| !m.is_finite()) {
        return Err(ModelError::Calibration("margins must be finite".into()));
    }
    let positives = labels.iter().filter(|&&l| l).count();
    let negatives = labels.len() - positives;
    if positives == 0 || negatives == 0 {
        return Err(ModelError::Calibration(format!(
            "calibration needs both fraudulent and legitimate examples (got {positives} and {negatives})"
        )));
    }
    Ok((positives, negatives))
}

/// Fits Platt scaling to held-out `(margin, is_fraud)` pairs.
///
/// Maximum likelihood with Platt's smoothed targets (`(N+ + 1)/(N+ + 2)` and `1/(N- + 2)`,
/// which keep the fit finite on separable data), solved by Newton's method with backtracking
/// as in Lin, Lin & Weng (2007), "A note on Platt's probabilistic outputs for support vector
/// machines". Errors if the data has one class only, or the fitted slope is not positive (the
/// model ranks fraud below legitimate traffic on this data).
pub fn fit_platt(margins: &[f64], labels: &[bool]) -> Result<Calibration, ModelError> {
    let (pos, neg) = check_data(margins, labels)?;
    let hi = (pos as f64 + 1.0) / (pos as f64 + 2.0);
    let lo = 1.0 / (neg as f64 + 2.0);
    let target = |l: bool| if l { hi } else { lo };
    // Negative log-likelihood of p = sigmoid(a m + b), written to avoid overflow.
    let nll = |a: f64, b: f64| -> f64 {
        let mut f = 0.0;
        for (&m, &l) in margins.iter().zip(labels) {
            let z = a * m + b;
            let t = target(l);
            f += if z >= 0.0 { (1.0 - t) * z + libm::log1p(libm::exp(-z)) } else { -t * z + libm::log1p(libm::exp(z)) };
        }
        f
    };
    let (mut a, mut b) = (0.0, libm::log((pos as f64 + 1.0) / (neg as f64 + 1.0)));
    let mut f = nll(a, b);
    let tolerance = 1e-10 * margins.len() as f64;
    for _ in 0..100 {
        // Gradient and Hessian of the NLL (plus a tiny ridge so the Hessian stays invertible).
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (&m, &l) in margins.iter().zip(labels) {
            let p = sigmoid(a * m + b);
            let d2 = p * (1.0 - p);
            h11 += m * m * d2;
            h22 += d2;
            h21 += m * d2;
            let d1 = p - target(l);
            g1 += m * d1;
            g2 += d1;
        }
        if g1.abs() < tolerance && g2.abs() < tolerance {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(h11 * g2 - h21 * g1) / det;
        let slope = g1 * da + g2 * db;
        let mut step = 1.0;
        let mut moved = false;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = nll(na, nb);
            if nf < f + 1e-4 * step * slope {
                (a, b, f) = (na, nb, nf);
                moved = true;
                break;
            }
            step /= 2.0;
        }
        if !moved {
            break;
        }
    }
    let cal = Calibration::Platt { a, b };
    cal.validate()?;
    Ok(cal)
}

/// Fits isotonic regression to held-out `(margin, is_fraud)` pairs by pool-adjacent-violators.
///
/// The result is the non-decreasing step fit at each distinct margin, interpolated linearly
/// between distinct margins (as scikit-learn's `IsotonicRegression` predicts) and held
/// constant beyond the data. Runs of equal fitted values are stored as their two end knots.
pub fn fit_isotonic(margins: &[f64], labels: &[bool]) -> Result<Calibration, ModelError> {
    check_data(margins, labels)?;
    let mut pairs: Vec<(f64, bool)> = margins.iter().copied().zip(labels.iter().copied()).collect();
    pairs.sort_by(|x, y| x.0.total_cmp(&y.0));

    // A block: summed labels, count, and its first and last distinct margins.
    struct Block {
        sum: f64,
        count: f64,
        first: f64,
        last: f64,
    }
    let mut blocks: Vec<Block> = Vec::new();
    for (m, l) in pairs {
        let y = if l { 1.0 } else { 0.0 };
        match blocks.last_mut() {
            // Equal margins must get one fitted value, so they always share a block.
            Some(b) if b.last == m => {
                b.sum += y;
                b.count += 1.0;
            }
            _ => blocks.push(Block { sum: y, count: 1.0, first: m, last: m }),
        }
        // Pool while the newest block's mean is not above its predecessor's.
        while blocks.len() >= 2 {
            let n = blocks.len();
            let (prev, cur) = (&blocks[n - 2], &blocks[n - 1]);
            if cur.sum * prev.count > prev.sum * cur.count {
                break;
            }
            if let Some(cur) = blocks.pop()
                && let Some(prev) = blocks.last_mut()
            {
                prev.sum += cur.sum;
                prev.count += cur.count;
                prev.last = cur.last;
            }
        }
    }
    let mut knots = Vec::with_capacity(blocks.len() * 2);
    for b in &blocks {
        let probability = b.sum / b.count;
        knots.push(Knot { margin: b.first, probability });
        if b.last > b.first {
            knots.push(Knot { margin: b.last, probability });
        }
    }
    let cal = Calibration::Isotonic { knots };
    cal.validate()?;
    Ok(cal)
}
