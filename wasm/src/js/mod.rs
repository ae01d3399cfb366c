//! The wasm-bindgen face: the `WasmEngine` class the npm package `js/` wraps.
//!
//! Evaluations and assessments cross as JSON text: the same text a server receives, decoded by the
//! core's decoder (so errors name the same Stripe parameter), and the core's exact output bytes
//! (which `JSON.parse` turns into objects on the JS side; 64-bit integers beyond 2^53 stay numbers
//! instead of failing). Manifests, diagnostics and errors cross as JS objects built by
//! serde-wasm-bindgen.
//! Every failure is thrown as a plain Stripe-shaped error object (`{type, code, message, param}`),
//! which the JS side turns into a `WardError`. Nothing here may panic.

mod convert;

use ward_core::Engine;
use wasm_bindgen::prelude::*;

use convert::{bundle_error, serialization_failed, to_js, to_js_error};

/// One loaded bundle, ready to score. Scoring is synchronous and keeps no state between calls.
#[wasm_bindgen]
pub struct WasmEngine {
    engine: Engine,
}

#[wasm_bindgen]
impl WasmEngine {
    /// Loads a bundle from its bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(bundle: &[u8]) -> Result<WasmEngine, JsValue> {
        Engine::from_bundle(bundle).map(|engine| WasmEngine { engine }).map_err(|e| to_js_error(&bundle_error(e)))
    }

    /// Scores an evaluation given as JSON text; returns the assessment JSON text, byte for byte
    /// what the core writes.
    #[wasm_bindgen(js_name = scoreJson)]
    pub fn score_json(&self, json: &str) -> Result<String, JsValue> {
        self.engine.score_json(json).map_err(|e| to_js_error(&e))
    }

    /// Decodes and validates an evaluation given as JSON text, as the server would, and returns
    /// it as JSON text again (absent fields left out). Scores nothing.
    pub fn decode(&self, json: &str) -> Result<String, JsValue> {
        let evaluation = ward_core::payment::decode_evaluation(json).map_err(|e| to_js_error(&e))?;
        serde_json::to_string(&evaluation).map_err(|e| to_js_error(&serialization_failed(&e.to_string())))
    }

    /// The bundle's manifest: what it reads (`bundle`, `context`, `payment`, `model_features`, `lists`).
    pub fn manifest(&self) -> Result<JsValue, JsValue> {
        to_js(self.engine.manifest()).map_err(|e| to_js_error(&e))
    }

    /// Checks a rules file against this bundle's attributes and lists.
    #[wasm_bindgen(js_name = checkRules)]
    pub fn check_rules(&self, text: &str) -> Result<JsValue, JsValue> {
        to_js(&self.engine.check_rules(text)).map_err(|e| to_js_error(&e))
    }

    /// The bundle id (`bndl_…`).
    #[wasm_bindgen(getter, js_name = bundleId)]
    pub fn bundle_id(&self) -> String {
        self.engine.bundle_id().to_owned()
    }
}
