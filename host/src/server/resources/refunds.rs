//! `/v1/refunds`. A refund with `reason=fraudulent` labels the payment as fraud, closes its
//! review as `refunded_as_fraud`, and adds its card and email to the default block lists.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use ward_core::lists::defaults::DefaultKind;

use super::{charges, feedback, reviews};
use crate::server::api::{ApiError, Ctx, ids, params};
use crate::server::context::Label;
use crate::server::locks::LISTS;
use crate::server::{App, events};
use crate::store::{Doc, Kind, WriteBatch};

/// A refund's `reason`, as Stripe's.
pub const REASONS: &[&str] = &["duplicate", "fraudulent", "requested_by_customer"];

/// `POST /v1/refunds`.
pub async fn create(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["charge", "amount", "reason", "metadata", "expand", "payment_intent"])?;
    if ctx.params.contains_key("payment_intent") {
        return Err(ApiError::invalid("payment_intent", "Ward stores charges; refund them with charge=ch_…."));
    }
    let expand = super::expand::fields(&ctx.params, Kind::Refund, "")?;
    let charge_id = params::required_string(&ctx.params, "charge")?;
    let reason = params::one_of(&ctx.params, "reason", REASONS)?;
    let metadata = params::metadata(&ctx.params, "metadata")?.unwrap_or_default();
    // Held to the commit: two refunds at once must not both pass the amount check.
    let _charge_lock = app.lock(&ctx.account, &charge_id).await?;
    let _lists_lock = match reason.as_deref() {
        Some("fraudulent") => Some(app.lock(&ctx.account, LISTS).await?),
        _ => None,
    };
    let mut charge = charges::load(&app, &ctx.account, &charge_id, "charge").await?;
    if charge["status"] != "succeeded" {
        return Err(ApiError::param("charge_not_refundable", "charge", format!("Charge {charge_id} did not succeed.")));
    }
    if charge["disputed"] == json!(true) {
        // As in Stripe: the money goes back through the dispute, not a refund.
        let message = format!("Charge {charge_id} has been charged back: it is disputed, and cannot be refunded.");
        return Err(ApiError::param("charge_disputed", "charge", message));
    }
    // What is left of the charge: a part not captured counts as refunded already (as in Stripe),
    // and a charge authorized but not captured is released whole.
    let uncaptured = charge["captured"] == json!(false);
    let total = charge["amount"].as_i64().unwrap_or(0);
    let refunded = charge["amount_refunded"].as_i64().unwrap_or(0);
    let amount = params::integer(&ctx.params, "amount")?.unwrap_or(total - refunded);
    if uncaptured && amount != total - refunded {
        return Err(ApiError::invalid(
            "amount",
            format!("Charge {charge_id} is not captured: refund it whole (no amount), or capture part of it first."),
        ));
    }
    if refunded >= total {
        let message = format!("Charge {charge_id} has already been refunded.");
        return Err(ApiError::param("charge_already_refunded", "charge", message));
    }
    if amount <= 0 || refunded + amount > total {
        return Err(ApiError::param(
            "amount_too_large",
            "amount",
            format!("Refund amount ({amount}) is greater than the unrefunded amount ({}).", total - refunded),
        ));
    }
    let now = ids::now();
    let refund = json!({
        "id": ids::new_id("re"),
        "object": "refund",
        "amount": amount,
        "charge": charge_id,
        "created": now,
        "currency": charge["currency"],
        "metadata": metadata,
        "payment_intent": null,
        "reason": reason,
        "status": "succeeded",
    });
    let mut batch = WriteBatch::default();
    charge["amount_refunded"] = json!(refunded + amount);
    charge["refunded"] = json!(refunded + amount == total);
    let refunds = &mut charge["refunds"];
    if let Some(data) = refunds["data"].as_array_mut() {
        data.insert(0, refund.clone());
    }
    refunds["total_count"] = json!(refunds["total_count"].as_i64().unwrap_or(0) + 1);
    let fraudulent = reason.as_deref() == Some("fraudulent");
    let label = if fraudulent { Label::Fraud } else { Label::Refund };
    feedback::label(&charge, label, now, &ctx.account, &mut batch);
    let mut publish = false;
    if fraudulent {
        charge["fraud_details"]["stripe_report"] = json!("fraudulent");
        charge["fraud_details"]["user_report"] = json!("fraudulent");
        publish = feedback::add_default_items(
            &app,
            &ctx.account,
            &feedback::Payer::of_charge(&charge),
            DefaultKind::Block,
            now,
            &mut batch,
        )
        .await?;
        super::holdout::label_fraud(&app, &ctx.account, &charge_id, &mut batch).await?;
    }
    let closed = if fraudulent { "refunded_as_fraud" } else { "refunded" };
    reviews::close_for_charge(&app, &ctx.account, &charge, closed, now, &mut batch).await?;
    if charge["refunded"] == json!(true) {
        super::fraud::settle_warnings(&app, &ctx.account, &charge_id, now, &mut batch).await?;
    }
    batch.docs.push(Doc {
        kind: Kind::Refund,
        id: refund["id"].as_str().unwrap_or_default().to_owned(),
        created: now,
        tag: Some(charge_id.clone()),
        body: refund.to_string(),
    });
    batch.docs.push(charges::charge_doc(&charge, charge["created"].as_i64().unwrap_or(now)));
    batch.docs.push(events::event("charge.refunded", &charge, now));
    batch.docs.push(events::event("refund.created", &refund, now));
    let mut shown = refund;
    if !expand.is_empty() {
        // The charge as this refund leaves it.
        shown["charge"] = charge;
    }
    let response = super::commit_with_events(&app, &ctx, batch, StatusCode::OK, shown.to_string()).await?;
    if publish {
        crate::server::engines::items_changed(&app, &ctx.account).await?;
    }
    Ok(response)
}

/// `GET /v1/refunds/{id}`.
pub async fn retrieve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::Refund, &id, "refund").await
}

/// `GET /v1/refunds` (`charge` filters).
pub async fn list(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    super::list_by_charge(&app, &ctx, Kind::Refund, "/v1/refunds", &["charge"]).await
}
