//! Per-store limits and how a failed guest call is classified.

use std::time::Duration;

use wasmtime::{ResourceLimiter, StoreLimits, StoreLimitsBuilder, Trap};

/// Caps applied to every guest call.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest linear memory the Ward component may grow to, in bytes.
    pub engine_memory: usize,
    /// Deadline of loading a bundle into a fresh instance (compiling rules, indexing lists).
    pub engine_load_deadline: Duration,
    /// Deadline of one engine call (a batch gets this plus `engine_per_item` per payment).
    pub engine_deadline: Duration,
    /// Extra time a batched call gets per payment.
    pub engine_per_item: Duration,
    /// Largest linear memory a plugin may grow to, in bytes.
    pub plugin_memory: usize,
    /// Deadline of one plugin call.
    pub plugin_deadline: Duration,
    /// Most signals a plugin may return in one call.
    pub plugin_max_signals: usize,
    /// Longest attribute name or text value a plugin may return, in bytes.
    pub plugin_max_text: usize,
    /// Most bytes the host copies out of a plugin's answer (wasmtime's hostcall fuel: string
    /// bytes plus list elements at their host size).
    pub plugin_max_output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            engine_memory: 128 << 20,
            engine_load_deadline: Duration::from_secs(10),
            engine_deadline: Duration::from_secs(2),
            engine_per_item: Duration::from_millis(20),
            plugin_memory: 64 << 20,
            plugin_deadline: Duration::from_millis(100),
            plugin_max_signals: 64,
            plugin_max_text: 1024,
            plugin_max_output: 64 << 10,
        }
    }
}

/// What a store carries: its memory cap, and whether the cap was hit (so a trap that follows
/// a refused allocation is reported as a memory failure, not a generic trap).
pub struct StoreState {
    limits: StoreLimits,
    /// Set when the limiter refused a memory or table growth.
    pub denied: bool,
}

impl StoreState {
    /// State with a memory cap of `memory` bytes.
    pub fn new(memory: usize) -> Self {
        // Refusing growth (rather than trapping at once) lets a guest that handles a failed
        // allocation carry on; the `denied` flag records it either way.
        StoreState { limits: StoreLimitsBuilder::new().memory_size(memory).instances(8).build(), denied: false }
    }
}

impl ResourceLimiter for StoreState {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let ok = self.limits.memory_growing(current, desired, maximum)?;
        self.denied |= !ok;
        Ok(ok)
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let ok = self.limits.table_growing(current, desired, maximum)?;
        self.denied |= !ok;
        Ok(ok)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// Why a guest call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The deadline passed.
    Timeout,
    /// The guest trapped (unreachable, panic, stack overflow, out-of-bounds access).
    Trap,
    /// The guest hit its memory cap.
    Memory,
}

/// Classifies the error of a failed call on a store whose limiter state is `denied`.
pub fn classify(error: &wasmtime::Error, denied: bool) -> Fault {
    if denied {
        return Fault::Memory;
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt | Trap::OutOfFuel) => Fault::Timeout,
        _ => Fault::Trap,
    }
}

/// Deadline in epoch ticks. The next tick may come at any moment, so one tick is added: the
/// guest gets at least `deadline`, and at most one tick more.
pub fn ticks(deadline: Duration, tick: Duration) -> u64 {
    let t = deadline.as_micros().div_ceil(tick.as_micros().max(1));
    u64::try_from(t).unwrap_or(u64::MAX).saturating_add(1)
}
