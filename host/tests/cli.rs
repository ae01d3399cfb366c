//! The `ward` binary as a user runs it: exit codes, one-line errors, never a panic trace.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ward(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ward starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("ward finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn tmp(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ward-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write tmp");
    path
}

const GOOD: &str = r#"{"payment": {"amount": 1000, "currency": "usd", "created": 1764000000}}"#;

#[test]
fn a_malformed_line_gets_an_error_record_and_scoring_goes_on() {
    let input = format!(
        "{GOOD}\nnot json\n{{\"payment\": {{\"amount\": 1, \"currency\": \"usd\", \"created\": 1, \"colour\": \"red\"}}}}\n{GOOD}\n"
    );
    let out = ward(&["score"], &input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each record is JSON")).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["object"], "risk_assessment");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["code"], "invalid_json");
    assert_eq!(lines[2]["error"]["param"], "payment[colour]");
    assert_eq!(lines[3]["object"], "risk_assessment");
}

#[test]
fn bare_payments_are_accepted() {
    let out = ward(&["score"], r#"{"amount": 1000, "currency": "jpy", "created": 1764000000}"#);
    let v: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
    assert_eq!(v["object"], "risk_assessment");
    assert!(v["bundle"].as_str().expect("bundle").starts_with("bndl_"));
    // No card: Radar assesses card payments only.
    assert_eq!(v["outcome"]["risk_level"], "not_assessed");
    assert_eq!(v["outcome"]["reason"], "not_assessed_risk_level");
}

#[test]
fn check_fails_with_line_and_column() {
    let rules = tmp("bad-rules.txt", b"# ok\nBlock if :amount_in_usd: > 'lots'\n");
    let out = ward(&["check", rules.to_str().expect("utf-8 path")], "");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:2:", rules.display())), "{err}");
    assert!(err.contains('^'), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_truncated_bundle_is_one_clear_line() {
    let bundle = tmp("truncated.bundle", &ward_core::DEFAULT_BUNDLE[..100]);
    let out = ward(&["inspect", bundle.to_str().expect("utf-8 path")], "");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: cannot load"), "{err}");
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn a_bundle_with_broken_rules_is_not_written() {
    let rules = tmp("broken.txt", b"Block if :nope: > 1\n");
    let output = std::env::temp_dir().join(format!("ward-cli-{}-never.bundle", std::process::id()));
    let out = ward(&["bundle", "--rules", rules.to_str().expect("path"), "-o", output.to_str().expect("path")], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown attribute"), "{}", text(&out.stderr));
    assert!(!output.exists());
}

#[test]
fn a_missing_input_file_is_one_clear_line() {
    let out = ward(&["score", "/nonexistent/payments.jsonl"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: /nonexistent/payments.jsonl"), "{err}");
}

#[test]
fn inspect_reports_the_manifest_as_json() {
    let out = ward(&["inspect", "--json"], "");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(v["id"].as_str().expect("id").starts_with("bndl_"));
    assert!(
        v["manifest"]["context"]
            .as_array()
            .expect("context")
            .iter()
            .any(|c| c == "total_charges_per_card_number_hourly")
    );
    assert_eq!(v["thresholds"]["highest"], 75);
}

fn plugin_file(name: &str) -> String {
    let path = ward_host::runtime::plugin_path(name);
    assert!(path.is_file(), "{}: run tests/build-component.sh", path.display());
    path.display().to_string()
}

const TO_ACCOUNT: &str = r#"{"payment": {"amount": 1000, "currency": "usd", "created": 1764000000, "destination": "acct_1", "destination_metadata": {"risk": "high"}}}"#;

#[test]
fn plugins_add_signals_and_are_reported() {
    let signals = plugin_file("signals");
    let input = format!("{TO_ACCOUNT}\nnot json\n");
    let out = ward(&["score", "--plugin", &signals], &input);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each record is JSON")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["assessment"]["object"], "risk_assessment");
    let report = &lines[0]["plugins"][0];
    assert_eq!(report["name"], "signals");
    assert_eq!(report["status"], "ok");
    assert_eq!(report["policy"], "open");
    assert_eq!(report["signals"], serde_json::json!(["account_risk_level"]));
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["code"], "invalid_json");
}

#[test]
fn a_failing_plugin_follows_the_policy() {
    let hostile = plugin_file("hostile");
    let signals = plugin_file("signals");
    let input = r#"{"payment": {"amount": 1000, "currency": "usd", "created": 1764000000, "metadata": {"ward_test_mode": "trap"}}}"#;
    for (policy, level) in [("open", "not_assessed"), ("closed", "unknown")] {
        let args = ["score", "--plugin", &hostile, "--plugin", &signals, "--plugin-policy", policy];
        let out = ward(&args, input);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).expect("json");
        assert_eq!(v["assessment"]["outcome"]["risk_level"], level, "{policy}: {v}");
        assert_eq!(v["plugins"][0]["name"], "hostile");
        assert_eq!(v["plugins"][0]["status"], "trap");
        assert_eq!(v["plugins"][0]["applied"], policy);
        assert_eq!(v["plugins"][1]["status"], "ok");
    }
}

#[test]
fn a_plugin_that_is_not_a_component_is_one_clear_line() {
    let bogus = tmp("bogus-plugin.wasm", b"not wasm");
    let out = ward(&["score", "--plugin", bogus.to_str().expect("utf-8 path")], GOOD);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bogus-plugin.wasm"), "{err}");
}
