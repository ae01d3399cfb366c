//! The shared wasmtime engine: configuration, the epoch ticker that enforces deadlines, and
//! compiled-component caching.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig, ProfilingStrategy};

use super::RuntimeError;
use super::limits::Limits;

/// How often the epoch advances: the granularity of every deadline.
pub const TICK: Duration = Duration::from_millis(5);

/// Concurrent instances (engine pool + in-flight plugin calls) the pooling allocator holds.
const POOL_SLOTS: u32 = 128;

/// Largest memory any pooled instance may have; stores cap lower with their limiter.
const POOL_MAX_MEMORY: usize = 256 << 20;

/// Address space reserved per linear memory: all a 32-bit memory can address, so accesses need
/// no bounds checks.
const MEMORY_RESERVATION: u64 = 1 << 32;

/// Guard region after each memory, covering the static offsets of loads and stores.
const MEMORY_GUARD: u64 = 32 << 20;

/// Set (to anything) to write `/tmp/perf-<pid>.map` for the compiled guest code, so that
/// `perf report` names guest functions.
pub const PERF_MAP_ENV: &str = "WARD_PERF_MAP";

/// How the runtime is set up.
#[derive(Clone, Debug, Default)]
pub struct RuntimeConfig {
    /// Caps on every guest call.
    pub limits: Limits,
    /// Where compiled components are cached (`None`: compile in memory every process start).
    pub cache_dir: Option<PathBuf>,
}

/// One wasmtime engine for the process, with its ticker thread.
pub struct WasmRuntime {
    engine: Engine,
    limits: Limits,
    cache_dir: Option<PathBuf>,
    /// Components compiled by this runtime, by the SHA-256 of their wasm: loading the same
    /// component again (another scorer, a plugin listed twice) costs a lookup.
    compiled: Mutex<HashMap<String, Component>>,
    ticker: Ticker,
}

impl WasmRuntime {
    /// Builds the engine: pooling allocator, epoch interruption, Cranelift.
    pub fn new(config: RuntimeConfig) -> Result<Arc<WasmRuntime>, RuntimeError> {
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(POOL_SLOTS)
            .total_core_instances(POOL_SLOTS)
            .total_memories(POOL_SLOTS)
            .total_tables(POOL_SLOTS)
            .max_memory_size(POOL_MAX_MEMORY);
        let mut cfg = Config::new();
        cfg.wasm_component_model(true)
            .epoch_interruption(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
            // wasmtime's 64-bit defaults, spelled out because speed depends on them: a 4 GiB
            // reservation plus a guard region lets Cranelift drop every bounds check of a
            // 32-bit memory (an out-of-bounds access faults and the signal handler turns it
            // into a trap). Such a memory never needs to move to grow, so the compiled code may
            // keep its base address in a register across calls.
            .memory_reservation(MEMORY_RESERVATION)
            .memory_guard_size(MEMORY_GUARD)
            .memory_may_move(false)
            .signals_based_traps(true)
            .cranelift_opt_level(OptLevel::Speed)
            // The component's hot loops are built for SIMD128 (tests/build-component.sh).
            .wasm_simd(true);
        // `perf` can name guest functions only through a perf map (docs/component.md).
        if std::env::var_os(PERF_MAP_ENV).is_some() {
            cfg.profiler(ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&cfg).map_err(|e| RuntimeError::wasmtime("configuring wasmtime", e))?;
        let ticker = Ticker::start(engine.clone())?;
        Ok(Arc::new(WasmRuntime {
            engine,
            limits: config.limits,
            cache_dir: config.cache_dir,
            compiled: Mutex::new(HashMap::new()),
            ticker,
        }))
    }

    /// The wasmtime engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles a component, or loads its compiled form from the cache. The cache key is the
    /// SHA-256 of the wasm, the wasmtime version and the engine's compatibility hash, so a stale
    /// or foreign entry is never picked up.
    pub fn load_component(&self, wasm: &[u8], what: &str) -> Result<Component, RuntimeError> {
        let digest = hex(&Sha256::digest(wasm));
        // Held while compiling, so concurrent loads of one component compile it once.
        let mut compiled = self.compiled.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = compiled.get(&digest) {
            return Ok(c.clone());
        }
        let component = self.compile_or_read_cache(wasm, &digest, what)?;
        compiled.insert(digest, component.clone());
        Ok(component)
    }

    fn compile_or_read_cache(&self, wasm: &[u8], digest: &str, what: &str) -> Result<Component, RuntimeError> {
        let Some(dir) = &self.cache_dir else {
            return Component::new(&self.engine, wasm).map_err(|e| RuntimeError::wasmtime(what, e));
        };
        let path = dir.join(format!("{}.cwasm", self.cache_key(digest)));
        if let Ok(bytes) = std::fs::read(&path) {
            // SAFETY: the file was written by `precompile_component` of this same wasmtime
            // version and configuration (both are in its name), in a directory this process
            // created for itself. Should it still be incompatible, wasmtime checks the header and
            // returns an error, and we recompile below.
            if let Ok(c) = unsafe { Component::deserialize(&self.engine, &bytes) } {
                return Ok(c);
            }
        }
        let compiled = self.engine.precompile_component(wasm).map_err(|e| RuntimeError::wasmtime(what, e))?;
        // A cache that cannot be written is not an error: the next start compiles again.
        let _ = write_atomically(dir, &path, &compiled);
        // SAFETY: `compiled` was produced just above by this engine.
        unsafe { Component::deserialize(&self.engine, &compiled) }.map_err(|e| RuntimeError::wasmtime(what, e))
    }

    fn cache_key(&self, digest: &str) -> String {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.engine.precompile_compatibility_hash().hash(&mut h);
        format!("{}-wasmtime{}-{:016x}", digest.get(..32).unwrap_or(digest), wasmtime_version(), h.finish())
    }

    /// Stops the ticker (also done on drop).
    pub fn shutdown(&self) {
        self.ticker.stop();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The wasmtime version this host links, as in its `Cargo.toml`.
fn wasmtime_version() -> &'static str {
    "48"
}

fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The thread that advances the engine's epoch every [`TICK`], which is what makes a
/// `set_epoch_deadline` trap a looping guest.
struct Ticker {
    stop: Arc<AtomicBool>,
    handle: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Ticker {
    fn start(engine: Engine) -> Result<Ticker, RuntimeError> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("ward-epoch".into())
            .spawn(move || {
                // Runs until the runtime is dropped; one increment per tick.
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    engine.increment_epoch();
                }
            })
            .map_err(|e| RuntimeError::Setup(format!("cannot start the epoch thread: {e}")))?;
        Ok(Ticker { stop, handle: std::sync::Mutex::new(Some(handle)) })
    }

    fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        let handle = self.handle.lock().ok().and_then(|mut h| h.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The default cache directory: `$XDG_CACHE_HOME/ward/wasmtime` or `~/.cache/ward/wasmtime`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("ward").join("wasmtime"))
}
