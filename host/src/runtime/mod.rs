//! Running the engine: natively, or as the Ward WebAssembly component under wasmtime, plus
//! sandboxed third-party plugins.
//!
//! * [`ComponentScorer`] loads the component once (compiled code cached on disk), keeps a pool
//!   of ready instances per bundle, swaps bundles atomically, and caps every call's memory and
//!   time. A call that traps loses its instance; the next call gets a fresh one.
//! * [`NativeScorer`] calls `ward_core` directly, behind the same [`Scorer`] trait.
//! * [`PluginHost`] runs each plugin call in a fresh store with its own limits.

mod bindings;
mod component;
mod convert;
mod limits;
mod locate;
mod lower;
mod native;
mod plugins;
mod staged;
mod wasm;

pub use component::ComponentScorer;
pub use limits::{Fault, Limits};
pub use locate::{COMPONENT_ENV, PLUGINS_ENV, component_path, plugin_path};
pub use native::NativeScorer;
pub use plugins::{FailurePolicy, PluginHost, PluginReport, PluginSpec, PluginStatus, Scored, score_with_plugins};
pub use wasm::{RuntimeConfig, WasmRuntime, default_cache_dir};

use ward_core::rules::Diagnostic;
use ward_core::{Assessment, Evaluation, Manifest, StripeError};

/// A way of running the engine. Both implementations give byte-identical assessments.
pub trait Scorer: Send + Sync {
    /// `native` or `component`.
    fn name(&self) -> &'static str;
    /// The id of the bundle currently loaded.
    fn bundle_id(&self) -> String;
    /// Scores one payment. A runtime failure is an `api_error` (`engine_timeout`, ...).
    fn score(&self, evaluation: &Evaluation) -> Result<Assessment, StripeError>;
    /// Scores many payments; result `i` belongs to evaluation `i`.
    fn score_batch(&self, evaluations: &[Evaluation]) -> Vec<Result<Assessment, StripeError>>;
    /// What the loaded bundle reads.
    fn manifest(&self) -> Result<Manifest, RuntimeError>;
    /// Checks a rules file against the loaded bundle.
    fn check_rules(&self, text: &str) -> Result<Vec<Diagnostic>, RuntimeError>;
    /// Replaces the bundle; requests already running finish on the old one. Returns the new id.
    fn swap_bundle(&self, bundle: &[u8]) -> Result<String, RuntimeError>;
}

/// Why the runtime could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The runtime could not be set up.
    #[error("{0}")]
    Setup(String),
    /// wasmtime refused a component or its configuration.
    #[error("{what}: {message}")]
    Wasmtime {
        /// What was being done.
        what: String,
        /// wasmtime's error, with its causes.
        message: String,
    },
    /// The bundle was refused.
    #[error("bundle refused: {0}")]
    Bundle(StripeError),
    /// A guest call failed; the instance was discarded.
    #[error("the engine component failed ({fault:?}): {message}")]
    Guest {
        /// How it failed.
        fault: Fault,
        /// wasmtime's description.
        message: String,
    },
    /// The component or a plugin file could not be found or read.
    #[error("{0}")]
    Missing(String),
}

impl RuntimeError {
    fn wasmtime(what: &str, e: wasmtime::Error) -> Self {
        RuntimeError::Wasmtime { what: what.to_owned(), message: format!("{e:#}") }
    }

    fn guest(e: &wasmtime::Error, denied: bool) -> Self {
        RuntimeError::Guest { fault: limits::classify(e, denied), message: format!("{e:#}") }
    }

    /// The Stripe error a caller sees: bundle problems are theirs, the rest is Ward's.
    pub fn to_stripe(&self) -> StripeError {
        let code = match self {
            RuntimeError::Bundle(e) => return e.clone(),
            RuntimeError::Guest { fault: Fault::Timeout, .. } => "engine_timeout",
            RuntimeError::Guest { fault: Fault::Memory, .. } => "engine_memory_exhausted",
            RuntimeError::Guest { fault: Fault::Trap, .. } => "engine_trapped",
            _ => "engine_unavailable",
        };
        StripeError {
            kind: ward_core::ErrorType::ApiError,
            code: Some(code.to_owned()),
            decline_code: None,
            message: self.to_string(),
            param: None,
        }
    }
}
