//! The value an attribute takes for one payment.

use serde::{Deserialize, Serialize};

/// One attribute value. A missing value is `None` wherever a `Value` is optional:
/// missing is never zero, never the empty string.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(ValueVisitor)
    }
}

/// Accepts a boolean, a number or a string, and says so when it gets anything else.
struct ValueVisitor;

impl serde::de::Visitor<'_> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a boolean, a number or a string")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Num(v as f64))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Num(v as f64))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Num(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_three_kinds_and_names_what_it_expects() {
        assert_eq!(serde_json::from_str::<Value>("true").unwrap(), Value::Bool(true));
        assert_eq!(serde_json::from_str::<Value>("3").unwrap(), Value::Num(3.0));
        assert_eq!(serde_json::from_str::<Value>("2.5").unwrap(), Value::Num(2.5));
        assert_eq!(serde_json::from_str::<Value>("\"x\"").unwrap(), Value::from("x"));
        let err = serde_json::from_str::<Value>("[1]").unwrap_err().to_string();
        assert!(err.contains("a boolean, a number or a string"), "{err}");
    }
}
