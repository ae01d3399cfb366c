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
use crate::server::scoring;
use crate::store::{Doc, Kind, WriteBatch};

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
        "ward": {"assessment": a, "holdout": scored.held_out_from.is_some()},
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
