//! `ward bundle`: build a bundle from a model, rules, lists and thresholds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use ward_core::bundle::{BuiltinRules, BundleSpec, encode};
use ward_core::currency::CurrencyTable;
use ward_core::model::{Model, fit_isotonic, fit_platt};
use ward_core::outcome::Thresholds;

use super::{CliError, read_lists};

/// The model file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelFormat {
    /// XGBoost JSON (`save_model("m.json")`), binary:logistic.
    Xgboost,
    /// LightGBM text (`save_model("m.txt")`), binary objective.
    Lightgbm,
}

/// How to calibrate the model's raw output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CalibrationMethod {
    /// Logistic (Platt) scaling.
    Platt,
    /// Isotonic regression.
    Isotonic,
}

/// Arguments of `ward bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// Model file (omit for a rules-only bundle whose payments are `not_assessed`).
    #[arg(long)]
    model: Option<PathBuf>,
    /// Model format (default: from the extension, `.json` XGBoost, `.txt` LightGBM).
    #[arg(long, value_enum)]
    model_format: Option<ModelFormat>,
    /// CSV of held-out `margin,label` rows to calibrate on.
    #[arg(long)]
    calibration: Option<PathBuf>,
    /// Calibration method.
    #[arg(long, value_enum, default_value_t = CalibrationMethod::Platt)]
    calibration_method: CalibrationMethod,
    /// Rules file.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// JSON file: an array of value lists `{id, alias, name, item_type, items: [{value, expires_at?}]}`.
    #[arg(long)]
    lists: Option<PathBuf>,
    /// Elevated threshold (score at or above which risk is elevated).
    #[arg(long, default_value_t = 65)]
    elevated: u8,
    /// Highest threshold.
    #[arg(long, default_value_t = 75)]
    highest: u8,
    /// Turn off the built-in `Block if :risk_level: = 'highest'` rule.
    #[arg(long)]
    no_block_highest: bool,
    /// Turn off the built-in `Review if :risk_level: = 'elevated'` rule.
    #[arg(long)]
    no_review_elevated: bool,
    /// Turn off the built-in default allow/block list rules.
    #[arg(long)]
    no_default_lists: bool,
    /// Bundle name.
    #[arg(long, default_value = "custom")]
    name: String,
    /// Bundle version label.
    #[arg(long, default_value = "0")]
    version: String,
    /// Output file.
    #[arg(short, long)]
    output: PathBuf,
}

/// Builds, checks (by loading it) and writes the bundle.
pub fn run(args: BundleArgs) -> Result<ExitCode, CliError> {
    let model = args.model.as_ref().map(|p| load_model(p, args.model_format)).transpose()?;
    let model = match (model, &args.calibration) {
        (Some(m), Some(path)) => Some(calibrate(m, path, args.calibration_method)?),
        (m, _) => m,
    };
    let rules = match &args.rules {
        Some(p) => std::fs::read_to_string(p).map_err(|e| CliError::io(p, e))?,
        None => String::new(),
    };
    let lists = match &args.lists {
        Some(p) => read_lists(p)?,
        None => Vec::new(),
    };
    let spec = BundleSpec {
        name: args.name,
        version: args.version,
        model,
        rules,
        builtin_rules: BuiltinRules {
            block_highest: !args.no_block_highest,
            review_elevated: !args.no_review_elevated,
            default_lists: !args.no_default_lists,
        },
        lists: ward_core::lists::defaults::with_defaults(lists),
        thresholds: Thresholds { elevated: args.elevated, highest: args.highest },
        currencies: CurrencyTable::standard(),
    };
    let (bytes, id) = encode(&spec).map_err(|e| CliError::Bundle { origin: "the new bundle".into(), error: e })?;
    // Load what we wrote: a bundle that does not compile is never written.
    ward_core::Engine::from_bundle(&bytes)
        .map_err(|e| CliError::Bundle { origin: "the new bundle".into(), error: e })?;
    std::fs::write(&args.output, &bytes).map_err(|e| CliError::io(&args.output, e))?;
    eprintln!("wrote {} ({} bytes, {id})", args.output.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}

fn load_model(path: &Path, format: Option<ModelFormat>) -> Result<Model, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    let format = format.unwrap_or(if path.extension().is_some_and(|e| e == "txt") {
        ModelFormat::Lightgbm
    } else {
        ModelFormat::Xgboost
    });
    let model = match format {
        ModelFormat::Xgboost => Model::from_xgboost_json(&text),
        ModelFormat::Lightgbm => Model::from_lightgbm_text(&text),
    };
    model.map_err(|e| CliError::input(path, e.to_string()))
}

fn calibrate(model: Model, path: &Path, method: CalibrationMethod) -> Result<Model, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))?;
    let mut margins = Vec::new();
    let mut labels = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut cols = line.split(',');
        let (Some(m), Some(l)) = (cols.next(), cols.next()) else { continue };
        match (m.trim().parse::<f64>(), l.trim().parse::<f64>()) {
            (Ok(m), Ok(l)) => {
                margins.push(m);
                labels.push(l > 0.5);
            }
            _ if i == 0 => {} // header
            _ => return Err(CliError::input(path, format!("line {}: expected `margin,label`", i + 1))),
        }
    }
    if margins.is_empty() {
        return Err(CliError::input(path, "no `margin,label` rows"));
    }
    let calibration = match method {
        CalibrationMethod::Platt => fit_platt(&margins, &labels),
        CalibrationMethod::Isotonic => fit_isotonic(&margins, &labels),
    };
    calibration
        .and_then(|c| model.with_calibration(c))
        .map_err(|e| CliError::input(path, format!("calibration failed: {e}")))
}
