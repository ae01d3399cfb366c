//! Payments per second, native core vs the Ward component under wasmtime, single calls and
//! batches of 100, on the same bundle and inputs.
//!
//! Run: `tests/build-component.sh && cargo bench -p ward-host --profile host --bench runtime`.

use std::path::PathBuf;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ward_host::runtime::{ComponentScorer, NativeScorer, RuntimeConfig, Scorer, WasmRuntime, component_path};

const BATCH: usize = 100;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[path = "support/mod.rs"]
mod support;

fn bench(c: &mut Criterion) {
    let bundle = support::bundle(&workspace());
    let wasm = std::fs::read(component_path(None).expect("component built")).expect("component");
    let runtime = WasmRuntime::new(RuntimeConfig::default()).expect("runtime");
    let scorers: Vec<Box<dyn Scorer>> = vec![
        Box::new(NativeScorer::new(&bundle).expect("native")),
        Box::new(ComponentScorer::new(runtime, &wasm, &bundle).expect("component")),
    ];
    let evals = support::evaluations(&workspace(), BATCH);

    let mut single = c.benchmark_group("single");
    single.throughput(Throughput::Elements(1));
    for s in &scorers {
        let mut i = 0usize;
        single.bench_function(s.name(), |b| {
            b.iter(|| {
                i = (i + 1) % evals.len();
                s.score(&evals[i])
            })
        });
    }
    single.finish();

    let mut batched = c.benchmark_group("batch100");
    batched.throughput(Throughput::Elements(BATCH as u64));
    for s in &scorers {
        batched.bench_function(s.name(), |b| b.iter_batched(|| (), |()| s.score_batch(&evals), BatchSize::SmallInput));
    }
    batched.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
