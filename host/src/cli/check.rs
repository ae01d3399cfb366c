//! `ward check RULES_FILE`: compile rules and print diagnostics with line and column.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ward_core::rules::Severity;

use ward_core::attributes::Catalogue;
use ward_core::lists::{ListSet, defaults::with_defaults};

use super::{CliError, load_engine, read_lists};

/// Arguments of `ward check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The rules file (one rule per line, `#` comments, optional `id:` prefixes).
    rules: PathBuf,
    /// Check list references against this bundle's lists (default: the embedded bundle).
    #[arg(long, conflicts_with = "lists")]
    bundle: Option<PathBuf>,
    /// Check list references against these lists (the JSON file `ward bundle --lists` takes).
    #[arg(long)]
    lists: Option<PathBuf>,
}

/// Prints every diagnostic; fails when any is an error.
pub fn run(args: CheckArgs) -> Result<ExitCode, CliError> {
    let text = std::fs::read_to_string(&args.rules).map_err(|e| CliError::io(&args.rules, e))?;
    let diagnostics = match &args.lists {
        Some(path) => {
            let lists =
                ListSet::new(with_defaults(read_lists(path)?)).map_err(|e| CliError::input(path, e.to_string()))?;
            ward_core::rules::check(&text, &Catalogue::standard(), &lists)
        }
        None => load_engine(args.bundle.as_ref())?.check_rules(&text),
    };
    let path = args.rules.display().to_string();
    for d in &diagnostics {
        // Point at the file the way compilers do, so editors can jump to it.
        let located = format!("--> {path}:{}:{}", d.line, d.column);
        eprintln!("{}", d.render(&text).replacen(&format!("--> line {}, column {}", d.line, d.column), &located, 1));
    }
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let rules = ward_core::rules::parse_rules_file(&text).map(|r| r.len()).unwrap_or(0);
    if errors > 0 {
        return Err(CliError::RulesFailed { path, count: errors });
    }
    eprintln!("{path}: {rules} rule(s), no errors, {warnings} warning(s)");
    Ok(ExitCode::SUCCESS)
}
