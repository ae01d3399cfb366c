//! The holdout: a small configured share of would-be-blocked payments is let through and
//! flagged. Their fraud labels, arriving later, estimate how many blocks were right (precision,
//! hence the false-positive share) and what share of all fraud the blocks catch (recall),
//! without the bias of only ever seeing the payments that were let through.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use ward_core::outcome::OutcomeType;

use crate::server::App;
use crate::server::api::{ApiError, Ctx, json_response, params};
use crate::server::scoring::Scored;
use crate::store::{Doc, FieldOp, Kind, WriteBatch};

/// The account-wide counters entity.
pub const STATS_KEY: &str = "stats:account";

/// Counter updates of one scored payment.
pub fn stats_ops(scored: &Scored) -> (String, Vec<FieldOp>) {
    let mut ops = vec![FieldOp::Incr("scored".into(), 1)];
    if scored.held_out_from.is_some() {
        ops.push(FieldOp::Incr("holdout".into(), 1));
    } else if scored.assessment.outcome.kind == OutcomeType::Blocked {
        ops.push(FieldOp::Incr("blocked".into(), 1));
    }
    (STATS_KEY.to_owned(), ops)
}

/// Counts a fraud label: on a held-out payment it measures the blocks; on any other payment
/// that went through it is fraud the blocks missed. A payment counts once, however many labels
/// it gets (a report, then a refund as fraud, then a dispute).
pub async fn label_fraud(app: &App, account: &str, charge: &str, batch: &mut WriteBatch) -> Result<(), ApiError> {
    let field = match app.store.get(account, Kind::Holdout, charge).await? {
        Some(mut d) if d.tag.as_deref() == Some("open") => {
            d.tag = Some("fraud".into());
            batch.docs.push(d);
            "holdout_fraud"
        }
        Some(_) => return Ok(()),
        None => {
            // Remembered beside the held-out payments, so that a second label finds it counted.
            let now = crate::server::api::ids::now();
            batch.docs.push(Doc {
                kind: Kind::Holdout,
                id: charge.to_owned(),
                created: now,
                tag: Some("passed_fraud".into()),
                body: json!({"id": charge, "charge": charge, "counted": "passed_fraud", "created": now}).to_string(),
            });
            "passed_fraud"
        }
    };
    batch.entities.push((STATS_KEY.to_owned(), vec![FieldOp::Incr(field.into(), 1)]));
    Ok(())
}

/// Wilson score interval at 95% for `k` successes in `n`.
fn wilson(k: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The report from the counters.
pub fn report(fraction: f64, stats: &crate::store::FieldMap) -> Value {
    let get = |k: &str| stats.get(k).copied().unwrap_or(0) as f64;
    let (holdout, holdout_fraud, blocked, passed_fraud) =
        (get("holdout"), get("holdout_fraud"), get("blocked"), get("passed_fraud"));
    let precision = (holdout > 0.0).then(|| holdout_fraud / holdout);
    let recall = precision.map(|p| {
        let caught = p * blocked;
        if caught + passed_fraud > 0.0 { caught / (caught + passed_fraud) } else { 0.0 }
    });
    let ci = wilson(holdout_fraud, holdout);
    json!({
        "object": "ward.holdout_report",
        "holdout_fraction": fraction,
        "scored": get("scored") as i64,
        "blocked": blocked as i64,
        "held_out": holdout as i64,
        "held_out_fraudulent": holdout_fraud as i64,
        "fraud_let_through": passed_fraud as i64,
        "block_precision": precision.map(round4),
        "block_precision_95ci": ci.map(|(a, b)| [round4(a), round4(b)]),
        "block_false_positive_rate": precision.map(|p| round4(1.0 - p)),
        "estimated_recall": recall.map(round4),
        "note": "Estimates use fraud labels known so far; they firm up as refunds, disputes and early fraud warnings arrive.",
    })
}

/// `GET /v1/ward/holdout`.
pub async fn get(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    params::deny_unknown(&ctx.params, &[])?;
    let stats = app.store.read_entities(&ctx.account, &[STATS_KEY.to_owned()]).await?;
    let body = report(app.config.holdout_fraction, stats.first().map_or(&Default::default(), |m| &**m));
    Ok(json_response(StatusCode::OK, body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_follow_the_labels() {
        let stats: crate::store::FieldMap =
            [("holdout", 10), ("holdout_fraud", 8), ("blocked", 990), ("passed_fraud", 8)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
        let r = report(0.01, &stats);
        assert_eq!(r["block_precision"], json!(0.8));
        assert_eq!(r["block_false_positive_rate"], json!(0.2));
        // 792 frauds caught of 800: 0.99.
        assert_eq!(r["estimated_recall"], json!(0.99));
        let (lo, hi) = wilson(8.0, 10.0).expect("interval");
        assert!(lo < 0.8 && hi > 0.8 && lo > 0.4);
        assert_eq!(report(0.0, &Default::default())["block_precision"], Value::Null);
    }
}
