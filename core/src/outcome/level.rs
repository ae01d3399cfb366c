//! Risk levels and the thresholds that cut scores into them.

use serde::{Deserialize, Serialize};

/// Radar's `risk_level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Below the elevated threshold.
    Normal,
    /// At or above the elevated threshold.
    Elevated,
    /// At or above the highest threshold.
    Highest,
    /// The bundle has no model.
    NotAssessed,
    /// Evaluation failed.
    Unknown,
}

impl RiskLevel {
    /// Stripe's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Normal => "normal",
            RiskLevel::Elevated => "elevated",
            RiskLevel::Highest => "highest",
            RiskLevel::NotAssessed => "not_assessed",
            RiskLevel::Unknown => "unknown",
        }
    }
}

/// Score thresholds: `elevated` from this score, `highest` from that one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Lowest score that is `elevated` (default 65).
    pub elevated: u8,
    /// Lowest score that is `highest` (default 75).
    pub highest: u8,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { elevated: 65, highest: 75 }
    }
}

/// Thresholds out of order or out of range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("thresholds must satisfy 0 < elevated ({elevated}) < highest ({highest}) <= 99")]
pub struct ThresholdError {
    /// The elevated threshold given.
    pub elevated: u8,
    /// The highest threshold given.
    pub highest: u8,
}

impl Thresholds {
    /// Checks the thresholds are usable.
    pub fn validate(&self) -> Result<(), ThresholdError> {
        let ok = self.elevated > 0 && self.elevated < self.highest && self.highest <= 99;
        ok.then_some(()).ok_or(ThresholdError { elevated: self.elevated, highest: self.highest })
    }

    /// The level a score falls in.
    pub fn level(&self, score: u8) -> RiskLevel {
        if score >= self.highest {
            RiskLevel::Highest
        } else if score >= self.elevated {
            RiskLevel::Elevated
        } else {
            RiskLevel::Normal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_cuts() {
        let t = Thresholds::default();
        assert_eq!(t.level(64), RiskLevel::Normal);
        assert_eq!(t.level(65), RiskLevel::Elevated);
        assert_eq!(t.level(74), RiskLevel::Elevated);
        assert_eq!(t.level(75), RiskLevel::Highest);
        assert_eq!(t.level(99), RiskLevel::Highest);
        assert!(t.validate().is_ok());
        assert!(Thresholds { elevated: 80, highest: 70 }.validate().is_err());
        assert!(Thresholds { elevated: 0, highest: 70 }.validate().is_err());
    }
}
