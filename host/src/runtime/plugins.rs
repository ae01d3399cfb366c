//! Third-party plugins: each call in a fresh store with its own memory cap, deadline and
//! output caps. A misbehaving plugin fails its own call; the policy says what the payment gets.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use ward_core::attributes::{Catalogue, validate_context};
use ward_core::outcome::{NetworkStatus, Outcome, OutcomeType, RiskLevel, messages};
use ward_core::{Assessment, Evaluation, StripeError, Value};
use wasmtime::Store;
use wasmtime::component::{ComponentExportIndex, InstancePre, Linker};

use super::bindings::wit;
use super::limits::{Fault, StoreState, classify, ticks};
use super::staged::Staged;
use super::wasm::{TICK, WasmRuntime};
use super::{RuntimeError, Scorer};

/// What happens to a payment when a plugin fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailurePolicy {
    /// Score without the plugin's signals.
    Open,
    /// Do not score: the assessment has an `unknown` risk level and goes to manual review.
    Closed,
}

/// How one plugin call went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PluginStatus {
    /// Signals added.
    Ok,
    /// The plugin returned an error message.
    Error,
    /// The deadline passed.
    Timeout,
    /// The plugin trapped (panic, unreachable, stack overflow, bad memory access).
    Trap,
    /// The plugin hit its memory cap.
    Memory,
    /// The output was too large, or named unknown attributes, or had values of the wrong type.
    InvalidOutput,
}

/// The `plugins` section of a response: one entry per plugin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PluginReport {
    /// The plugin's name.
    pub name: String,
    /// How the call went.
    pub status: PluginStatus,
    /// The plugin's failure policy.
    pub policy: FailurePolicy,
    /// Which policy was applied (`null` when the call succeeded).
    pub applied: Option<FailurePolicy>,
    /// Context attributes the plugin added (caller-supplied context is never overridden).
    pub signals: Vec<String>,
    /// What went wrong, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A plugin to load.
pub struct PluginSpec {
    /// Name in reports.
    pub name: String,
    /// The plugin component's bytes.
    pub wasm: Vec<u8>,
    /// What a failure does to the payment.
    pub policy: FailurePolicy,
}

struct Loaded {
    name: String,
    policy: FailurePolicy,
    pre: InstancePre<StoreState>,
    signals: ComponentExportIndex,
}

/// The plugins of a host, compiled once.
pub struct PluginHost {
    runtime: Arc<WasmRuntime>,
    plugins: Vec<Loaded>,
    catalogue: Catalogue,
}

/// The plugin's answer. It is lifted inside the call (the guest frees it right after), under
/// the store's hostcall fuel: wasmtime charges every byte and list element it copies out of
/// the guest against that budget and fails the call once it is spent, so a million-entry or
/// 100 MB answer costs the host at most the budget.
type Signals = Result<Vec<(String, wit::ContextValue)>, String>;

type Failure = (PluginStatus, String);

impl PluginHost {
    /// Compiles the plugins and checks each exports `ward:risk/signals@0.1.0#signals`.
    pub fn new(runtime: Arc<WasmRuntime>, specs: Vec<PluginSpec>) -> Result<Self, RuntimeError> {
        let linker: Linker<StoreState> = Linker::new(runtime.engine());
        let mut plugins = Vec::with_capacity(specs.len());
        for spec in specs {
            let what = format!("loading plugin `{}`", spec.name);
            let component = runtime.load_component(&spec.wasm, &what)?;
            let missing = || RuntimeError::Missing(format!("plugin `{}` does not export ward:risk/signals", spec.name));
            let iface = component.get_export_index(None, "ward:risk/signals@0.1.0").ok_or_else(missing)?;
            let signals = component.get_export_index(Some(&iface), "signals").ok_or_else(missing)?;
            // Plugins get no imports at all: one that needs any fails here, not per call.
            let pre = linker.instantiate_pre(&component).map_err(|e| RuntimeError::wasmtime(&what, e))?;
            plugins.push(Loaded { name: spec.name, policy: spec.policy, pre, signals });
        }
        Ok(PluginHost { runtime, plugins, catalogue: Catalogue::standard() })
    }

    /// Runs every plugin on the evaluation and adds their signals to its context. Every plugin
    /// sees the caller's context only, so the order of plugins does not matter. Returns the
    /// reports and whether a failing fail-closed plugin means the payment must not be scored.
    pub fn enrich(&self, evaluation: &mut Evaluation) -> (Vec<PluginReport>, bool) {
        // `payment-view` has the fields of `evaluation`, and so its layout.
        let view = Staged(evaluation);
        let mut closed = false;
        let mut reports = Vec::with_capacity(self.plugins.len());
        let mut added = BTreeMap::new();
        for plugin in &self.plugins {
            let report = match self.call(plugin, &view) {
                Ok(signals) => {
                    let names = signals
                        .into_iter()
                        .filter(|(k, _)| !evaluation.context.contains_key(k))
                        .map(|(k, v)| {
                            added.insert(k.clone(), v);
                            k
                        })
                        .collect();
                    PluginReport {
                        name: plugin.name.clone(),
                        status: PluginStatus::Ok,
                        policy: plugin.policy,
                        applied: None,
                        signals: names,
                        message: None,
                    }
                }
                Err((status, message)) => {
                    closed |= plugin.policy == FailurePolicy::Closed;
                    PluginReport {
                        name: plugin.name.clone(),
                        status,
                        policy: plugin.policy,
                        applied: Some(plugin.policy),
                        signals: Vec::new(),
                        message: Some(message),
                    }
                }
            };
            reports.push(report);
        }
        evaluation.context.extend(added);
        (reports, closed)
    }

    /// One call, in its own store: instantiate, call, check the output, drop everything.
    fn call(&self, plugin: &Loaded, view: &Staged<'_>) -> Result<BTreeMap<String, Value>, Failure> {
        let limits = *self.runtime.limits();
        let mut store = Store::new(self.runtime.engine(), StoreState::new(limits.plugin_memory));
        store.limiter(|s| s);
        store.set_epoch_deadline(ticks(limits.plugin_deadline, TICK));
        store.set_hostcall_fuel(limits.plugin_max_output);
        let instance = plugin
            .pre
            .instantiate(&mut store)
            .map_err(|e| (fault_status(classify(&e, store.data().denied)), describe(&e)))?;
        let func = instance
            .get_typed_func::<(&Staged<'_>,), (Signals,)>(&mut store, &plugin.signals)
            .map_err(|e| (PluginStatus::InvalidOutput, format!("signals has the wrong signature: {e:#}")))?;
        let (answer,) = func.call(&mut store, (view,)).map_err(|e| call_failure(&e, store.data().denied))?;
        let list = answer.map_err(|message| (PluginStatus::Error, clip(message, limits.plugin_max_text)))?;
        if list.len() > limits.plugin_max_signals {
            let m = format!("returned {} signals; at most {} are allowed", list.len(), limits.plugin_max_signals);
            return Err((PluginStatus::InvalidOutput, m));
        }
        let mut signals = BTreeMap::new();
        for (name, value) in list {
            let long = name.len().max(if let wit::ContextValue::Text(t) = &value { t.len() } else { 0 });
            if long > limits.plugin_max_text {
                let m = format!("a string of {long} bytes; at most {} are allowed", limits.plugin_max_text);
                return Err((PluginStatus::InvalidOutput, m));
            }
            let value = match value {
                wit::ContextValue::Boolean(b) => Value::Bool(b),
                wit::ContextValue::Number(n) => Value::Num(n),
                wit::ContextValue::Text(t) => Value::Str(t),
            };
            signals.insert(name, value);
        }
        validate_context(&self.catalogue, &signals).map_err(|e| (PluginStatus::InvalidOutput, e.message))?;
        Ok(signals)
    }
}

/// A failed call: a trap or refused memory is the guest's fault while running; any other
/// error comes from lifting the answer (too large for the hostcall fuel, bad UTF-8, pointers
/// out of bounds), which makes the output invalid.
fn call_failure(e: &wasmtime::Error, denied: bool) -> Failure {
    let status = if denied || e.downcast_ref::<wasmtime::Trap>().is_some() {
        fault_status(classify(e, denied))
    } else {
        PluginStatus::InvalidOutput
    };
    (status, describe(e))
}

/// One line for a report: the trap itself rather than the backtrace wasmtime wraps it in.
fn describe(e: &wasmtime::Error) -> String {
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(trap) => trap.to_string(),
        None => e.to_string(),
    }
}

/// A plugin's error message, cut to `max` bytes on a character boundary.
fn clip(mut message: String, max: usize) -> String {
    if message.len() > max {
        let mut end = max;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
    }
    message
}

fn fault_status(f: Fault) -> PluginStatus {
    match f {
        Fault::Timeout => PluginStatus::Timeout,
        Fault::Trap => PluginStatus::Trap,
        Fault::Memory => PluginStatus::Memory,
    }
}

/// An assessment with its plugin reports: what the host answers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    /// The assessment, when the payment was scored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// The error, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<StripeError>,
    /// One report per plugin.
    pub plugins: Vec<PluginReport>,
}

/// Runs the plugins, then scores the enriched payment (or, when a fail-closed plugin failed,
/// returns an `unknown` assessment that goes to manual review without being scored).
pub fn score_with_plugins(scorer: &dyn Scorer, plugins: &PluginHost, evaluation: &Evaluation) -> Scored {
    let mut enriched = evaluation.clone();
    let (reports, closed) = plugins.enrich(&mut enriched);
    let result = if closed { Ok(unknown(scorer.bundle_id(), evaluation)) } else { scorer.score(&enriched) };
    match result {
        Ok(a) => Scored { assessment: Some(a), error: None, plugins: reports },
        Err(e) => Scored { assessment: None, error: Some(e), plugins: reports },
    }
}

/// The fail-closed assessment: nothing was evaluated, so the level is `unknown`, and the
/// payment waits for a person rather than going through on missing signals.
fn unknown(bundle: String, evaluation: &Evaluation) -> Assessment {
    Assessment {
        object: ward_core::assessment::ASSESSMENT_OBJECT.to_owned(),
        payment: evaluation.payment.id.clone(),
        livemode: evaluation.payment.livemode,
        created: evaluation.payment.created,
        bundle,
        outcome: Outcome {
            kind: OutcomeType::ManualReview,
            network_status: NetworkStatus::ApprovedByNetwork,
            reason: Some("unknown_risk_level".to_owned()),
            risk_level: RiskLevel::Unknown,
            risk_score: None,
            rule: None,
            seller_message: messages::UNKNOWN.to_owned(),
        },
        risk_factors: Vec::new(),
        three_d_secure: Vec::new(),
        fraud_probability: None,
        error: None,
    }
}
