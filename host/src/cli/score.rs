//! `ward score`: JSON lines of payments in, JSON lines of assessments out.

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use ward_core::{Engine, StripeError};

use super::{CliError, load_engine};

/// Which engine scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Runtime {
    /// The core linked natively into this binary.
    Native,
}

/// Arguments of `ward score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Input file of JSON lines (default: stdin). Each line is `{"payment": …, "context": …}` or a bare payment.
    input: Option<PathBuf>,
    /// Bundle file (default: the embedded default bundle).
    #[arg(long)]
    bundle: Option<PathBuf>,
    /// Which runtime scores the payments.
    #[arg(long, value_enum, default_value_t = Runtime::Native)]
    runtime: Runtime,
    /// Print a summary table on stderr (on by default when stderr is a terminal).
    #[arg(long)]
    summary: bool,
}

/// Scores every line; a malformed line yields an error record and scoring goes on.
pub fn run(args: ScoreArgs) -> Result<ExitCode, CliError> {
    let engine = load_engine(args.bundle.as_ref())?;
    let (reader, total): (Box<dyn BufRead>, Option<u64>) = match &args.input {
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| CliError::io(p, e))?;
            let len = f.metadata().map(|m| m.len()).ok();
            (Box::new(BufReader::new(f)), len)
        }
        None => (Box::new(BufReader::new(std::io::stdin().lock())), None),
    };
    let progress = progress_bar(total);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut tally = Tally::default();
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CliError::Input { path: "input".into(), message: e.to_string() })?;
        progress.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        let record = score_line(&engine, &line, index + 1, &mut tally);
        writeln!(out, "{record}").map_err(CliError::output)?;
    }
    out.flush().map_err(CliError::output)?;
    progress.finish_and_clear();
    if args.summary || std::io::stderr().is_terminal() {
        eprintln!("{}", tally.table());
    }
    Ok(ExitCode::SUCCESS)
}

/// One line in, one JSON record out: the assessment, or `{"line": n, "error": {...}}`.
fn score_line(engine: &Engine, line: &str, number: usize, tally: &mut Tally) -> String {
    match score_one(engine, line) {
        Ok((json, kind, level)) => {
            tally.add(&kind, &level);
            json
        }
        Err(error) => {
            tally.errors += 1;
            let record = ErrorRecord { line: number, error: &error };
            serde_json::to_string(&record).unwrap_or_else(|_| format!("{{\"line\":{number}}}"))
        }
    }
}

/// What `ward score` prints for a line it could not score; the error keeps the field order of
/// the assessment's own `error` object.
#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    line: usize,
    error: &'a StripeError,
}

fn score_one(engine: &Engine, line: &str) -> Result<(String, String, String), StripeError> {
    let eval = ward_core::payment::decode_line(line)?;
    let assessment = engine.score(&eval)?;
    let json = serde_json::to_string(&assessment)
        .map_err(|e| StripeError::invalid_request("serialization_failed", e.to_string()))?;
    let kind = serde_json::to_value(assessment.outcome.kind).ok().and_then(|v| v.as_str().map(str::to_owned));
    Ok((json, kind.unwrap_or_default(), assessment.outcome.risk_level.as_str().to_owned()))
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    let Some(total) = total else { return ProgressBar::hidden() };
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{spinner} scoring [{bar:40}] {bytes}/{total_bytes} ({eta})") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Counts of outcomes and levels for the summary table.
#[derive(Default)]
struct Tally {
    rows: std::collections::BTreeMap<(String, String), u64>,
    errors: u64,
}

impl Tally {
    fn add(&mut self, kind: &str, level: &str) {
        *self.rows.entry((kind.to_owned(), level.to_owned())).or_default() += 1;
    }

    fn table(&self) -> Table {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED).set_header(["outcome", "risk level", "payments"]);
        for ((kind, level), n) in &self.rows {
            t.add_row([kind.clone(), level.clone(), n.to_string()]);
        }
        if self.errors > 0 {
            t.add_row(["invalid input".to_owned(), "-".to_owned(), self.errors.to_string()]);
        }
        t
    }
}
