//! Native vs component time per payment, measured in interleaved rounds so that load from
//! other processes hits both sides alike; prints payments/s and the ratio (medians).
//!
//! Time is the benchmark thread's time on a CPU (`CLOCK_THREAD_CPUTIME_ID`, to the nanosecond),
//! so that time spent waiting for a core that other processes hold does not count.
//!
//! The input is `examples/payments.jsonl` (three of whose four valid payments are risky, so
//! TreeSHAP explains them), or the JSON lines file `WARD_BENCH_INPUT` names; the payments of it
//! that score normal risk, most of real traffic, are measured on their own too.
//!
//! Run: `tests/build-component.sh && cargo bench -p ward-host --profile host --bench ratio`.

use std::path::PathBuf;

use ward_core::Evaluation;
use ward_core::outcome::RiskLevel;
use ward_host::runtime::{ComponentScorer, NativeScorer, RuntimeConfig, Scorer, WasmRuntime, component_path};

const BATCH: usize = 100;
/// Rounds measured (after a warm-up round); `WARD_BENCH_ROUNDS` overrides it for quick runs.
const ROUNDS: usize = 15;
const PAYMENTS_PER_ROUND: usize = 20_000;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[path = "support/mod.rs"]
mod support;

/// Nanoseconds this thread has run on a CPU. (`/proc/thread-self/schedstat`, used before, only
/// moves at scheduler ticks: 4 ms steps, 200 ns a payment over a round.)
fn on_cpu_ns() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    assert!(ok, "CLOCK_THREAD_CPUTIME_ID unavailable");
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

fn per_payment_ns(f: &mut dyn FnMut()) -> f64 {
    let calls = PAYMENTS_PER_ROUND / BATCH;
    let start = on_cpu_ns();
    for _ in 0..calls {
        f();
    }
    (on_cpu_ns() - start) / PAYMENTS_PER_ROUND as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Medians of native and component time per payment on `evals`: (single, batched), each
/// (native ns, component ns).
fn measure(scorers: [&dyn Scorer; 2], evals: &[Evaluation], rounds: usize) -> [(f64, f64); 2] {
    let mut single = [Vec::new(), Vec::new()];
    let mut batched = [Vec::new(), Vec::new()];
    for round in 0..=rounds {
        for (k, s) in scorers.iter().enumerate() {
            let b = per_payment_ns(&mut || {
                std::hint::black_box(s.score_batch(evals));
            });
            let o = per_payment_ns(&mut || {
                for e in evals {
                    std::hint::black_box(s.score(e)).ok();
                }
            });
            // Round 0 warms caches and the instance pool.
            if round > 0 {
                batched[k].push(b);
                single[k].push(o);
            }
        }
    }
    let [sn, sc] = single.map(median);
    let [bn, bc] = batched.map(median);
    [(sn, sc), (bn, bc)]
}

fn main() {
    let bundle = support::bundle(&workspace());
    let evals: Vec<Evaluation> = support::evaluations(&workspace(), BATCH);
    let wasm = std::fs::read(component_path(None).expect("component built")).expect("component");
    let runtime = WasmRuntime::new(RuntimeConfig::default()).expect("runtime");
    let native = NativeScorer::new(&bundle).expect("native");
    let component = ComponentScorer::new(runtime, &wasm, &bundle).expect("component");
    // Most real payments are normal risk: no TreeSHAP, the margin walk and the boundary are
    // most of the time. They are measured apart as well.
    let normal: Vec<&Evaluation> =
        evals.iter().filter(|e| native.score(e).is_ok_and(|a| a.outcome.risk_level == RiskLevel::Normal)).collect();
    let normal: Vec<Evaluation> = normal.iter().cycle().take(BATCH).map(|e| (*e).clone()).collect();
    let rounds = std::env::var("WARD_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    println!(
        "input     mode      native ns/payment  component ns/payment  native payments/s  component payments/s  ratio"
    );
    for (input, evals) in [("all", &evals), ("normal", &normal)] {
        if evals.is_empty() {
            println!("{input:<9} (no payment of the input scores normal)");
            continue;
        }
        let [single, batched] = measure([&native, &component], evals, rounds);
        for (mode, (n, c)) in [("single", single), ("batch100", batched)] {
            println!("{input:<9} {mode:<8} {n:>18.0}  {c:>20.0}  {:>17.0}  {:>20.0}  {:>5.2}", 1e9 / n, 1e9 / c, c / n);
        }
    }
}
