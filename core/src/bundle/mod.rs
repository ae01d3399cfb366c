//! The bundle: the unit a user deploys. Model + calibration + rules + list snapshot +
//! thresholds + currency table, serialised to bytes and content-hashed.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `WARDBNDL` |
//! | 2 | format version ([`FORMAT_VERSION`]) |
//! | 2 | reserved, zero |
//! | 8 | payload length |
//! | 32 | SHA-256 of the payload |
//! | n | payload: the [`BundleSpec`], postcard-encoded |
//!
//! The bundle id is `bndl_` and the first 32 hex digits of the payload hash, so two bundles
//! with the same content have the same id on every machine.

mod error;
mod format;
mod spec;

pub use error::BundleError;
pub use format::{FORMAT_VERSION, HEADER_LEN, MAGIC, decode, encode};
pub use spec::{BuiltinRules, BundleSpec, builtin_rules_text, rule_ids};
