//! The component face: world `ward` of `wit/`, implemented over `ward_core::Engine`.
//!
//! Nothing here may panic: a panic would abort the instance (`panic = "abort"`), so every
//! failure is returned as a WIT `error` record instead.

mod input;
// Exported under the C names on wasm32 only; natively only its tests call it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod memcmp;
mod output;
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod scratch;

/// Elsewhere (a native build of this face, for checks) there is no arena to step around.
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
mod scratch {
    /// Runs `f`.
    pub fn persistent<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

// The bindings are generated code; their own items carry no docs.
#[allow(missing_docs)]
mod bindings {
    wit_bindgen::generate!({ world: "ward", path: "../wit" });
}

use bindings::exports::ward::risk::scoring::{Engine as EngineHandle, Guest, GuestEngine};
use bindings::exports::ward::risk::types::{Assessment, Diagnostic, Error, Evaluation, Manifest};

/// The component itself (the type the bindings export).
pub struct Component;

impl Guest for Component {
    type Engine = EngineResource;
}

/// The `engine` resource: one loaded bundle.
pub struct EngineResource {
    engine: ward_core::Engine,
}

impl EngineResource {
    fn load(bundle: &[u8]) -> Result<EngineHandle, Error> {
        // The engine lives as long as its resource: out of the per-call arena.
        scratch::persistent(|| {
            let engine = ward_core::Engine::from_bundle(bundle).map_err(output::bundle_error)?;
            Ok(EngineHandle::new(EngineResource { engine }))
        })
    }

    fn score(&self, evaluation: Evaluation) -> Result<Assessment, Error> {
        let evaluation = input::evaluation(evaluation);
        self.engine.score(&evaluation).map(output::assessment).map_err(output::error)
    }
}

impl GuestEngine for EngineResource {
    fn create(bundle: Vec<u8>) -> Result<EngineHandle, Error> {
        Self::load(&bundle)
    }

    fn create_default() -> Result<EngineHandle, Error> {
        Self::load(ward_core::DEFAULT_BUNDLE)
    }

    fn score_payment(&self, evaluation: Evaluation) -> Result<Assessment, Error> {
        self.score(evaluation)
    }

    fn score_payments(&self, evaluations: Vec<Evaluation>) -> Vec<Result<Assessment, Error>> {
        evaluations.into_iter().map(|e| self.score(e)).collect()
    }

    fn required_attributes(&self) -> Manifest {
        output::manifest(self.engine.manifest())
    }

    fn check_rules(&self, text: String) -> Vec<Diagnostic> {
        self.engine.check_rules(&text).into_iter().map(output::diagnostic).collect()
    }

    fn bundle_id(&self) -> String {
        self.engine.bundle_id().to_owned()
    }
}

bindings::export!(Component with_types_in bindings);
