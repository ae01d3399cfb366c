//! Reading typed parameters out of a request object, with errors that name the parameter.
//!
//! Form-encoded requests carry only strings; JSON requests carry typed values. Every reader
//! accepts both (`"2000"` and `2000` for an integer), as Stripe does.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::error::ApiError;

/// A request's parameters.
pub type Params = Map<String, Value>;

/// The body as a parameter map (bodies are always objects once parsed).
pub fn params(body: Value) -> Params {
    match body {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Refuses any parameter not in `allowed`, naming the first one.
pub fn deny_unknown(p: &Params, allowed: &[&str]) -> Result<(), ApiError> {
    deny_unknown_in(p, "", allowed)
}

/// Refuses keys of the hash parameter `prefix` (`source`, `payment_details[…]`) that are not in
/// `allowed`, naming the whole parameter (`source[nubmer]`).
pub fn deny_unknown_in(p: &Params, prefix: &str, allowed: &[&str]) -> Result<(), ApiError> {
    let Some(k) = p.keys().find(|k| !allowed.contains(&k.as_str())) else { return Ok(()) };
    let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}[{k}]") };
    Err(ApiError::param("parameter_unknown", &name, format!("Received unknown parameter: {name}")))
}

/// An optional string parameter.
pub fn string(p: &Params, name: &str) -> Result<Option<String>, ApiError> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ApiError::invalid(name, format!("Invalid string: {name} must be a string."))),
    }
}

/// An email parameter: absent, or an address of the usual form (`local@domain.tld`: one `@`,
/// no spaces, at most 512 characters), else Stripe's `email_invalid` naming it.
pub fn email(p: &Params, name: &str) -> Result<Option<String>, ApiError> {
    let Some(value) = string(p, name)? else { return Ok(None) };
    check_email(&value, name)?;
    Ok(Some(value))
}

/// [`email`]'s check of one address.
pub fn check_email(value: &str, name: &str) -> Result<(), ApiError> {
    let valid = value.len() <= 512
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|label| !label.is_empty())
        });
    if valid {
        return Ok(());
    }
    Err(ApiError::param("email_invalid", name, format!("Invalid email address: {value}")))
}

/// A required string parameter; the empty string counts as missing.
pub fn required_string(p: &Params, name: &str) -> Result<String, ApiError> {
    string(p, name)?.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::missing(name))
}

/// A string parameter of bounded length.
pub fn bounded_string(p: &Params, name: &str, max: usize) -> Result<Option<String>, ApiError> {
    let s = string(p, name)?;
    if let Some(v) = &s
        && v.chars().count() > max
    {
        return Err(ApiError::invalid(name, format!("{name} must be at most {max} characters.")));
    }
    Ok(s)
}

/// An optional integer parameter.
pub fn integer(p: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    let bad = || ApiError::param("parameter_invalid_integer", name, format!("Invalid integer: {name}"));
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// An optional boolean parameter (`true`/`false`).
pub fn boolean(p: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s == "true" => Ok(Some(true)),
        Some(Value::String(s)) if s == "false" => Ok(Some(false)),
        Some(_) => Err(ApiError::param("parameter_invalid_boolean", name, format!("Invalid boolean: {name}"))),
    }
}

/// One of a fixed set of strings.
pub fn one_of(p: &Params, name: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
    match string(p, name)? {
        Some(s) if !allowed.contains(&s.as_str()) => {
            Err(ApiError::invalid(name, format!("Invalid {name}: must be one of {}", allowed.join(", "))))
        }
        other => Ok(other),
    }
}

/// A string-to-string map (`metadata`). Stripe allows 50 keys of 40 characters, values of 500.
pub fn metadata(p: &Params, name: &str) -> Result<Option<Map<String, Value>>, ApiError> {
    let m = match p.get(name) {
        None | Some(Value::Null) => return Ok(None),
        // `metadata=` (empty) clears it, as in Stripe.
        Some(Value::String(s)) if s.is_empty() => return Ok(Some(Map::new())),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(ApiError::invalid(name, format!("Invalid object: {name} must be a hash."))),
    };
    if m.len() > 50 {
        return Err(ApiError::invalid(name, format!("{name} can have at most 50 keys.")));
    }
    let mut out = Map::new();
    for (k, v) in m {
        let param = format!("{name}[{k}]");
        if k.chars().count() > 40 {
            return Err(ApiError::invalid(&param, "Metadata keys can be at most 40 characters."));
        }
        let v = match v {
            Value::String(s) if s.chars().count() > 500 => {
                return Err(ApiError::invalid(&param, "Metadata values can be at most 500 characters."));
            }
            Value::String(s) => Value::String(s.clone()),
            Value::Number(n) => Value::String(n.to_string()),
            Value::Bool(b) => Value::String(b.to_string()),
            _ => return Err(ApiError::invalid(&param, "Metadata values must be strings.")),
        };
        out.insert(k.clone(), v);
    }
    Ok(Some(out))
}

/// The `expand[]` paths asked for.
pub fn expand(p: &Params) -> Result<Vec<String>, ApiError> {
    match p.get("expand") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| ApiError::invalid("expand", "expand[] takes strings."))
            })
            .collect(),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(_) => Err(ApiError::invalid("expand", "expand must be an array of strings.")),
    }
}

/// The payment JSON Schema, used to read form strings as the numbers and booleans it expects.
static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../../docs/schema/evaluation.schema.json")).unwrap_or(Value::Null)
});

/// Converts form strings to the types the evaluation schema gives them, in place, starting
/// from the schema definition `def` (`Payment`, `Client`…). Values that do not convert stay
/// strings, and the decoder then names them in its error.
pub fn coerce(value: &mut Value, def: &str) {
    let schema = &*SCHEMA;
    if let Some(node) = schema.pointer(&format!("/$defs/{def}")) {
        coerce_node(value, node, schema);
    }
}

fn resolve<'a>(node: &'a Value, root: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(ptr) => root.pointer(ptr).unwrap_or(node),
        None => node,
    }
}

/// The non-null alternatives of a schema node, references resolved.
fn alternatives<'a>(node: &'a Value, root: &'a Value) -> Vec<&'a Value> {
    let node = resolve(node, root);
    match node.get("anyOf").and_then(Value::as_array) {
        Some(alts) => alts
            .iter()
            .map(|a| resolve(a, root))
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .collect(),
        None => vec![node],
    }
}

fn types_of(node: &Value) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn coerce_node(value: &mut Value, node: &Value, root: &Value) {
    for alt in alternatives(node, root) {
        let types = types_of(alt);
        match value {
            Value::Object(map) => {
                let props = alt.get("properties").and_then(Value::as_object);
                let extra = alt.get("additionalProperties").filter(|a| a.is_object());
                for (k, v) in map.iter_mut() {
                    if let Some(sub) = props.and_then(|p| p.get(k)).or(extra) {
                        coerce_node(v, sub, root);
                    }
                }
            }
            Value::String(s) if !types.contains(&"string") => {
                if types.contains(&"integer") {
                    if let Ok(i) = s.trim().parse::<i64>() {
                        *value = Value::from(i);
                        return;
                    }
                } else if types.contains(&"number") {
                    if let Some(n) = s.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                        *value = Value::Number(n);
                        return;
                    }
                } else if types.contains(&"boolean") && (s == "true" || s == "false") {
                    *value = Value::Bool(s == "true");
                    return;
                }
            }
            Value::String(s) if alt.get("enum").is_none() && types.is_empty() => {
                // `Value` (context attributes): a number or boolean when it reads as one.
                if let Ok(n) = s.parse::<f64>()
                    && let Some(n) = serde_json::Number::from_f64(n)
                {
                    *value = Value::Number(n);
                } else if s == "true" || s == "false" {
                    *value = Value::Bool(s == "true");
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_strings_take_the_schema_types() {
        let mut v = json!({"amount": "2000", "currency": "usd", "created": "1700000000",
            "billing_details": {"address": {"postal_code": "94103", "latitude": "37.5"}},
            "payment_method_details": {"card": {"exp_month": "12", "has_cryptogram": "true"}},
            "metadata": {"n": "5"}});
        coerce(&mut v, "Payment");
        assert_eq!(v["amount"], json!(2000));
        assert_eq!(v["billing_details"]["address"]["postal_code"], json!("94103"));
        assert_eq!(v["billing_details"]["address"]["latitude"], json!(37.5));
        assert_eq!(v["payment_method_details"]["card"]["exp_month"], json!(12));
        assert_eq!(v["payment_method_details"]["card"]["has_cryptogram"], json!(true));
        assert_eq!(v["metadata"]["n"], json!("5"), "metadata stays text");
    }

    #[test]
    fn readers_name_the_parameter() {
        let p = params(json!({"limit": "ten", "open": "maybe", "x": 1}));
        assert_eq!(integer(&p, "limit").expect_err("bad").error.param.as_deref(), Some("limit"));
        assert_eq!(boolean(&p, "open").expect_err("bad").error.param.as_deref(), Some("open"));
        assert_eq!(deny_unknown(&p, &["limit", "open"]).expect_err("x").error.param.as_deref(), Some("x"));
        assert_eq!(required_string(&p, "alias").expect_err("missing").error.code.as_deref(), Some("parameter_missing"));
    }

    #[test]
    fn emails_are_checked() {
        for good in ["a@example.com", "first.last+tag@mail.example.co.uk"] {
            assert!(check_email(good, "receipt_email").is_ok(), "{good}");
        }
        for bad in ["notanemail", "a@b", "@example.com", "a@example.", "a b@example.com", "a@@example.com", "a@.com"] {
            let e = check_email(bad, "receipt_email").expect_err(bad);
            assert_eq!(e.error.code.as_deref(), Some("email_invalid"), "{bad}");
            assert_eq!(e.error.param.as_deref(), Some("receipt_email"));
        }
    }
}
