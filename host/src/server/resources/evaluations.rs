//! `POST /v1/radar/payment_evaluations`: score a payment before it goes to an outside
//! processor. Stripe's `radar.payment_evaluation` shape, plus Ward's full assessment.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use ward_core::outcome::OutcomeType;

use super::payment_input::{self, SIGNAL_FIELDS};
use crate::server::App;
use crate::server::api::{ApiError, Ctx, ids, params};
use crate::server::context::Label;
use crate::server::locks::LISTS;
use crate::server::scoring;
use crate::store::{Doc, Kind, WriteBatch};
use ward_core::lists::defaults::DefaultKind;

const PARAMS: &[&str] =
    &["customer_details", "payment_details", "client_device_metadata_details", "metadata", "expand"];

/// `POST /v1/radar/payment_evaluations`.
pub async fn create(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    let allowed: Vec<&str> = PARAMS.iter().chain(SIGNAL_FIELDS).copied().collect();
    params::deny_unknown(&ctx.params, &allowed)?;
    super::expand::fields(&ctx.params, Kind::PaymentEvaluation, "")?;
    if !ctx.params.contains_key("customer_details") {
        return Err(ApiError::missing("customer_details"));
    }
    let now = ids::now();
    let id = ids::new_id("peval");
    let payment = payment_input::evaluation_payment(&ctx.params, &id, now)?;
    let scored = scoring::score(&app, &ctx.account, payment, now).await?;
    let a = &scored.assessment;
    let action = match a.outcome.kind {
        OutcomeType::Blocked | OutcomeType::IssuerDeclined => "block",
        _ if !a.three_d_secure.is_empty() => "request_three_d_secure",
        _ => "continue",
    };
    let score = a.fraud_probability.map_or(-1.0, |p| (p * 10_000.0).round() / 100.0);
    let evaluation = json!({
        "id": id,
        "object": "radar.payment_evaluation",
        "created": now,
        "livemode": false,
        "metadata": ctx.params.get("metadata").cloned().unwrap_or(json!({})),
        "customer_details": ctx.params.get("customer_details"),
        "payment_details": payment_input::evaluation_details(&ctx.params, &scored.payment),
        "recommended_action": action,
        "signals": {"fraudulent_payment": {"evaluated_at": now, "risk_level": a.outcome.risk_level.as_str(), "score": score}},
        "events": [],
        "outcome": Value::Null,
        "ward": {"assessment": a, "holdout": scored.held_out_from.is_some(), "entities": scored.entity_keys},
    });
    let mut batch = WriteBatch { entities: scored.entity_ops.clone(), ..WriteBatch::default() };
    batch.entities.push(super::holdout::stats_ops(&scored));
    batch.docs.push(Doc {
        kind: Kind::PaymentEvaluation,
        id: id.clone(),
        created: now,
        tag: Some(a.outcome.risk_level.as_str().to_owned()),
        body: evaluation.to_string(),
    });
    ctx.commit_and_answer(batch, StatusCode::OK, evaluation.to_string()).await
}

/// `GET /v1/radar/payment_evaluations/{id}`.
pub async fn retrieve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::PaymentEvaluation, &id, "payment evaluation").await
}

/// `POST /v1/ward/payment_evaluations/{id}/events`: what happened to an evaluated payment at the
/// outside processor, recorded in the evaluation's `events` (Stripe's types and shapes) and fed
/// back as labels, as a charge's dispute, warning or refund is: `dispute_opened` (with
/// `dispute_opened[reason]`; `fraudulent` is a fraud label), `early_fraud_warning_received`
/// (`[fraud_type]`), `refunded` (`[reason]`; `fraudulent` is a fraud label).
pub async fn report_event(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    let kinds = ["dispute_opened", "early_fraud_warning_received", "refunded"];
    params::deny_unknown(&ctx.params, &["type", "dispute_opened", "early_fraud_warning_received", "refunded"])?;
    let kind = params::one_of(&ctx.params, "type", &kinds)?.ok_or_else(|| ApiError::missing("type"))?;
    let details = ctx.params.get(&kind).and_then(Value::as_object).cloned().unwrap_or_default();
    let (field, allowed) = match kind.as_str() {
        "dispute_opened" => ("reason", super::fraud::DISPUTE_REASONS),
        "early_fraud_warning_received" => ("fraud_type", super::fraud::FRAUD_TYPES),
        _ => ("reason", super::refunds::REASONS),
    };
    params::deny_unknown_in(&details, &kind, &[field])?;
    let name = format!("{kind}[{field}]");
    let value = params::one_of(&details, field, allowed)
        .map_err(|_| ApiError::invalid(&name, format!("Invalid {name}: must be one of {}", allowed.join(", "))))?
        .ok_or_else(|| ApiError::missing(&name))?;
    let label = match (kind.as_str(), value.as_str()) {
        ("early_fraud_warning_received", _) => Some(Label::EarlyFraudWarning),
        ("dispute_opened", "fraudulent") => Some(Label::Dispute),
        ("refunded", "fraudulent") => Some(Label::Fraud),
        ("refunded", _) => Some(Label::Refund),
        _ => None,
    };
    // Events of one evaluation take turns: each appends to its list. A fraudulent refund also
    // changes the default lists.
    let _lock = app.lock(&ctx.account, &id).await?;
    let fraud_refund = kind == "refunded" && value == "fraudulent";
    let _lists_lock = if fraud_refund { Some(app.lock(&ctx.account, LISTS).await?) } else { None };
    let doc = super::stored(&app, &ctx.account, Kind::PaymentEvaluation, &id, "payment evaluation", "id").await?;
    let mut evaluation = super::parsed(&doc, "payment evaluation")?;
    // A payment is disputed once and warned about once: a report sent again (a retried webhook)
    // must not count the fraud twice.
    let once = ["dispute_opened", "early_fraud_warning_received"];
    let seen = evaluation["events"].as_array().is_some_and(|e| e.iter().any(|e| e["type"] == kind.as_str()));
    if seen && once.contains(&kind.as_str()) {
        let message = format!("Payment evaluation {id} already has a {kind} event.");
        return Err(ApiError::param("resource_already_exists", "type", message));
    }
    let now = ids::now();
    let mut batch = WriteBatch::default();
    if let Some(label) = label {
        // Labels need the payment's entities, which evaluations record from this version on.
        super::feedback::label(&evaluation, label, now, &ctx.account, &mut batch);
    }
    let mut publish = false;
    if fraud_refund {
        // As a charge refunded as fraudulent: its card and email go on the default block lists.
        let payer = super::feedback::Payer::of_evaluation(&evaluation);
        publish =
            super::feedback::add_default_items(&app, &ctx.account, &payer, DefaultKind::Block, now, &mut batch).await?;
    }
    if let Some(events) = evaluation["events"].as_array_mut() {
        events.push(json!({"type": kind, "occurred_at": now, kind.as_str(): {field: value}}));
    }
    batch.docs.push(Doc { body: evaluation.to_string(), ..doc });
    let response = ctx.commit_and_answer(batch, StatusCode::OK, evaluation.to_string()).await?;
    if publish {
        crate::server::engines::items_changed(&app, &ctx.account).await?;
    }
    Ok(response)
}
