//! Golden vectors and runtime parity: the component under wasmtime and the native core give
//! byte-identical assessments (serialized with serde_json from the core's own types), single
//! and batched.

mod common;

use std::path::Path;

use serde_json::Value as Json;
use ward_host::runtime::Scorer;

/// One golden vector file: `{"bundle": "<file in tests/golden/bundles/>" | null, "input": {...},
/// "expected": {...}}`; `expected` may also be `{"error": {...}}` for refused input.
struct Vector {
    name: String,
    bundle: Vec<u8>,
    input: String,
    expected: Json,
}

fn vectors() -> Vec<Vector> {
    let dir = common::workspace().join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files.iter().map(|p| read_vector(&dir, p)).collect()
}

fn read_vector(dir: &Path, path: &Path) -> Vector {
    let text = std::fs::read_to_string(path).expect("vector file");
    let v: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bundle = match v.get("bundle").and_then(Json::as_str) {
        Some(file) => std::fs::read(dir.join("bundles").join(file)).expect("vector bundle"),
        None => ward_core::DEFAULT_BUNDLE.to_vec(),
    };
    Vector {
        name: path.display().to_string(),
        bundle,
        input: v.get("input").map(Json::to_string).expect("vector input"),
        expected: v.get("expected").cloned().expect("vector expected"),
    }
}

fn render(r: &Result<ward_core::Assessment, ward_core::StripeError>) -> String {
    match r {
        Ok(a) => serde_json::to_string(a).expect("serialize assessment"),
        Err(e) => serde_json::to_string(&serde_json::json!({ "error": e })).expect("serialize error"),
    }
}

#[test]
fn golden_vectors_match_on_both_runtimes() {
    let vectors = vectors();
    for v in &vectors {
        let (native, component) = common::scorers(&v.bundle);
        let eval = ward_core::payment::decode_line(&v.input);
        let (n, c) = match &eval {
            Ok(e) => (render(&native.score(e)), render(&component.score(e))),
            Err(e) => (render(&Err(e.clone())), render(&Err(e.clone()))),
        };
        assert_eq!(n, c, "{}: native and component differ", v.name);
        let got: Json = serde_json::from_str(&n).expect("json");
        assert_eq!(got, v.expected, "{}: differs from the expected assessment", v.name);
    }
    eprintln!("{} golden vector(s) checked", vectors.len());
}

#[test]
fn component_matches_native_byte_for_byte() {
    let (native, component) = common::scorers(&common::bundle());
    assert_eq!(native.bundle_id(), component.bundle_id());
    let samples = common::sample_evaluations();
    assert!(samples.len() >= 4);
    for (line, eval) in &samples {
        let Ok(eval) = eval else { continue };
        assert_eq!(render(&native.score(eval)), render(&component.score(eval)), "input: {line}");
    }
}

#[test]
fn batched_calls_equal_single_calls() {
    let (native, component) = common::scorers(&common::bundle());
    let evals: Vec<_> = common::sample_evaluations().into_iter().filter_map(|(_, e)| e.ok()).collect();
    let many: Vec<_> = evals.iter().cycle().take(250).cloned().collect();
    let batched: Vec<String> = component.score_batch(&many).iter().map(render).collect();
    let single: Vec<String> = many.iter().map(|e| render(&component.score(e))).collect();
    let native_batched: Vec<String> = native.score_batch(&many).iter().map(render).collect();
    assert_eq!(batched, single);
    assert_eq!(batched, native_batched);
    assert!(component.score_batch(&[]).is_empty());
}

#[test]
fn manifest_rules_check_and_bundle_errors_match() {
    let (native, component) = common::scorers(&common::bundle());
    assert_eq!(native.manifest().expect("native"), component.manifest().expect("component"));
    for text in [
        "Block if :amount_in_usd: > 1000",
        "Block if :no_such: = 1\nReview if",
        "Allow if :email: = 'a'\nAllow if :email: = 'a'",
    ] {
        assert_eq!(
            native.check_rules(text).expect("native"),
            component.check_rules(text).expect("component"),
            "{text}"
        );
    }
    let bad = component.swap_bundle(b"not a bundle").expect_err("bad bundle refused");
    assert!(bad.to_string().contains("bundle"), "{bad}");
    // The bad bundle left the good one serving.
    assert_eq!(component.bundle_id(), native.bundle_id());
}

/// Prints vectors for `tests/golden/` from the native engine: `cargo test -p ward-host --test
/// golden -- --ignored print_dev_vectors --nocapture`. For development only: the reference
/// vectors come from the core's own tests.
#[test]
#[ignore]
fn print_dev_vectors() {
    let native = ward_host::runtime::NativeScorer::new(&common::bundle()).expect("native");
    for (line, eval) in common::sample_evaluations() {
        let expected: Json = serde_json::from_str(&render(&eval.and_then(|e| native.score(&e)))).expect("json");
        let input: Json = serde_json::from_str(&line).expect("json");
        println!("{}", serde_json::json!({ "bundle": null, "input": input, "expected": expected }));
    }
}
