//! JSON → [`Evaluation`], with errors that name the offending parameter.

use serde::de::DeserializeOwned;

use super::{Evaluation, Payment};
use crate::error::StripeError;

/// Decodes an evaluation request (`{"payment": {...}, "context": {...}}`) and validates it.
pub fn decode_evaluation(json: &str) -> Result<Evaluation, StripeError> {
    let eval: Evaluation = decode(json)?;
    validate_payment(&eval.payment, "payment")?;
    Ok(eval)
}

/// Decodes a bare payment object and validates it.
pub fn decode_payment(json: &str) -> Result<Payment, StripeError> {
    let payment: Payment = decode(json)?;
    validate_payment(&payment, "")?;
    Ok(payment)
}

/// Decodes a bare payment already parsed to a JSON value (as a form-encoded request becomes),
/// and validates it: the same checks and errors as [`decode_payment`], without printing the
/// value to text and parsing it again.
pub fn decode_payment_value(value: serde_json::Value) -> Result<Payment, StripeError> {
    if !value.is_object() {
        return Err(not_an_object());
    }
    let payment: Payment = deserialize_with_path(value)?;
    validate_payment(&payment, "")?;
    Ok(payment)
}

/// Decodes one input line: an evaluation (`{"payment": …, "context": …}`) or a bare payment.
pub fn decode_line(json: &str) -> Result<Evaluation, StripeError> {
    let is_evaluation = serde_json::from_str::<serde_json::Value>(json).map_err(invalid_json)?.get("payment").is_some();
    if is_evaluation {
        decode_evaluation(json)
    } else {
        Ok(Evaluation { payment: decode_payment(json)?, context: Default::default() })
    }
}

fn decode<T: DeserializeOwned>(json: &str) -> Result<T, StripeError> {
    // serde would read a struct from a JSON array too; a request body is an object.
    if !json.trim_start().starts_with('{') {
        return Err(not_an_object());
    }
    let de = &mut serde_json::Deserializer::from_str(json);
    let value = deserialize_with_path(&mut *de)?;
    de.end().map_err(invalid_json)?;
    Ok(value)
}

/// A body that is not JSON at all.
fn invalid_json(e: serde_json::Error) -> StripeError {
    StripeError::invalid_request("invalid_json", format!("The request body is not valid JSON: {e}"))
}

/// A body that is JSON but not an object (serde would read a struct from an array too).
fn not_an_object() -> StripeError {
    StripeError::invalid_request("invalid_json", "The request body must be a JSON object")
}

fn deserialize_with_path<'de, D, T>(de: D) -> Result<T, StripeError>
where
    D: serde::Deserializer<'de, Error = serde_json::Error>,
    T: DeserializeOwned,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let param = bracket_path(&e.path().to_string());
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return invalid_json(inner);
        }
        let message = clean_message(&inner.to_string());
        match param {
            Some(p)
                if !["unknown field", "missing field", "duplicate field"].iter().any(|k| message.starts_with(k)) =>
            {
                StripeError::invalid_param("parameter_invalid", p.clone(), format!("Invalid value for {p}: {message}"))
            }
            Some(p) => field_error(&p, &message),
            None => field_error("", &message),
        }
    })
}

/// Unknown and missing fields name the field itself, not only its parent.
fn field_error(parent: &str, message: &str) -> StripeError {
    let quoted = message.split('`').nth(1).unwrap_or_default();
    // For unknown fields the path already ends at the field; for missing and duplicate ones it stops at the parent.
    let param = if parent.ends_with(&format!("[{quoted}]")) || parent == quoted {
        parent.to_owned()
    } else {
        join(parent, quoted)
    };
    if message.starts_with("unknown field") {
        StripeError::invalid_param("parameter_unknown", param.clone(), format!("Received unknown parameter: {param}"))
    } else if message.starts_with("duplicate field") {
        StripeError::invalid_param("parameter_duplicate", param.clone(), format!("Received {param} more than once"))
    } else if message.starts_with("missing field") {
        StripeError::invalid_param("parameter_missing", param.clone(), format!("Missing required param: {param}."))
    } else {
        StripeError::invalid_request("parameter_invalid", message.to_owned())
    }
}

/// `payment.card.exp_month` → `payment[card][exp_month]`; `.` (the root) → `None`.
fn bracket_path(dotted: &str) -> Option<String> {
    if dotted == "." || dotted.is_empty() {
        return None;
    }
    let mut parts = dotted.split('.');
    let mut out = parts.next()?.to_owned();
    for p in parts {
        out.push('[');
        out.push_str(p.trim_start_matches('[').trim_end_matches(']'));
        out.push(']');
    }
    Some(out)
}

/// `join("payment", "card[number]")` → `payment[card][number]`.
fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        return field.to_owned();
    }
    match field.split_once('[') {
        Some((head, rest)) => format!("{parent}[{head}][{rest}"),
        None => format!("{parent}[{field}]"),
    }
}

/// serde_json appends " at line 1 column 42" and names Rust types; say it in JSON's words.
fn clean_message(msg: &str) -> String {
    let msg = msg
        .replace("expected i64", "expected an integer")
        .replace("expected u8", "expected a small non-negative integer")
        .replace("expected u16", "expected a non-negative integer")
        .replace("expected f64", "expected a number");
    let msg = msg.as_str();
    match msg.rfind(" at line ") {
        Some(i)
            if msg[..i].contains("expected")
                || msg[..i].contains("invalid")
                || msg[..i].contains("unknown")
                || msg[..i].contains("missing") =>
        {
            msg[..i].to_owned()
        }
        _ => msg.to_owned(),
    }
}

fn validate_payment(p: &Payment, root: &str) -> Result<(), StripeError> {
    let param = |f: &str| join(root, f);
    if p.amount < 0 {
        return Err(StripeError::invalid_param(
            "parameter_invalid_integer",
            param("amount"),
            "amount must be a non-negative integer in the currency's minor unit",
        ));
    }
    if p.currency.len() != 3 || !p.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(StripeError::invalid_param(
            "parameter_invalid",
            param("currency"),
            format!("Invalid currency: {:?}; expected a three-letter ISO code such as \"usd\"", p.currency),
        ));
    }
    if let Some(card) = p.card() {
        let card_param = |f: &str| join(root, &format!("payment_method_details[card][{f}]"));
        if let Some(m) = card.exp_month
            && !(1..=12).contains(&m)
        {
            return Err(StripeError::invalid_param(
                "invalid_expiry_month",
                card_param("exp_month"),
                "exp_month must be between 1 and 12",
            ));
        }
        if let Some(number) = &card.number {
            if p.livemode {
                return Err(StripeError::invalid_param(
                    "parameter_invalid",
                    card_param("number"),
                    "Raw card numbers are accepted only in test mode (livemode: false); send bin, last4 and fingerprint instead",
                ));
            }
            if super::test_cards::digits(number).is_none() {
                return Err(StripeError::invalid_param(
                    "invalid_number",
                    card_param("number"),
                    "The card number is not a valid card number (12-19 digits, spaces allowed)",
                ));
            }
        }
        for (field, value) in [("country", &card.country), ("bin", &card.bin), ("last4", &card.last4)] {
            if let Some(v) = value {
                let ok = match field {
                    "country" => v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()),
                    "bin" => (6..=8).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()),
                    _ => v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()),
                };
                if !ok {
                    return Err(StripeError::invalid_param(
                        "parameter_invalid",
                        card_param(field),
                        format!("Invalid {field}: {v:?}"),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From a parsed value, the same payment or the same error as from its text.
    #[test]
    fn a_parsed_value_decodes_as_its_text_does() {
        let cases = [
            r#"{"amount":100,"currency":"usd","created":1,"payment_method_details":{"card":{"exp_month":12,"checks":{"cvc_check":"pass"}}},"metadata":{"k":"v"}}"#,
            r#"{"amount":100,"currency":"usd","created":1,"payment_method_details":{"card":{"cuntry":"US"}}}"#,
            r#"{"amount":"ten","currency":"usd","created":1}"#,
            r#"{"amount":10,"created":1}"#,
            r#"{"amount":10,"currency":"usd","created":1,"payment_method_details":{"card":{"exp_month":300}}}"#,
            r#"{"amount":10.5,"currency":"usd","created":1}"#,
            r#"{"amount":10,"currency":"usdx","created":1}"#,
            r#"{"amount":10,"currency":"usd","created":1,"receipt_email":"not an email"}"#,
            r#"[1, 2]"#,
        ];
        for text in cases {
            let value: serde_json::Value = serde_json::from_str(text).expect("test JSON");
            assert_eq!(decode_payment_value(value), decode_payment(text), "{text}");
        }
    }

    #[test]
    fn unknown_field_is_named_with_its_path() {
        let err = decode_evaluation(
            r#"{"payment":{"amount":100,"currency":"usd","created":1,"payment_method_details":{"card":{"cuntry":"US"}}}}"#,
        )
        .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment[payment_method_details][card][cuntry]"));
        assert_eq!(err.code.as_deref(), Some("parameter_unknown"));
    }

    #[test]
    fn ill_typed_field_is_named() {
        let err = decode_evaluation(r#"{"payment":{"amount":"ten","currency":"usd","created":1}}"#).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment[amount]"));
    }

    #[test]
    fn missing_field_is_named() {
        let err = decode_evaluation(r#"{"payment":{"amount":10,"created":1}}"#).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment[currency]"));
        assert_eq!(err.code.as_deref(), Some("parameter_missing"));
    }

    #[test]
    fn only_one_object_is_accepted() {
        let ok = r#"{"payment":{"amount":1,"currency":"usd","created":1}}"#;
        assert!(decode_evaluation(ok).is_ok());
        for bad in [format!("{ok} {{}}"), format!("{ok}garbage"), format!("[{ok}]"), "[]".to_owned()] {
            let err = decode_evaluation(&bad).unwrap_err();
            assert_eq!(err.code.as_deref(), Some("invalid_json"), "{bad}");
        }
        assert!(decode_payment(r#"[[null,false,4999,"usd",1764028800]]"#).is_err());
    }

    #[test]
    fn duplicate_fields_are_named() {
        let err =
            decode_evaluation(r#"{"payment":{"amount":4999,"amount":5999,"currency":"usd","created":1}}"#).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment[amount]"));
        assert_eq!(err.code.as_deref(), Some("parameter_duplicate"));
        assert!(!err.message.contains("line 1"), "{}", err.message);
    }

    #[test]
    fn null_context_values_are_missing() {
        let e = decode_evaluation(
            r#"{"payment":{"amount":1,"currency":"usd","created":1},"context":{"card_count_for_email_daily":null}}"#,
        )
        .unwrap();
        assert!(e.context.is_empty());
    }

    #[test]
    fn bad_json_is_a_request_error() {
        let err = decode_evaluation("{").unwrap_err();
        assert_eq!(err.code.as_deref(), Some("invalid_json"));
    }

    #[test]
    fn live_card_numbers_are_refused() {
        let err = decode_evaluation(
            r#"{"payment":{"livemode":true,"amount":100,"currency":"usd","created":1,"payment_method_details":{"card":{"number":"4242424242424242"}}}}"#,
        )
        .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment[payment_method_details][card][number]"));
    }

    #[test]
    fn bad_exp_month_is_refused() {
        let err = decode_payment(
            r#"{"amount":100,"currency":"usd","created":1,"payment_method_details":{"card":{"exp_month":13}}}"#,
        )
        .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("payment_method_details[card][exp_month]"));
    }
}
