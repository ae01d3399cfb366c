//! Request bodies: Stripe's form encoding (`metadata[order]=6735`, `expand[]=review`) or JSON,
//! both read into one JSON object so handlers see one shape.

use serde_json::{Map, Value};

use super::error::ApiError;

/// Most nesting a form key may have (`a[b][c]…`): deeper is hostile, not a payment.
const MAX_DEPTH: usize = 8;
/// Most parameters one request may carry.
const MAX_PARAMS: usize = 1000;

/// Reads a body as the content type says. An empty body is an empty object.
pub fn parse_body(content_type: Option<&str>, body: &[u8]) -> Result<Value, ApiError> {
    let ct = content_type.unwrap_or("application/x-www-form-urlencoded").to_ascii_lowercase();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    if ct.starts_with("application/json") {
        let v: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::request("invalid_json", format!("The request body is not valid JSON: {e}")))?;
        if !v.is_object() {
            return Err(ApiError::request("invalid_json", "The request body must be a JSON object."));
        }
        check_depth(&v, 0)?;
        return Ok(v);
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        return parse_form(body);
    }
    Err(ApiError::status(
        axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_content_type",
        format!("Send application/x-www-form-urlencoded or application/json, not {ct}."),
    ))
}

fn check_depth(v: &Value, depth: usize) -> Result<(), ApiError> {
    if depth > MAX_DEPTH + 2 {
        return Err(ApiError::request("invalid_request", "The request nests objects too deeply."));
    }
    match v {
        Value::Object(m) => m.values().try_for_each(|x| check_depth(x, depth + 1)),
        Value::Array(a) => a.iter().try_for_each(|x| check_depth(x, depth + 1)),
        _ => Ok(()),
    }
}

/// Parses `application/x-www-form-urlencoded` with Stripe's bracket nesting. Every leaf is a
/// string; handlers (and [`super::params::coerce`]) read numbers and booleans out of them.
pub fn parse_form(body: &[u8]) -> Result<Value, ApiError> {
    let mut root = Value::Object(Map::new());
    for (n, pair) in body.split(|b| *b == b'&').filter(|p| !p.is_empty()).enumerate() {
        if n >= MAX_PARAMS {
            return Err(ApiError::request(
                "too_many_parameters",
                format!("A request takes at most {MAX_PARAMS} parameters."),
            ));
        }
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = decode(k)?;
        let value = decode(v)?;
        let path = split_key(&key)?;
        insert(&mut root, &path, value, &key)?;
    }
    Ok(root)
}

fn decode(raw: &[u8]) -> Result<String, ApiError> {
    let plus: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
    percent_encoding::percent_decode(&plus)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ApiError::request("invalid_encoding", "A form parameter is not valid UTF-8."))
}

/// `a[b][]` → `["a", "b", ""]`.
fn split_key(key: &str) -> Result<Vec<String>, ApiError> {
    let bad = || ApiError::request("invalid_parameter_name", format!("Malformed parameter name: '{key}'."));
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if head.is_empty() {
        return Err(bad());
    }
    let mut path = vec![head.to_owned()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[').ok_or_else(bad)?;
        let close = inner.find(']').ok_or_else(bad)?;
        path.push(inner[..close].to_owned());
        rest = &inner[close + 1..];
        if path.len() > MAX_DEPTH {
            return Err(ApiError::request("invalid_parameter_name", format!("'{key}' nests too deeply.")));
        }
    }
    Ok(path)
}

fn insert(node: &mut Value, path: &[String], value: String, key: &str) -> Result<(), ApiError> {
    let conflict = || ApiError::request("parameter_conflict", format!("'{key}' conflicts with another parameter."));
    let Some((first, rest)) = path.split_first() else {
        return Err(conflict());
    };
    let leaf = |value: String| Value::String(value);
    match node {
        Value::Array(arr) => {
            let slot = if first.is_empty() {
                arr.len()
            } else {
                // `a[0]`, `a[1]`…: an index past the end appends, so gaps close up.
                first.parse::<usize>().map_err(|_| conflict())?.min(arr.len())
            };
            match (slot == arr.len(), rest.first()) {
                (true, None) => {
                    arr.push(leaf(value));
                    return Ok(());
                }
                (true, Some(next)) => arr.push(container_for(next)),
                (false, None) => {
                    return Err(ApiError::param(
                        "parameter_duplicate",
                        key,
                        format!("'{key}' was given more than once."),
                    ));
                }
                (false, Some(_)) => {}
            }
            insert(&mut arr[slot], rest, value, key)
        }
        Value::Object(map) => {
            if first.is_empty() {
                return Err(conflict());
            }
            match rest.first() {
                None => {
                    if map.contains_key(first) {
                        return Err(ApiError::param(
                            "parameter_duplicate",
                            key,
                            format!("'{key}' was given more than once."),
                        ));
                    }
                    map.insert(first.clone(), leaf(value));
                    Ok(())
                }
                Some(next) => {
                    let child = map.entry(first.clone()).or_insert_with(|| container_for(next));
                    insert(child, rest, value, key)
                }
            }
        }
        _ => Err(conflict()),
    }
}

/// The container a segment opens: `[]` or `[0]` an array, anything else an object.
fn container_for(next: &str) -> Value {
    if next.is_empty() || next.parse::<usize>().is_ok() { Value::Array(Vec::new()) } else { Value::Object(Map::new()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(s: &str) -> Value {
        parse_form(s.as_bytes()).expect("parses")
    }

    #[test]
    fn brackets_nest_objects_and_arrays() {
        assert_eq!(
            form("amount=2000&metadata[order]=6735&expand[]=review&expand[]=customer&source[number]=4242+4242%20"),
            json!({"amount": "2000", "metadata": {"order": "6735"}, "expand": ["review", "customer"],
                   "source": {"number": "4242 4242 "}})
        );
        assert_eq!(form("items[0][value]=a&items[1][value]=b"), json!({"items": [{"value": "a"}, {"value": "b"}]}));
    }

    #[test]
    fn conflicts_duplicates_and_depth_are_refused() {
        for bad in ["a=1&a=2", "a=1&a[b]=2", "a[b]=1&a=2", "[x]=1", "a[b=1", "a[1][2][3][4][5][6][7][8][9]=1"] {
            let e = parse_form(bad.as_bytes()).expect_err(bad);
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST, "{bad}");
        }
    }

    #[test]
    fn json_bodies_must_be_objects() {
        assert!(parse_body(Some("application/json"), b"[1]").is_err());
        assert!(parse_body(Some("application/json"), b"{\"a\":").is_err());
        assert_eq!(parse_body(Some("application/json"), b"{\"a\":1}").expect("ok"), json!({"a": 1}));
        assert!(parse_body(Some("text/plain"), b"x").is_err());
    }
}
