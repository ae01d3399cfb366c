//! Prometheus metrics: request latency histograms by route, responses by status, decisions by
//! outcome and risk level. Served at `/metrics`; `/healthz` answers when the store does.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::App;
use crate::histogram::Histogram;
use crate::store::StoreError;

/// Longest a `/healthz` probe waits for the store.
const HEALTH_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// The server's metrics.
#[derive(Default)]
pub struct Metrics {
    latency: Mutex<BTreeMap<(String, String), Arc<Histogram>>>,
    responses: Mutex<BTreeMap<(String, u16), u64>>,
    decisions: Mutex<BTreeMap<(String, String), u64>>,
    score_latency: Histogram,
}

impl Metrics {
    /// Counts a scored payment.
    pub fn decision(&self, outcome: &str, risk_level: &str, seconds: f64) {
        *self
            .decisions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((outcome.to_owned(), risk_level.to_owned()))
            .or_default() += 1;
        self.score_latency.observe(seconds);
    }

    fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let h = self
            .latency
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((method.to_owned(), route.to_owned()))
            .or_default()
            .clone();
        h.observe(seconds);
        *self.responses.lock().unwrap_or_else(|p| p.into_inner()).entry((route.to_owned(), status)).or_default() += 1;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP ward_http_request_duration_seconds Time to answer a request, by route.\n");
        out.push_str("# TYPE ward_http_request_duration_seconds histogram\n");
        for ((method, route), h) in self.latency.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            h.write(&mut out, "ward_http_request_duration_seconds", &labels);
        }
        out.push_str("# HELP ward_http_responses_total Responses by route and status.\n");
        out.push_str("# TYPE ward_http_responses_total counter\n");
        for ((route, status), n) in self.responses.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "ward_http_responses_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
        out.push_str("# HELP ward_decisions_total Scored payments by outcome and risk level.\n");
        out.push_str("# TYPE ward_decisions_total counter\n");
        for ((outcome, level), n) in self.decisions.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "ward_decisions_total{{outcome=\"{outcome}\",risk_level=\"{level}\"}} {n}");
        }
        out.push_str("# HELP ward_score_duration_seconds Time in the scoring engine per payment.\n");
        out.push_str("# TYPE ward_score_duration_seconds histogram\n");
        self.score_latency.write(&mut out, "ward_score_duration_seconds", "");
        out
    }
}

/// Middleware: times every request and counts its status; logs it at debug level.
pub async fn track(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(req).await;
    let seconds = start.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    app.metrics.request(&method, &route, status, seconds);
    tracing::debug!(method, route, status, micros = (seconds * 1e6) as u64, "request");
    response
}

async fn metrics(State(app): State<Arc<App>>) -> Response {
    let mut body = app.metrics.render();
    if let Some((memory, disk)) = app.store.entities_held() {
        body.push_str("# HELP ward_velocity_entities_in_memory Velocity entities held in memory.\n");
        body.push_str("# TYPE ward_velocity_entities_in_memory gauge\n");
        let _ = writeln!(body, "ward_velocity_entities_in_memory {memory}");
        body.push_str("# HELP ward_velocity_entities_evicted_total Entities noted as on disk only.\n");
        body.push_str("# TYPE ward_velocity_entities_evicted_total counter\n");
        let _ = writeln!(body, "ward_velocity_entities_evicted_total {disk}");
    }
    if let Some(stats) = app.store.commit_stats() {
        body.push_str("# HELP ward_store_commit_duration_seconds Time a group commit took to be durable.\n");
        body.push_str("# TYPE ward_store_commit_duration_seconds histogram\n");
        stats.duration.write(&mut body, "ward_store_commit_duration_seconds", "");
        body.push_str("# HELP ward_store_committed_batches_total Writes the group commits carried.\n");
        body.push_str("# TYPE ward_store_committed_batches_total counter\n");
        let _ = writeln!(body, "ward_store_committed_batches_total {}", stats.batches.load(Ordering::Relaxed));
    }
    let counts = &app.webhooks.counts;
    body.push_str("# HELP ward_webhook_events_total Events by what became of their webhook delivery.\n");
    body.push_str("# TYPE ward_webhook_events_total counter\n");
    for (result, n) in [("delivered", &counts.delivered), ("failed", &counts.failed)] {
        let _ = writeln!(body, "ward_webhook_events_total{{result=\"{result}\"}} {}", n.load(Ordering::Relaxed));
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    // A store that does not answer within the probe's budget is as unhealthy as one that fails.
    let probe = tokio::time::timeout(HEALTH_BUDGET, app.store.account_for_key("sk_healthz_probe"))
        .await
        .unwrap_or_else(|_| Err(StoreError::Unavailable(format!("no answer within {HEALTH_BUDGET:?}"))));
    match probe {
        Ok(_) => {
            (StatusCode::OK, axum::Json(serde_json::json!({"status": "ok", "store": app.store.name()}))).into_response()
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "unavailable", "error": e.to_string()})),
        )
            .into_response(),
    }
}

/// `/metrics` and `/healthz` (no API key: they are for the operator's scrapers and probes).
pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/metrics", get(metrics)).route("/healthz", get(healthz))
}
