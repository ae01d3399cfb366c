//! The component scorer: the Ward component under wasmtime, one pool of ready instances per
//! bundle, bundles swapped atomically.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use ward_core::rules::Diagnostic;
use ward_core::{Assessment, Evaluation, Manifest, StripeError};
use wasmtime::Store;
use wasmtime::component::{Component, ComponentExportIndex, Func, Linker, ResourceAny, TypedFunc};

use super::bindings::{Ward, WardPre, wit};
use super::limits::{StoreState, ticks};
use super::staged::Staged;
use super::wasm::{TICK, WasmRuntime};
use super::{RuntimeError, Scorer, convert};

/// `score-payment`, called with borrowed input (see `staged`).
type ScoreOne<'a> = TypedFunc<(ResourceAny, &'a Staged<'a>), (Result<wit::Assessment, wit::Error>,)>;
/// `score-payments`, called with borrowed input.
type ScoreMany<'a> = TypedFunc<(ResourceAny, &'a [Staged<'a>]), (Vec<Result<wit::Assessment, wit::Error>>,)>;

/// Idle instances kept per bundle; more are built on demand and dropped when returned.
const MAX_IDLE: usize = 16;

/// An instance with a constructed `engine` resource for one bundle.
struct Ready {
    store: Store<StoreState>,
    ward: Ward,
    engine: ResourceAny,
    /// `score-payment` of this instance, type-checked as [`ScoreOne`] when it was created.
    score_one: Func,
    /// `score-payments` of this instance, type-checked as [`ScoreMany`].
    score_many: Func,
}

impl Ready {
    fn score_one<'a>(&self) -> ScoreOne<'a> {
        // SAFETY: `score_one` was type-checked against `ScoreOne<'static>` in `instantiate`;
        // lifetimes do not change the component-model type being checked.
        unsafe { ScoreOne::new_unchecked(self.score_one) }
    }

    fn score_many<'a>(&self) -> ScoreMany<'a> {
        // SAFETY: as above, checked against `ScoreMany<'static>` in `instantiate`.
        unsafe { ScoreMany::new_unchecked(self.score_many) }
    }
}

/// One bundle and its ready instances. A request holds the `Arc` of the slot it started with,
/// so a swap never shows it half of one bundle and half of another.
struct Slot {
    bundle: Arc<[u8]>,
    id: String,
    idle: Mutex<Vec<Ready>>,
}

/// Scores through the Ward component.
pub struct ComponentScorer {
    runtime: Arc<WasmRuntime>,
    pre: WardPre<StoreState>,
    score_one: ComponentExportIndex,
    score_many: ComponentExportIndex,
    current: RwLock<Arc<Slot>>,
}

impl ComponentScorer {
    /// Compiles (or loads from the cache) the component and loads `bundle` into a first
    /// instance, which also validates the bundle.
    pub fn new(runtime: Arc<WasmRuntime>, component_wasm: &[u8], bundle: &[u8]) -> Result<Self, RuntimeError> {
        let component: Component = runtime.load_component(component_wasm, "compiling the Ward component")?;
        let linker: Linker<StoreState> = Linker::new(runtime.engine());
        let instance_pre =
            linker.instantiate_pre(&component).map_err(|e| RuntimeError::wasmtime("linking the Ward component", e))?;
        let pre = WardPre::new(instance_pre).map_err(|e| RuntimeError::wasmtime("checking the Ward component", e))?;
        let missing = |name: &str| RuntimeError::Missing(format!("the Ward component does not export {name}"));
        let scoring = component.get_export_index(None, "ward:risk/scoring@0.1.0").ok_or_else(|| missing("scoring"))?;
        let method = |name: &str| component.get_export_index(Some(&scoring), name).ok_or_else(|| missing(name));
        let score_one = method("[method]engine.score-payment")?;
        let score_many = method("[method]engine.score-payments")?;
        let placeholder =
            Arc::new(Slot { bundle: Arc::from(&[][..]), id: String::new(), idle: Mutex::new(Vec::new()) });
        let scorer = ComponentScorer { runtime, pre, score_one, score_many, current: RwLock::new(placeholder) };
        scorer.swap_bundle(bundle)?;
        Ok(scorer)
    }

    fn slot(&self) -> Arc<Slot> {
        // A poisoned lock only means a panic elsewhere while swapping an `Arc`: the value is intact.
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn instantiate(&self, bundle: &[u8]) -> Result<Ready, RuntimeError> {
        let limits = self.runtime.limits();
        let mut store = Store::new(self.runtime.engine(), StoreState::new(limits.engine_memory));
        store.limiter(|s| s);
        store.set_epoch_deadline(ticks(limits.engine_load_deadline, TICK));
        let fail = |e: wasmtime::Error, store: &Store<StoreState>| RuntimeError::guest(&e, store.data().denied);
        let instance = self.pre.instance_pre().instantiate(&mut store).map_err(|e| fail(e, &store))?;
        let ward = Ward::new(&mut store, &instance).map_err(|e| fail(e, &store))?;
        let lookup = |store: &mut Store<StoreState>, index: &ComponentExportIndex| {
            instance.get_func(store, index).ok_or_else(|| RuntimeError::Missing("a scoring method is missing".into()))
        };
        let score_one = lookup(&mut store, &self.score_one)?;
        let score_many = lookup(&mut store, &self.score_many)?;
        let checked = |e| RuntimeError::wasmtime("checking the scoring signatures", e);
        score_one
            .typed::<(ResourceAny, &Staged<'static>), (Result<wit::Assessment, wit::Error>,)>(&store)
            .map_err(checked)?;
        score_many
            .typed::<(ResourceAny, &[Staged<'static>]), (Vec<Result<wit::Assessment, wit::Error>>,)>(&store)
            .map_err(checked)?;
        let created = ward
            .ward_risk_scoring()
            .engine()
            .call_create(&mut store, bundle)
            .map_err(|e| RuntimeError::guest(&e, store.data().denied))?;
        let engine = created.map_err(|e| RuntimeError::Bundle(convert::error(e)))?;
        Ok(Ready { store, ward, engine, score_one, score_many })
    }

    /// Runs `f` on a ready instance of the current bundle with a fresh deadline. A failed call
    /// drops the instance (a trapped instance refuses entry) and the next call builds another.
    fn call<R>(
        &self,
        budget: Duration,
        f: impl FnOnce(&mut Ready) -> wasmtime::Result<R>,
    ) -> Result<(R, Arc<Slot>), RuntimeError> {
        let slot = self.slot();
        let taken = slot.idle.lock().map(|mut idle| idle.pop()).unwrap_or(None);
        let mut ready = match taken {
            Some(r) => r,
            None => self.instantiate(&slot.bundle)?,
        };
        ready.store.set_epoch_deadline(ticks(budget, TICK));
        ready.store.data_mut().denied = false;
        match f(&mut ready) {
            Ok(r) => {
                if let Ok(mut idle) = slot.idle.lock()
                    && idle.len() < MAX_IDLE
                {
                    idle.push(ready);
                }
                Ok((r, slot))
            }
            Err(e) => Err(RuntimeError::guest(&e, ready.store.data().denied)),
        }
    }

    /// Idle instances of the current bundle (for tests and metrics).
    pub fn idle_instances(&self) -> usize {
        self.slot().idle.lock().map(|i| i.len()).unwrap_or(0)
    }
}

impl Scorer for ComponentScorer {
    fn name(&self) -> &'static str {
        "component"
    }

    fn bundle_id(&self) -> String {
        self.slot().id.clone()
    }

    fn score(&self, evaluation: &Evaluation) -> Result<Assessment, StripeError> {
        let input = Staged(evaluation);
        let budget = self.runtime.limits().engine_deadline;
        let (out, _) = self
            .call(budget, |r| r.score_one().call(&mut r.store, (r.engine, &input)).map(|(o,)| o))
            .map_err(|e| e.to_stripe())?;
        out.map(convert::assessment).map_err(convert::error)
    }

    fn score_batch(&self, evaluations: &[Evaluation]) -> Vec<Result<Assessment, StripeError>> {
        let input: Vec<Staged<'_>> = evaluations.iter().map(Staged).collect();
        let limits = self.runtime.limits();
        let per_item = limits.engine_per_item.saturating_mul(u32::try_from(input.len()).unwrap_or(u32::MAX));
        let budget = limits.engine_deadline.saturating_add(per_item);
        let called = self.call(budget, |r| r.score_many().call(&mut r.store, (r.engine, &input[..])).map(|(o,)| o));
        match called {
            Ok((out, _)) => out.into_iter().map(|r| r.map(convert::assessment).map_err(convert::error)).collect(),
            Err(e) => {
                let err = e.to_stripe();
                evaluations.iter().map(|_| Err(err.clone())).collect()
            }
        }
    }

    fn manifest(&self) -> Result<Manifest, RuntimeError> {
        let budget = self.runtime.limits().engine_deadline;
        let (m, _) = self
            .call(budget, |r| r.ward.ward_risk_scoring().engine().call_required_attributes(&mut r.store, r.engine))?;
        Ok(convert::manifest(m))
    }

    fn check_rules(&self, text: &str) -> Result<Vec<Diagnostic>, RuntimeError> {
        let budget = self.runtime.limits().engine_deadline;
        let (d, _) =
            self.call(budget, |r| r.ward.ward_risk_scoring().engine().call_check_rules(&mut r.store, r.engine, text))?;
        Ok(d.into_iter().map(convert::diagnostic).collect())
    }

    fn swap_bundle(&self, bundle: &[u8]) -> Result<String, RuntimeError> {
        // Build and validate the first instance before publishing: a bad bundle leaves the
        // current one serving.
        let mut ready = self.instantiate(bundle)?;
        let id = ready
            .ward
            .ward_risk_scoring()
            .engine()
            .call_bundle_id(&mut ready.store, ready.engine)
            .map_err(|e| RuntimeError::guest(&e, ready.store.data().denied))?;
        let slot = Arc::new(Slot { bundle: Arc::from(bundle), id: id.clone(), idle: Mutex::new(vec![ready]) });
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = slot;
        Ok(id)
    }
}
