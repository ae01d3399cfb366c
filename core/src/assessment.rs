//! The assessment: what the engine says about one payment.

use serde::{Deserialize, Serialize};

use crate::error::StripeError;
use crate::outcome::{Outcome, RiskFactor, RuleRef};

/// The result of scoring one payment with one bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Always `risk_assessment`.
    pub object: String,
    /// The payment's id, if it had one.
    pub payment: Option<String>,
    /// Live or test mode, as the payment said.
    pub livemode: bool,
    /// When the payment was created (Unix seconds): the time the evaluation refers to.
    pub created: i64,
    /// Id of the bundle that scored it (`bndl_…`, a content hash).
    pub bundle: String,
    /// Stripe's `outcome` object.
    pub outcome: Outcome,
    /// The main reasons behind an elevated or highest outcome, and the deciding rule.
    pub risk_factors: Vec<RiskFactor>,
    /// Every `Request 3D Secure` rule that matched (they do not stop evaluation).
    pub three_d_secure: Vec<RuleRef>,
    /// The calibrated probability of fraud (6 decimals), `null` when not assessed.
    pub fraud_probability: Option<f64>,
    /// For blocked and declined payments, the `card_error` a processor would return.
    pub error: Option<StripeError>,
}

/// `object` of every assessment.
pub const ASSESSMENT_OBJECT: &str = "risk_assessment";
