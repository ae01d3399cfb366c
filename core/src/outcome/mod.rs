//! Stripe's `outcome` object and the risk factors that explain it.

pub mod factors;
mod level;

pub use factors::{FactorKind, RiskFactor};
pub use level::{RiskLevel, ThresholdError, Thresholds};

use serde::{Deserialize, Serialize};

use crate::rules::Action;

/// `outcome.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeType {
    /// The payment goes ahead.
    Authorized,
    /// The payment goes ahead and waits in the review queue.
    ManualReview,
    /// The issuer declined (test cards simulate this).
    IssuerDeclined,
    /// Radar blocked the payment.
    Blocked,
}

/// `outcome.network_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkStatus {
    /// Sent to the network and approved.
    ApprovedByNetwork,
    /// Sent to the network and declined.
    DeclinedByNetwork,
    /// Never sent (Radar blocked it first).
    NotSentToNetwork,
}

/// `outcome.rule`, expanded: the rule that decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// Rule id.
    pub id: String,
    /// `allow`, `block`, `review` or `request_three_d_secure`.
    pub action: Action,
    /// The rule as written (`Block if :amount_in_usd: > 1000`).
    pub predicate: String,
}

/// Stripe's `charge.outcome`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// What happens to the payment.
    #[serde(rename = "type")]
    pub kind: OutcomeType,
    /// Whether it reached the card network.
    pub network_status: NetworkStatus,
    /// Why (`highest_risk_level`, `elevated_risk_level`, `rule`, `merchant_blacklist`,
    /// `not_assessed_risk_level`, `unknown_risk_level`, an issuer decline code), or `null`.
    pub reason: Option<String>,
    /// The risk level.
    pub risk_level: RiskLevel,
    /// The risk score, 0-99; absent when not assessed.
    pub risk_score: Option<u8>,
    /// The rule that decided, if one did.
    pub rule: Option<RuleRef>,
    /// A sentence for the merchant.
    pub seller_message: String,
}

/// Seller messages, in one place so every runtime says the same words.
pub mod messages {
    /// Normal authorization.
    pub const AUTHORIZED: &str = "Payment complete.";
    /// Authorized by an allow rule.
    pub const ALLOWED_BY_RULE: &str = "Payment complete. An allow rule let this payment through.";
    /// Elevated risk, queued.
    pub const ELEVATED: &str =
        "Ward evaluated this payment as having elevated risk, and placed it in your manual review queue.";
    /// Queued by a review rule.
    pub const REVIEW_RULE: &str = "A review rule placed this payment in your manual review queue.";
    /// Highest risk, blocked.
    pub const HIGHEST: &str = "Ward blocked this payment as too risky.";
    /// Blocked by a custom rule.
    pub const BLOCK_RULE: &str = "Ward blocked this payment because it matched a block rule.";
    /// Blocked by a block list.
    pub const BLOCK_LIST: &str = "Ward blocked this payment because it matches a value on a block list.";
    /// No model in the bundle.
    pub const NOT_ASSESSED: &str =
        "Ward did not assess the risk of this payment: the bundle has no model, or it is not a card payment.";
    /// The model failed.
    pub const UNKNOWN: &str = "Something went wrong while evaluating the risk of this payment.";
    /// The issuer declined.
    pub const ISSUER_DECLINED: &str = "The bank declined this payment.";
    /// The buyer-facing message of a risk block (shown as a generic decline).
    pub const CARD_DECLINED: &str = "Your card was declined.";
}
