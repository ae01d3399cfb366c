//! Ward's payment risk engine.
//!
//! A pure function from (bundle, payment, context) to a Stripe-shaped assessment: no I/O, no
//! clock (time is the payment's `created`), no randomness, no global state. The same input and
//! bundle give the same output bytes on every target, native or WebAssembly.

pub mod attributes;
pub mod currency;
pub mod error;
pub mod lists;
pub mod model;
pub mod payment;
pub mod rules;
pub mod value;

pub use error::{ErrorType, StripeError};
pub use value::Value;
