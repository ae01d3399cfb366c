//! Conversions between core values and JS values. No logic beyond the mapping.

use serde::Serialize;
use ward_core::{BundleError, ErrorType, StripeError};
use wasm_bindgen::JsValue;

/// Serialises a core value as a plain JS object (maps become objects, 64-bit integers numbers).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StripeError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| serialization_failed(&e.to_string()))
}

/// An `api_error`: a result that could not be handed to JavaScript.
pub fn serialization_failed(why: &str) -> StripeError {
    StripeError {
        kind: ErrorType::ApiError,
        code: Some("serialization_failed".to_owned()),
        decline_code: None,
        message: format!("could not convert the result for JavaScript: {why}"),
        param: None,
    }
}

/// The Stripe-shaped error as a plain JS object; absent fields are left out, as on the wire.
pub fn to_js_error(error: &StripeError) -> JsValue {
    // Serialising a struct of strings cannot fail; should it, a message still reaches the caller.
    to_js(error).unwrap_or_else(|_| JsValue::from_str(&error.message))
}

/// A bundle that does not load: an `invalid_request_error` with code `bundle_invalid`, as the
/// component reports it.
pub fn bundle_error(e: BundleError) -> StripeError {
    StripeError::invalid_request("bundle_invalid", e.to_string())
}
