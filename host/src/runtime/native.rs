//! The native scorer: `ward_core` linked into the host, behind the same trait as the
//! component, so tests and benchmarks compare the two on equal terms.

use std::sync::{Arc, RwLock};

use ward_core::rules::Diagnostic;
use ward_core::{Assessment, Engine, Evaluation, Manifest, StripeError};

use super::{RuntimeError, Scorer};

/// Scores with the core directly.
pub struct NativeScorer {
    engine: RwLock<Arc<Engine>>,
}

impl NativeScorer {
    /// Loads a bundle.
    pub fn new(bundle: &[u8]) -> Result<Self, RuntimeError> {
        Ok(NativeScorer { engine: RwLock::new(Arc::new(load(bundle)?)) })
    }

    /// Wraps an engine already loaded.
    pub fn from_engine(engine: Engine) -> Self {
        NativeScorer { engine: RwLock::new(Arc::new(engine)) }
    }

    fn engine(&self) -> Arc<Engine> {
        self.engine.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

fn load(bundle: &[u8]) -> Result<Engine, RuntimeError> {
    Engine::from_bundle(bundle)
        .map_err(|e| RuntimeError::Bundle(StripeError::invalid_request("bundle_invalid", e.to_string())))
}

impl Scorer for NativeScorer {
    fn name(&self) -> &'static str {
        "native"
    }

    fn bundle_id(&self) -> String {
        self.engine().bundle_id().to_owned()
    }

    fn score(&self, evaluation: &Evaluation) -> Result<Assessment, StripeError> {
        self.engine().score(evaluation)
    }

    fn score_batch(&self, evaluations: &[Evaluation]) -> Vec<Result<Assessment, StripeError>> {
        let engine = self.engine();
        evaluations.iter().map(|e| engine.score(e)).collect()
    }

    fn manifest(&self) -> Result<Manifest, RuntimeError> {
        Ok(self.engine().manifest().clone())
    }

    fn check_rules(&self, text: &str) -> Result<Vec<Diagnostic>, RuntimeError> {
        Ok(self.engine().check_rules(text))
    }

    fn swap_bundle(&self, bundle: &[u8]) -> Result<String, RuntimeError> {
        let engine = load(bundle)?;
        let id = engine.bundle_id().to_owned();
        *self.engine.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(engine);
        Ok(id)
    }
}
