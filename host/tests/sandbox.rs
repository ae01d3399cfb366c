//! Hostile plugins are contained: each failure costs its own call only, the host keeps
//! answering, the configured policy is applied and reported, and 1,000 hostile calls do not
//! grow the host's memory.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ward_core::outcome::RiskLevel;
use ward_core::{Evaluation, Value};
use ward_host::runtime::{
    ComponentScorer, FailurePolicy, PluginHost, PluginSpec, PluginStatus, Scorer, WasmRuntime, plugin_path,
    score_with_plugins,
};

fn plugin(name: &str, file: &str, policy: FailurePolicy) -> PluginSpec {
    let path = plugin_path(file);
    let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run tests/build-component.sh", path.display()));
    PluginSpec { name: name.to_owned(), wasm, policy }
}

fn evaluation(mode: &str) -> Evaluation {
    let mut e = Evaluation::default();
    e.payment.id = Some(format!("ch_{mode}"));
    e.payment.amount = 1000;
    e.payment.currency = "usd".into();
    e.payment.created = 1_764_040_000;
    e.payment.metadata.insert("ward_test_mode".into(), mode.into());
    e
}

struct Setup {
    runtime: Arc<WasmRuntime>,
    scorer: ComponentScorer,
}

fn setup() -> Setup {
    let runtime = common::runtime();
    let scorer = ComponentScorer::new(runtime.clone(), &common::component_wasm(), &common::bundle()).expect("scorer");
    Setup { runtime, scorer }
}

const CASES: &[(&str, PluginStatus)] = &[
    ("ok", PluginStatus::Ok),
    ("loop", PluginStatus::Timeout),
    ("memory", PluginStatus::Memory),
    ("recurse", PluginStatus::Trap),
    ("trap", PluginStatus::Trap),
    ("unreachable", PluginStatus::Trap),
    ("huge-string", PluginStatus::Memory),
    ("wide-list", PluginStatus::InvalidOutput),
    ("long-name", PluginStatus::InvalidOutput),
    ("unknown-name", PluginStatus::InvalidOutput),
    ("error", PluginStatus::Error),
];

#[test]
fn each_hostile_behaviour_is_contained_and_fails_open() {
    let s = setup();
    let plugins =
        PluginHost::new(s.runtime.clone(), vec![plugin("hostile", "hostile", FailurePolicy::Open)]).expect("plugins");
    for (mode, status) in CASES {
        let started = Instant::now();
        let scored = score_with_plugins(&s.scorer, &plugins, &evaluation(mode));
        let took = started.elapsed();
        let report = &scored.plugins[0];
        assert_eq!(report.status, *status, "{mode}: {report:?}");
        assert!(took < Duration::from_secs(5), "{mode} took {took:?}");
        let assessment = scored.assessment.as_ref().unwrap_or_else(|| panic!("{mode}: not scored: {:?}", scored.error));
        if *status == PluginStatus::Ok {
            assert_eq!(report.signals, vec!["account_risk_score".to_owned()]);
            assert_eq!(report.applied, None);
        } else {
            assert_eq!(report.applied, Some(FailurePolicy::Open), "{mode}");
            assert!(report.signals.is_empty());
            assert_ne!(assessment.outcome.risk_level, RiskLevel::Unknown, "{mode}");
        }
        eprintln!("{mode:>12}: {:?} in {took:?} ({})", report.status, report.message.as_deref().unwrap_or("-"));
    }
    // The host still scores after all that.
    assert!(s.scorer.score(&evaluation("ok")).is_ok());
}

#[test]
fn fail_closed_reports_unknown_without_scoring() {
    let s = setup();
    let plugins = PluginHost::new(
        s.runtime.clone(),
        vec![plugin("example", "signals", FailurePolicy::Open), plugin("strict", "hostile", FailurePolicy::Closed)],
    )
    .expect("plugins");
    let scored = score_with_plugins(&s.scorer, &plugins, &evaluation("loop"));
    let a = scored.assessment.expect("an assessment");
    assert_eq!(a.outcome.risk_level, RiskLevel::Unknown);
    assert_eq!(a.outcome.reason.as_deref(), Some("unknown_risk_level"));
    assert_eq!(scored.plugins[1].status, PluginStatus::Timeout);
    assert_eq!(scored.plugins[1].applied, Some(FailurePolicy::Closed));
    let json = serde_json::to_value(&scored.plugins).expect("json");
    assert_eq!(json[1]["status"], "timeout");
    assert_eq!(json[1]["applied"], "closed");

    // With a well-behaved answer both plugins contribute and the payment is scored.
    let mut e = evaluation("ok");
    e.payment.destination = Some("acct_1".into());
    e.payment.destination_metadata.insert("risk".into(), "medium".into());
    let scored = score_with_plugins(&s.scorer, &plugins, &e);
    assert!(scored.plugins.iter().all(|p| p.status == PluginStatus::Ok), "{:?}", scored.plugins);
    assert_eq!(scored.plugins[0].signals, vec!["account_risk_level".to_owned()]);
    assert!(scored.assessment.is_some());
}

#[test]
fn caller_context_is_never_overridden_by_a_plugin() {
    let s = setup();
    let plugins =
        PluginHost::new(s.runtime.clone(), vec![plugin("hostile", "hostile", FailurePolicy::Open)]).expect("plugins");
    let mut e = evaluation("ok");
    e.context.insert("account_risk_score".into(), Value::Num(7.0));
    let (reports, closed) = plugins.enrich(&mut e);
    assert!(!closed);
    assert!(reports[0].signals.is_empty());
    assert_eq!(e.context.get("account_risk_score"), Some(&Value::Num(7.0)));
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("resident pages");
    pages * 4096
}

#[test]
fn a_thousand_hostile_calls_do_not_grow_the_host() {
    let s = setup();
    let plugins =
        PluginHost::new(s.runtime.clone(), vec![plugin("hostile", "hostile", FailurePolicy::Open)]).expect("plugins");
    // Loops cost a full deadline each; the other modes are quick. Warm up first so lazily
    // allocated pool slots and caches are not counted as growth.
    let modes = ["trap", "memory", "recurse", "wide-list", "unreachable", "huge-string", "long-name", "error"];
    for m in modes {
        let _ = score_with_plugins(&s.scorer, &plugins, &evaluation(m));
    }
    let before = rss_bytes();
    let evals: Vec<Evaluation> = modes.iter().map(|m| evaluation(m)).collect();
    for i in 0..1000 {
        let scored = score_with_plugins(&s.scorer, &plugins, &evals[i % evals.len()]);
        assert!(scored.assessment.is_some(), "call {i}");
        assert_ne!(scored.plugins[0].status, PluginStatus::Ok);
    }
    for _ in 0..5 {
        let scored = score_with_plugins(&s.scorer, &plugins, &evaluation("loop"));
        assert_eq!(scored.plugins[0].status, PluginStatus::Timeout);
    }
    let after = rss_bytes();
    let growth = after.saturating_sub(before);
    eprintln!("RSS before {} MiB, after {} MiB, growth {} KiB", before >> 20, after >> 20, growth >> 10);
    assert!(growth < 64 << 20, "RSS grew by {growth} bytes");
    assert!(s.scorer.score(&evaluation("ok")).is_ok());
}

#[test]
fn bundle_swap_is_atomic_under_load() {
    let s = setup();
    let scorer = Arc::new(s.scorer);
    let first = scorer.bundle_id();
    let other = {
        let mut spec = ward_core::BundleSpec::rules_only("other", "Block if :amount_in_usd: > 1");
        spec.version = "2".into();
        ward_core::bundle::encode(&spec).expect("bundle").0
    };
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let scorer = scorer.clone();
            std::thread::spawn(move || {
                let mut seen = std::collections::BTreeSet::new();
                for _ in 0..300 {
                    let a = scorer.score(&evaluation("ok")).expect("scored");
                    seen.insert(a.bundle);
                }
                seen
            })
        })
        .collect();
    let second = scorer.swap_bundle(&other).expect("swap");
    assert_ne!(first, second);
    for w in workers {
        let seen = w.join().expect("worker");
        assert!(seen.iter().all(|b| *b == first || *b == second), "{seen:?}");
    }
    assert_eq!(scorer.score(&evaluation("ok")).expect("scored").bundle, second);
}
