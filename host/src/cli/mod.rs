//! The command line: argument parsing and dispatch. Each subcommand lives in its own module.

mod bundle;
mod check;
mod error;
mod inspect;
mod score;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use error::CliError;

/// Ward: payment fraud risk scoring, rules and lists.
#[derive(Debug, Parser)]
#[command(name = "ward", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score payments: JSON lines in (stdin or a file), JSON lines of assessments out.
    Score(score::ScoreArgs),
    /// Compile a rules file and print its diagnostics; exits non-zero on errors.
    Check(check::CheckArgs),
    /// Build a bundle from a model, rules, lists and thresholds.
    Bundle(bundle::BundleArgs),
    /// Show what a bundle holds: hash, model, rules, lists and manifest.
    Inspect(inspect::InspectArgs),
    /// Run the risk server: Stripe's Radar API over the embedded store (or Redis).
    Serve(serve::ServeArgs),
}

/// Parses the arguments, runs the subcommand, and turns errors into one line on stderr.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Score(a) => score::run(a),
        Command::Check(a) => check::run(a),
        Command::Bundle(a) => bundle::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Serve(a) => serve::run(a),
    };
    match result {
        Ok(code) => code,
        Err(CliError::OutputClosed) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Writes a line to stdout; a closed pipe becomes [`CliError::OutputClosed`].
pub fn print(text: impl std::fmt::Display) -> Result<(), CliError> {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{text}").map_err(CliError::output)
}

/// Reads a JSON array of value lists (`[{id, alias, name, item_type, items: [{value, expires_at?}]}]`).
pub fn read_lists(path: &std::path::Path) -> Result<Vec<ward_core::lists::ValueList>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| CliError::input(path, format!("not a JSON array of value lists: {e}")))
}

/// Reads a bundle file, or returns the embedded default bundle when no path is given.
pub fn load_engine(path: Option<&PathBuf>) -> Result<ward_core::Engine, CliError> {
    let bytes = match path {
        Some(p) => std::fs::read(p).map_err(|e| CliError::io(p, e))?,
        None => ward_core::DEFAULT_BUNDLE.to_vec(),
    };
    let origin = path.map_or_else(|| "the embedded default bundle".to_owned(), |p| p.display().to_string());
    ward_core::Engine::from_bundle(&bytes).map_err(|e| CliError::Bundle { origin, error: e })
}
