//! `ward inspect FILE`: what a bundle holds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::{CliError, load_engine, print};

/// Arguments of `ward inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The bundle file (default: the embedded default bundle).
    bundle: Option<PathBuf>,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
}

/// Prints the bundle's id, model summary, rules, lists and manifest.
pub fn run(args: InspectArgs) -> Result<ExitCode, CliError> {
    let size = match &args.bundle {
        Some(p) => std::fs::metadata(p).map_err(|e| CliError::io(p, e))?.len() as usize,
        None => ward_core::DEFAULT_BUNDLE.len(),
    };
    let engine = load_engine(args.bundle.as_ref())?;
    let (name, version) = engine.bundle_name();
    let model = engine.model().map(|m| {
        serde_json::json!({
            "source": m.info.source, "trees": m.n_trees(), "max_depth": m.max_depth(),
            "features": m.feature_names.len(),
        })
    });
    let rules: Vec<_> = engine
        .rules()
        .rules()
        .iter()
        .map(|r| serde_json::json!({"id": r.id, "action": r.action, "predicate": r.predicate}))
        .collect();
    let t = engine.thresholds();
    if args.json {
        let doc = serde_json::json!({
            "id": engine.bundle_id(), "name": name, "version": version, "bytes": size,
            "format_version": ward_core::bundle::FORMAT_VERSION,
            "thresholds": {"elevated": t.elevated, "highest": t.highest},
            "model": model, "rules": rules, "manifest": engine.manifest(),
            "warnings": engine.rule_warnings(),
        });
        print(format!("{doc:#}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut summary = Table::new();
    summary.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_width(110);
    summary.add_row(["bundle", engine.bundle_id()]);
    summary.add_row(["name", &format!("{name} {version}")]);
    summary.add_row(["size", &format!("{size} bytes (format v{})", ward_core::bundle::FORMAT_VERSION)]);
    summary.add_row(["thresholds", &format!("elevated ≥ {}, highest ≥ {}", t.elevated, t.highest)]);
    let model_line = engine.model().map_or_else(
        || "none (payments are not_assessed)".to_owned(),
        |m| {
            format!(
                "{}: {} trees, depth ≤ {}, {} features",
                m.info.source,
                m.n_trees(),
                m.max_depth(),
                m.feature_names.len()
            )
        },
    );
    summary.add_row(["model", &model_line]);
    summary.add_row(["context needed", &engine.manifest().context.join(", ")]);
    summary.add_row(["lists used", &engine.manifest().lists.join(", ")]);
    print(&summary)?;
    let mut rules_table = Table::new();
    rules_table.load_preset(UTF8_FULL_CONDENSED).set_header(["rule", "action", "predicate"]);
    for r in engine.rules().rules() {
        rules_table.add_row([r.id.clone(), r.action.as_str().to_owned(), truncate(&r.predicate, 90)]);
    }
    print(&rules_table)?;
    for w in engine.rule_warnings() {
        eprintln!("warning: {}", w.message);
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}
