//! `ward serve`'s Stripe objects beyond the basics: payment evaluations and their feedback,
//! list filters (`created`, `customer`, `contains`, `types`), `expand[]`, authorize-then-capture,
//! and what fraud labels change (a customer's other cards, early fraud warnings). Real processes
//! on loopback; every wait is bounded.

mod support;

use serde_json::json;
use support::server::{Server, TempDir};

/// `POST /v1/radar/payment_evaluations` scores a payment in Stripe's shape, and a card hash
/// sent with it is answered and stored as the card's summary: never the number or the CVC.
#[test]
fn payment_evaluations_score_and_keep_no_card_number() {
    let dir = TempDir::new("evaluations");
    let server = Server::start(dir.path(), &[]);
    let card = "payment_details[payment_method_details][payment_method]";
    let body = format!(
        "payment_details[amount]=2500&payment_details[currency]=USD&customer_details[email]=ann%40example.com\
         &{card}[number]=4242424242424242&{card}[exp_month]=6&{card}[exp_year]=2031&{card}[cvc]=987"
    );
    let created = server.call("POST", "/v1/radar/payment_evaluations", &body);
    assert_eq!(created.status, 200, "{}", created.body);
    let e = created.json();
    assert_eq!(e["object"], "radar.payment_evaluation");
    assert_eq!(e["recommended_action"], "continue");
    assert_eq!(e["signals"]["fraudulent_payment"]["risk_level"], "normal");
    assert_eq!(e["ward"]["assessment"]["outcome"]["type"], "authorized");
    assert_eq!(e["payment_details"]["amount"], 2500, "the amount as scored, an integer");
    assert_eq!(e["payment_details"]["currency"], "usd", "in lower case, as Stripe writes currencies");
    assert_eq!(e["payment_details"]["payment_method_details"]["card"]["last4"], "4242");
    let id = e["id"].as_str().expect("id");
    let stored = server.call("GET", &format!("/v1/radar/payment_evaluations/{id}"), "");
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.json(), e, "stored as answered");
    for text in [&created.body, &stored.body] {
        assert!(!text.contains("4242424242424242") && !text.contains("\"cvc\""), "card number or CVC kept: {text}");
    }
    // A charge's card hash is kept the same way.
    let charge = server.charge(
        "amount=700&currency=usd&source[number]=5555555555554444&source[exp_month]=1&source[exp_year]=2032&source[cvc]=654",
    );
    assert_eq!(charge.status, 200, "{}", charge.body);
    let read = server.call("GET", &format!("/v1/charges/{}", charge.charge_id().expect("id")), "");
    for text in [&charge.body, &read.body] {
        assert!(!text.contains("5555555555554444") && !text.contains("\"cvc\""), "card number or CVC kept: {text}");
    }
    // Test PaymentMethods behave as documented; bad requests name their parameter.
    let blocked = server.call(
        "POST",
        "/v1/radar/payment_evaluations",
        &format!("payment_details[amount]=900&payment_details[currency]=usd&customer_details[email]=b%40example.com&{card}=pm_card_radarBlock"),
    );
    assert_eq!(blocked.status, 200, "{}", blocked.body);
    assert_eq!(blocked.json()["recommended_action"], "block");
    assert_eq!(blocked.json()["payment_details"]["payment_method_details"]["payment_method"], "pm_card_radarBlock");
    for (body, param) in [
        ("payment_details[amount]=900&payment_details[currency]=usd", "customer_details"),
        ("payment_details[currency]=usd&customer_details[email]=c%40example.com", "payment_details[amount]"),
        (
            &format!("payment_details[amount]=9&payment_details[currency]=usd&customer_details[name]=C&{card}=tok_nope")
                as &str,
            card,
        ),
        (
            "payment_details[amount]=9&payment_details[currency]=usd&customer_details[emial]=d",
            "customer_details[emial]",
        ),
        (
            "payment_details[amount]=9&payment_details[currency]=usd&customer_details[email]=e%40x.com&payment_details[money_movement_details][card][presence]=x",
            "payment_details[money_movement_details][card][presence]",
        ),
        (
            &format!(
                "payment_details[amount]=9&payment_details[currency]=usd&customer_details[name]=F&{card}[nubmer]=4242"
            ),
            &format!("{card}[nubmer]"),
        ),
    ] {
        server.assert_refused("POST", "/v1/radar/payment_evaluations", body, param);
    }
    server.assert_refused(
        "POST",
        "/v1/charges",
        "amount=5&currency=usd&source[number]=4242424242424242&source[exp]=1",
        "source[exp]",
    );
}

/// List filters Stripe's clients send: `created` ranges, `type` (groups such as `charge.*`) and
/// `types[]` for events, `payment_intent` (which no Ward object has), cursors; a malformed one
/// is a 400 naming it, an unknown cursor a 404 naming it, never ignored.
#[test]
fn list_filters_are_applied_or_refused() {
    let dir = TempDir::new("filters");
    let server = Server::start(dir.path(), &[]);
    let first = server.charge("amount=1500&currency=usd&source=tok_visa").json();
    let second = server.charge("amount=2500&currency=usd&source=tok_mastercard").json();
    let elevated = server.charge("amount=3500&currency=usd&source=pm_card_riskLevelElevated").json();
    assert_eq!(elevated["outcome"]["type"], "manual_review", "{elevated}");
    let at = first["created"].as_i64().expect("created");
    let ids = |path: &str| server.list_ids(path);
    let id_of = |c: &serde_json::Value| c["id"].as_str().expect("id").to_owned();
    let both = vec![id_of(&second), id_of(&first)];
    let all = [vec![id_of(&elevated)], both.clone()].concat();
    assert_eq!(ids(&format!("/v1/charges?created[gte]={}&created[lt]={}", at - 60, at + 3_600)), all);
    assert!(ids(&format!("/v1/charges?created[gt]={}", at + 3_600)).is_empty(), "all are older");
    assert!(ids(&format!("/v1/charges?created[lte]={}", at - 1)).is_empty(), "none before the first");
    assert!(ids(&format!("/v1/charges?created={at}")).contains(&both[1]));
    assert_eq!(ids(&format!("/v1/events?types[]=charge.succeeded&created[gte]={at}")).len(), 3);
    // Event types: one, several, a group; each the unfiltered list's events of those types.
    let events: Vec<(String, String)> = server.call("GET", "/v1/events?limit=100", "").json()["data"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| (e["id"].as_str().unwrap_or("").to_owned(), e["type"].as_str().unwrap_or("").to_owned()))
        .collect();
    let of = |types: &[&str]| -> Vec<String> {
        events.iter().filter(|(_, t)| types.contains(&t.as_str())).map(|(id, _)| id.clone()).collect()
    };
    assert_eq!(of(&["review.opened"]).len(), 1);
    for (path, types) in [
        ("/v1/events?types[]=review.opened", &["review.opened"][..]),
        ("/v1/events?types[]=charge.succeeded&types[]=review.opened", &["charge.succeeded", "review.opened"]),
        ("/v1/events?type=charge.*", &["charge.succeeded"]),
        ("/v1/events?type=review.*&limit=1", &["review.opened"]),
        ("/v1/events?type=charge.dispute.*", &[]),
        ("/v1/events?type=issuing_authorization.*", &[]),
    ] {
        assert_eq!(ids(path), of(types), "{path}");
    }
    assert_eq!(ids("/v1/events?type=*").len(), events.len());
    let mixed = of(&["charge.succeeded", "review.opened"]);
    let next = format!("/v1/events?types[]=charge.succeeded&types[]=review.opened&limit=2&starting_after={}", mixed[1]);
    assert_eq!(ids(&next), mixed[2..4].to_vec(), "pages through several types");
    assert!(ids("/v1/radar/early_fraud_warnings?payment_intent=pi_123").is_empty());
    let too_many = (0..21).map(|i| format!("types[]=t{i}")).collect::<Vec<_>>().join("&");
    for (path, param) in [
        ("/v1/charges?created[since]=5", "created[since]"),
        ("/v1/charges?created[gte]=soon", "created[gte]"),
        ("/v1/charges?created=yesterday", "created"),
        ("/v1/events?type=charge.failed&types[]=charge.succeeded", "types"),
        ("/v1/events?type=charge*", "type"),
        (&format!("/v1/events?{too_many}"), "types"),
    ] {
        server.assert_refused("GET", path, "", param);
    }
    // A cursor naming no object is refused (an empty page would end a client's paging early);
    // the last object's id is a fine cursor with nothing after it.
    for (path, param) in [
        ("/v1/charges?starting_after=ch_gone", "starting_after"),
        ("/v1/events?type=review.*&ending_before=evt_gone", "ending_before"),
        ("/v1/reviews?starting_after=prv_gone", "starting_after"),
    ] {
        let r = server.call("GET", path, "");
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert_eq!(r.json()["error"]["param"], param, "{path}");
        assert_eq!(r.json()["error"]["code"], "resource_missing", "{path}");
    }
    assert!(ids(&format!("/v1/charges?starting_after={}", all[2])).is_empty());
}

/// `customer` and `contains` filters and `expand[]`, in lists and single objects: applied, or
/// refused with a 400 naming the parameter.
#[test]
fn customer_contains_and_expand() {
    let dir = TempDir::new("expand");
    let server = Server::start(dir.path(), &[]);
    let id = |r: support::server::Response| {
        assert_eq!(r.status, 200, "{}", r.body);
        r.charge_id().expect("charge id")
    };
    let a1 = id(server.charge("amount=1000&currency=usd&source=tok_visa&customer=cus_a"));
    let b1 = id(server.charge("amount=1100&currency=usd&source=tok_visa&customer=cus_b"));
    let agent =
        "Mozilla%2F5.0+(iPhone%3B+CPU+iPhone+OS+17_0+like+Mac+OS+X)+Version%2F17.0+Mobile%2F15E148+Safari%2F604.1";
    let a2 = id(server.charge(&format!(
        "amount=1200&currency=usd&source=pm_card_riskLevelElevated&customer=cus_a&client[user_agent]={agent}"
    )));
    id(server.charge("amount=1300&currency=usd&source=tok_mastercard"));
    let ids = |path: &str| server.list_ids(path);
    assert_eq!(ids("/v1/charges?customer=cus_a"), vec![a2.clone(), a1.clone()]);
    assert_eq!(ids("/v1/charges?customer=cus_b"), vec![b1]);
    assert_eq!(ids(&format!("/v1/charges?customer=cus_a&limit=1&starting_after={a2}")), vec![a1.clone()]);
    assert!(ids("/v1/charges?customer=cus_nobody").is_empty());

    // Expansions: the review of an elevated charge, in a list and alone; the charge of a review
    // and of a refund (as the refund leaves it).
    let listed = server.call("GET", "/v1/charges?customer=cus_a&expand[]=data.review", "").json();
    assert_eq!(listed["data"][0]["review"]["object"], "review", "{listed}");
    assert!(listed["data"][1]["review"].is_null());
    let review = listed["data"][0]["review"]["id"].as_str().expect("review id").to_owned();
    let reviews = server.call("GET", "/v1/reviews?expand[]=data.charge", "").json();
    assert_eq!(reviews["data"][0]["charge"]["id"], a2.as_str(), "{reviews}");
    let one = server.call("GET", &format!("/v1/reviews/{review}?expand[]=charge"), "").json();
    assert_eq!(one["charge"]["amount"], 1200);
    let session = &one["session"];
    assert_eq!(
        (&session["browser"], &session["version"], &session["device"], &session["platform"]),
        (&json!("Safari"), &json!("17.0"), &json!("iPhone"), &json!("iOS")),
        "the review's session reads the user agent: {one}"
    );
    let refund = server.call("POST", "/v1/refunds", &format!("charge={a1}&amount=400&expand[]=charge"));
    assert_eq!(refund.status, 200, "{}", refund.body);
    assert_eq!(refund.json()["charge"]["amount_refunded"], 400, "{}", refund.body);
    let rid = refund.json()["id"].as_str().expect("refund id").to_owned();
    assert_eq!(
        server.call("GET", &format!("/v1/refunds/{rid}?expand[]=charge"), "").json()["charge"]["id"],
        a1.as_str()
    );
    assert_eq!(server.call("GET", &format!("/v1/refunds/{rid}"), "").json()["charge"], a1.as_str(), "ids unless asked");

    // `contains`: the lists holding a value, as each list normalises it.
    let list = server.call("POST", "/v1/radar/value_lists", "alias=vip_emails&name=VIPs&item_type=email").json();
    let list_id = list["id"].as_str().expect("list id").to_owned();
    let item =
        server.call("POST", "/v1/radar/value_list_items", &format!("value_list={list_id}&value=ann%40example.com"));
    assert_eq!(item.status, 200, "{}", item.body);
    assert_eq!(ids("/v1/radar/value_lists?contains=ANN%40Example.com"), vec![list_id.clone()]);
    assert!(ids("/v1/radar/value_lists?contains=bob%40example.com").is_empty());

    for (method, path, body, param) in [
        ("GET", format!("/v1/charges/{a1}?expand[]=customer"), "", "expand"),
        ("GET", "/v1/charges?expand[]=review".to_owned(), "", "expand"),
        ("GET", "/v1/events?expand[]=data.charge".to_owned(), "", "expand"),
        ("POST", format!("/v1/radar/value_lists/{list_id}"), "expand[]=items", "expand"),
        ("GET", "/v1/charges?customer=cus_a&risk_level=normal".to_owned(), "", "risk_level"),
    ] {
        server.assert_refused(method, &path, body, param);
    }
}

/// `capture=false` authorizes only: a later capture takes all or part (the rest released, as
/// refunded), a refund releases it whole; a charge's refunds list at `/v1/charges/{id}/refunds`.
#[test]
fn authorize_then_capture_or_release() {
    let dir = TempDir::new("capture");
    let server = Server::start(dir.path(), &[]);
    let auth = server.charge("amount=1000&currency=usd&source=tok_visa&capture=false");
    assert_eq!(auth.status, 200, "{}", auth.body);
    let (c, id) = (auth.json(), auth.charge_id().expect("id"));
    assert_eq!(
        (c["status"].as_str(), c["captured"].as_bool(), c["amount_captured"].as_i64()),
        (Some("succeeded"), Some(false), Some(0))
    );
    let captured = server.call("POST", &format!("/v1/charges/{id}/capture"), "amount=600");
    assert_eq!(captured.status, 200, "{}", captured.body);
    let c = captured.json();
    assert_eq!(
        (c["captured"].as_bool(), c["amount_captured"].as_i64(), c["amount_refunded"].as_i64()),
        (Some(true), Some(600), Some(400))
    );
    assert_eq!(server.list_ids("/v1/events?type=charge.captured").len(), 1);
    server.assert_refused("POST", &format!("/v1/charges/{id}/capture"), "", "charge");
    let refund = server.call("POST", "/v1/refunds", &format!("charge={id}"));
    assert_eq!(refund.json()["amount"], 600, "what was captured: {}", refund.body);
    assert_eq!(
        server.list_ids(&format!("/v1/charges/{id}/refunds")),
        vec![refund.json()["id"].as_str().expect("id").to_owned()]
    );

    // Released by a refund: whole, and then no capture.
    let other = server.charge("amount=800&currency=usd&source=tok_visa&capture=false").charge_id().expect("id");
    server.assert_refused("POST", "/v1/refunds", &format!("charge={other}&amount=300"), "amount");
    let release = server.call("POST", "/v1/refunds", &format!("charge={other}"));
    assert_eq!(release.status, 200, "{}", release.body);
    let c = server.call("GET", &format!("/v1/charges/{other}"), "").json();
    assert_eq!(
        (c["refunded"].as_bool(), c["amount_refunded"].as_i64(), c["captured"].as_bool()),
        (Some(true), Some(800), Some(false))
    );
    server.assert_refused("POST", &format!("/v1/charges/{other}/capture"), "", "charge");
    let too_much = server.charge("amount=500&currency=usd&source=tok_visa&capture=false").charge_id().expect("id");
    server.assert_refused("POST", &format!("/v1/charges/{too_much}/capture"), "amount=501", "amount");
    assert_eq!(server.call("POST", "/v1/charges/ch_nope/capture", "").status, 404);
    assert_eq!(server.call("GET", "/v1/charges/ch_nope/refunds", "").status, 404);
}

/// A charge refunded as fraudulent blocks the customer's other cards too, as Radar does.
#[test]
fn a_fraud_refund_blocks_the_customers_other_cards() {
    let dir = TempDir::new("customer-cards");
    let server = Server::start(dir.path(), &[]);
    let fingerprint = |r: &support::server::Response| {
        r.json()["payment_method_details"]["card"]["fingerprint"].as_str().expect("fingerprint").to_owned()
    };
    let visa = server.charge("amount=1000&currency=usd&source=tok_visa&customer=cus_x");
    let master = server.charge("amount=1000&currency=usd&source=tok_mastercard&customer=cus_x");
    let amex = server.charge("amount=1000&currency=usd&source=tok_amex&customer=cus_y");
    let refund =
        server.call("POST", "/v1/refunds", &format!("charge={}&reason=fraudulent", visa.charge_id().expect("id")));
    assert_eq!(refund.status, 200, "{}", refund.body);
    let blocked = "rsl_default_block_card_fingerprint".to_owned();
    for (charge, on_list) in [(&visa, true), (&master, true), (&amex, false)] {
        let lists = server.list_ids(&format!("/v1/radar/value_lists?contains={}", fingerprint(charge)));
        assert_eq!(lists.contains(&blocked), on_list, "{}: {lists:?}", fingerprint(charge));
    }
    let again = server.charge("amount=1000&currency=usd&source=tok_mastercard");
    assert_eq!(again.status, 402, "the customer's other card is blocked: {}", again.body);
}

/// A server keeps list items in memory between builds of the account's bundle: every payment
/// still sees each add, update, delete and deleted list made before it.
#[test]
fn list_items_in_memory_follow_every_change() {
    let dir = TempDir::new("list-items");
    let server = Server::start(dir.path(), &[]);
    let pay = |email: &str| server.charge(&format!("amount=1500&currency=usd&source=tok_visa&receipt_email={email}"));
    let list = server.call("POST", "/v1/radar/value_lists", "alias=watch&name=Watch&item_type=email");
    assert_eq!(list.status, 200, "{}", list.body);
    let list_id = list.json()["id"].as_str().expect("id").to_owned();
    let rule = server.call("POST", "/v1/ward/rules", "id=watched&predicate=Block+if+%3Aemail%3A+in+%40watch");
    assert_eq!(rule.status, 200, "{}", rule.body);
    let add = |value: &str| {
        let r = server.call("POST", "/v1/radar/value_list_items", &format!("value_list={list_id}&value={value}"));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["id"].as_str().expect("id").to_owned()
    };
    assert_eq!(pay("ann%40example.com").status, 200, "nothing listed yet");
    let ann = add("ann%40example.com");
    assert_eq!(pay("ann%40example.com").status, 402, "an item added");
    add("bob%40example.com");
    add("ann%40example.com");
    assert_eq!(pay("bob%40example.com").status, 402, "another item, and one added twice");
    let deleted = server.call("DELETE", &format!("/v1/radar/value_list_items/{ann}"), "");
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(pay("ann%40example.com").status, 200, "a deleted item");
    assert_eq!(pay("bob%40example.com").status, 402, "the other item stays");
    // A fraud refund adds to a default block list, the path every label takes.
    let carol = pay("carol%40example.com");
    assert_eq!(carol.status, 200, "{}", carol.body);
    let refund =
        server.call("POST", "/v1/refunds", &format!("charge={}&reason=fraudulent", carol.charge_id().expect("id")));
    assert_eq!(refund.status, 200, "{}", refund.body);
    let next = server.charge("amount=1500&currency=usd&source=tok_mastercard&receipt_email=carol%40example.com");
    assert_eq!(next.status, 402, "the refunded buyer's email is blocked: {}", next.body);
    // A deleted list takes its items with it: made again under the same alias, it is empty.
    assert_eq!(server.call("DELETE", "/v1/ward/rules/watched", "").status, 200);
    assert_eq!(server.call("DELETE", &format!("/v1/radar/value_lists/{list_id}"), "").status, 200);
    let again = server.call("POST", "/v1/radar/value_lists", "alias=watch&name=Watch&item_type=email");
    assert_eq!(again.status, 200, "{}", again.body);
    let rule = server.call("POST", "/v1/ward/rules", "id=watched2&predicate=Block+if+%3Aemail%3A+in+%40watch");
    assert_eq!(rule.status, 200, "{}", rule.body);
    // (tok_visa is on the block list since the refund.)
    let bob = server.charge("amount=1500&currency=usd&source=tok_amex&receipt_email=bob%40example.com");
    assert_eq!(bob.status, 200, "the new list is empty: {}", bob.body);
}

/// An early fraud warning stays actionable until its charge is fully refunded or disputed,
/// and each change is announced with `radar.early_fraud_warning.updated`.
#[test]
fn early_fraud_warnings_stop_being_actionable_once_settled() {
    let dir = TempDir::new("efw-actionable");
    let server = Server::start(dir.path(), &[]);
    let warn = |charge: &str| {
        let efw = server.call("POST", "/v1/ward/early_fraud_warnings", &format!("charge={charge}&fraud_type=misc"));
        assert_eq!(efw.status, 200, "{}", efw.body);
        assert_eq!(efw.json()["actionable"], true);
        efw.json()["id"].as_str().expect("id").to_owned()
    };
    let actionable =
        |id: &str| server.call("GET", &format!("/v1/radar/early_fraud_warnings/{id}"), "").json()["actionable"].clone();
    let refunded = server.charge("amount=1000&currency=usd&source=tok_visa").charge_id().expect("id");
    let efw = warn(&refunded);
    assert_eq!(server.call("POST", "/v1/refunds", &format!("charge={refunded}&amount=400")).status, 200);
    assert_eq!(actionable(&efw), true, "part of the charge can still be refunded");
    assert_eq!(server.call("POST", "/v1/refunds", &format!("charge={refunded}")).status, 200);
    assert_eq!(actionable(&efw), false, "fully refunded");
    let disputed = server.charge("amount=1000&currency=usd&source=tok_mastercard").charge_id().expect("id");
    let other = warn(&disputed);
    let dispute = server.call("POST", "/v1/ward/disputes", &format!("charge={disputed}&reason=fraudulent"));
    assert_eq!(dispute.status, 200, "{}", dispute.body);
    assert_eq!(actionable(&other), false, "disputed");
    assert_eq!(server.list_ids("/v1/events?type=radar.early_fraud_warning.updated").len(), 2);
}

/// A charge gets one early fraud warning and one dispute (a report delivered twice must not count
/// its fraud twice), none for a charge that failed, and a dispute's amount is what was captured
/// at most; refunding a refunded charge says so.
#[test]
fn a_charge_is_warned_about_and_disputed_once() {
    let dir = TempDir::new("labels-once");
    let server = Server::start(dir.path(), &[]);
    let charge = server.charge("amount=1000&currency=usd&source=tok_visa").charge_id().expect("id");
    let efw = format!("charge={charge}&fraud_type=made_with_stolen_card");
    assert_eq!(server.call("POST", "/v1/ward/early_fraud_warnings", &efw).status, 200);
    server.assert_refused("POST", "/v1/ward/early_fraud_warnings", &efw, "charge");
    assert_eq!(server.list_ids(&format!("/v1/radar/early_fraud_warnings?charge={charge}")).len(), 1);
    server.assert_refused(
        "POST",
        "/v1/ward/disputes",
        &format!("charge={charge}&reason=fraudulent&amount=0"),
        "amount",
    );
    server.assert_refused(
        "POST",
        "/v1/ward/disputes",
        &format!("charge={charge}&reason=fraudulent&amount=1001"),
        "amount",
    );
    let dispute = format!("charge={charge}&reason=fraudulent");
    assert_eq!(server.call("POST", "/v1/ward/disputes", &dispute).status, 200);
    let twice = server.call("POST", "/v1/ward/disputes", &dispute);
    assert_eq!(twice.status, 400, "{}", twice.body);
    assert_eq!(twice.json()["error"]["code"], "resource_already_exists");
    assert_eq!(server.list_ids(&format!("/v1/disputes?charge={charge}")).len(), 1);
    let refund = server.call("POST", "/v1/refunds", &format!("charge={charge}"));
    assert_eq!(
        (refund.status, refund.json()["error"]["code"].clone()),
        (400, "charge_disputed".into()),
        "{}",
        refund.body
    );
    let blocked = server.charge("amount=1000&currency=usd&source=tok_radarBlock");
    assert_eq!(blocked.status, 402, "{}", blocked.body);
    let failed = blocked.charge_id().expect("failed charge id");
    server.assert_refused(
        "POST",
        "/v1/ward/early_fraud_warnings",
        &format!("charge={failed}&fraud_type=misc"),
        "charge",
    );
    server.assert_refused("POST", "/v1/ward/disputes", &format!("charge={failed}&reason=fraudulent"), "charge");
    let refunded = server.charge("amount=500&currency=usd&source=tok_mastercard").charge_id().expect("id");
    assert_eq!(server.call("POST", "/v1/refunds", &format!("charge={refunded}")).status, 200);
    let again = server.call("POST", "/v1/refunds", &format!("charge={refunded}"));
    assert_eq!((again.status, again.json()["error"]["code"].clone()), (400, "charge_already_refunded".into()));
    assert!(
        again.json()["error"]["message"].as_str().unwrap_or("").contains("already been refunded"),
        "{}",
        again.body
    );
}

/// Stripe's test cards for disputes and early fraud warnings bring them once charged, with their
/// events and labels: the card's next charge sees the dispute in its velocity.
#[test]
fn dispute_and_warning_test_cards_bring_them() {
    let dir = TempDir::new("follow-up-cards");
    let server = Server::start(dir.path(), &[]);
    let predicate = "Block+if+%3Adispute_count_on_card_number_all_time%3A+%3E%3D+1";
    assert_eq!(server.call("POST", "/v1/ward/rules", &format!("id=disputed&predicate={predicate}")).status, 200);
    let disputes = |charge: &str| -> Vec<serde_json::Value> {
        let page = server.call("GET", &format!("/v1/disputes?charge={charge}"), "").json();
        page["data"].as_array().cloned().unwrap_or_default()
    };
    for (source, reason, status) in [
        ("tok_createDispute", "fraudulent", "needs_response"),
        ("pm_card_createDisputeProductNotReceived", "product_not_received", "needs_response"),
        ("tok_createDisputeInquiry", "general", "warning_needs_response"),
    ] {
        let charged = server.charge(&format!("amount=2100&currency=usd&source={source}"));
        assert_eq!(charged.status, 200, "{source}: {}", charged.body);
        let charge = charged.charge_id().expect("id");
        assert_eq!(charged.json()["disputed"], true, "{source}");
        let found = disputes(&charge);
        assert_eq!(found.len(), 1, "{source}: {found:?}");
        assert_eq!((found[0]["reason"].as_str(), found[0]["status"].as_str()), (Some(reason), Some(status)));
        assert_eq!(found[0]["amount"], 2100);
    }
    let types: Vec<String> = server.call("GET", "/v1/events?limit=3", "").json()["data"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(types[..2], ["charge.dispute.created", "charge.succeeded"], "the dispute follows its charge");
    let again = server.charge("amount=2100&currency=usd&source=tok_createDispute");
    assert_eq!(again.status, 402, "the fraudulent dispute is in the card's velocity: {}", again.body);
    assert_eq!(again.json()["error"]["decline_code"], "fraudulent");
    let card = "source[number]=4000000000005423&source[exp_month]=5&source[exp_year]=2031";
    let warned = server.charge(&format!("amount=900&currency=usd&{card}")).charge_id().expect("id");
    let efws = server.call("GET", &format!("/v1/radar/early_fraud_warnings?charge={warned}"), "").json();
    assert_eq!(efws["data"][0]["fraud_type"], "unauthorized_use_of_card", "{efws}");
    assert_eq!(efws["data"][0]["actionable"], true);
    assert!(disputes(&warned).is_empty());
    let plain = server.charge("amount=900&currency=usd&source=tok_visa").charge_id().expect("id");
    assert!(
        disputes(&plain).is_empty()
            && server.list_ids(&format!("/v1/radar/early_fraud_warnings?charge={plain}")).is_empty()
    );
}

/// What happens to an evaluated payment at the outside processor comes back as events on the
/// evaluation and as labels: the card's next evaluation sees its early fraud warning.
#[test]
fn payment_evaluation_events_feed_back_as_labels() {
    let dir = TempDir::new("evaluation-events");
    let server = Server::start(dir.path(), &[]);
    let card = "payment_details[payment_method_details][payment_method]";
    let evaluate = || {
        let body = format!(
            "payment_details[amount]=4000&payment_details[currency]=usd&customer_details[email]=erin%40example.com\
             &{card}[number]=4000056655665556&{card}[exp_month]=3&{card}[exp_year]=2032"
        );
        let e = server.call("POST", "/v1/radar/payment_evaluations", &body);
        assert_eq!(e.status, 200, "{}", e.body);
        e.json()
    };
    let first = evaluate();
    let id = first["id"].as_str().expect("id").to_owned();
    let predicate = "Block+if+%3Aefw_count_on_card_all_time%3A+%3E%3D+1";
    assert_eq!(server.call("POST", "/v1/ward/rules", &format!("id=warned&predicate={predicate}")).status, 200);
    assert_eq!(evaluate()["recommended_action"], "continue", "no warning yet");
    let path = format!("/v1/ward/payment_evaluations/{id}/events");
    let reported = server.call(
        "POST",
        &path,
        "type=early_fraud_warning_received&early_fraud_warning_received[fraud_type]=made_with_stolen_card",
    );
    assert_eq!(reported.status, 200, "{}", reported.body);
    let events = reported.json()["events"].clone();
    assert_eq!(events[0]["type"], "early_fraud_warning_received", "{events}");
    assert_eq!(events[0]["early_fraud_warning_received"]["fraud_type"], "made_with_stolen_card");
    assert_eq!(server.call("GET", &format!("/v1/radar/payment_evaluations/{id}"), "").json()["events"], events);
    assert_eq!(evaluate()["recommended_action"], "block", "the card's warning is in its velocity");
    let refunded = server.call("POST", &path, "type=refunded&refunded[reason]=requested_by_customer");
    assert_eq!(refunded.json()["events"].as_array().map(Vec::len), Some(2), "{}", refunded.body);
    let again = "type=early_fraud_warning_received&early_fraud_warning_received[fraud_type]=misc";
    server.assert_refused("POST", &path, again, "type");
    server.assert_refused("POST", &path, "type=chargeback", "type");
    server.assert_refused("POST", &path, "type=dispute_opened", "dispute_opened[reason]");
    server.assert_refused("POST", &path, "type=refunded&refunded[reason]=oops", "refunded[reason]");
    server.assert_refused("POST", &path, "type=refunded&refunded[amount]=5", "refunded[amount]");
    assert_eq!(
        server
            .call("POST", "/v1/ward/payment_evaluations/peval_nope/events", "type=refunded&refunded[reason]=duplicate")
            .status,
        404
    );

    // A fraudulent refund puts the card and email on the default block lists, as for a charge.
    let body = format!(
        "payment_details[amount]=900&payment_details[currency]=usd&customer_details[email]=Frank%40Example.com\
         &{card}[number]=6011111111111117&{card}[exp_month]=4&{card}[exp_year]=2033"
    );
    let other = server.call("POST", "/v1/radar/payment_evaluations", &body).json();
    let fingerprint =
        other["payment_details"]["payment_method_details"]["card"]["fingerprint"].as_str().expect("fp").to_owned();
    let path = format!("/v1/ward/payment_evaluations/{}/events", other["id"].as_str().expect("id"));
    assert_eq!(server.call("POST", &path, "type=refunded&refunded[reason]=fraudulent").status, 200);
    let on = |value: &str| server.list_ids(&format!("/v1/radar/value_lists?contains={value}"));
    assert_eq!(on("frank%40example.com"), vec!["rsl_default_block_email".to_owned()]);
    assert_eq!(on(&fingerprint), vec!["rsl_default_block_card_fingerprint".to_owned()]);
}
