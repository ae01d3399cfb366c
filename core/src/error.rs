//! Stripe-shaped errors for everything a caller can get wrong.

use serde::{Deserialize, Serialize};

/// The `type` of a Stripe error object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// The request was malformed: a missing, unknown or ill-typed parameter.
    InvalidRequestError,
    /// The card was declined (a Radar block produces one).
    CardError,
    /// Something went wrong inside Ward.
    ApiError,
}

/// A Stripe-shaped error object (`{"error": {...}}` on the wire).
///
/// `param` names the offending field in Stripe's bracket notation
/// (`payment_method_details[card][exp_month]`), so a caller can act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeError {
    /// The error family.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// A short machine-readable code (`parameter_invalid_integer`, `card_declined`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For card errors, the decline code (`fraudulent`, `merchant_blacklist`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// A message a developer can act on.
    pub message: String,
    /// The parameter the error is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl StripeError {
    /// An `invalid_request_error` about one parameter.
    pub fn invalid_param(code: &str, param: impl Into<String>, message: impl Into<String>) -> Self {
        StripeError {
            kind: ErrorType::InvalidRequestError,
            code: Some(code.to_owned()),
            decline_code: None,
            message: message.into(),
            param: Some(param.into()),
        }
    }

    /// An `invalid_request_error` not tied to one parameter.
    pub fn invalid_request(code: &str, message: impl Into<String>) -> Self {
        StripeError {
            kind: ErrorType::InvalidRequestError,
            code: Some(code.to_owned()),
            decline_code: None,
            message: message.into(),
            param: None,
        }
    }

    /// The `card_error` a blocked payment produces.
    pub fn card_declined(decline_code: &str, message: impl Into<String>) -> Self {
        StripeError {
            kind: ErrorType::CardError,
            code: Some("card_declined".to_owned()),
            decline_code: Some(decline_code.to_owned()),
            message: message.into(),
            param: None,
        }
    }
}

impl std::fmt::Display for StripeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.param {
            Some(p) => write!(f, "{} (param: {p})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for StripeError {}
