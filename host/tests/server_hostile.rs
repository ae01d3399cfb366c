//! Hostile and malformed requests against a real `ward serve`: each gets a 4xx with Stripe's
//! error object (never a 5xx), and the server keeps serving valid charges afterwards.

mod support;

use support::server::{API_KEY, Response, Server, TempDir};

const VALID: &str = "amount=2000&currency=usd&source=tok_visa";

struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    status: u16,
    param: Option<&'static str>,
}

fn auth() -> (&'static str, String) {
    ("Authorization", format!("Bearer {API_KEY}"))
}

fn post(name: &'static str, body: impl Into<Vec<u8>>, status: u16, param: Option<&'static str>) -> Case {
    Case { name, method: "POST", path: "/v1/charges".into(), headers: vec![auth()], body: body.into(), status, param }
}

fn get(name: &'static str, path: &str, status: u16, param: Option<&'static str>) -> Case {
    Case { name, method: "GET", path: path.into(), headers: vec![auth()], body: Vec::new(), status, param }
}

fn with_type(mut case: Case, content_type: &str) -> Case {
    case.headers.push(("Content-Type", content_type.to_owned()));
    case
}

fn cases() -> Vec<Case> {
    let nested = format!("amount=2000&currency=usd&source=tok_visa&metadata{}=1", "[a]".repeat(20));
    let big = format!("{VALID}&description={}", "x".repeat(300 * 1024));
    let many = "a=1&".repeat(10_000);
    vec![
        Case { headers: vec![], ..post("missing auth", VALID, 401, None) },
        Case {
            headers: vec![("Authorization", "Bearer sk_test_not_a_key_at_all".into())],
            ..post("bad key", VALID, 401, None)
        },
        Case { headers: vec![("Authorization", "Token abc".into())], ..post("unknown auth scheme", VALID, 401, None) },
        post("unknown param", format!("{VALID}&bogus=1"), 400, Some("bogus")),
        post("amount=abc", "amount=abc&currency=usd&source=tok_visa", 400, Some("amount")),
        post("missing currency", "amount=2000&source=tok_visa", 400, Some("currency")),
        post("body over 256 KiB", big, 413, None),
        post("form key nested 20 deep", nested, 400, None),
        with_type(post("invalid JSON", r#"{"amount": 2000, "currency":"#, 400, None), "application/json"),
        with_type(post("JSON array body", r#"[{"amount":2000,"currency":"usd"}]"#, 400, None), "application/json"),
        with_type(post("unsupported content type", VALID, 415, None), "text/plain"),
        post("duplicate parameter", "amount=1&amount=2&currency=usd&source=tok_visa", 400, Some("amount")),
        post("invalid UTF-8 percent-encoding", format!("{VALID}&description=%FF"), 400, None),
        post("10,000 parameters", many, 400, None),
        get("unknown path", "/v1/nothing_here", 404, None),
        Case { method: "PUT", ..get("a method the path does not take", "/v1/charges", 405, None) },
        Case { method: "DELETE", ..get("DELETE of a charge", "/v1/charges/ch_x", 405, None) },
        get("unknown charge", "/v1/charges/ch_doesnotexist000000", 404, None),
        get("limit=1000 on a list", "/v1/charges?limit=1000", 400, Some("limit")),
        post("currency that is no currency", "amount=2000&currency=zzz&source=tok_visa", 400, Some("currency")),
        post("amount over eight digits", "amount=100000000&currency=usd&source=tok_visa", 400, Some("amount")),
        post("malformed receipt_email", format!("{VALID}&receipt_email=not-an-email"), 400, Some("receipt_email")),
        Case {
            path: "/v1/radar/payment_evaluations".into(),
            ..post(
                "evaluation in no currency",
                "payment_details[amount]=9&payment_details[currency]=xyz&customer_details[email]=a%40example.com",
                400,
                Some("payment_details[currency]"),
            )
        },
        Case {
            path: "/v1/radar/payment_evaluations".into(),
            ..post(
                "evaluation with a malformed email",
                "payment_details[amount]=9&payment_details[currency]=eur&customer_details[email]=a%40b",
                400,
                Some("customer_details[email]"),
            )
        },
        get("cursor naming no charge", "/v1/charges?starting_after=ch_gone", 404, Some("starting_after")),
        get("items of no value list", "/v1/radar/value_list_items?value_list=rsl_gone", 404, Some("value_list")),
        get("refunds of no charge", "/v1/refunds?charge=ch_gone", 404, Some("charge")),
        get("warnings of no charge", "/v1/radar/early_fraud_warnings?charge=ch_gone", 404, Some("charge")),
        get("disputes of no charge", "/v1/disputes?charge=ch_gone", 404, Some("charge")),
        Case {
            headers: vec![auth(), ("Stripe-Account", "acct_connected_1".into())],
            ..post("a connected account's header", VALID, 403, None)
        },
        post(
            "malformed client IP address",
            format!("{VALID}&client[ip_address]=999.1.1.1"),
            400,
            Some("client[ip_address]"),
        ),
        post(
            "card number failing the Luhn check",
            "amount=500&currency=usd&source[number]=4242424242424241&source[exp_month]=1&source[exp_year]=2031",
            402,
            Some("source[number]"),
        ),
    ]
}

fn assert_still_serving(server: &Server, after: &str) {
    let r = server.charge(VALID);
    assert!(r.charge_id().is_some(), "after '{after}', a valid charge failed: {} {}", r.status, r.body);
}

fn check(case: &Case, r: &Response) -> Result<(), String> {
    let v = r.json();
    let e = &v["error"];
    if r.status >= 500 {
        return Err(format!("5xx for a client mistake: {} {}", r.status, r.body));
    }
    if r.status != case.status {
        return Err(format!("expected {}, got {} {}", case.status, r.status, r.body));
    }
    if !e["type"].is_string() || !e["message"].is_string() {
        return Err(format!("not a Stripe error object (error.type, error.message): {}", r.body));
    }
    if let Some(p) = case.param
        && e["param"] != p
    {
        return Err(format!("expected error.param '{p}': {}", r.body));
    }
    Ok(())
}

#[test]
fn hostile_requests_get_stripe_errors_and_the_server_keeps_serving() {
    let dir = TempDir::new("hostile");
    let server = Server::start(&dir.path().join("data"), &[]);
    assert_still_serving(&server, "start");
    let mut failures = Vec::new();
    for case in cases() {
        let headers: Vec<(&str, &str)> = case.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = server.call_with(case.method, &case.path, &headers, &case.body);
        if let Err(e) = check(&case, &r) {
            failures.push(format!("{} ({} {}): {e}", case.name, case.method, case.path));
        }
        assert_still_serving(&server, case.name);
    }
    assert!(failures.is_empty(), "{} hostile requests were mishandled:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn idempotency_keys_replay_and_refuse_other_bodies() {
    let dir = TempDir::new("idempotency");
    let server = Server::start(&dir.path().join("data"), &[]);
    let send = |body: &str| server.charge_with_key("order-6735-attempt-1", body);
    let first = send(VALID);
    let id = first.charge_id().unwrap_or_else(|| panic!("first: {} {}", first.status, first.body));
    assert_eq!(first.header("idempotent-replayed"), None, "a first request is no replay");
    let again = send(VALID);
    assert_eq!(again.status, first.status, "{}", again.body);
    assert_eq!(again.charge_id().as_deref(), Some(id.as_str()), "the replay answers the same charge: {}", again.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let other = send("amount=9999&currency=usd&source=tok_visa");
    assert_eq!(other.status, 400, "same key, other body: {}", other.body);
    assert!(other.json()["error"]["type"].is_string(), "{}", other.body);
    let list = server.call("GET", "/v1/charges?limit=100", "");
    let n = list.json()["data"].as_array().map_or(0, |d| d.iter().filter(|c| c["id"] == id.as_str()).count());
    assert_eq!(n, 1, "the key created one charge: {}", list.body);
}

#[test]
fn an_expired_idempotency_key_starts_a_new_request() {
    let dir = TempDir::new("idempotency-ttl");
    let server = Server::start(&dir.path().join("data"), &["--idempotency-ttl", "1"]);
    let send = |body: &str| server.charge_with_key("order-1", body);
    let first = send(VALID);
    let id = first.charge_id().unwrap_or_else(|| panic!("first: {} {}", first.status, first.body));
    // Records are stamped in whole seconds: two seconds on, a one-second record has expired.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let other = send("amount=9999&currency=usd&source=tok_visa");
    assert_eq!(other.status, 200, "an expired key takes a new body: {}", other.body);
    assert_eq!(other.header("idempotent-replayed"), None);
    let second = other.charge_id().expect("a new charge");
    assert_ne!(second, id, "a new charge, not the first one replayed");
    assert_eq!(other.json()["amount"], 9999, "{}", other.body);
    let again = send("amount=9999&currency=usd&source=tok_visa");
    assert_eq!(again.header("idempotent-replayed"), Some("true"), "the key now replays the new answer");
    assert_eq!(again.charge_id().as_deref(), Some(second.as_str()));
}
