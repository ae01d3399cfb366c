//! Errors from importing, validating and calibrating a model.

use thiserror::Error;

/// Why a model could not be imported, validated or calibrated.
///
/// Every message names where the problem is (a JSON path, a line of the LightGBM text, or the
/// part of the model) and, where there is one, what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ModelError {
    /// The XGBoost model is not well-formed JSON, or a field has the wrong shape.
    #[error("XGBoost model JSON, at `{path}`: {message}")]
    XgboostJson {
        /// JSON path of the offending value, e.g. `learner.gradient_booster.model.trees[3]`.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// A line of a LightGBM text model could not be understood.
    #[error("LightGBM model text, line {line}: {message}")]
    LightgbmText {
        /// 1-based line number in the model file (0 when the problem is a missing line).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The model is well-formed but uses something Ward's runtime does not support.
    #[error("unsupported model: {0}")]
    Unsupported(String),
    /// A structural invariant does not hold (corrupted or hand-crafted model).
    #[error("invalid model: {0}")]
    Invalid(String),
    /// Calibration data or parameters are unusable.
    #[error("calibration: {0}")]
    Calibration(String),
}

impl ModelError {
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        ModelError::Invalid(message.into())
    }

    pub(crate) fn xgb(path: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError::XgboostJson { path: path.into(), message: message.into() }
    }

    pub(crate) fn lgb(line: usize, message: impl Into<String>) -> Self {
        ModelError::LightgbmText { line, message: message.into() }
    }
}
