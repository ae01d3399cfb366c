//! The errors the API answers with: Stripe's `{"error": {...}}` object and the HTTP status Stripe
//! would use for it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use ward_core::{ErrorType, StripeError};

use crate::store::StoreError;

/// An error the API returns.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The Stripe error object (boxed: it is large, and errors travel in every `Result`).
    pub error: Box<StripeError>,
    /// The charge a card error belongs to (Stripe puts it on the error).
    pub charge: Option<String>,
}

impl ApiError {
    /// 400 `invalid_request_error` about one parameter.
    pub fn param(code: &str, param: &str, message: impl Into<String>) -> Self {
        ApiError::bad(StripeError::invalid_param(code, param, message))
    }

    /// 400 for a required parameter that is absent.
    pub fn missing(param: &str) -> Self {
        ApiError::param("parameter_missing", param, format!("Missing required param: {param}."))
    }

    /// 400 for a parameter with a value of the wrong shape.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        ApiError::param("parameter_invalid", param, message)
    }

    /// 400 for a request-level problem.
    pub fn request(code: &str, message: impl Into<String>) -> Self {
        ApiError::bad(StripeError::invalid_request(code, message))
    }

    /// 400 with a given Stripe error.
    pub fn bad(error: StripeError) -> Self {
        ApiError { status: StatusCode::BAD_REQUEST, error: Box::new(error), charge: None }
    }

    /// 404 `resource_missing`.
    pub fn not_found(kind: &str, id: &str, param: &str) -> Self {
        let mut error = StripeError::invalid_param("resource_missing", param, format!("No such {kind}: '{id}'"));
        if param.is_empty() {
            error.param = None;
        }
        ApiError { status: StatusCode::NOT_FOUND, error: Box::new(error), charge: None }
    }

    /// 401 for a missing or unknown API key.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            error: Box::new(StripeError {
                kind: ErrorType::InvalidRequestError,
                code: Some("api_key_invalid".into()),
                decline_code: None,
                message: message.into(),
                param: None,
            }),
            charge: None,
        }
    }

    /// 402 for a declined (blocked) charge.
    pub fn card(error: StripeError, charge: &str) -> Self {
        ApiError { status: StatusCode::PAYMENT_REQUIRED, error: Box::new(error), charge: Some(charge.to_owned()) }
    }

    /// 402 for a card refused before any charge is made, as Stripe's tokenization refuses one
    /// (`incorrect_number`), naming the card field.
    pub fn card_refused(code: &str, param: &str, message: impl Into<String>) -> Self {
        let error = StripeError {
            kind: ErrorType::CardError,
            code: Some(code.to_owned()),
            decline_code: None,
            message: message.into(),
            param: Some(param.to_owned()),
        };
        ApiError { status: StatusCode::PAYMENT_REQUIRED, error: Box::new(error), charge: None }
    }

    /// A client error with another status (405, 409, 413, 415).
    pub fn status(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, error: Box::new(StripeError::invalid_request(code, message)), charge: None }
    }

    /// 500 `api_error`: Ward's own failure.
    pub fn internal(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: Box::new(StripeError {
                kind: ErrorType::ApiError,
                code: Some(code.into()),
                decline_code: None,
                message: message.into(),
                param: None,
            }),
            charge: None,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        let mut e = serde_json::to_value(&self.error).unwrap_or_else(|_| json!({}));
        if let (Some(charge), Some(obj)) = (&self.charge, e.as_object_mut()) {
            obj.insert("charge".into(), json!(charge));
        }
        json!({ "error": e })
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store failure");
        match e {
            StoreError::Closed => ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                ..ApiError::internal("shutting_down", "Ward is shutting down; retry against another replica.")
            },
            StoreError::Unavailable(why) => ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                ..ApiError::internal(
                    "store_unavailable",
                    format!("The store cannot be reached right now ({why}); retry shortly."),
                )
            },
            // Nothing was written: the same request can go again.
            StoreError::LockLost(id) => ApiError::status(
                StatusCode::TOO_MANY_REQUESTS,
                "lock_timeout",
                format!(
                    "{id} was changed by another request while this one held it for too long; nothing was written. Retry the request."
                ),
            ),
            other => ApiError::internal("store_failed", format!("The store failed: {other}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Store failures a retry can cure answer 429 or 503, never 500.
    #[test]
    fn retryable_store_failures_are_not_internal_errors() {
        let lost = ApiError::from(StoreError::LockLost("ch_1".into()));
        assert_eq!(lost.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(lost.body()["error"]["code"], "lock_timeout");
        assert!(lost.body()["error"]["message"].as_str().is_some_and(|m| m.contains("ch_1")));
        let down = ApiError::from(StoreError::Unavailable("redis: connection refused".into()));
        assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
        let broken = ApiError::from(StoreError::Database("disk I/O error".into()));
        assert_eq!(broken.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
