//! `ward score`: JSON lines of payments in, JSON lines of assessments out.

use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};
use ward_core::{Evaluation, StripeError};
use ward_host::runtime::{
    ComponentScorer, FailurePolicy, NativeScorer, PluginHost, PluginSpec, RuntimeConfig, Scorer, WasmRuntime,
    component_path, default_cache_dir, score_with_plugins,
};

use super::CliError;

/// Which engine scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Runtime {
    /// The Ward WebAssembly component under wasmtime (sandboxed; the production path).
    Component,
    /// The core linked natively into this binary (for comparison).
    Native,
}

/// What a failing plugin does to the payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PluginPolicy {
    /// Score without the failed plugin's signals.
    Open,
    /// Do not score: the payment goes to manual review with an `unknown` risk level.
    Closed,
}

impl From<PluginPolicy> for FailurePolicy {
    fn from(p: PluginPolicy) -> Self {
        match p {
            PluginPolicy::Open => FailurePolicy::Open,
            PluginPolicy::Closed => FailurePolicy::Closed,
        }
    }
}

/// Payments scored per call into the engine: batching amortises the component boundary.
const BATCH: usize = 100;

/// Arguments of `ward score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Input file of JSON lines (default: stdin). Each line is `{"payment": …, "context": …}` or a bare payment.
    input: Option<PathBuf>,
    /// Bundle file (default: the embedded default bundle).
    #[arg(long)]
    bundle: Option<PathBuf>,
    /// Which runtime scores the payments.
    #[arg(long, value_enum, default_value_t = Runtime::Component)]
    runtime: Runtime,
    /// The component file (default: $WARD_COMPONENT, beside the executable, or the workspace build).
    #[arg(long)]
    component: Option<PathBuf>,
    /// Print a summary table on stderr (on by default when stderr is a terminal).
    #[arg(long)]
    summary: bool,
    /// A plugin component (world `plugin`) whose signals are added to each payment's context
    /// before scoring; repeat for several. Each line then reads `{"assessment": …, "plugins": […]}`.
    #[arg(long = "plugin", value_name = "FILE")]
    plugins: Vec<PathBuf>,
    /// What a failing plugin does: `open` scores without its signals, `closed` sends the payment
    /// to manual review unscored.
    #[arg(long, value_enum, default_value_t = PluginPolicy::Open)]
    plugin_policy: PluginPolicy,
}

/// What scores the payments: the engine, and the plugins that enrich them first.
struct Scoring {
    scorer: Box<dyn Scorer>,
    plugins: Option<PluginHost>,
}

/// Scores every line; a malformed line yields an error record and scoring goes on.
pub fn run(args: ScoreArgs) -> Result<ExitCode, CliError> {
    let scoring = make_scoring(&args)?;
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
    let mut pending: Vec<(usize, Result<Evaluation, StripeError>)> = Vec::with_capacity(BATCH);
    for (index, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CliError::Input { path: "input".into(), message: e.to_string() })?;
        progress.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        pending.push((index + 1, ward_core::payment::decode_line(&line)));
        if pending.len() == BATCH {
            flush(&scoring, &mut pending, &mut out, &mut tally)?;
        }
    }
    flush(&scoring, &mut pending, &mut out, &mut tally)?;
    out.flush().map_err(CliError::output)?;
    progress.finish_and_clear();
    if args.summary || std::io::stderr().is_terminal() {
        eprintln!("{}", tally.table());
    }
    Ok(ExitCode::SUCCESS)
}

/// The scorer the arguments ask for, with the bundle loaded, and the plugins compiled.
fn make_scoring(args: &ScoreArgs) -> Result<Scoring, CliError> {
    let bundle = match &args.bundle {
        Some(p) => std::fs::read(p).map_err(|e| CliError::io(p, e))?,
        None => ward_core::DEFAULT_BUNDLE.to_vec(),
    };
    let source =
        args.bundle.as_ref().map_or_else(|| "the embedded default bundle".to_owned(), |p| p.display().to_string());
    let runtime_error =
        |e: ward_host::runtime::RuntimeError| CliError::Runtime { bundle: source.clone(), message: e.to_string() };
    let needs_wasm = args.runtime == Runtime::Component || !args.plugins.is_empty();
    let runtime = if needs_wasm {
        let config = RuntimeConfig { cache_dir: default_cache_dir(), ..RuntimeConfig::default() };
        Some(WasmRuntime::new(config).map_err(runtime_error)?)
    } else {
        None
    };
    let scorer: Box<dyn Scorer> = match (args.runtime, &runtime) {
        (Runtime::Component, Some(runtime)) => {
            let path = component_path(args.component.as_deref()).map_err(runtime_error)?;
            let wasm = std::fs::read(&path).map_err(|e| CliError::io(&path, e))?;
            Box::new(ComponentScorer::new(runtime.clone(), &wasm, &bundle).map_err(runtime_error)?)
        }
        _ => Box::new(NativeScorer::new(&bundle).map_err(runtime_error)?),
    };
    let plugins = match runtime {
        Some(runtime) if !args.plugins.is_empty() => Some(load_plugins(runtime, &args.plugins, args.plugin_policy)?),
        _ => None,
    };
    Ok(Scoring { scorer, plugins })
}

/// Reads and compiles the plugin files; each is named after its file stem in the reports.
fn load_plugins(
    runtime: std::sync::Arc<WasmRuntime>,
    files: &[PathBuf],
    policy: PluginPolicy,
) -> Result<PluginHost, CliError> {
    let mut specs = Vec::with_capacity(files.len());
    for path in files {
        let wasm = std::fs::read(path).map_err(|e| CliError::io(path, e))?;
        let name = path.file_stem().map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned());
        specs.push(PluginSpec { name, wasm, policy: policy.into() });
    }
    PluginHost::new(runtime, specs).map_err(|e| {
        let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        // wasmtime's message lists its causes on lines of their own: one line for the terminal.
        let message = e.to_string().lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
        CliError::Input { path: files.join(", "), message: format!("cannot load the plugins: {message}") }
    })
}

/// Scores the pending lines in one batch and writes one JSON record per line, in input order:
/// the assessment, or `{"line": n, "error": {...}}`.
fn flush(
    scoring: &Scoring,
    pending: &mut Vec<(usize, Result<Evaluation, StripeError>)>,
    out: &mut impl Write,
    tally: &mut Tally,
) -> Result<(), CliError> {
    let scorer = scoring.scorer.as_ref();
    if let Some(plugins) = &scoring.plugins {
        return flush_with_plugins(scorer, plugins, pending, out, tally);
    }
    let valid: Vec<Evaluation> = pending.iter().filter_map(|(_, e)| e.as_ref().ok().cloned()).collect();
    let mut scored = scorer.score_batch(&valid).into_iter();
    for (number, decoded) in pending.drain(..) {
        let result = match decoded {
            Ok(_) => scored.next().unwrap_or_else(|| Err(StripeError::invalid_request("internal", "missing result"))),
            Err(e) => Err(e),
        };
        let record = match result.and_then(|a| render(&a)) {
            Ok((json, kind, level)) => {
                tally.add(&kind, &level);
                json
            }
            Err(error) => {
                tally.errors += 1;
                let record = ErrorRecord { line: number, error: &error };
                serde_json::to_string(&record).unwrap_or_else(|_| format!("{{\"line\":{number}}}"))
            }
        };
        writeln!(out, "{record}").map_err(CliError::output)?;
    }
    Ok(())
}

/// As [`flush`], with the plugins run on each payment first (one call each: plugins get a
/// fresh instance per payment, so batching would not save anything). A scored line reads
/// `{"assessment": …, "plugins": […]}`, a payment that failed validation after the plugins ran
/// `{"line": n, "error": …, "plugins": […]}`, and an undecodable line `{"line": n, "error": …}`.
fn flush_with_plugins(
    scorer: &dyn Scorer,
    plugins: &PluginHost,
    pending: &mut Vec<(usize, Result<Evaluation, StripeError>)>,
    out: &mut impl Write,
    tally: &mut Tally,
) -> Result<(), CliError> {
    for (number, decoded) in pending.drain(..) {
        let record = match decoded {
            Ok(evaluation) => {
                let scored = score_with_plugins(scorer, plugins, &evaluation);
                match (&scored.assessment, &scored.error) {
                    (Some(a), _) => {
                        let kind = serde_json::to_value(a.outcome.kind).ok();
                        tally.add(
                            kind.as_ref().and_then(|v| v.as_str()).unwrap_or_default(),
                            a.outcome.risk_level.as_str(),
                        );
                        serde_json::to_string(&scored)
                    }
                    (None, error) => {
                        tally.errors += 1;
                        let error =
                            error.clone().unwrap_or_else(|| StripeError::invalid_request("internal", "no result"));
                        serde_json::to_string(&PluginErrorRecord {
                            line: number,
                            error: &error,
                            plugins: &scored.plugins,
                        })
                    }
                }
            }
            Err(error) => {
                tally.errors += 1;
                serde_json::to_string(&ErrorRecord { line: number, error: &error })
            }
        };
        let record = record.unwrap_or_else(|_| format!("{{\"line\":{number}}}"));
        writeln!(out, "{record}").map_err(CliError::output)?;
    }
    Ok(())
}

/// A line scored with plugins that could not be scored: the error and the plugin reports.
#[derive(serde::Serialize)]
struct PluginErrorRecord<'a> {
    line: usize,
    error: &'a StripeError,
    plugins: &'a [ward_host::runtime::PluginReport],
}

/// What `ward score` prints for a line it could not score; the error keeps the field order of
/// the assessment's own `error` object.
#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    line: usize,
    error: &'a StripeError,
}

fn render(assessment: &ward_core::Assessment) -> Result<(String, String, String), StripeError> {
    let json = serde_json::to_string(assessment)
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
