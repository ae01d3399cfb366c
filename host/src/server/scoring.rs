//! The hot path: read the context the bundle asks for in one store read, score through the
//! account's engine, apply the holdout, and say which velocity updates the payment makes.

use std::time::Instant;

use sha2::{Digest, Sha256};
use ward_core::outcome::{NetworkStatus, OutcomeType};
use ward_core::{Assessment, Evaluation, Payment};

use super::App;
use super::api::ApiError;
use super::context;
use crate::store::FieldOp;

/// A scored payment and what it changes.
pub struct Scored {
    /// The payment as evaluated.
    pub payment: Payment,
    /// The engine's assessment (after the holdout, if it applied).
    pub assessment: Assessment,
    /// The outcome the engine gave before a holdout let the payment through.
    pub held_out_from: Option<ward_core::outcome::Outcome>,
    /// Velocity updates to commit with the payment.
    pub entity_ops: Vec<(String, Vec<FieldOp>)>,
    /// Entities the payment touched, for later labels.
    pub entity_keys: Vec<String>,
}

/// Scores one payment for `account` at `now`.
pub async fn score(app: &App, account: &str, payment: Payment, now: i64) -> Result<Scored, ApiError> {
    let store = app.store.as_ref();
    let engine = app.engines.get(store, account).await?;
    let wanted = engine.wanted.read().unwrap_or_else(|p| p.into_inner()).clone();
    let mut gathered = context::gather(store, account, &payment, now, &wanted).await?;
    if engine.behind(gathered.changes) {
        // Rules or lists changed (here or on another server): score with them.
        app.engines.catch_up(store, account, &engine, gathered.changes).await;
        let now_wanted = engine.wanted.read().unwrap_or_else(|p| p.into_inner()).clone();
        if now_wanted.wanted() != wanted.wanted() {
            gathered = context::gather(store, account, &payment, now, &now_wanted).await?;
        }
    }
    let evaluation = Evaluation { payment, context: std::mem::take(&mut gathered.context) };
    let start = Instant::now();
    let mut assessment = engine.scorer.score(&evaluation).map_err(|e| match e.kind {
        ward_core::ErrorType::InvalidRequestError => ApiError::bad(e),
        _ => ApiError::internal(e.code.as_deref().unwrap_or("engine_error"), e.message),
    })?;
    let held_out_from = holdout(&mut assessment, app.config.holdout_fraction);
    app.metrics.decision(
        outcome_name(assessment.outcome.kind),
        assessment.outcome.risk_level.as_str(),
        start.elapsed().as_secs_f64(),
    );
    let entity_ops = context::payment_ops(&gathered, &evaluation.payment, &assessment, now);
    Ok(Scored { payment: evaluation.payment, assessment, held_out_from, entity_ops, entity_keys: gathered.keys })
}

/// Stripe's name for an outcome type.
pub fn outcome_name(kind: OutcomeType) -> &'static str {
    match kind {
        OutcomeType::Authorized => "authorized",
        OutcomeType::ManualReview => "manual_review",
        OutcomeType::IssuerDeclined => "issuer_declined",
        OutcomeType::Blocked => "blocked",
    }
}

/// Seller message of a payment the holdout let through.
pub const HOLDOUT_MESSAGE: &str = "Payment complete. Ward would have blocked this payment; the holdout let it through so block accuracy can be measured.";

/// Lets a blocked payment through when its id falls in the holdout fraction. The choice is a
/// hash of the payment id, so it is reproducible and independent of the payment's risk.
fn holdout(a: &mut Assessment, fraction: f64) -> Option<ward_core::outcome::Outcome> {
    if fraction <= 0.0 || a.outcome.kind != OutcomeType::Blocked {
        return None;
    }
    let id = a.payment.as_deref()?;
    let digest = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let draw = u64::from_be_bytes(first) as f64 / u64::MAX as f64;
    if draw >= fraction {
        return None;
    }
    let before = a.outcome.clone();
    a.outcome.kind = OutcomeType::Authorized;
    a.outcome.network_status = NetworkStatus::ApprovedByNetwork;
    a.outcome.reason = Some("holdout".into());
    a.outcome.seller_message = HOLDOUT_MESSAGE.into();
    a.error = None;
    Some(before)
}
