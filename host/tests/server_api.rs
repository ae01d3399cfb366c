//! `ward serve` API behaviour beyond the SDK flow: account isolation, webhooks with Stripe
//! signatures, rules management and versioning, list items, the holdout, metrics and the
//! OpenAPI document.
//! Real processes on loopback; every wait is bounded.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use support::redis::RedisServer;
use support::server::{Server, TempDir, request};
use ward_host::store::Store;

const OTHER: &str = "sk_test_otheraccount000001";

fn with_key(server: &Server, key: &str, method: &str, path: &str, body: &str) -> support::server::Response {
    request(server.addr, method, path, &[("Authorization", &format!("Bearer {key}"))], body.as_bytes())
        .expect("request")
}

#[test]
fn accounts_never_see_each_others_objects() {
    let dir = TempDir::new("accounts");
    let server = Server::start(dir.path(), &["--account", &format!("acct_other={OTHER}")]);
    let charge = server.charge("amount=1500&currency=usd&source=tok_visa");
    assert_eq!(charge.status, 200, "{}", charge.body);
    let id = charge.charge_id().expect("charge id");
    let list = server.call("POST", "/v1/radar/value_lists", "alias=mine&name=Mine&item_type=email");
    assert_eq!(list.status, 200, "{}", list.body);
    let list_id = list.json()["id"].as_str().expect("list id").to_owned();

    let theirs = with_key(&server, OTHER, "GET", &format!("/v1/charges/{id}"), "");
    assert_eq!(theirs.status, 404, "another account's charge is not found: {}", theirs.body);
    assert_eq!(with_key(&server, OTHER, "GET", "/v1/charges", "").json()["data"], Value::Array(vec![]));
    assert_eq!(with_key(&server, OTHER, "GET", &format!("/v1/radar/value_lists/{list_id}"), "").status, 404);
    let refund = with_key(&server, OTHER, "POST", "/v1/refunds", &format!("charge={id}&reason=fraudulent"));
    assert_eq!(refund.status, 404, "cannot refund another account's charge: {}", refund.body);
    // The other account's own default lists and objects work.
    let own = with_key(&server, OTHER, "POST", "/v1/charges", "amount=700&currency=usd&source=tok_mastercard");
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(with_key(&server, OTHER, "GET", "/v1/charges", "").json()["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(server.call("GET", "/v1/charges", "").json()["data"].as_array().map(Vec::len), Some(1));
}

/// Accepts webhook POSTs on loopback and hands over (signature header, body).
fn webhook_receiver() -> (u16, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (port, webhook_receiver_on(listener, None))
}

/// [`webhook_receiver`] on a listener of the caller's, answering 500 to bodies holding `refuse`
/// (every request is handed over, refused or not).
fn webhook_receiver_on(listener: TcpListener, refuse: Option<&'static str>) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(stream);
            let (mut signature, mut length) = (String::new(), 0usize);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                let l = line.trim_end().to_owned();
                line.clear();
                if l.is_empty() {
                    break;
                }
                if let Some((k, v)) = l.split_once(':') {
                    match k.to_ascii_lowercase().as_str() {
                        "stripe-signature" => signature = v.trim().to_owned(),
                        "content-length" => length = v.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let mut stream = reader.into_inner();
            let body = String::from_utf8_lossy(&body).into_owned();
            let status = if refuse.is_some_and(|r| body.contains(r)) { "500 Internal Server Error" } else { "200 OK" };
            let _ = write!(stream, "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = tx.send((signature, body));
        }
    });
    rx
}

#[test]
fn events_are_delivered_to_the_webhook_signed() {
    let (port, rx) = webhook_receiver();
    let dir = TempDir::new("webhooks");
    let url = format!("http://127.0.0.1:{port}/hook");
    let server = Server::start(dir.path(), &["--webhook-url", &url, "--webhook-secret", "whsec_test_secret"]);
    let charge = server.charge("amount=4100&currency=usd&source=tok_riskLevelElevated");
    assert_eq!(charge.json()["outcome"]["type"], "manual_review", "{}", charge.body);
    let mut types = Vec::new();
    while types.len() < 2 {
        let (signature, body) = rx.recv_timeout(Duration::from_secs(20)).expect("a webhook within 20 s");
        let (t, v1) = signature.split(',').fold((None, None), |(t, v), part| match part.split_once('=') {
            Some(("t", x)) => (Some(x.to_owned()), v),
            Some(("v1", x)) => (t, Some(x.to_owned())),
            _ => (t, v),
        });
        let (t, v1) = (t.expect("t= in the signature"), v1.expect("v1= in the signature"));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_test_secret").expect("key");
        mac.update(format!("{t}.{body}").as_bytes());
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(v1, expected, "the signature verifies with the secret");
        let event: Value = serde_json::from_str(&body).expect("event JSON");
        types.push(event["type"].as_str().unwrap_or_default().to_owned());
    }
    types.sort();
    assert_eq!(types, ["charge.succeeded", "review.opened"]);
    let stored = server.call("GET", "/v1/events?type=review.opened", "").json();
    assert_eq!(stored["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(settled_webhook_count(&server, "delivered", 2), 2, "both deliveries counted in /metrics");
}

/// [`webhook_count`] once it reaches `n` (counted after the endpoint answers), or after 5 s.
fn settled_webhook_count(server: &Server, result: &str, n: u64) -> u64 {
    for _ in 0..100 {
        if webhook_count(server, result) >= n {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    webhook_count(server, result)
}

/// An event counter of `/metrics` (`ward_webhook_events_total{result=…}`).
fn webhook_count(server: &Server, result: &str) -> u64 {
    let metrics = request(server.addr, "GET", "/metrics", &[], b"").expect("metrics").body;
    let series = format!("ward_webhook_events_total{{result=\"{result}\"}}");
    metric(&metrics, &series).expect("the counter") as u64
}

/// The value of one series (name and labels, as printed) in a `/metrics` text.
fn metric(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Webhooks go out from the stored events: an endpoint that is down while payments arrive, and
/// a restart of the server meanwhile, lose none of them.
#[test]
fn webhooks_survive_an_endpoint_outage_and_a_restart() {
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let dir = TempDir::new("webhooks-outage");
    let url = format!("http://127.0.0.1:{port}/hook");
    let mut server = Server::start(dir.path(), &["--webhook-url", &url]);
    for _ in 0..5 {
        assert_eq!(server.charge("amount=1200&currency=usd&source=tok_visa").status, 200);
    }
    let stored = server.list_ids("/v1/events?limit=100");
    assert_eq!(stored.len(), 5);
    assert_eq!(webhook_count(&server, "delivered"), 0, "the endpoint is down");
    let status = server.terminate(Duration::from_secs(20)).expect("exits within 20 s of SIGTERM");
    assert!(status.success(), "{}", server.stderr());
    assert!(server.stderr().contains("not yet delivered at shutdown"), "{}", server.stderr());
    drop(server);

    // The endpoint comes back; so does the server, and the five go out.
    let rx = webhook_receiver_on(TcpListener::bind(("127.0.0.1", port)).expect("the endpoint's port"), None);
    let server = Server::start(dir.path(), &["--webhook-url", &url]);
    let mut got = std::collections::BTreeSet::new();
    while got.len() < 5 {
        let (_, body) = rx.recv_timeout(Duration::from_secs(20)).expect("the stored events within 20 s");
        let event: Value = serde_json::from_str(&body).expect("event JSON");
        got.insert(event["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(got, stored.into_iter().collect(), "every stored event, once the endpoint answers");
    // Events after the restart follow (a retry may re-send an old one first: at least once).
    let charge = server.charge("amount=1300&currency=usd&source=tok_visa").charge_id().expect("charge id");
    let fresh = (0..50).find_map(|_| {
        let (_, body) = rx.recv_timeout(Duration::from_secs(20)).expect("the new event within 20 s");
        let event: Value = serde_json::from_str(&body).expect("event JSON");
        (!got.contains(event["id"].as_str().unwrap_or_default())).then_some(event)
    });
    assert_eq!(fresh.expect("a new event")["data"]["object"]["id"], charge.as_str());
}

/// An event the endpoint refuses is retried on its own; the events after it go out meanwhile.
#[test]
fn a_refused_webhook_event_does_not_hold_back_the_others() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://127.0.0.1:{}/hook", listener.local_addr().expect("addr").port());
    let rx = webhook_receiver_on(listener, Some("\"type\":\"review.opened\""));
    let dir = TempDir::new("webhooks-refused");
    let server = Server::start(dir.path(), &["--webhook-url", &url]);
    assert_eq!(server.charge("amount=4100&currency=usd&source=tok_riskLevelElevated").status, 200);
    let later: Vec<String> = (0..3)
        .map(|_| server.charge("amount=1500&currency=usd&source=tok_visa").charge_id().expect("charge id"))
        .collect();
    let (mut refusals, mut charges) = (0, std::collections::BTreeSet::new());
    while refusals < 2 || charges.len() < 4 {
        let (_, body) = rx.recv_timeout(Duration::from_secs(20)).expect("deliveries within 20 s");
        let event: Value = serde_json::from_str(&body).expect("event JSON");
        match event["type"].as_str() {
            Some("review.opened") => refusals += 1,
            _ => {
                charges.insert(event["data"]["object"]["id"].as_str().unwrap_or_default().to_owned());
            }
        }
    }
    assert!(later.iter().all(|c| charges.contains(c)), "the later charges' events went out: {charges:?}");
    assert_eq!(settled_webhook_count(&server, "delivered", 4), 4, "the refused one is not counted");
}

/// Servers sharing Redis deliver the events of both, taking turns per account.
#[test]
fn webhooks_from_replicas_sharing_redis() {
    let (port, rx) = webhook_receiver();
    let redis = RedisServer::start();
    let url = format!("http://127.0.0.1:{port}/hook");
    let (dir_a, dir_b) = (TempDir::new("hooks-a"), TempDir::new("hooks-b"));
    let a = Server::start(dir_a.path(), &["--redis-url", &redis.url(), "--webhook-url", &url]);
    let b = Server::start(dir_b.path(), &["--redis-url", &redis.url(), "--webhook-url", &url]);
    for server in [&a, &b, &a, &b] {
        assert_eq!(server.charge("amount=1400&currency=usd&source=tok_visa").status, 200);
    }
    let stored: std::collections::BTreeSet<String> = a.list_ids("/v1/events?limit=100").into_iter().collect();
    assert_eq!(stored.len(), 4);
    let mut got = std::collections::BTreeSet::new();
    while got.len() < stored.len() {
        let (_, body) = rx.recv_timeout(Duration::from_secs(20)).expect("every event within 20 s");
        let event: Value = serde_json::from_str(&body).expect("event JSON");
        got.insert(event["id"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(got, stored);
}

#[test]
fn rules_are_checked_versioned_and_published() {
    let dir = TempDir::new("rules");
    let server = Server::start(dir.path(), &[]);
    let bad = server.call("POST", "/v1/ward/rules", "predicate=Block+if+%3Aamount_in_usd%3A+%3E+'lots'");
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(bad.json()["error"]["param"], "predicate");
    // Located in the predicate sent, not in the account's rules file the client never saw.
    let message = bad.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("--> predicate, column 28"), "{message}");
    assert!(message.contains("1 | Block if :amount_in_usd: > 'lots'\n"), "{message}");

    let big = "amount=800000&currency=usd&source=tok_visa";
    assert_eq!(server.charge(big).status, 200, "no rule yet");
    let rule = server.call("POST", "/v1/ward/rules", "id=big_ones&predicate=Block+if+%3Aamount_in_usd%3A+%3E+5000");
    assert_eq!(rule.status, 200, "{}", rule.body);
    let blocked = server.charge(big);
    assert_eq!(blocked.status, 402, "the published rule blocks: {}", blocked.body);
    let id = blocked.charge_id().expect("id");
    assert_eq!(server.call("GET", &format!("/v1/charges/{id}"), "").json()["outcome"]["rule"]["id"], "big_ones");

    let off = server.call("POST", "/v1/ward/rules/big_ones", "enabled=false");
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(server.charge(big).status, 200, "a disabled rule no longer blocks");
    let versions = server.call("GET", "/v1/ward/rules_versions", "").json();
    let data = versions["data"].as_array().expect("versions");
    assert_eq!(data.len(), 2, "one version per published change");
    assert_ne!(data[0]["bundle"], data[1]["bundle"], "each version has its own bundle");
    // A retried rule change replays the whole first answer, rules version included.
    let auth = format!("Bearer {}", support::server::API_KEY);
    let headers = [("Authorization", auth.as_str()), ("Idempotency-Key", "rule-retry-1")];
    let body = b"id=small_ones&predicate=Review+if+%3Aamount_in_usd%3A+%3C+1";
    let first = server.call_with("POST", "/v1/ward/rules", &headers, body);
    let again = server.call_with("POST", "/v1/ward/rules", &headers, body);
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.json()["rules_version"].as_str().is_some_and(|v| v.starts_with("wrv_")), "{}", first.body);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(server.call("DELETE", "/v1/ward/rules/small_ones", "").status, 200);
    assert_eq!(server.call("DELETE", "/v1/ward/rules/big_ones", "").status, 200);
    assert_eq!(server.call("GET", "/v1/ward/rules/big_ones", "").status, 404);

    // Rolling back: the first version's rules come back (the deleted rule made again), as a
    // new version naming the one it restores.
    let first_version = data[1]["id"].as_str().expect("version id").to_owned();
    let restored = server.call("POST", &format!("/v1/ward/rules_versions/{first_version}/restore"), "");
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.json()["restores"], first_version.as_str());
    assert_eq!(restored.json()["rules"], data[1]["rules"], "the same rules text");
    assert_eq!(server.call("GET", "/v1/ward/rules/big_ones", "").json()["enabled"], true);
    assert_eq!(server.charge(big).status, 402, "the restored rule blocks again");
    assert_eq!(server.call("POST", "/v1/ward/rules_versions/wrv_gone/restore", "").status, 404);
}

#[test]
fn list_items_count_from_the_next_payment_and_the_value_filter_scans_the_list() {
    let dir = TempDir::new("items");
    let server = Server::start(dir.path(), &[]);
    let pay = "amount=2500&currency=usd&source=tok_visa&receipt_email=Mallory%40Example.com";
    assert_eq!(server.charge(pay).status, 200, "not listed yet");
    let add = |value: &str| {
        let r = server.call(
            "POST",
            "/v1/radar/value_list_items",
            &format!("value_list=rsl_default_block_email&value={value}"),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["id"].as_str().expect("item id").to_owned()
    };
    // The very next payment sees an added item, and a removed one, without waiting.
    let listed = add("mallory%40example.com");
    let blocked = server.charge(pay);
    assert_eq!(blocked.status, 402, "{}", blocked.body);
    let id = blocked.charge_id().expect("charge id");
    let charge = server.call("GET", &format!("/v1/charges/{id}"), "").json();
    assert_eq!(charge["outcome"]["rule"]["id"], "block_if_in_default_block_lists");
    assert_eq!(server.call("DELETE", &format!("/v1/radar/value_list_items/{listed}"), "").status, 200);
    assert_eq!(server.charge(pay).status, 200, "unlisted again");

    // Three matches among the oldest items, then 120 that do not match: the filter must look
    // past the first page, and paginate over the matches alone.
    let needles: Vec<String> = (0..3).map(|i| add(&format!("needle{i}%40example.com"))).collect();
    for i in 0..120 {
        add(&format!("filler{i}%40example.com"));
    }
    let base = "/v1/radar/value_list_items?value_list=rsl_default_block_email";
    let first = server.call("GET", &format!("{base}&value=NEEDLE&limit=2"), "").json();
    let ids: Vec<&str> = first["data"].as_array().expect("data").iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, [needles[2].as_str(), needles[1].as_str()], "newest matches first");
    assert_eq!(first["has_more"], true);
    let rest = server.call("GET", &format!("{base}&value=needle&limit=2&starting_after={}", ids[1]), "").json();
    let ids: Vec<&str> = rest["data"].as_array().expect("data").iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, [needles[0].as_str()]);
    assert_eq!(rest["has_more"], false);
    let back = server.call("GET", &format!("{base}&value=needle&limit=1&ending_before={}", needles[0]), "").json();
    assert_eq!(back["data"][0]["id"], needles[1].as_str(), "the match nearest the cursor");
    assert_eq!(back["has_more"], true);
    let none = server.call("GET", &format!("{base}&value=nobody"), "").json();
    assert_eq!(none["data"].as_array().map(Vec::len), Some(0));
    assert_eq!(none["has_more"], false);
}

#[test]
fn servers_sharing_a_redis_store_see_each_others_rules_and_lists() {
    let redis = RedisServer::start();
    let (dir_a, dir_b) = (TempDir::new("replica-a"), TempDir::new("replica-b"));
    let a = Server::start(dir_a.path(), &["--redis-url", &redis.url()]);
    let b = Server::start(dir_b.path(), &["--redis-url", &redis.url()]);
    let pay = "amount=2500&currency=usd&source=tok_visa&receipt_email=eve%40example.com";
    assert_eq!(b.charge(pay).status, 200, "B has built its engine, with nothing listed");
    let item =
        a.call("POST", "/v1/radar/value_list_items", "value_list=rsl_default_block_email&value=eve%40example.com");
    assert_eq!(item.status, 200, "{}", item.body);
    assert_eq!(b.charge(pay).status, 402, "B's next payment sees the item A added");
    // B's items in memory follow its own changes mixed with A's: B adds one, A deletes one.
    let mallory =
        b.call("POST", "/v1/radar/value_list_items", "value_list=rsl_default_block_email&value=mallory%40example.com");
    assert_eq!(mallory.status, 200, "{}", mallory.body);
    let eve = item.json()["id"].as_str().expect("item id").to_owned();
    assert_eq!(a.call("DELETE", &format!("/v1/radar/value_list_items/{eve}"), "").status, 200);
    assert_eq!(b.charge(pay).status, 200, "B sees A's delete");
    let mallory_pays = "amount=2500&currency=usd&source=tok_visa&receipt_email=mallory%40example.com";
    assert_eq!(b.charge(mallory_pays).status, 402, "and its own add");
    assert_eq!(a.charge(mallory_pays).status, 402, "as A sees B's");
    let big = "amount=900000&currency=usd&source=tok_mastercard";
    assert_eq!(a.charge(big).status, 200);
    let rule = b.call("POST", "/v1/ward/rules", "id=too_big&predicate=Block+if+%3Aamount_in_usd%3A+%3E+5000");
    assert_eq!(rule.status, 200, "{}", rule.body);
    assert_eq!(a.charge(big).status, 402, "A's next payment runs the rule B added");
    // Checks on A see what B changed: a list B made can be used in a rule on A, and then not
    // deleted through A.
    let list = b.call("POST", "/v1/radar/value_lists", "alias=vip&name=VIP&item_type=email");
    assert_eq!(list.status, 200, "{}", list.body);
    let uses = a.call("POST", "/v1/ward/rules", "id=vips&predicate=Allow+if+%3Aemail%3A+in+%40vip");
    assert_eq!(uses.status, 200, "{}", uses.body);
    let list_id = list.json()["id"].as_str().expect("list id").to_owned();
    let refused = b.call("DELETE", &format!("/v1/radar/value_lists/{list_id}"), "");
    assert_eq!(refused.status, 400, "{}", refused.body);
}

#[test]
fn the_holdout_lets_some_blocks_through_and_reports_estimates() {
    let dir = TempDir::new("holdout");
    let server = Server::start(dir.path(), &["--holdout-fraction", "0.05"]);
    let mut held = Vec::new();
    for _ in 0..200 {
        let r = server.charge("amount=2000&currency=usd&source=tok_radarBlock");
        if r.status == 200 {
            assert_eq!(r.json()["outcome"]["reason"], "holdout", "{}", r.body);
            assert_eq!(r.json()["ward"]["holdout"], true);
            held.push(r.charge_id().expect("id"));
        } else {
            assert_eq!(r.status, 402, "{}", r.body);
        }
    }
    // 5% of 200: the chance of none at all is 0.95^200 ≈ 3.5e-5.
    assert!(!held.is_empty() && held.len() < 40, "held out {} of 200", held.len());
    let refund = server.call("POST", "/v1/refunds", &format!("charge={}&reason=fraudulent", held[0]));
    assert_eq!(refund.status, 200, "{}", refund.body);
    let report = server.call("GET", "/v1/ward/holdout", "").json();
    assert_eq!(report["held_out"], held.len());
    assert_eq!(report["blocked"], 200 - held.len());
    assert_eq!(report["held_out_fraudulent"], 1);
    let precision = report["block_precision"].as_f64().expect("an estimate");
    assert!((precision - 1.0 / held.len() as f64).abs() < 1e-3, "{report}");

    // Fraud that got through counts once per payment, whatever labels it collects.
    let passed = server.charge("amount=2000&currency=usd&source=tok_visa").charge_id().expect("id");
    let report_fraud = "fraud_details[user_report]=fraudulent";
    assert_eq!(server.call("POST", &format!("/v1/charges/{passed}"), report_fraud).status, 200);
    assert_eq!(server.call("POST", "/v1/refunds", &format!("charge={passed}&reason=fraudulent")).status, 200);
    let dispute = server.call("POST", "/v1/ward/disputes", &format!("charge={passed}&reason=fraudulent"));
    assert_eq!(dispute.status, 200, "{}", dispute.body);
    let report = server.call("GET", "/v1/ward/holdout", "").json();
    assert_eq!(report["fraud_let_through"], 1, "{report}");
    assert_eq!(report["held_out_fraudulent"], 1, "{report}");
}

#[test]
fn metrics_health_and_the_openapi_document() {
    let dir = TempDir::new("ops");
    let server = Server::start(dir.path(), &[]);
    server.charge("amount=1000&currency=usd&source=tok_visa");
    server.charge("amount=1000&currency=usd&source=tok_radarBlock");
    let health = request(server.addr, "GET", "/healthz", &[], b"").expect("healthz");
    assert_eq!(health.json()["status"], "ok");
    let metrics = request(server.addr, "GET", "/metrics", &[], b"").expect("metrics").body;
    assert!(metrics.contains("ward_decisions_total{outcome=\"blocked\",risk_level=\"highest\"} 1"), "{metrics}");
    assert!(
        metrics
            .contains("ward_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/charges\",le=\"+Inf\"} 2")
    );
    assert!(metrics.contains("ward_score_duration_seconds_count"));
    // The embedded store's velocity entities: the merchant, the cards, emails… of two payments.
    let in_memory = metric(&metrics, "ward_velocity_entities_in_memory");
    assert!(in_memory.is_some_and(|n| n >= 2.0), "{metrics}");
    // The embedded store's group commits: each charge's write was durable in one of them.
    let value = |series: &str| metric(&metrics, series).unwrap_or(0.0);
    let commits = value("ward_store_commit_duration_seconds_count{}");
    let batches = value("ward_store_committed_batches_total");
    assert!(commits >= 1.0 && batches >= 2.0 && batches >= commits, "{metrics}");
    assert!(value("ward_store_commit_duration_seconds_sum{}") > 0.0, "{metrics}");
    assert_eq!(value("ward_store_commit_duration_seconds_bucket{le=\"+Inf\"}"), commits, "{metrics}");
    let doc = request(server.addr, "GET", "/openapi.json", &[], b"").expect("openapi").json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() > 25);
    // Every documented collection the API lists answers (no 404 for a documented route).
    for (path, ops) in paths {
        if ops.get("get").is_some() && !path.contains('{') && path.starts_with("/v1/") {
            let query = if path.ends_with("value_list_items") { "?value_list=rsl_default_block_email" } else { "" };
            let r = server.call("GET", &format!("{path}{query}"), "");
            assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        }
    }
}

/// Network fraud labels: an early fraud warning and a dispute are recorded against their charge,
/// listed by charge, retrieved, announced as events, and count in the card's velocity (its next
/// payment's context); a disputed charge says so; a bad reason names its parameter.
#[test]
fn early_fraud_warnings_and_disputes_are_recorded_listed_and_counted() {
    let dir = TempDir::new("fraud-labels");
    let server = Server::start(dir.path(), &[]);
    let card = "amount=2000&currency=usd&source[number]=4000000000000077&source[exp_month]=6&source[exp_year]=2030";
    let charge = server.charge(card).charge_id().expect("a charge");
    let other = server.charge("amount=2000&currency=usd&source=tok_visa").charge_id().expect("a charge");

    let efw = server.call("POST", "/v1/ward/early_fraud_warnings", &format!("charge={charge}&fraud_type=misc"));
    assert_eq!(efw.status, 200, "{}", efw.body);
    let efw = efw.json();
    assert_eq!((efw["object"].as_str(), efw["charge"].as_str()), (Some("radar.early_fraud_warning"), Some(&*charge)));
    assert_eq!(efw["actionable"], true);
    let id = efw["id"].as_str().expect("id");
    assert_eq!(server.call("GET", &format!("/v1/radar/early_fraud_warnings/{id}"), "").json(), efw);
    let listed = server.call("GET", &format!("/v1/radar/early_fraud_warnings?charge={charge}"), "").json();
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{listed}");
    let none = server.call("GET", &format!("/v1/radar/early_fraud_warnings?charge={other}"), "").json();
    assert_eq!(none["data"].as_array().map(Vec::len), Some(0), "{none}");

    let bad = server.call("POST", "/v1/ward/disputes", &format!("charge={charge}&reason=angry"));
    assert_eq!((bad.status, bad.json()["error"]["param"].as_str()), (400, Some("reason")), "{}", bad.body);
    let dispute = server.call("POST", "/v1/ward/disputes", &format!("charge={charge}&reason=fraudulent"));
    assert_eq!(dispute.status, 200, "{}", dispute.body);
    let dispute = dispute.json();
    let did = dispute["id"].as_str().expect("id");
    assert_eq!(server.call("GET", &format!("/v1/disputes/{did}"), "").json(), dispute);
    assert_eq!(server.call("GET", &format!("/v1/charges/{charge}"), "").json()["disputed"], true);

    let events = server.call("GET", "/v1/events", "").json();
    let types: Vec<&str> =
        events["data"].as_array().expect("events").iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(
        types.contains(&"radar.early_fraud_warning.created") && types.contains(&"charge.dispute.created"),
        "{types:?}"
    );

    // The card's next payment sees both labels in its velocity: rules that read them block it.
    let before = server.charge(card);
    assert_eq!(before.status, 200, "{}", before.body);
    for (id, attribute) in
        [("efws", "efw_count_on_card_all_time"), ("disputes", "dispute_count_on_card_number_all_time")]
    {
        let predicate = format!("Block+if+%3A{attribute}%3A+%3E%3D+1+and+%3A{attribute}%3A+%3C+2");
        let rule = server.call("POST", "/v1/ward/rules", &format!("id={id}&predicate={predicate}"));
        assert_eq!(rule.status, 200, "{}", rule.body);
        let blocked = server.charge(card);
        assert_eq!(blocked.status, 402, "{attribute}: {}", blocked.body);
        assert!(blocked.json()["error"]["charge"].as_str().is_some(), "{}", blocked.body);
        assert_eq!(server.call("DELETE", &format!("/v1/ward/rules/{id}"), "").status, 200);
    }
}

/// A list's item count (`list_items.total_count`, also what the 50,000-item limit reads) follows
/// new items, repeated values (which update their item), deletions and feedback.
#[test]
fn list_item_counts_follow_creates_repeats_deletes_and_feedback() {
    let dir = TempDir::new("item-counts");
    let server = Server::start(dir.path(), &[]);
    let list = server.call("POST", "/v1/radar/value_lists", "alias=vip_emails&name=VIP&item_type=email");
    assert_eq!(list.status, 200, "{}", list.body);
    let list_id = list.json()["id"].as_str().expect("list id").to_owned();
    let count = |id: &str| {
        server.call("GET", &format!("/v1/radar/value_lists/{id}"), "").json()["list_items"]["total_count"].as_u64()
    };
    let add = |value: &str| {
        let r = server.call("POST", "/v1/radar/value_list_items", &format!("value_list={list_id}&value={value}"));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["id"].as_str().expect("item id").to_owned()
    };
    assert_eq!(count(&list_id), Some(0));
    add("a%40example.com");
    let b = add("b%40example.com");
    assert_eq!(count(&list_id), Some(2));
    add("A%40Example.com");
    assert_eq!(count(&list_id), Some(2), "the same value, normalised, updates its item");
    assert_eq!(server.call("DELETE", &format!("/v1/radar/value_list_items/{b}"), "").status, 200);
    assert_eq!(count(&list_id), Some(1));

    let emails = "rsl_default_block_email";
    let before = count(emails).expect("a count");
    let pay = "amount=2500&currency=usd&source=tok_visa&receipt_email=fraudster%40example.com";
    let charge = server.charge(pay).charge_id().expect("charge id");
    let refund = server.call("POST", "/v1/refunds", &format!("charge={charge}&reason=fraudulent"));
    assert_eq!(refund.status, 200, "{}", refund.body);
    let report = server.call("POST", &format!("/v1/charges/{charge}"), "fraud_details[user_report]=fraudulent");
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(count(emails), Some(before + 1), "feedback adds the email once");
}

/// Eight clients add the same value to a list at once, and eight refund half of one charge at
/// once while a dispute of it arrives, and six create lists with one alias, spread over
/// `servers`: the value is counted once, the charge refunded at most twice (and not once
/// disputed), neither the refunds nor the dispute is lost from the charge, and one list gets the
/// alias.
fn assert_concurrent_changes_run_one_after_the_other(servers: &[&Server]) {
    let list = servers[0].call("POST", "/v1/radar/value_lists", "alias=watch_emails&name=Watch&item_type=email");
    let list_id = list.json()["id"].as_str().expect("list id").to_owned();
    let charge = servers[0].charge("amount=1000&currency=usd&source=tok_visa").charge_id().expect("charge id");
    let (items, refunds) = std::thread::scope(|s| {
        let items: Vec<_> = (0..8)
            .map(|i| {
                let (server, body) =
                    (servers[i % servers.len()], format!("value_list={list_id}&value=same%40example.com"));
                s.spawn(move || server.call("POST", "/v1/radar/value_list_items", &body).status)
            })
            .collect();
        let refunds: Vec<_> = (0..8)
            .map(|i| {
                let (server, body) = (servers[i % servers.len()], format!("charge={charge}&amount=500"));
                s.spawn(move || server.call("POST", "/v1/refunds", &body))
            })
            .collect();
        let lists: Vec<_> = (0..6)
            .map(|i| {
                let server = servers[i % servers.len()];
                s.spawn(move || server.call("POST", "/v1/radar/value_lists", "alias=one_alias&name=One").status)
            })
            .collect();
        let dispute = format!("charge={charge}&reason=product_not_received");
        let disputed = servers[servers.len() - 1].call("POST", "/v1/ward/disputes", &dispute);
        assert_eq!(disputed.status, 200, "{}", disputed.body);
        let lists: Vec<u16> = lists.into_iter().map(|t| t.join().expect("list thread")).collect();
        assert_eq!(lists.iter().filter(|&&s| s == 200).count(), 1, "one list takes the alias: {lists:?}");
        assert!(lists.iter().all(|&s| s == 200 || s == 400), "{lists:?}");
        (
            items.into_iter().map(|t| t.join().expect("item thread")).collect::<Vec<_>>(),
            refunds.into_iter().map(|t| t.join().expect("refund thread")).collect::<Vec<_>>(),
        )
    });
    assert!(items.iter().all(|&s| s == 200), "every add of the value answers 200: {items:?}");
    let shown = servers[0].call("GET", &format!("/v1/radar/value_lists/{list_id}"), "").json();
    assert_eq!(shown["list_items"]["total_count"], 1, "the value is counted once: {shown}");
    // Refunds take turns with each other and with the dispute: at most the two halves go
    // through, none once the charge is disputed, and neither kind of write loses the other's.
    let ok = refunds.iter().filter(|r| r.status == 200).count();
    assert!(
        ok <= 2,
        "two halves refund the charge, no more: {:?}",
        refunds.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    for r in refunds.iter().filter(|r| r.status != 200) {
        assert_eq!(r.status, 400, "{}", r.body);
        let code = r.json()["error"]["code"].as_str().unwrap_or_default().to_owned();
        assert!(code == "charge_already_refunded" || code == "charge_disputed", "{}", r.body);
    }
    let after = servers[0].call("GET", &format!("/v1/charges/{charge}"), "").json();
    assert_eq!(after["amount_refunded"], 500 * ok, "{after}");
    assert_eq!(after["refunds"]["total_count"], ok, "{after}");
    assert_eq!(after["disputed"], true, "{after}");
}

#[test]
fn concurrent_changes_of_one_object_run_one_after_the_other() {
    let dir = TempDir::new("concurrent");
    let server = Server::start(dir.path(), &[]);
    assert_concurrent_changes_run_one_after_the_other(&[&server]);
}

#[test]
fn replicas_sharing_redis_change_one_object_one_after_the_other() {
    let redis = RedisServer::start();
    let (dir_a, dir_b) = (TempDir::new("locks-a"), TempDir::new("locks-b"));
    let a = Server::start(dir_a.path(), &["--redis-url", &redis.url()]);
    let b = Server::start(dir_b.path(), &["--redis-url", &redis.url()]);
    assert_concurrent_changes_run_one_after_the_other(&[&a, &b]);

    // A lock another server holds (taken here through the store, as a replica would) makes a
    // refund wait, then answer `lock_timeout`; once released, the refund goes through.
    let charge = a.charge("amount=1000&currency=usd&source=tok_visa").charge_id().expect("charge id");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let store =
        runtime.block_on(ward_host::store::RedisStore::connect(&redis.url())).expect("connect to the servers' redis");
    let account = ward_host::server::DEFAULT_ACCOUNT;
    let lease = Duration::from_secs(60);
    assert!(runtime.block_on(store.try_lock(account, &charge, "another-server", lease)).expect("lock"));
    let started = std::time::Instant::now();
    let busy = b.call("POST", "/v1/refunds", &format!("charge={charge}"));
    assert_eq!(busy.status, 429, "{}", busy.body);
    assert_eq!(busy.json()["error"]["code"], "lock_timeout", "{}", busy.body);
    assert!(started.elapsed() >= ward_host::server::locks::WAIT, "answered before the wait was over");
    runtime.block_on(store.unlock(account, &charge, "another-server")).expect("unlock");
    let refund = b.call("POST", "/v1/refunds", &format!("charge={charge}"));
    assert_eq!(refund.status, 200, "{}", refund.body);
}

#[test]
fn replicas_process_an_idempotency_key_once() {
    let redis = RedisServer::start();
    let (dir_a, dir_b) = (TempDir::new("idem-a"), TempDir::new("idem-b"));
    let a = Server::start(dir_a.path(), &["--redis-url", &redis.url()]);
    let b = Server::start(dir_b.path(), &["--redis-url", &redis.url()]);
    for round in 0..5 {
        let key = format!("order-{round}");
        let body = format!("amount=2500&currency=usd&source=tok_visa&metadata[round]={round}");
        let answers: Vec<_> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..8)
                .map(|i| {
                    let (server, key, body) = ([&a, &b][i % 2], key.clone(), body.clone());
                    s.spawn(move || server.charge_with_key(&key, &body))
                })
                .collect();
            threads.into_iter().map(|t| t.join().expect("thread")).collect()
        });
        let mut ids: Vec<String> = answers.iter().filter(|r| r.status == 200).filter_map(|r| r.charge_id()).collect();
        assert!(
            answers.iter().all(|r| r.status == 200 || r.status == 409),
            "{:?}",
            answers.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        ids.dedup();
        assert_eq!(ids.len(), 1, "round {round}: one charge for the key, answered to every 200: {ids:?}");
        let listed = a.call("GET", "/v1/charges?limit=100", "").json();
        let made = listed["data"].as_array().map_or(0, |d| {
            d.iter().filter(|c| c["metadata"]["round"].as_str() == Some(round.to_string().as_str())).count()
        });
        assert_eq!(made, 1, "round {round}: charges made with the key");
    }
}

#[test]
fn while_redis_is_down_requests_get_503_and_service_comes_back_with_it() {
    let mut redis = RedisServer::start_persistent();
    let dir = TempDir::new("redis-outage");
    let server = Server::start(dir.path(), &["--redis-url", &redis.url()]);
    let pay = "amount=2500&currency=usd&source=tok_visa";
    let before = server.charge(pay).charge_id().expect("a charge before the outage");

    redis.stop();
    let started = std::time::Instant::now();
    let down = server.charge(pay);
    assert_eq!(down.status, 503, "{}", down.body);
    assert_eq!(down.json()["error"]["type"], "api_error", "{}", down.body);
    assert_eq!(down.json()["error"]["code"], "store_unavailable", "{}", down.body);
    assert!(started.elapsed() < Duration::from_secs(15), "the answer took {:?}", started.elapsed());
    assert_eq!(server.call("GET", "/healthz", "").status, 503, "health reports the store");

    redis.restart();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let r = server.charge(pay);
        if r.status == 200 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no recovery after Redis came back: {} {}", r.status, r.body);
        std::thread::sleep(Duration::from_millis(100));
    }
    let kept = server.call("GET", &format!("/v1/charges/{before}"), "");
    assert_eq!(kept.status, 200, "the charge from before the outage: {}", kept.body);
    assert_eq!(server.call("GET", "/healthz", "").status, 200);
}
