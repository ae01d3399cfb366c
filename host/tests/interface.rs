//! The built component imports nothing, and the WIT embedded in it is the WIT in `wit/`:
//! an interface that drifted from the source fails here.

mod common;

use std::path::Path;
use std::process::Command;

fn wasm_tools_wit(path: &Path) -> String {
    let out = Command::new("wasm-tools")
        .args(["component", "wit", "--no-docs"])
        .arg(path)
        .output()
        .expect("wasm-tools is installed (tests/build-component.sh installs it)");
    assert!(out.status.success(), "wasm-tools failed on {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The lines of the block that starts with `header` (brace-matched), trimmed, blank lines dropped.
fn block(text: &str, header: &str) -> Option<Vec<String>> {
    let start = text.find(header)?;
    let mut depth = 0usize;
    let mut end = None;
    for (i, ch) in text[start..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    end = Some(start + i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let body = &text[start..end?];
    Some(body.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

fn world_lines(text: &str, header: &str) -> Vec<String> {
    block(text, header).unwrap_or_else(|| panic!("no `{header}` in:\n{text}"))
}

fn check_artifact(artifact: &Path, source_world: &str, interfaces: &[&str]) {
    let built = wasm_tools_wit(artifact);
    let source = wasm_tools_wit(&common::workspace().join("wit"));
    let root = world_lines(&built, "world root {");
    assert!(root.iter().all(|l| !l.starts_with("import")), "{} has imports:\n{}", artifact.display(), root.join("\n"));
    let exports: Vec<&String> = root.iter().filter(|l| l.starts_with("export")).collect();
    let wanted = world_lines(&source, &format!("world {source_world} {{"));
    let wanted: Vec<String> = wanted
        .iter()
        .filter(|l| l.starts_with("export"))
        .map(|l| l.replace("export ", "export ward:risk/").replace(';', "@0.1.0;"))
        .collect();
    assert_eq!(exports.len(), wanted.len(), "exports of {}: {exports:?} vs {wanted:?}", artifact.display());
    for w in &wanted {
        assert!(exports.contains(&w), "{} does not {w}", artifact.display());
    }
    for name in interfaces {
        let header = format!("interface {name} {{");
        let ours = block(&built, &header).unwrap_or_else(|| panic!("{} lacks interface {name}", artifact.display()));
        let theirs = block(&source, &header).unwrap_or_else(|| panic!("wit/ lacks interface {name}"));
        assert_eq!(ours, theirs, "interface {name} in {} differs from wit/: rebuild the component", artifact.display());
    }
}

#[test]
fn component_imports_nothing_and_embeds_the_source_wit() {
    let path = ward_host::runtime::component_path(None).expect("component built");
    check_artifact(&path, "ward", &["types", "scoring"]);
    let size = std::fs::metadata(&path).expect("component").len();
    eprintln!("component size: {size} bytes");
}

#[test]
fn plugins_import_nothing_and_match_the_plugin_world() {
    for name in ["hostile", "signals"] {
        check_artifact(&ward_host::runtime::plugin_path(name), "plugin", &["types", "signals"]);
    }
}

#[test]
fn drift_is_detected() {
    let text = "interface types {\n  record a {\n    x: u8,\n  }\n}\n";
    let drifted = text.replace("u8", "u16");
    assert_ne!(block(text, "interface types {"), block(&drifted, "interface types {"));
}
