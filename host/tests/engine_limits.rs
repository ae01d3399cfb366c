//! The engine component itself is held to its limits too: a deadline that passes mid-call
//! costs that call and its instance, and the next call gets a fresh instance.

mod common;

use std::time::Duration;

use ward_host::runtime::{ComponentScorer, Limits, RuntimeConfig, Scorer, WasmRuntime};

#[test]
fn a_call_past_its_deadline_fails_alone() {
    // A deadline so short that a large batch cannot finish in it.
    let limits =
        Limits { engine_deadline: Duration::from_millis(20), engine_per_item: Duration::ZERO, ..Limits::default() };
    let runtime = WasmRuntime::new(common::config(limits)).expect("runtime");
    let scorer = ComponentScorer::new(runtime, &common::component_wasm(), &common::bundle()).expect("scorer");
    let evals: Vec<_> = common::sample_evaluations().into_iter().filter_map(|(_, e)| e.ok()).collect();
    let many: Vec<_> = evals.iter().cycle().take(10_000).cloned().collect();
    let out = scorer.score_batch(&many);
    let err = out[0].as_ref().expect_err("timed out");
    assert_eq!(err.code.as_deref(), Some("engine_timeout"), "{err:?}");
    // One payment fits in the deadline; the trapped instance was replaced.
    assert!(scorer.score(&evals[0]).is_ok());
}

#[test]
fn the_cache_round_trips() {
    // A small plugin keeps this quick; the component goes through the same code.
    let dir = std::env::temp_dir().join(format!("ward-cache-test-{}", std::process::id()));
    let config = || RuntimeConfig { cache_dir: Some(dir.clone()), ..RuntimeConfig::default() };
    let wasm = std::fs::read(ward_host::runtime::plugin_path("signals")).expect("plugin built");
    let first = WasmRuntime::new(config()).expect("rt");
    first.load_component(&wasm, "first").expect("compiled");
    // A second load in the same runtime is served from memory.
    first.load_component(&wasm, "again").expect("from memory");
    let files: Vec<_> = std::fs::read_dir(&dir).expect("cache dir").filter_map(Result::ok).collect();
    assert_eq!(files.len(), 1);
    assert!(files[0].file_name().to_string_lossy().contains("-wasmtime48-"));
    WasmRuntime::new(config()).expect("rt").load_component(&wasm, "cached").expect("deserialized");
    // A corrupt entry is recompiled, not trusted.
    std::fs::write(files[0].path(), b"garbage").expect("write");
    WasmRuntime::new(config()).expect("rt").load_component(&wasm, "recompiled").expect("recompiled");
    let _ = std::fs::remove_dir_all(&dir);
}
