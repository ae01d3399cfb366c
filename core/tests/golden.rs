//! Golden vectors: the contract every runtime of Ward (native, the WebAssembly component, the
//! JavaScript module) must reproduce byte for byte.
//!
//! `tests/golden/vectors.jsonl` holds one vector per line: a bundle file name, an evaluation as
//! JSON text, and the exact text [`Engine::score_json`] returns for it (or, for invalid input,
//! `{"error": …}` with the Stripe-shaped error). The bundles are committed next to it in
//! `tests/golden/bundles/`. This test:
//!
//! - rebuilds every bundle from its spec (`golden/bundles.rs`) and checks the bytes equal the
//!   committed files (the default bundle is the embedded one);
//! - scores every vector's input and compares the output with `expected`, byte for byte;
//! - checks each vector still means what the case table (`golden/cases.rs`) says it means
//!   (outcome type, reason, level, rule, 3D Secure requests, risk factors, error param), so an
//!   engine change that alters meaning fails with a sentence rather than a diff;
//! - checks the vectors cover every outcome type, risk level, reason, test card, list item type
//!   and custom rule;
//! - scores everything twice, from two separately loaded engines, and compares bytes.
//!
//! A normal run never writes. To regenerate the bundles and the vectors after an intended
//! change, run `WARD_BLESS=1 cargo test -p ward-core --test golden` and review the diff.

#[path = "golden/bundles.rs"]
mod bundles;
#[path = "golden/cases/mod.rs"]
mod cases;
#[path = "golden/expect.rs"]
mod expect;
#[path = "golden/input.rs"]
mod input;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use ward_core::bundle::rule_ids;
use ward_core::lists::ItemType;
use ward_core::payment::test_card_behavior;
use ward_core::{DEFAULT_BUNDLE, Engine, StripeError};

/// One line of `vectors.jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Vector {
    name: String,
    bundle: String,
    input: String,
    expected: String,
}

/// How an error is written: `{"error": {...}}`, fields in [`StripeError`]'s order.
#[derive(Serialize)]
struct ErrorEnvelope<'a> {
    error: &'a StripeError,
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("tests").join("golden")
}

fn bundle_path(name: &str) -> PathBuf {
    golden_dir().join("bundles").join(format!("{name}.bundle"))
}

fn vectors_path() -> PathBuf {
    golden_dir().join("vectors.jsonl")
}

fn blessing() -> bool {
    std::env::var("WARD_BLESS").is_ok_and(|v| v == "1")
}

/// What every runtime must print for `input`: the assessment, or the error envelope.
fn score(engine: &Engine, input: &str) -> String {
    match engine.score_json(input) {
        Ok(out) => out,
        Err(error) => serde_json::to_string(&ErrorEnvelope { error: &error }).expect("errors serialise"),
    }
}

fn read_committed_bundle(name: &str) -> Vec<u8> {
    let path = bundle_path(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nregenerate with WARD_BLESS=1 cargo test -p ward-core --test golden",
            path.display()
        )
    })
}

fn read_vectors() -> Vec<Vector> {
    let path = vectors_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nregenerate with WARD_BLESS=1 cargo test -p ward-core --test golden",
            path.display()
        )
    });
    text.lines()
        .enumerate()
        .map(|(i, line)| serde_json::from_str(line).unwrap_or_else(|e| panic!("vectors.jsonl line {}: {e}", i + 1)))
        .collect()
}

/// Engines for every bundle, loaded from the committed bytes.
fn engines() -> BTreeMap<String, Engine> {
    bundles::ALL
        .iter()
        .map(|name| {
            let bytes = read_committed_bundle(name);
            let engine = Engine::from_bundle(&bytes).unwrap_or_else(|e| panic!("{name}.bundle does not load: {e}"));
            (format!("{name}.bundle"), engine)
        })
        .collect()
}

#[test]
fn golden_vectors() {
    // The bundles: built here, equal to the committed bytes.
    let mut bundle_bytes = BTreeMap::new();
    for name in bundles::ALL {
        let built = bundles::bytes(name);
        if blessing() {
            std::fs::create_dir_all(bundle_path(name).parent().expect("a parent")).expect("create bundles/");
            std::fs::write(bundle_path(name), &built).expect("write bundle");
        } else {
            assert!(
                read_committed_bundle(name) == built,
                "tests/golden/bundles/{name}.bundle differs from the bundle this test builds; if the change is \
                 intended, regenerate with WARD_BLESS=1 cargo test -p ward-core --test golden"
            );
        }
        bundle_bytes.insert(name, built);
    }
    assert_eq!(bundle_bytes[bundles::DEFAULT], DEFAULT_BUNDLE, "default.bundle is the embedded default bundle");
    let engines = engines();

    let cases = cases::all();
    let mut names = BTreeSet::new();
    for c in &cases {
        assert!(names.insert(c.name.clone()), "two cases are named {}", c.name);
    }

    // Score the table: the vectors as this engine writes them.
    let generated: Vec<Vector> = cases
        .iter()
        .map(|c| {
            let bundle = format!("{}.bundle", c.bundle);
            let expected = score(&engines[&bundle], &c.input);
            Vector { name: c.name.clone(), bundle, input: c.input.clone(), expected }
        })
        .collect();

    if blessing() {
        // Written first so a failing meaning check below can be inspected in the file.
        let mut text = String::new();
        for v in &generated {
            text.push_str(&serde_json::to_string(v).expect("vector serialises"));
            text.push('\n');
        }
        std::fs::write(vectors_path(), text).expect("write vectors.jsonl");
        check_meaning(&cases, &generated);
        check_coverage(&generated, &engines);
        return;
    }

    // The committed vectors: same cases, same inputs, and this engine's bytes.
    let committed = read_vectors();
    let by_name: BTreeMap<&str, &Vector> = committed.iter().map(|v| (v.name.as_str(), v)).collect();
    assert_eq!(by_name.len(), committed.len(), "vectors.jsonl has duplicate names");
    let mut problems = Vec::new();
    for g in &generated {
        match by_name.get(g.name.as_str()) {
            None => problems.push(format!("{}: in the case table but not in vectors.jsonl", g.name)),
            Some(v) if v.bundle != g.bundle || v.input != g.input => {
                problems.push(format!("{}: bundle or input differs from the case table", g.name))
            }
            Some(_) => {}
        }
    }
    let table: BTreeSet<&str> = generated.iter().map(|g| g.name.as_str()).collect();
    for v in &committed {
        if !table.contains(v.name.as_str()) {
            problems.push(format!("{}: in vectors.jsonl but not in the case table", v.name));
        }
        let Some(engine) = engines.get(&v.bundle) else {
            problems.push(format!("{}: unknown bundle {}", v.name, v.bundle));
            continue;
        };
        let out = score(engine, &v.input);
        if out != v.expected {
            problems.push(format!(
                "{}: output differs from expected\n  expected: {}\n  got:      {out}",
                v.name, v.expected
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) with the golden vectors:\n{}\nif the change is intended, regenerate with \
         WARD_BLESS=1 cargo test -p ward-core --test golden and review the diff",
        problems.len(),
        problems.join("\n")
    );
    check_meaning(&cases, &committed);
    check_coverage(&committed, &engines);
}

/// Every vector still means what its case says.
fn check_meaning(cases: &[cases::Case], vectors: &[Vector]) {
    let by_name: BTreeMap<&str, &Vector> = vectors.iter().map(|v| (v.name.as_str(), v)).collect();
    let mut bad = Vec::new();
    for c in cases {
        let v = by_name[c.name.as_str()];
        if c.expect.0.is_empty() {
            bad.push(format!("{}: the case has no expectation\n  output: {}", c.name, v.expected));
        }
        let out: Json = serde_json::from_str(&v.expected).expect("expected is JSON");
        for f in expect::failures(&c.expect, &out) {
            bad.push(format!("{}: {f}\n  output: {}", c.name, v.expected));
        }
    }
    assert!(bad.is_empty(), "{} vector(s) no longer mean what their case says:\n{}", bad.len(), bad.join("\n"));
}

/// The vectors cover what the contract promises.
fn check_coverage(vectors: &[Vector], engines: &BTreeMap<String, Engine>) {
    assert!(vectors.len() >= 200, "only {} vectors", vectors.len());
    let outs: Vec<(&Vector, Json)> =
        vectors.iter().map(|v| (v, serde_json::from_str(&v.expected).expect("expected is JSON"))).collect();
    let seen = |pointer: &str| -> BTreeSet<String> {
        outs.iter().filter_map(|(_, o)| o.pointer(pointer).and_then(Json::as_str).map(str::to_owned)).collect()
    };
    let missing = |what: &str, seen: &BTreeSet<String>, want: &[&str]| {
        let absent: Vec<&&str> = want.iter().filter(|w| !seen.contains(**w)).collect();
        assert!(absent.is_empty(), "no vector has {what} {absent:?}");
    };
    missing("outcome type", &seen("/outcome/type"), &["authorized", "manual_review", "blocked", "issuer_declined"]);
    missing("risk level", &seen("/outcome/risk_level"), &["normal", "elevated", "highest", "not_assessed"]);
    missing(
        "reason",
        &seen("/outcome/reason"),
        &[
            "highest_risk_level",
            "elevated_risk_level",
            "rule",
            "merchant_blacklist",
            "not_assessed_risk_level",
            "generic_decline",
            "insufficient_funds",
            "lost_card",
            "stolen_card",
            "card_velocity_exceeded",
            "incorrect_cvc",
            "expired_card",
            "processing_error",
            "incorrect_number",
        ],
    );
    missing("error code", &seen("/error/code"), &["parameter_unknown", "parameter_invalid", "parameter_missing"]);
    let kinds: BTreeSet<String> = outs
        .iter()
        .flat_map(|(_, o)| o["risk_factors"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f["kind"].as_str().map(str::to_owned))
        .collect();
    missing("risk factor kind", &kinds, &["model", "rule", "test_card"]);

    // Every Stripe test card the engine knows.
    let inputs: String = vectors.iter().map(|v| v.input.as_str()).collect();
    for number in cases::TEST_CARDS {
        assert!(test_card_behavior(number).is_some(), "{number} is not a test card");
        assert!(inputs.contains(&format!("\"number\":\"{number}\"")), "no vector uses test card {number}");
    }

    // Every list item type, and every custom and built-in rule, decides or requests 3DS somewhere.
    let lists = engines[&format!("{}.bundle", bundles::LISTS)].lists();
    for t in ItemType::ALL {
        assert!(lists.lists().iter().any(|l| l.item_type == t && !l.items.is_empty()), "no {t} list");
    }
    let fired = |bundle: Option<&str>, id: &str| {
        outs.iter().any(|(v, o)| {
            bundle.is_none_or(|b| v.bundle == b)
                && (o.pointer("/outcome/rule/id").and_then(Json::as_str) == Some(id)
                    || o["three_d_secure"].as_array().is_some_and(|a| a.iter().any(|r| r["id"] == id)))
        })
    };
    let builtin = [
        rule_ids::BLOCK_HIGHEST,
        rule_ids::REVIEW_ELEVATED,
        rule_ids::BLOCK_DEFAULT_LISTS,
        rule_ids::ALLOW_DEFAULT_LISTS,
    ];
    for id in builtin {
        assert!(fired(None, id), "no vector is decided by the built-in rule {id}");
    }
    for (bundle, engine) in engines {
        for rule in engine.rules().rules() {
            let id = rule.id.as_str();
            if builtin.contains(&id) || cases::NEVER_FIRES.contains(&id) {
                continue;
            }
            assert!(fired(Some(bundle), id), "no vector on {bundle} is decided by rule {id}");
        }
    }
}

#[test]
fn vectors_are_deterministic() {
    if blessing() {
        return;
    }
    let vectors = read_vectors();
    let first = engines();
    let second = engines();
    for v in &vectors {
        let a = score(&first[&v.bundle], &v.input);
        let b = score(&first[&v.bundle], &v.input);
        let c = score(&second[&v.bundle], &v.input);
        assert!(a == b && b == c, "{}: scoring is not deterministic:\n{a}\n{b}\n{c}", v.name);
        assert_eq!(a, v.expected, "{}: differs from expected", v.name);
    }
}
