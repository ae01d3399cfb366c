//! Times `Engine::score_json` over the golden vectors that use one bundle and score successfully,
//! the same set `js/bench/bench.mjs` times in Node, and prints one JSON line.
//!
//! `ward-js-bench-native <bundle> <vectors.jsonl> <bundle file name> <milliseconds>`

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ward_core::Engine;

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ward-js-bench-native: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().collect();
    let [_, bundle, vectors, name, ms] = args.as_slice() else {
        return Err("usage: ward-js-bench-native <bundle> <vectors.jsonl> <bundle file name> <milliseconds>".into());
    };
    let engine = Engine::from_bundle(&std::fs::read(bundle).map_err(|e| format!("{bundle}: {e}"))?)
        .map_err(|e| format!("{bundle}: {e}"))?;
    let text = std::fs::read_to_string(vectors).map_err(|e| format!("{vectors}: {e}"))?;
    let mut inputs = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let (Some(b), Some(input)) = (v["bundle"].as_str(), v["input"].as_str()) else { continue };
        if b == name && engine.score_json(input).is_ok() {
            inputs.push(input.to_owned());
        }
    }
    if inputs.is_empty() {
        return Err(format!("no scorable vectors for {name}"));
    }
    let budget = Duration::from_millis(ms.parse().map_err(|_| format!("bad milliseconds: {ms}"))?);
    let (mut n, mut bytes) = (0u64, 0usize);
    let start = Instant::now();
    // Bounded by the time budget, checked after each full pass over the inputs.
    while start.elapsed() < budget {
        for input in &inputs {
            bytes += engine.score_json(std::hint::black_box(input)).map(|s| s.len()).unwrap_or(0);
            n += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    Ok(format!(
        r#"{{"runtime":"native","inputs":{},"payments":{n},"ns_per_payment":{ns:.1},"output_bytes":{bytes}}}"#,
        inputs.len()
    ))
}
