//! `/v1/reviews`: the manual review queue.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use ward_core::Payment;

use crate::server::api::{ApiError, Ctx, ids, params};
use crate::server::{App, events};
use crate::store::{Doc, Kind, WriteBatch};

/// A review opened by a rule (or elevated risk, which Radar's built-in review rule covers).
pub fn new_review(payment: &Payment, charge: &str, now: i64) -> Value {
    let client = payment.client.as_ref();
    let location = client.and_then(|c| c.ip_address_location.as_ref());
    json!({
        "id": ids::new_id("prv"),
        "object": "review",
        "billing_zip": payment.billing_details.as_ref().and_then(|b| b.address.as_ref()).and_then(|a| a.postal_code.clone()),
        "charge": charge,
        "closed_reason": Value::Null,
        "created": now,
        "ip_address": client.and_then(|c| c.ip_address.clone()),
        "ip_address_location": location,
        "livemode": false,
        "open": true,
        "opened_reason": "rule",
        "payment_intent": Value::Null,
        "reason": "rule",
        "session": client.map(session),
    })
}

/// Stripe's `session` of a review: the browser, its version, the device and the platform, as the
/// client states them or as its user agent reads.
fn session(c: &ward_core::payment::Client) -> Value {
    use ward_core::attributes::user_agent as ua;
    let agent = c.user_agent.as_deref().unwrap_or("");
    json!({
        "browser": c.browser.as_deref().or_else(|| ua::browser_family(agent)),
        "device": ua::device(agent),
        "platform": c.operating_system.as_deref().or_else(|| ua::os_family(agent)),
        "version": ua::browser_version(agent),
    })
}

/// The stored form of a review: tagged `open` or `closed`.
pub fn doc(review: &Value) -> Doc {
    Doc {
        kind: Kind::Review,
        id: review["id"].as_str().unwrap_or_default().to_owned(),
        created: review["created"].as_i64().unwrap_or_default(),
        tag: Some(if review["open"].as_bool().unwrap_or(false) { "open" } else { "closed" }.to_owned()),
        body: review.to_string(),
    }
}

/// Closes `review` with `reason` and adds the writes (review + `review.closed`) to `batch`.
pub fn close(review: &mut Value, reason: &str, now: i64, batch: &mut WriteBatch) {
    review["open"] = json!(false);
    review["closed_reason"] = json!(reason);
    review["reason"] = json!(reason);
    batch.docs.push(doc(review));
    batch.docs.push(events::event("review.closed", review, now));
}

/// Closes the open review of a charge, if it has one.
pub async fn close_for_charge(
    app: &App,
    account: &str,
    charge: &Value,
    reason: &str,
    now: i64,
    batch: &mut WriteBatch,
) -> Result<(), ApiError> {
    let Some(id) = charge["review"].as_str() else {
        return Ok(());
    };
    if let Some(d) = app.store.get(account, Kind::Review, id).await?
        && let Ok(mut review) = serde_json::from_str::<Value>(&d.body)
        && review["open"] == json!(true)
    {
        close(&mut review, reason, now, batch);
    }
    Ok(())
}

async fn load(app: &App, account: &str, id: &str) -> Result<Value, ApiError> {
    super::stored_json(app, account, Kind::Review, id, "review", "id").await
}

/// `GET /v1/reviews`: open reviews, newest first (as Stripe lists them).
pub async fn list(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    super::list_stored(&app, &ctx, Kind::Review, "/v1/reviews", &[], |_| Ok(Some("open".into()))).await
}

/// `GET /v1/reviews/{id}`.
pub async fn retrieve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::Review, &id, "review").await
}

/// `POST /v1/reviews/{id}/approve`: closes an open review as `approved`.
pub async fn approve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["expand"])?;
    let fields = super::expand::fields(&ctx.params, Kind::Review, "")?;
    // A refund closes its charge's review under the charge's lock: take it too, then read the
    // review again.
    let charge = load(&app, &ctx.account, &id).await?["charge"].as_str().map(str::to_owned);
    let _charge_lock = match &charge {
        Some(c) => Some(app.lock(&ctx.account, c).await?),
        None => None,
    };
    let mut review = load(&app, &ctx.account, &id).await?;
    if review["open"] != json!(true) {
        return Err(ApiError::request("review_already_closed", format!("Review {id} is already closed.")));
    }
    let mut batch = WriteBatch::default();
    close(&mut review, "approved", ids::now(), &mut batch);
    let mut shown = review.clone();
    super::expand::apply(&app, &ctx.account, &mut shown, &fields).await?;
    let response = super::commit_with_events(&app, &ctx, batch, StatusCode::OK, shown.to_string()).await?;
    Ok(response)
}
