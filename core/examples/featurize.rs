//! Turns evaluations (JSON lines) into the feature vectors the engine's model reads.
//!
//! Training and serving share one code path: every line goes through
//! [`ward_core::payment::decode_evaluation`] and [`fill_frame`] (which checks the context), and the
//! vector is read with [`FeatureMap::fill`], exactly as the engine does before scoring. Values are
//! the same `f32`s the model sees; a missing value is an empty cell.
//!
//! ```text
//! cargo run --release -p ward-core --example featurize -- \
//!     --evaluations evaluations.jsonl --features features.txt --out features.csv
//! ```
//!
//! The feature file lists one attribute per line (blank lines and `#` comments are ignored). The
//! CSV has a header `line,id,<feature>...`: `line` is the 1-based line number of the evaluation,
//! `id` its `payment.id` (empty if absent). A line that fails to decode or validate is reported on
//! stderr with its line number and skipped; the run then exits with status 1 unless
//! `--keep-going` is given. Blank lines are ignored.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

use ward_core::attributes::{Catalogue, FeatureMap, fill_frame};
use ward_core::currency::CurrencyTable;
use ward_core::payment::decode_evaluation;

/// How many bad lines are printed in full before only counting the rest.
const MAX_REPORTED: usize = 20;

struct Args {
    evaluations: String,
    features: String,
    out: Option<String>,
    keep_going: bool,
}

fn usage() -> &'static str {
    "usage: featurize --evaluations FILE.jsonl --features FILE.txt [--out FILE.csv] [--keep-going]"
}

fn parse_args() -> Result<Args, String> {
    let mut evaluations = None;
    let mut features = None;
    let mut out = None;
    let mut keep_going = false;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value\n{}", usage()));
        match arg.as_str() {
            "--evaluations" => evaluations = Some(value("--evaluations")?),
            "--features" => features = Some(value("--features")?),
            "--out" | "-o" => out = Some(value("--out")?),
            "--keep-going" => keep_going = true,
            "--help" | "-h" => return Err(usage().to_owned()),
            other => return Err(format!("unexpected argument `{other}`\n{}", usage())),
        }
    }
    Ok(Args {
        evaluations: evaluations.ok_or_else(|| format!("--evaluations is required\n{}", usage()))?,
        features: features.ok_or_else(|| format!("--features is required\n{}", usage()))?,
        out,
        keep_going,
    })
}

/// Feature names from the list file: one per line, `#` starts a comment.
fn read_feature_names(path: &str) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let names: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Err(format!("{path} lists no features"));
    }
    Ok(names)
}

/// Quotes a CSV cell when it needs it.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

fn run(args: &Args) -> Result<(usize, usize), String> {
    let catalogue = Catalogue::standard();
    let currencies = CurrencyTable::standard();
    let names = read_feature_names(&args.features)?;
    let features = FeatureMap::new(&catalogue, &names).map_err(|e| format!("{}: {e}", args.features))?;

    let input = File::open(&args.evaluations).map_err(|e| format!("cannot open {}: {e}", args.evaluations))?;
    let sink: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(File::create(path).map_err(|e| format!("cannot create {path}: {e}"))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    let write_err = |e: std::io::Error| format!("cannot write output: {e}");

    let header: Vec<String> = names.iter().map(|n| csv_cell(n)).collect();
    writeln!(out, "line,id,{}", header.join(",")).map_err(write_err)?;

    let (mut good, mut bad) = (0usize, 0usize);
    let mut vector = Vec::with_capacity(names.len());
    let mut row = String::new();
    for (index, line) in BufReader::new(input).lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| format!("{}:{number}: cannot read line: {e}", args.evaluations))?;
        if line.trim().is_empty() {
            continue;
        }
        let filled = decode_evaluation(&line).and_then(|e| {
            fill_frame(&catalogue, features.ids(), &e.payment, &e.context, &currencies).map(|frame| (e, frame))
        });
        let (evaluation, frame) = match filled {
            Ok(filled) => filled,
            Err(e) => {
                bad += 1;
                if bad <= MAX_REPORTED {
                    let param = match e.param.as_deref() {
                        Some(p) if !e.message.contains(p) => format!(" [{p}]"),
                        _ => String::new(),
                    };
                    eprintln!("{}:{number}: {}{param}", args.evaluations, e.message);
                }
                continue;
            }
        };
        features.fill(&frame, &mut vector);

        row.clear();
        row.push_str(&number.to_string());
        row.push(',');
        row.push_str(&csv_cell(evaluation.payment.id.as_deref().unwrap_or_default()));
        for x in &vector {
            row.push(',');
            if !x.is_nan() {
                // `Display` for f32 prints the shortest text that parses back to the same f32.
                row.push_str(&x.to_string());
            }
        }
        writeln!(out, "{row}").map_err(write_err)?;
        good += 1;
    }
    out.flush().map_err(write_err)?;
    if bad > MAX_REPORTED {
        eprintln!("... and {} more bad lines", bad - MAX_REPORTED);
    }
    Ok((good, bad))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok((good, bad)) => {
            eprintln!("featurize: {good} rows written, {bad} bad lines skipped");
            if bad > 0 && !args.keep_going { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => {
            eprintln!("featurize: {e}");
            ExitCode::from(2)
        }
    }
}
