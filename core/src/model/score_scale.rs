//! The fixed scale from calibrated fraud probability to Ward's 0–99 `risk_score`.
//!
//! The scale is the same for every model, so a score keeps its meaning across retrains: a
//! rule like `:risk_score: >= 75` always means "at least a 25% chance of fraud", whichever model
//! produced it. It is piecewise-linear in probability between these knots:
//!
//! | probability | 0 | 0.5% | 2% | 5% | 10% | 25% | 50% | 90% | 100% |
//! |-------------|---|------|----|----|-----|-----|-----|-----|------|
//! | score       | 0 | 10   | 30 | 50 | 65  | 75  | 85  | 95  | 99   |
//!
//! The scale spends most of its range on small probabilities, where almost all payments are.
//! The continuous value is rounded half up and clamped to `0..=99`.

/// The standard knots: (probability, score), strictly increasing in both.
const STANDARD: [(f64, f64); 9] = [
    (0.0, 0.0),
    (0.005, 10.0),
    (0.02, 30.0),
    (0.05, 50.0),
    (0.10, 65.0),
    (0.25, 75.0),
    (0.50, 85.0),
    (0.90, 95.0),
    (1.0, 99.0),
];

/// Highest risk score.
pub const MAX_RISK_SCORE: u8 = 99;

/// A monotone piecewise-linear map from probability to risk score. Only
/// [`ScoreScale::standard`] exists, so scores are comparable across models.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreScale {
    knots: &'static [(f64, f64)],
}

impl ScoreScale {
    /// Ward's standard scale (see the module docs for the knots).
    pub const fn standard() -> ScoreScale {
        ScoreScale { knots: &STANDARD }
    }

    /// The (probability, score) knots.
    pub fn knots(&self) -> &'static [(f64, f64)] {
        self.knots
    }

    /// The unrounded score for probability `p` (clamped to [0, 1]; NaN counts as 0).
    pub fn score(&self, p: f64) -> f64 {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        for w in self.knots.windows(2) {
            let ((p0, s0), (p1, s1)) = (w[0], w[1]);
            if p <= p1 {
                return s0 + (s1 - s0) * ((p - p0) / (p1 - p0));
            }
        }
        self.knots.last().map_or(0.0, |k| k.1)
    }

    /// The integer risk score for probability `p`: [`ScoreScale::score`] rounded half up and
    /// clamped to `0..=99`. A NaN probability (which no valid model produces) scores 0.
    pub fn risk_score(&self, p: f64) -> u8 {
        let rounded = libm::floor(self.score(p) + 0.5);
        rounded.clamp(0.0, f64::from(MAX_RISK_SCORE)) as u8
    }

    /// The probability at which the continuous scale equals `score` exactly (the middle of the
    /// band of probabilities that round to it). Scores above 99 give 1.
    pub fn probability_at(&self, score: u8) -> f64 {
        self.inverse(f64::from(score))
    }

    /// The lowest probability whose risk score is at least `score`: the threshold a rule
    /// `risk_score >= score` effectively applies. 0 for score 0; above 99, 1.
    pub fn threshold_probability(&self, score: u8) -> f64 {
        if score == 0 {
            return 0.0;
        }
        if score > MAX_RISK_SCORE {
            return 1.0;
        }
        // The analytic inverse can be a few ulps off the rounding boundary; step to the exact
        // smallest f64 that scores `score` (bounded, as the error is tiny).
        let mut p = self.inverse(f64::from(score) - 0.5);
        for _ in 0..64 {
            if self.risk_score(p) >= score {
                break;
            }
            p = p.next_up();
        }
        for _ in 0..64 {
            let below = p.next_down();
            if below < 0.0 || self.risk_score(below) < score {
                break;
            }
            p = below;
        }
        p
    }

    fn inverse(&self, s: f64) -> f64 {
        for w in self.knots.windows(2) {
            let ((p0, s0), (p1, s1)) = (w[0], w[1]);
            if s <= s1 {
                return p0 + (p1 - p0) * ((s - s0) / (s1 - s0)).max(0.0);
            }
        }
        self.knots.last().map_or(1.0, |k| k.0)
    }
}

/// [`ScoreScale::risk_score`] on the standard scale.
pub fn risk_score(p: f64) -> u8 {
    ScoreScale::standard().risk_score(p)
}

/// [`ScoreScale::probability_at`] on the standard scale.
pub fn probability_at(score: u8) -> f64 {
    ScoreScale::standard().probability_at(score)
}
