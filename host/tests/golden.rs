//! Golden vectors and runtime parity: the component under wasmtime and the native core give
//! byte-identical assessments (serialized with serde_json from the core's own types), single
//! and batched.

mod common;

use std::collections::BTreeMap;

use ward_host::runtime::Scorer;

/// One golden vector: a line of `tests/golden/vectors.jsonl` (see `tests/golden/README.md`).
#[derive(serde::Deserialize)]
struct Vector {
    name: String,
    /// File name under `tests/golden/bundles/`.
    bundle: String,
    /// The evaluation JSON text, exactly as scored.
    input: String,
    /// The exact output text: an assessment, or `{"error": {...}}`.
    expected: String,
}

fn vectors() -> Vec<Vector> {
    let path = common::workspace().join("tests/golden/vectors.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).collect()
}

/// Errors are written as `{"error": <StripeError>}` in the error's own field order, as the core does.
#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    error: &'a ward_core::StripeError,
}

fn render(r: &Result<ward_core::Assessment, ward_core::StripeError>) -> String {
    match r {
        Ok(a) => serde_json::to_string(a).expect("serialize assessment"),
        Err(e) => serde_json::to_string(&ErrorBody { error: e }).expect("serialize error"),
    }
}

#[test]
fn golden_vectors_match_on_both_runtimes() {
    let vectors = vectors();
    assert!(vectors.len() >= 200, "only {} golden vectors", vectors.len());
    let dir = common::workspace().join("tests/golden/bundles");
    let mut by_bundle: BTreeMap<&str, Vec<&Vector>> = BTreeMap::new();
    for v in &vectors {
        by_bundle.entry(&v.bundle).or_default().push(v);
    }
    let mut checked = 0;
    for (file, group) in by_bundle {
        let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (native, component) = common::scorers(&bytes);
        for v in group {
            // The host decodes JSON (as the server will) and hands typed records to the component.
            let eval = ward_core::payment::decode_evaluation(&v.input);
            let (n, c) = match &eval {
                Ok(e) => (render(&native.score(e)), render(&component.score(e))),
                Err(e) => (render(&Err(e.clone())), render(&Err(e.clone()))),
            };
            assert_eq!(c, v.expected, "{}: the component differs from the golden bytes", v.name);
            assert_eq!(n, v.expected, "{}: native differs from the golden bytes", v.name);
            checked += 1;
        }
    }
    eprintln!("{checked} golden vectors reproduced byte for byte by native Rust and the component");
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
