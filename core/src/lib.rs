//! Ward's payment risk engine.
//!
//! A pure function from (bundle, payment, context) to a Stripe-shaped assessment: no I/O, no
//! clock (time is the payment's `created`), no randomness, no global state. The same input and
//! bundle give the same output bytes on every target, native or WebAssembly.

pub mod assessment;
pub mod attributes;
pub mod bundle;
pub mod currency;
pub mod engine;
pub mod error;
pub mod lists;
pub mod model;
pub mod outcome;
pub mod payment;
pub mod rules;
pub mod suggest;
pub mod value;

pub use assessment::Assessment;
pub use bundle::{BundleError, BundleSpec};
pub use engine::{Engine, Manifest};
pub use error::{ErrorType, StripeError};
pub use payment::{Evaluation, Payment};
pub use value::Value;

/// The embedded default bundle: the default model, Radar's default rules and empty default lists.
pub const DEFAULT_BUNDLE: &[u8] = include_bytes!("../assets/default.bundle");
