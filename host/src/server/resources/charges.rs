//! `/v1/charges`: a charge here is a scored payment record (Ward moves no money). A blocked or
//! declined charge is stored with `status: failed` and answered with 402 and the card error.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use ward_core::Payment;
use ward_core::outcome::OutcomeType;

use super::payment_input::{self, SIGNAL_FIELDS};
use super::{feedback, reviews};
use crate::server::api::{ApiError, Ctx, ids, params};
use crate::server::scoring::{self, Scored};
use crate::server::{App, events};
use crate::store::{Doc, Kind, WriteBatch};

const CREATE_PARAMS: &[&str] = &[
    "amount",
    "currency",
    "customer",
    "description",
    "receipt_email",
    "metadata",
    "shipping",
    "statement_descriptor",
    "source",
    "payment_method",
    "capture",
    "expand",
    "radar_options",
];

/// `POST /v1/charges`.
pub async fn create(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    let allowed: Vec<&str> = CREATE_PARAMS.iter().chain(SIGNAL_FIELDS).copied().collect();
    params::deny_unknown(&ctx.params, &allowed)?;
    let expand = super::expand::fields(&ctx.params, Kind::Charge, "")?;
    let capture = params::boolean(&ctx.params, "capture")?.unwrap_or(true);
    let now = ids::now();
    let id = ids::new_id("ch");
    let payment = payment_input::charge_payment(&ctx.params, &id, now)?;
    let scored = scoring::score(&app, &ctx.account, payment, now).await?;
    let mut batch = WriteBatch { entities: scored.entity_ops.clone(), ..WriteBatch::default() };
    let review = open_review(&scored, &id, now);
    let mut charge = charge_json(&scored, review.as_ref().map(|r| r["id"].as_str().unwrap_or_default()));
    if !capture {
        // Authorized only, as Stripe's `capture=false`: captured later, or released by a refund.
        charge["captured"] = json!(false);
        charge["amount_captured"] = json!(0);
    }
    let succeeded = charge["status"] == "succeeded";
    // Stripe's test cards for disputes and warnings: their objects follow the charge's events.
    let mut follow_up = WriteBatch::default();
    if let Some(number) = card_number(&scored.payment).filter(|_| succeeded && capture) {
        super::fraud::test_card_follow_up(&mut charge, &number, now, &ctx.account, &mut follow_up);
    }
    let doc = charge_doc(&charge, now);
    let event = events::event_json(if succeeded { "charge.succeeded" } else { "charge.failed" }, &doc.body, now);
    let charge_body = doc.body.clone();
    batch.docs.push(doc);
    batch.docs.push(event);
    batch.docs.append(&mut follow_up.docs);
    batch.entities.append(&mut follow_up.entities);
    if let Some(r) = &review {
        batch.docs.push(reviews::doc(r));
        batch.docs.push(events::event("review.opened", r, now));
    }
    if let Some(customer) = scored.payment.customer.as_ref().filter(|c| !c.is_empty()) {
        batch.docs.push(Doc {
            kind: Kind::CustomerCharge,
            id: id.clone(),
            created: now,
            tag: Some(customer.clone()),
            body: "{}".into(),
        });
    }
    if let Some(before) = &scored.held_out_from {
        batch.docs.push(Doc {
            kind: Kind::Holdout,
            id: id.clone(),
            created: now,
            tag: Some("open".into()),
            body: json!({"id": id, "charge": id, "would_have_been": before, "created": now}).to_string(),
        });
    }
    batch.entities.push(super::holdout::stats_ops(&scored));
    let (status, body) = match (&scored.assessment.error, succeeded) {
        (Some(e), false) => (StatusCode::PAYMENT_REQUIRED, ApiError::card(e.clone(), &id).body().to_string()),
        // The review is new: expanded from memory, not the store.
        _ if !expand.is_empty() && review.is_some() => {
            let mut shown = charge;
            shown["review"] = review.clone().unwrap_or(Value::Null);
            (StatusCode::OK, shown.to_string())
        }
        // The stored document is the answer: serialised once.
        _ => (StatusCode::OK, charge_body),
    };
    let response = super::commit_with_events(&app, &ctx, batch, status, body).await?;
    Ok(response)
}

/// The digits of a payment's card number, when it has one (a card hash or a test token).
fn card_number(p: &Payment) -> Option<String> {
    let number = p.payment_method_details.as_ref()?.card.as_ref()?.number.as_deref()?;
    Some(number.chars().filter(char::is_ascii_digit).collect())
}

/// The review a manual-review outcome opens. Declined and blocked payments never enter the
/// queue, as in Stripe.
fn open_review(scored: &Scored, charge: &str, now: i64) -> Option<Value> {
    (scored.assessment.outcome.kind == OutcomeType::ManualReview)
        .then(|| reviews::new_review(&scored.payment, charge, now))
}

/// The stored form of a charge.
pub fn charge_doc(charge: &Value, created: i64) -> Doc {
    Doc {
        kind: Kind::Charge,
        id: charge["id"].as_str().unwrap_or_default().to_owned(),
        created,
        tag: charge["outcome"]["risk_level"].as_str().map(str::to_owned),
        body: charge.to_string(),
    }
}

/// The first email of a payment: receipt, then billing, then customer (Radar's order for the
/// default email lists).
fn first_email(p: &Payment) -> Option<String> {
    p.receipt_email
        .clone()
        .or_else(|| p.billing_details.as_ref().and_then(|b| b.email.clone()))
        .or_else(|| p.customer_details.as_ref().and_then(|c| c.email.clone()))
}

/// The charge object.
pub fn charge_json(scored: &Scored, review: Option<&str>) -> Value {
    let (p, a) = (&scored.payment, &scored.assessment);
    let succeeded = matches!(a.outcome.kind, OutcomeType::Authorized | OutcomeType::ManualReview);
    let failure_code = a.error.as_ref().and_then(|e| e.code.clone());
    let card = payment_input::card_summary(p);
    let id = p.id.clone().unwrap_or_default();
    json!({
        "id": id,
        "object": "charge",
        "amount": p.amount,
        "amount_captured": if succeeded { p.amount } else { 0 },
        "amount_refunded": 0,
        "billing_details": p.billing_details,
        "captured": succeeded,
        "created": p.created,
        "currency": p.currency,
        "customer": p.customer,
        "description": p.description,
        "disputed": false,
        "failure_code": failure_code,
        "failure_message": a.error.as_ref().map(|e| e.message.clone()),
        "fraud_details": {},
        "livemode": false,
        "metadata": p.metadata,
        "outcome": outcome_json(a),
        "paid": succeeded,
        "payment_method_details": if card.is_null() { Value::Null } else { json!({"type": "card", "card": card}) },
        "receipt_email": p.receipt_email,
        "refunded": false,
        "refunds": {"object": "list", "data": [], "has_more": false, "total_count": 0, "url": format!("/v1/charges/{id}/refunds")},
        "review": review,
        "shipping": p.shipping,
        "statement_descriptor": p.statement_descriptor,
        "status": if succeeded { "succeeded" } else { "failed" },
        "ward": {
            "bundle": a.bundle,
            "fraud_probability": a.fraud_probability,
            "risk_factors": a.risk_factors,
            "three_d_secure": a.three_d_secure,
            "holdout": scored.held_out_from.is_some(),
            "entities": scored.entity_keys,
            "email": first_email(p),
        },
    })
}

/// Stripe's `outcome`, with `rule` as the rule's id (expandable in Stripe) and Ward's
/// `risk_score` semantics.
fn outcome_json(a: &ward_core::Assessment) -> Value {
    let mut o = serde_json::to_value(&a.outcome).unwrap_or(Value::Null);
    if let Some(obj) = o.as_object_mut() {
        let rule = a.outcome.rule.as_ref().map(|r| json!({"id": r.id, "action": r.action, "predicate": r.predicate}));
        obj.insert("rule".into(), rule.unwrap_or(Value::Null));
    }
    o
}

/// `GET /v1/charges/{id}` (`expand[]=review`).
pub async fn retrieve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::Charge, &id, "charge").await
}

/// `POST /v1/charges/{id}/capture`: captures a charge made with `capture=false`, whole or
/// `amount` of it; as in Stripe, the part not captured is released and counts as refunded.
pub async fn capture(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["amount", "expand", "receipt_email", "statement_descriptor"])?;
    let expand = super::expand::fields(&ctx.params, Kind::Charge, "")?;
    let _charge_lock = app.lock(&ctx.account, &id).await?;
    let mut charge = load(&app, &ctx.account, &id, "id").await?;
    let total = charge["amount"].as_i64().unwrap_or(0);
    let refused = |code: &str, message: String| Err(ApiError::param(code, "charge", message));
    if charge["status"] != "succeeded" {
        return refused("charge_not_capturable", format!("Charge {id} failed; there is nothing to capture."));
    }
    if charge["captured"] == json!(true) {
        return refused("charge_already_captured", format!("Charge {id} has already been captured."));
    }
    if charge["refunded"] == json!(true) {
        return refused("charge_already_refunded", format!("Charge {id} was released by a refund."));
    }
    let amount = params::integer(&ctx.params, "amount")?.unwrap_or(total);
    if amount <= 0 || amount > total {
        let message =
            format!("The capture amount ({amount}) must be positive and at most the charge's amount ({total}).");
        return Err(ApiError::param("amount_too_large", "amount", message));
    }
    if let Some(e) = params::email(&ctx.params, "receipt_email")? {
        charge["receipt_email"] = json!(e);
    }
    if let Some(d) = params::string(&ctx.params, "statement_descriptor")? {
        charge["statement_descriptor"] = json!(d);
    }
    charge["captured"] = json!(true);
    charge["amount_captured"] = json!(amount);
    charge["amount_refunded"] = json!(total - amount);
    let now = ids::now();
    let mut batch = WriteBatch::default();
    batch.docs.push(charge_doc(&charge, charge["created"].as_i64().unwrap_or(now)));
    batch.docs.push(events::event("charge.captured", &charge, now));
    super::expand::apply(&app, &ctx.account, &mut charge, &expand).await?;
    super::commit_with_events(&app, &ctx, batch, StatusCode::OK, charge.to_string()).await
}

/// `GET /v1/charges/{id}/refunds`: the charge's refunds, newest first.
pub async fn refunds(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    load(&app, &ctx.account, &id, "id").await?;
    let url = format!("/v1/charges/{id}/refunds");
    super::list_stored(&app, &ctx, Kind::Refund, &url, &[], |_| Ok(Some(id.clone()))).await
}

/// Loads a charge or answers 404 naming `param`.
pub async fn load(app: &App, account: &str, id: &str, param: &str) -> Result<Value, ApiError> {
    super::stored_json(app, account, Kind::Charge, id, "charge", param).await
}

/// `GET /v1/charges` (`risk_level` filters by `outcome.risk_level`, `customer` by customer).
pub async fn list(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    let url = "/v1/charges";
    let Some(customer) = params::string(&ctx.params, "customer")? else {
        let levels = ["normal", "elevated", "highest", "not_assessed", "unknown"];
        let by_level = |p: &params::Params| params::one_of(p, "risk_level", &levels);
        return super::list_stored(&app, &ctx, Kind::Charge, url, &["risk_level", "customer"], by_level).await;
    };
    if ctx.params.contains_key("risk_level") {
        return Err(ApiError::invalid("risk_level", "Filter charges by customer or by risk_level, not both."));
    }
    let mut q = crate::server::api::list::query_with(&ctx.params, &["customer"])?;
    q.tags = vec![customer];
    let entries = app.store.list(&ctx.account, Kind::CustomerCharge, &q).await?;
    let mut charges = Vec::with_capacity(entries.data.len());
    for entry in &entries.data {
        if let Some(doc) = app.store.get(&ctx.account, Kind::Charge, &entry.id).await? {
            charges.push(doc);
        }
    }
    let page = crate::store::Page { data: charges, has_more: entries.has_more };
    super::answer_list(&app, &ctx, Kind::Charge, url, page).await
}

/// `POST /v1/charges/{id}`: `fraud_details[user_report]` (`fraudulent` or `safe`), `description`,
/// `metadata`, `receipt_email`.
pub async fn update(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["fraud_details", "description", "metadata", "receipt_email", "expand"])?;
    let expand = super::expand::fields(&ctx.params, Kind::Charge, "")?;
    // Held to the commit, so that concurrent updates and refunds of the charge do not undo each
    // other; a fraud report also changes the default lists.
    let _charge_lock = app.lock(&ctx.account, &id).await?;
    let _lists_lock = if ctx.params.contains_key("fraud_details") {
        Some(app.lock(&ctx.account, crate::server::locks::LISTS).await?)
    } else {
        None
    };
    let mut charge = load(&app, &ctx.account, &id, "id").await?;
    let now = ids::now();
    let mut batch = WriteBatch::default();
    if let Some(d) = params::string(&ctx.params, "description")? {
        charge["description"] = json!(d);
    }
    if let Some(e) = params::string(&ctx.params, "receipt_email")? {
        // The empty string unsets it, as in Stripe.
        if e.is_empty() {
            charge["receipt_email"] = Value::Null;
        } else {
            params::check_email(&e, "receipt_email")?;
            charge["receipt_email"] = json!(e);
        }
    }
    if let Some(m) = params::metadata(&ctx.params, "metadata")? {
        let merged = charge["metadata"].as_object_mut();
        if let Some(existing) = merged {
            for (k, v) in m {
                if v.as_str() == Some("") {
                    existing.remove(&k);
                } else {
                    existing.insert(k, v);
                }
            }
        }
    }
    let mut publish = false;
    if let Some(fd) = ctx.params.get("fraud_details") {
        let fd = params::params(fd.clone());
        params::deny_unknown(&fd, &["user_report"])
            .map_err(|_| ApiError::invalid("fraud_details", "fraud_details takes only user_report."))?;
        let report = params::one_of(&fd, "user_report", &["fraudulent", "safe"])
            .map_err(|_| ApiError::invalid("fraud_details[user_report]", "user_report must be fraudulent or safe."))?;
        if let Some(report) = report {
            charge["fraud_details"] = json!({"user_report": report});
            publish = feedback::user_report(&app, &ctx.account, &charge, &report, now, &mut batch).await?;
        }
    }
    batch.docs.push(charge_doc(&charge, charge["created"].as_i64().unwrap_or(now)));
    batch.docs.push(events::event("charge.updated", &charge, now));
    let mut shown = charge;
    super::expand::apply(&app, &ctx.account, &mut shown, &expand).await?;
    let response = super::commit_with_events(&app, &ctx, batch, StatusCode::OK, shown.to_string()).await?;
    if publish {
        crate::server::engines::items_changed(&app, &ctx.account).await?;
    }
    Ok(response)
}
