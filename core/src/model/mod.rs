//! The model runtime: gradient-boosted tree ensembles imported from XGBoost or LightGBM,
//! exact per-feature explanations (TreeSHAP), calibration, and the fixed risk-score scale.
//!
//! A [`Model`] predicts a raw margin (log-odds) that matches the training library to within
//! float rounding (bit-exact in practice), explains it with SHAP values that match the library's
//! own `pred_contribs`, turns it into a calibrated probability, and that into a 0–99
//! `risk_score` on a scale shared by every model ([`ScoreScale::standard`]).
//!
//! Features are an `&[f32]` in the order of [`Model::feature_names`], `f32::NAN` for missing.
//! A slice shorter than the model's feature count treats the rest as missing; extra values are
//! ignored.

mod calibration;
mod ensemble;
mod error;
mod lightgbm;
mod margin_fast;
mod score_scale;
mod shap;
mod shap_fast;
mod xgboost;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use calibration::{Calibration, Knot, fit_isotonic, fit_platt, sigmoid};
pub use ensemble::MAX_DEPTH;
pub use error::ModelError;
pub use score_scale::{MAX_RISK_SCORE, ScoreScale, probability_at, risk_score};

use ensemble::Ensemble;

/// Facts about a model, for display and audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The training library: `"xgboost"` or `"lightgbm"`.
    pub source: String,
    /// The library's version as recorded in the model file (may be empty).
    pub source_version: String,
    /// The objective recorded in the model file (`binary:logistic`, `binary sigmoid:1`).
    pub objective: String,
    /// Number of trees.
    pub n_trees: u32,
    /// Depth of the deepest leaf (edges from the root).
    pub max_depth: u32,
    /// Split nodes plus leaves over all trees.
    pub n_nodes: u32,
}

/// A tree-ensemble fraud model with its calibration.
///
/// Deserialising a `Model` runs [`Model::validate`], so a corrupted or crafted bundle is
/// rejected up front; prediction never panics or loops even on an unvalidated one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ModelParts")]
pub struct Model {
    /// Feature names in input order, as recorded in the model file.
    pub feature_names: Vec<String>,
    /// Facts about the model.
    pub info: ModelInfo,
    ensemble: Ensemble,
    calibration: Calibration,
}

/// `Model`'s serialised shape, checked before it becomes a `Model`.
#[derive(Deserialize)]
struct ModelParts {
    feature_names: Vec<String>,
    info: ModelInfo,
    ensemble: Ensemble,
    calibration: Calibration,
}

impl TryFrom<ModelParts> for Model {
    type Error = ModelError;

    fn try_from(p: ModelParts) -> Result<Model, ModelError> {
        let model =
            Model { feature_names: p.feature_names, info: p.info, ensemble: p.ensemble, calibration: p.calibration };
        model.validate()?;
        Ok(model)
    }
}

impl Model {
    /// Imports an XGBoost model saved with `booster.save_model("model.json")`.
    ///
    /// The model must be a `gbtree` binary classifier (`objective="binary:logistic"`) with
    /// numeric features and feature names. Calibration starts as the plain sigmoid.
    pub fn from_xgboost_json(text: &str) -> Result<Model, ModelError> {
        let m = xgboost::import(text)?;
        Model::assemble("xgboost", m.feature_names, m.ensemble, m.version, m.objective)
    }

    /// Imports a LightGBM model saved with `booster.save_model("model.txt")`.
    ///
    /// The model must be a binary classifier (`objective=binary`, default sigmoid) with numeric
    /// features. Calibration starts as the plain sigmoid.
    pub fn from_lightgbm_text(text: &str) -> Result<Model, ModelError> {
        let m = lightgbm::import(text)?;
        Model::assemble("lightgbm", m.feature_names, m.ensemble, m.version, m.objective)
    }

    fn assemble(
        source: &str,
        feature_names: Vec<String>,
        ensemble: Ensemble,
        source_version: String,
        objective: String,
    ) -> Result<Model, ModelError> {
        let info = ModelInfo {
            source: source.to_owned(),
            source_version,
            objective,
            n_trees: count(ensemble.roots.len())?,
            max_depth: ensemble.max_depth,
            n_nodes: count(ensemble.n_nodes())?,
        };
        let model = Model { feature_names, info, ensemble, calibration: Calibration::Sigmoid };
        model.validate()?;
        Ok(model)
    }

    /// Replaces the calibration (e.g. one from [`fit_platt`] or [`fit_isotonic`]).
    pub fn with_calibration(mut self, calibration: Calibration) -> Result<Model, ModelError> {
        calibration.validate()?;
        self.calibration = calibration;
        Ok(self)
    }

    /// The calibration in use.
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// The raw margin (log-odds) for features `x`, as the source library computes it.
    pub fn margin(&self, x: &[f32]) -> f64 {
        self.ensemble.margin(x)
    }

    /// Per-feature SHAP contributions for `x`, written to `out` as `n_features() + 1` values:
    /// one per feature in [`Model::feature_names`] order, then the bias (the expected margin).
    /// They sum to [`Model::margin`] up to float rounding. `out`'s storage is reused, so calls
    /// with the same buffer do not allocate after the first.
    pub fn contributions(&self, x: &[f32], out: &mut Vec<f64>) {
        self.ensemble.contributions(x, out);
    }

    /// The calibrated fraud probability for a margin from [`Model::margin`].
    pub fn probability(&self, margin: f64) -> f64 {
        self.calibration.probability(margin)
    }

    /// The 0–99 risk score for a margin: calibrated, then put on [`ScoreScale::standard`].
    pub fn risk_score(&self, margin: f64) -> u8 {
        ScoreScale::standard().risk_score(self.probability(margin))
    }

    /// Number of input features.
    pub fn n_features(&self) -> usize {
        self.ensemble.n_features as usize
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.ensemble.roots.len()
    }

    /// Depth of the deepest leaf (edges from the root).
    pub fn max_depth(&self) -> u32 {
        self.ensemble.max_depth
    }

    /// Position of the feature called `name`, if the model has one.
    pub fn feature_index(&self, name: &str) -> Option<usize> {
        self.feature_names.iter().position(|n| n == name)
    }

    /// Checks every invariant prediction relies on: tree structure (children in range and
    /// after their parent, each node reached once, depth at most [`MAX_DEPTH`]), feature
    /// indices below the feature count, finite leaves and covers, non-NaN thresholds (±inf is
    /// allowed: a LightGBM threshold beyond f32 range becomes one), one unique, non-empty name
    /// per feature, `info` agreeing with the trees, and a valid calibration.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.ensemble.validate()?;
        self.calibration.validate()?;
        if self.feature_names.len() != self.n_features() {
            return Err(ModelError::invalid(format!(
                "{} feature names for {} features",
                self.feature_names.len(),
                self.n_features()
            )));
        }
        let mut sorted: Vec<&str> = self.feature_names.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(ModelError::invalid(format!("feature name `{}` appears more than once", w[0])));
        }
        if sorted.first().is_some_and(|n| n.is_empty()) {
            return Err(ModelError::invalid("a feature name is empty"));
        }
        let info = &self.info;
        if info.n_trees as usize != self.n_trees()
            || info.max_depth != self.max_depth()
            || info.n_nodes as usize != self.ensemble.n_nodes()
        {
            return Err(ModelError::invalid("model info does not match the trees"));
        }
        Ok(())
    }
}

fn count(n: usize) -> Result<u32, ModelError> {
    u32::try_from(n).map_err(|_| ModelError::Unsupported("model too large".into()))
}
