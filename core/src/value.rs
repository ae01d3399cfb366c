//! The value an attribute takes for one payment.

use serde::{Deserialize, Serialize};

/// One attribute value. A missing value is `None` wherever a `Value` is optional:
/// missing is never zero, never the empty string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Value {
    /// A boolean attribute (`:is_3d_secure:`).
    Bool(bool),
    /// A numeric attribute (`:amount_in_usd:`, counters).
    Num(f64),
    /// A string attribute (countries, emails, enums, metadata).
    Str(String),
}

impl Value {
    /// The numeric view of the value: numbers as they are, booleans as 0/1, strings as `None`.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(*n),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Str(_) => None,
        }
    }

    /// The string view of the value, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Num(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}
