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
    let runtime = WasmRuntime::new(RuntimeConfig { limits, cache_dir: None }).expect("runtime");
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
    let dir = std::env::temp_dir().join(format!("ward-cache-test-{}", std::process::id()));
    let config = || RuntimeConfig { cache_dir: Some(dir.clone()), ..RuntimeConfig::default() };
    let wasm = common::component_wasm();
    let a = ComponentScorer::new(WasmRuntime::new(config()).expect("rt"), &wasm, &common::bundle()).expect("first");
    let files = std::fs::read_dir(&dir).expect("cache dir").count();
    assert_eq!(files, 1);
    let b = ComponentScorer::new(WasmRuntime::new(config()).expect("rt"), &wasm, &common::bundle()).expect("cached");
    assert_eq!(a.bundle_id(), b.bundle_id());
    let _ = std::fs::remove_dir_all(&dir);
}
