//! Risk factors: why a payment scored the way it did.

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// Where a risk factor comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// A model feature that pushed the score up (an exact TreeSHAP contribution).
    Model,
    /// The rule that decided the outcome.
    Rule,
    /// A Stripe test card that simulates a risk level.
    TestCard,
}

/// One reason behind an elevated or highest outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskFactor {
    /// What kind of factor this is.
    pub kind: FactorKind,
    /// The attribute behind it (model factors), or the rule id (rule factors).
    pub name: String,
    /// A sentence a reviewer can read.
    pub description: String,
    /// The attribute's value for this payment, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Contribution to the model's log-odds (model factors), rounded to 4 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contribution: Option<f64>,
}

/// How many model factors an assessment names at most.
pub const MAX_MODEL_FACTORS: usize = 5;

/// Contributions smaller than this (in log-odds) are not worth naming.
pub const MIN_CONTRIBUTION: f64 = 0.05;

/// Picks the model features that pushed the score up the most: indices into the feature list,
/// largest contribution first, ties broken by index so every runtime agrees.
pub fn top_contributions(contributions: &[f64], n_features: usize) -> Vec<(usize, f64)> {
    let mut top: Vec<(usize, f64)> =
        contributions.iter().take(n_features).copied().enumerate().filter(|(_, c)| *c >= MIN_CONTRIBUTION).collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(MAX_MODEL_FACTORS);
    top
}

/// A readable sentence for a model factor: booleans read as the attribute's meaning,
/// numbers add their value, a missing value says it was missing.
pub fn describe(description: &str, value: Option<&Value>) -> String {
    let description = &upper_first(description);
    match value {
        Some(Value::Bool(true)) => description.to_owned(),
        Some(Value::Bool(false)) => format!("Not the case: {}", lower_first(description)),
        Some(Value::Num(n)) => format!("{description}: {}", format_number(*n)),
        Some(Value::Str(s)) => format!("{description}: {s}"),
        None => format!("{description}: not provided"),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Integers without a decimal point, others with up to two decimals.
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let r = libm::round(n * 100.0) / 100.0;
        format!("{r}")
    }
}

/// Rounds a contribution for display (4 decimals).
pub fn round4(x: f64) -> f64 {
    libm::round(x * 10_000.0) / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_largest_positive_contributions() {
        let c = [0.3, -1.0, 0.01, 0.9, 0.3, 0.2, 0.1, 0.6, 5.0];
        let top = top_contributions(&c, 8);
        let idx: Vec<usize> = top.iter().map(|t| t.0).collect();
        assert_eq!(idx, vec![3, 7, 0, 4, 5]);
    }

    #[test]
    fn descriptions_read_well() {
        assert_eq!(
            describe("Card country differs from IP country", Some(&Value::Bool(true))),
            "Card country differs from IP country"
        );
        assert_eq!(
            describe("Charges on this card in the last hour", Some(&Value::Num(7.0))),
            "Charges on this card in the last hour: 7"
        );
        assert_eq!(describe("Amount", Some(&Value::Num(12.345))), "Amount: 12.35");
        assert_eq!(describe("Seconds since", None), "Seconds since: not provided");
    }
}
