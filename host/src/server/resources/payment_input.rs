//! Reading a payment out of Stripe-shaped parameters: a charge's `source` (test tokens, test
//! PaymentMethods, a raw card hash), or a payment evaluation's `payment_details`.

use serde_json::{Map, Value, json};
use ward_core::Payment;

use crate::server::api::{ApiError, Params, params};

/// Stripe's test tokens and the card numbers they stand for. `pm_card_<name>` is the same card
/// as `tok_<name>`.
const TEST_TOKENS: &[(&str, &str)] = &[
    ("visa", "4242424242424242"),
    ("visa_debit", "4000056655665556"),
    ("mastercard", "5555555555554444"),
    ("mastercard_debit", "5200828282828210"),
    ("amex", "378282246310005"),
    ("discover", "6011111111111117"),
    ("diners", "3056930009020004"),
    ("jcb", "3566002020360505"),
    ("unionpay", "6200000000000005"),
    ("radarBlock", "4100000000000019"),
    ("riskLevelHighest", "4000000000004954"),
    ("riskLevelElevated", "4000000000009235"),
    ("cvcCheckFail", "4000000000000101"),
    ("avsZipFail", "4000000000000036"),
    ("avsLine1Fail", "4000000000000028"),
    ("avsFail", "4000000000000010"),
    ("avsUnchecked", "4000000000000044"),
    ("chargeDeclined", "4000000000000002"),
    ("chargeDeclinedInsufficientFunds", "4000000000009995"),
    ("chargeDeclinedLostCard", "4000000000009987"),
    ("chargeDeclinedStolenCard", "4000000000009979"),
    ("chargeDeclinedVelocityLimitExceeded", "4000000000006975"),
    ("chargeDeclinedIncorrectCvc", "4000000000000127"),
    ("chargeDeclinedExpiredCard", "4000000000000069"),
    ("chargeDeclinedProcessingError", "4000000000000119"),
    ("createDispute", "4000000000000259"),
    ("createDisputeProductNotReceived", "4000000000002685"),
    ("createDisputeInquiry", "4000000000001976"),
];

/// The test card behind `tok_<name>` or `pm_card_<name>`.
pub fn test_token_number(token: &str) -> Option<&'static str> {
    let name = token.strip_prefix("tok_").or_else(|| token.strip_prefix("pm_card_"))?;
    TEST_TOKENS.iter().find(|(n, _)| *n == name).map(|(_, num)| *num)
}

/// The Ward extensions a charge may carry beyond Stripe's parameters: risk signals Stripe
/// collects itself (the buyer's IP and device) or that Ward can use.
pub const SIGNAL_FIELDS: &[&str] = &[
    "client",
    "billing_details",
    "customer_details",
    "payment_method_details",
    "transaction_type",
    "destination",
    "destination_metadata",
    "is_checkout",
    "off_session",
    "is_recurring",
];

/// Builds the Ward payment of a charge request. `source`/`payment_method` become
/// `payment_method_details.card`; the rest are Stripe's charge fields plus [`SIGNAL_FIELDS`].
pub fn charge_payment(p: &Params, id: &str, created: i64) -> Result<Payment, ApiError> {
    let mut payment = Map::new();
    for key in ["amount", "currency", "customer", "description", "receipt_email", "shipping", "statement_descriptor"]
        .iter()
        .chain(SIGNAL_FIELDS)
    {
        if let Some(v) = p.get(*key).filter(|v| !v.is_null()) {
            payment.insert((*key).to_owned(), v.clone());
        }
    }
    if let Some(m) = params::metadata(p, "metadata")? {
        payment.insert("metadata".into(), Value::Object(m));
    }
    if !payment.contains_key("amount") {
        return Err(ApiError::missing("amount"));
    }
    if !payment.contains_key("currency") {
        return Err(ApiError::missing("currency"));
    }
    let source = p.get("source").or_else(|| p.get("payment_method"));
    if let Some(source) = source {
        let param = if p.contains_key("source") { "source" } else { "payment_method" };
        let (card, billing) = card_from_source(source, param)?;
        let pmd = payment.entry("payment_method_details").or_insert_with(|| json!({}));
        let Some(pmd) = pmd.as_object_mut() else {
            return Err(ApiError::invalid("payment_method_details", "payment_method_details must be an object."));
        };
        pmd.insert("type".into(), json!("card"));
        pmd.insert("card".into(), card);
        if let Some(b) = billing {
            payment.entry("billing_details").or_insert(b);
        }
    }
    checked(decode(payment, id, created)?, &CHARGE_PARAMS)
}

/// Builds the Ward payment of a `radar.payment_evaluation` request.
pub fn evaluation_payment(p: &Params, id: &str, created: i64) -> Result<Payment, ApiError> {
    let details = match p.get("payment_details") {
        Some(Value::Object(d)) => d.clone(),
        Some(_) => return Err(ApiError::invalid("payment_details", "payment_details must be an object.")),
        None => return Err(ApiError::missing("payment_details")),
    };
    check_evaluation_keys(p, &details)?;
    let mut payment = Map::new();
    for key in ["amount", "currency", "description", "statement_descriptor"] {
        if let Some(v) = details.get(key) {
            payment.insert(key.into(), v.clone());
        }
    }
    for (key, param) in [("amount", "payment_details[amount]"), ("currency", "payment_details[currency]")] {
        if !payment.contains_key(key) {
            return Err(ApiError::missing(param));
        }
    }
    if let Some(s) = details.get("shipping_details") {
        payment.insert("shipping".into(), s.clone());
    }
    if let Some(Value::Object(c)) = p.get("customer_details") {
        if let Some(cus) = c.get("customer") {
            payment.insert("customer".into(), cus.clone());
        }
        let mut cd = Map::new();
        for key in ["email", "name", "phone"] {
            if let Some(v) = c.get(key) {
                cd.insert(key.into(), v.clone());
            }
        }
        if let Some(email) = c.get("email") {
            payment.insert("receipt_email".into(), email.clone());
        }
        payment.insert("customer_details".into(), Value::Object(cd));
    }
    if let Some(Value::Object(pmd)) = details.get("payment_method_details") {
        if let Some(b) = pmd.get("billing_details") {
            payment.insert("billing_details".into(), b.clone());
        }
        if let Some(pm) = pmd.get("payment_method") {
            let (card, billing) = card_from_source(pm, "payment_details[payment_method_details][payment_method]")?;
            payment.insert("payment_method_details".into(), json!({"type": "card", "card": card}));
            if let Some(b) = billing {
                payment.entry("billing_details").or_insert(b);
            }
        }
        if let Some(card) = pmd.get("card") {
            payment.insert("payment_method_details".into(), json!({"type": "card", "card": card}));
        }
    }
    if let Some(Value::Object(mm)) = details.get("money_movement_details")
        && let Some(Value::Object(card)) = mm.get("card")
    {
        if let Some(presence) = card.get("customer_presence").and_then(Value::as_str) {
            payment.insert("off_session".into(), json!(presence == "off_session"));
        }
        if let Some(kind) = card.get("payment_type").and_then(Value::as_str) {
            payment.insert("is_recurring".into(), json!(kind.contains("recurring")));
        }
    }
    for key in SIGNAL_FIELDS {
        if let Some(v) = p.get(*key) {
            payment.insert((*key).to_owned(), v.clone());
        }
    }
    if let Some(m) = params::metadata(p, "metadata")? {
        payment.insert("metadata".into(), Value::Object(m));
    }
    checked(decode(payment, id, created)?, &EVALUATION_PARAMS)
}

/// Refuses unknown keys in a payment evaluation's hashes (a misspelt field would otherwise be
/// scored as missing), naming the whole parameter.
fn check_evaluation_keys(p: &Params, details: &Map<String, Value>) -> Result<(), ApiError> {
    let hash = |v: Option<&Value>| v.and_then(Value::as_object).cloned();
    if let Some(c) = hash(p.get("customer_details")) {
        params::deny_unknown_in(&c, "customer_details", &["customer", "customer_account", "email", "name", "phone"])?;
    }
    let top = [
        "amount",
        "currency",
        "description",
        "statement_descriptor",
        "shipping_details",
        "payment_method_details",
        "money_movement_details",
    ];
    params::deny_unknown_in(details, "payment_details", &top)?;
    if let Some(pmd) = hash(details.get("payment_method_details")) {
        let name = "payment_details[payment_method_details]";
        params::deny_unknown_in(&pmd, name, &["payment_method", "billing_details", "card"])?;
    }
    if let Some(mm) = hash(details.get("money_movement_details")) {
        let name = "payment_details[money_movement_details]";
        params::deny_unknown_in(&mm, name, &["money_movement_type", "card"])?;
        if let Some(card) = hash(mm.get("card")) {
            params::deny_unknown_in(&card, &format!("{name}[card]"), &["customer_presence", "payment_type"])?;
        }
    }
    if let Some(c) = hash(p.get("client_device_metadata_details")) {
        params::deny_unknown_in(&c, "client_device_metadata_details", &["radar_session"])?;
    }
    Ok(())
}

/// The keys of a card hash, as Stripe's card source takes them.
const CARD_HASH_KEYS: &[&str] = &[
    "object",
    "number",
    "exp_month",
    "exp_year",
    "cvc",
    "name",
    "address_line1",
    "address_line2",
    "address_city",
    "address_state",
    "address_zip",
    "address_country",
];

/// A card (and billing details) from a `source`: a test token, a test PaymentMethod id, or a
/// card hash (`number`, `exp_month`, `exp_year`, `cvc`, `name`, `address_*`).
fn card_from_source(source: &Value, param: &str) -> Result<(Value, Option<Value>), ApiError> {
    match source {
        Value::String(token) => match test_token_number(token) {
            Some(number) => Ok((json!({"number": number, "exp_month": 12, "exp_year": 2034}), None)),
            None => Err(ApiError::param(
                "resource_missing",
                param,
                format!(
                    "No such token: '{token}'. In test mode use one of Stripe's test tokens (tok_visa, tok_radarBlock, pm_card_riskLevelElevated, …) or a card hash."
                ),
            )),
        },
        Value::Object(hash) => {
            params::deny_unknown_in(hash, param, CARD_HASH_KEYS)?;
            let mut card = Map::new();
            for key in ["number", "exp_month", "exp_year"] {
                match hash.get(key) {
                    Some(v) => card.insert(key.into(), v.clone()),
                    None => return Err(ApiError::missing(&format!("{param}[{key}]"))),
                };
            }
            // As Stripe does when it tokenizes a card (and for its test card 4242424242424241).
            if let Some(number) = hash.get("number").and_then(Value::as_str)
                && !passes_luhn(number)
            {
                let field = format!("{param}[number]");
                return Err(ApiError::card_refused("incorrect_number", &field, "Your card number is incorrect."));
            }
            if let Some(Value::String(cvc)) = hash.get("cvc")
                && !cvc.is_empty()
            {
                card.insert("checks".into(), json!({"cvc_check": "pass"}));
            }
            let mut address = Map::new();
            for (from, to) in [
                ("address_line1", "line1"),
                ("address_line2", "line2"),
                ("address_city", "city"),
                ("address_state", "state"),
                ("address_zip", "postal_code"),
                ("address_country", "country"),
            ] {
                if let Some(v) = hash.get(from) {
                    address.insert(to.into(), v.clone());
                }
            }
            let mut billing = Map::new();
            if !address.is_empty() {
                billing.insert("address".into(), Value::Object(address));
            }
            if let Some(name) = hash.get("name") {
                billing.insert("name".into(), name.clone());
            }
            Ok((Value::Object(card), (!billing.is_empty()).then_some(Value::Object(billing))))
        }
        _ => Err(ApiError::invalid(param, format!("{param} must be a token id or a card hash."))),
    }
}

/// The parameters a request's amount, currency and email came from, for naming them in errors.
struct PaymentParams {
    amount: &'static str,
    currency: &'static str,
    email: &'static str,
}

const CHARGE_PARAMS: PaymentParams = PaymentParams { amount: "amount", currency: "currency", email: "receipt_email" };

const EVALUATION_PARAMS: PaymentParams = PaymentParams {
    amount: "payment_details[amount]",
    currency: "payment_details[currency]",
    email: "customer_details[email]",
};

/// Stripe's largest amount: eight digits in the currency's minor unit.
const MAX_AMOUNT: i64 = 99_999_999;

/// What Stripe refuses and the core's decoder lets through, which it can score: a currency that
/// is no ISO 4217 code (the answer's currency is in lower case, as Stripe writes it), an amount
/// over eight digits, a malformed email.
fn checked(mut payment: Payment, names: &PaymentParams) -> Result<Payment, ApiError> {
    payment.currency = crate::server::api::currency::check(&payment.currency, names.currency)?;
    if payment.amount > MAX_AMOUNT {
        return Err(ApiError::param(
            "amount_too_large",
            names.amount,
            format!("Amount must be no more than {MAX_AMOUNT} in the currency's smallest unit."),
        ));
    }
    if let Some(email) = payment.receipt_email.as_deref().filter(|e| !e.is_empty()) {
        params::check_email(email, names.email)?;
    }
    if let Some(ip) = payment.client.as_ref().and_then(|c| c.ip_address.as_deref())
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        // Velocity would count a typo as an address of its own.
        let message = format!("Invalid IP address: {ip}. Give an IPv4 or IPv6 address, such as 203.0.113.7.");
        return Err(ApiError::invalid("client[ip_address]", message));
    }
    Ok(payment)
}

/// Whether a card number passes the Luhn check every card number is built to pass (spaces and
/// dashes ignored).
fn passes_luhn(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter(|c| !matches!(c, ' ' | '-')).filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// Runs the assembled payment through the core's decoder, which names any bad field.
fn decode(mut payment: Map<String, Value>, id: &str, created: i64) -> Result<Payment, ApiError> {
    payment.insert("id".into(), json!(id));
    payment.insert("created".into(), json!(created));
    payment.insert("livemode".into(), json!(false));
    let mut value = Value::Object(payment);
    params::coerce(&mut value, "Payment");
    ward_core::payment::decode_payment_value(value).map_err(ApiError::bad)
}

/// The card of a payment as the API shows it (`brand`, `last4`, `fingerprint`, `exp_*`,
/// `checks`…), never its number; a CVC is never kept at all. `null` for a payment without a
/// card.
pub fn card_summary(payment: &Payment) -> Value {
    let Some(card) = payment.payment_method_details.as_ref().and_then(|d| d.card.as_ref()) else {
        return Value::Null;
    };
    let derived = card.number.as_deref().and_then(ward_core::payment::derive_from_number);
    let mut v = serde_json::to_value(card).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.remove("number");
        if let Some(d) = derived {
            obj.entry("brand").or_insert(json!(d.brand));
            obj.entry("last4").or_insert(json!(d.last4));
            obj.entry("fingerprint").or_insert(json!(d.fingerprint));
            obj.entry("bin").or_insert(json!(d.bin));
        }
    }
    v
}

/// A payment evaluation's `payment_details` as stored and answered: what the request sent, with
/// the amount and currency as scored, and a card hash (number, CVC) replaced by the card's
/// summary under `payment_method_details[card]`; a PaymentMethod or token id stays as sent.
pub fn evaluation_details(p: &Params, payment: &Payment) -> Value {
    let mut details = match p.get("payment_details") {
        Some(Value::Object(d)) => d.clone(),
        _ => Map::new(),
    };
    details.insert("amount".into(), json!(payment.amount));
    details.insert("currency".into(), json!(payment.currency));
    if let Some(Value::Object(pmd)) = details.get_mut("payment_method_details") {
        pmd.remove("card");
        if pmd.get("payment_method").is_some_and(|m| !m.is_string()) {
            pmd.remove("payment_method");
        }
        let card = card_summary(payment);
        if !card.is_null() {
            pmd.insert("card".into(), card);
        }
    }
    Value::Object(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        for good in ["4242424242424242", "4242 4242 4242 4242", "378282246310005", "6011-1111-1111-1117"] {
            assert!(super::passes_luhn(good), "{good}");
        }
        for bad in ["4242424242424241", "1234567812345678", "", "abcd"] {
            assert!(!super::passes_luhn(bad), "{bad}");
        }
    }

    #[test]
    fn tokens_and_payment_methods_name_the_same_cards() {
        assert_eq!(test_token_number("tok_radarBlock"), Some("4100000000000019"));
        assert_eq!(test_token_number("pm_card_riskLevelElevated"), Some("4000000000009235"));
        assert_eq!(test_token_number("tok_nope"), None);
    }

    #[test]
    fn a_form_charge_becomes_a_payment() {
        let p = params::params(json!({"amount": "2000", "currency": "usd", "source": "tok_visa",
            "receipt_email": "a@example.com", "metadata": {"order": "1"}}));
        let pay = charge_payment(&p, "ch_1", 1_700_000_000).expect("valid");
        assert_eq!(pay.amount, 2000);
        assert_eq!(pay.metadata.get("order").map(String::as_str), Some("1"));
        let bad = params::params(json!({"amount": "lots", "currency": "usd"}));
        let e = charge_payment(&bad, "ch_2", 0).expect_err("invalid amount");
        assert_eq!(e.error.param.as_deref(), Some("amount"));
        let e = charge_payment(&params::params(json!({"currency": "usd"})), "ch_3", 0).expect_err("missing");
        assert_eq!(e.error.param.as_deref(), Some("amount"));
    }
}
