//! Fraud labels from the card networks: early fraud warnings and disputes. An ingest endpoint
//! records each one (Ward sits beside the processor, which reports them); Stripe's list and
//! retrieve endpoints read them back.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{charges, feedback, reviews};
use crate::server::api::{ApiError, Ctx, ids, params};
use crate::server::context::Label;
use crate::server::{App, events};
use crate::store::{Doc, Kind, ListQuery, WriteBatch};

pub const FRAUD_TYPES: &[&str] = &[
    "card_never_received",
    "fraudulent_card_application",
    "made_with_counterfeit_card",
    "made_with_lost_card",
    "made_with_stolen_card",
    "misc",
    "unauthorized_use_of_card",
];

pub const DISPUTE_REASONS: &[&str] = &[
    "bank_cannot_process",
    "check_returned",
    "credit_not_processed",
    "customer_initiated",
    "debit_not_authorized",
    "duplicate",
    "fraudulent",
    "general",
    "incorrect_account_details",
    "insufficient_funds",
    "noncompliant",
    "product_not_received",
    "product_unacceptable",
    "subscription_canceled",
    "unrecognized",
];

/// `POST /v1/ward/early_fraud_warnings`: `charge`, `fraud_type`.
pub async fn ingest_efw(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["charge", "fraud_type"])?;
    let charge_id = params::required_string(&ctx.params, "charge")?;
    let fraud_type =
        params::one_of(&ctx.params, "fraud_type", FRAUD_TYPES)?.ok_or_else(|| ApiError::missing("fraud_type"))?;
    // The holdout counts a charge's first fraud label only: labels of one charge take turns.
    let _charge_lock = app.lock(&ctx.account, &charge_id).await?;
    let charge = charges::load(&app, &ctx.account, &charge_id, "charge").await?;
    labelable(&charge, &charge_id, "a warning")?;
    let earlier = ListQuery { limit: 1, tags: vec![charge_id.clone()], ..ListQuery::default() };
    if let Some(efw) = app.store.list(&ctx.account, Kind::EarlyFraudWarning, &earlier).await?.data.first() {
        return Err(already(&charge_id, &format!("has an early fraud warning ({})", efw.id)));
    }
    let now = ids::now();
    let mut batch = WriteBatch::default();
    let efw = warn(&charge, &fraud_type, now, &ctx.account, &mut batch);
    super::holdout::label_fraud(&app, &ctx.account, &charge_id, &mut batch).await?;
    commit_new(&app, &ctx, batch, Kind::EarlyFraudWarning, &efw, "radar.early_fraud_warning.created", now).await
}

/// A new early fraud warning for `charge` with its label in `batch` (its document and event are
/// the caller's to add).
fn warn(charge: &Value, fraud_type: &str, now: i64, account: &str, batch: &mut WriteBatch) -> Value {
    feedback::label(charge, Label::EarlyFraudWarning, now, account, batch);
    json!({
        "id": ids::new_id("issfr"),
        "object": "radar.early_fraud_warning",
        "actionable": !charge["refunded"].as_bool().unwrap_or(false) && !charge["disputed"].as_bool().unwrap_or(false),
        "charge": charge["id"],
        "created": now,
        "fraud_type": fraud_type,
        "livemode": false,
        "payment_intent": null,
    })
}

/// A new dispute of `charge` (marked disputed) with its label in `batch` if it is for fraud (its
/// document and event are the caller's to add). `status` is `needs_response`, or
/// `warning_needs_response` for an inquiry.
fn dispute(
    charge: &mut Value,
    reason: &str,
    amount: i64,
    status: &str,
    now: i64,
    account: &str,
    batch: &mut WriteBatch,
) -> Value {
    charge["disputed"] = json!(true);
    if reason == "fraudulent" {
        feedback::label(charge, Label::Dispute, now, account, batch);
    }
    json!({
        "id": ids::new_id("du"),
        "object": "dispute",
        "amount": amount,
        "charge": charge["id"],
        "created": now,
        "currency": charge["currency"],
        "is_charge_refundable": false,
        "livemode": false,
        "metadata": {},
        "payment_intent": null,
        "reason": reason,
        "status": status,
    })
}

/// What one of Stripe's test cards brings once charged.
enum FollowUp {
    /// A dispute: reason and status.
    Dispute(&'static str, &'static str),
    /// An early fraud warning of this fraud type.
    Warning(&'static str),
}

/// Stripe's test cards for disputes and warnings.
const FOLLOW_UPS: &[(&str, FollowUp)] = &[
    ("4000000000000259", FollowUp::Dispute("fraudulent", "needs_response")),
    ("4000000000002685", FollowUp::Dispute("product_not_received", "needs_response")),
    ("4000000000001976", FollowUp::Dispute("general", "warning_needs_response")),
    ("4000000000005423", FollowUp::Warning("unauthorized_use_of_card")),
];

/// What Stripe's test cards for disputes and warnings bring once charged (as Stripe, shortly
/// after; here in the charge's own write): `4000000000000259` a fraudulent dispute,
/// `4000000000002685` a product-not-received one, `4000000000001976` an inquiry, and
/// `4000000000005423` an early fraud warning. Adds the objects, their events and labels to
/// `batch`, marking `charge` disputed where it is.
pub fn test_card_follow_up(charge: &mut Value, number: &str, now: i64, account: &str, batch: &mut WriteBatch) {
    let Some((_, follow_up)) = FOLLOW_UPS.iter().find(|(n, _)| *n == number) else { return };
    let amount = charge["amount_captured"].as_i64().unwrap_or(0);
    let (object, kind, event) = match follow_up {
        FollowUp::Dispute(reason, status) => {
            let object = dispute(charge, reason, amount, status, now, account, batch);
            (object, Kind::Dispute, "charge.dispute.created")
        }
        FollowUp::Warning(fraud_type) => (
            warn(charge, fraud_type, now, account, batch),
            Kind::EarlyFraudWarning,
            "radar.early_fraud_warning.created",
        ),
    };
    push_new(batch, kind, &object, event, now);
}

/// Marks the charge's early fraud warnings no longer actionable, as Stripe does once the charge
/// is disputed or fully refunded (nothing left to refund to head off a dispute), each with a
/// `radar.early_fraud_warning.updated` event. Called under the charge's lock.
pub async fn settle_warnings(
    app: &App,
    account: &str,
    charge_id: &str,
    now: i64,
    batch: &mut WriteBatch,
) -> Result<(), ApiError> {
    let query = ListQuery { limit: 100, tags: vec![charge_id.to_owned()], ..ListQuery::default() };
    for doc in app.store.list_all(account, Kind::EarlyFraudWarning, query, usize::MAX).await? {
        let Ok(mut efw) = serde_json::from_str::<Value>(&doc.body) else { continue };
        if efw["actionable"] == json!(true) {
            efw["actionable"] = json!(false);
            batch.docs.push(events::event("radar.early_fraud_warning.updated", &efw, now));
            batch.docs.push(Doc { body: efw.to_string(), ..doc });
        }
    }
    Ok(())
}

/// Commits `batch` with a new object of `kind` (tagged with its charge) and the event that
/// announces it, and answers with the object.
async fn commit_new(
    app: &App,
    ctx: &Ctx,
    mut batch: WriteBatch,
    kind: Kind,
    object: &Value,
    event_type: &str,
    now: i64,
) -> Result<Response, ApiError> {
    push_new(&mut batch, kind, object, event_type, now);
    super::commit_with_events(app, ctx, batch, StatusCode::OK, object.to_string()).await
}

/// Adds a new object of `kind` (tagged with its charge) and the event that announces it.
fn push_new(batch: &mut WriteBatch, kind: Kind, object: &Value, event_type: &str, now: i64) {
    batch.docs.push(Doc {
        kind,
        id: object["id"].as_str().unwrap_or_default().to_owned(),
        created: now,
        tag: object["charge"].as_str().map(str::to_owned),
        body: object.to_string(),
    });
    batch.docs.push(events::event(event_type, object, now));
}

/// `GET /v1/radar/early_fraud_warnings` (`charge` filters).
pub async fn list_efw(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    let url = "/v1/radar/early_fraud_warnings";
    if let Some(page) = super::no_payment_intents(&ctx, url)? {
        return Ok(page);
    }
    super::list_by_charge(&app, &ctx, Kind::EarlyFraudWarning, url, &["charge", "payment_intent"]).await
}

/// `GET /v1/radar/early_fraud_warnings/{id}`.
pub async fn retrieve_efw(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::EarlyFraudWarning, &id, "early fraud warning").await
}

/// `POST /v1/ward/disputes`: `charge`, `reason`, optional `amount`.
pub async fn ingest_dispute(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["charge", "reason", "amount"])?;
    let charge_id = params::required_string(&ctx.params, "charge")?;
    let reason = params::one_of(&ctx.params, "reason", DISPUTE_REASONS)?.ok_or_else(|| ApiError::missing("reason"))?;
    // Held to the commit: the charge is read, marked disputed and written back.
    let _charge_lock = app.lock(&ctx.account, &charge_id).await?;
    let mut charge = charges::load(&app, &ctx.account, &charge_id, "charge").await?;
    labelable(&charge, &charge_id, "a dispute")?;
    if charge["disputed"] == json!(true) {
        return Err(already(&charge_id, "has been disputed"));
    }
    let captured = charge["amount_captured"].as_i64().unwrap_or(0);
    let amount = params::integer(&ctx.params, "amount")?.unwrap_or(captured);
    if !(1..=captured).contains(&amount) {
        let message =
            format!("A dispute's amount ({amount}) must be positive and at most what was captured ({captured}).");
        return Err(ApiError::invalid("amount", message));
    }
    let now = ids::now();
    let mut batch = WriteBatch::default();
    let dispute = dispute(&mut charge, &reason, amount, "needs_response", now, &ctx.account, &mut batch);
    if reason == "fraudulent" {
        super::holdout::label_fraud(&app, &ctx.account, &charge_id, &mut batch).await?;
    }
    reviews::close_for_charge(&app, &ctx.account, &charge, "disputed", now, &mut batch).await?;
    settle_warnings(&app, &ctx.account, &charge_id, now, &mut batch).await?;
    batch.docs.push(charges::charge_doc(&charge, charge["created"].as_i64().unwrap_or(now)));
    commit_new(&app, &ctx, batch, Kind::Dispute, &dispute, "charge.dispute.created", now).await
}

/// Refuses a warning or dispute (`what`) for a charge that failed: no money moved, so none can
/// follow, and its label would count a payment that never happened.
fn labelable(charge: &Value, id: &str, what: &str) -> Result<(), ApiError> {
    if charge["status"] == "succeeded" {
        return Ok(());
    }
    Err(ApiError::invalid("charge", format!("Charge {id} failed: no money moved, so {what} cannot follow it.")))
}

/// A second warning or dispute for one charge: refused, since its label would count the
/// charge's fraud twice (a processor's webhook delivered twice, say).
fn already(charge: &str, what: &str) -> ApiError {
    ApiError::param("resource_already_exists", "charge", format!("Charge {charge} already {what}."))
}

/// `GET /v1/disputes` (`charge` filters).
pub async fn list_disputes(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(page) = super::no_payment_intents(&ctx, "/v1/disputes")? {
        return Ok(page);
    }
    super::list_by_charge(&app, &ctx, Kind::Dispute, "/v1/disputes", &["charge", "payment_intent"]).await
}

/// `GET /v1/disputes/{id}`.
pub async fn retrieve_dispute(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::Dispute, &id, "dispute").await
}
