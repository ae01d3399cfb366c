//! Why a bundle was refused.

use crate::attributes::FeatureError;
use crate::lists::ListError;
use crate::model::ModelError;
use crate::outcome::ThresholdError;
use crate::rules::Diagnostic;

/// A bundle that cannot be loaded. Every variant says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Fewer bytes than a header.
    #[error("bundle is truncated: {len} bytes, a header alone is {header} bytes")]
    TooShort {
        /// Bytes given.
        len: usize,
        /// Header size.
        header: usize,
    },
    /// Not a Ward bundle.
    #[error("not a Ward bundle (bad magic bytes); build one with `ward bundle`")]
    BadMagic,
    /// A format this engine does not read.
    #[error(
        "bundle format version {found} is not supported (this engine reads version {supported}); rebuild it with this version of `ward bundle`"
    )]
    UnsupportedVersion {
        /// Version in the file.
        found: u16,
        /// Version this engine reads.
        supported: u16,
    },
    /// Header flags this engine does not know (the reserved bytes are not zero).
    #[error("bundle header has flags this engine does not know; rebuild it with this version of `ward bundle`")]
    UnknownFlags,
    /// The payload is not as long as the header says.
    #[error("bundle is truncated or has trailing bytes: header says {expected} payload bytes, found {found}")]
    LengthMismatch {
        /// Length in the header.
        expected: u64,
        /// Length present.
        found: u64,
    },
    /// The payload does not hash to the header's hash.
    #[error("bundle is corrupted: its content does not match its SHA-256")]
    HashMismatch,
    /// The payload does not decode.
    #[error("bundle payload does not decode: {0}")]
    Decode(String),
    /// The model is inconsistent.
    #[error("bundle model is invalid: {0}")]
    Model(#[from] ModelError),
    /// A model feature is not usable.
    #[error("bundle model is invalid: {0}")]
    Feature(#[from] FeatureError),
    /// The lists are invalid.
    #[error("bundle lists are invalid: {0}")]
    Lists(#[from] ListError),
    /// The rules do not compile.
    #[error("bundle rules do not compile: {}", .0.first().map_or_else(String::new, |d| format!("line {}, column {}: {}", d.line, d.column, d.message)))]
    Rules(Vec<Diagnostic>),
    /// The thresholds are out of order.
    #[error("bundle thresholds are invalid: {0}")]
    Thresholds(#[from] ThresholdError),
}
