//! Webhook delivery: each event, once durable, is POSTed to the configured endpoint with a
//! Stripe-style signature, retried with growing waits, several at a time. Delivery is at least
//! once and unordered, as with Stripe; receivers deduplicate by event id.
//!
//! What waits is bounded: at most [`ServeConfig::webhook_queue`](super::config::ServeConfig)
//! events are pending (queued or between retries); past that, new events are dropped and
//! counted, so an endpoint that is down costs memory up to the bound and no more. Every event
//! stays readable at `/v1/events`, where a receiver catches up (`created[gte]`, `starting_after`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::Semaphore;

use super::api::ids;
use crate::store::{Doc, Kind};

/// Default bound on pending events.
pub const DEFAULT_QUEUE: usize = 10_000;

/// Requests to the endpoint at once.
const IN_FLIGHT: usize = 16;

/// The wait before each retry: an event is given up about 13 minutes after its first attempt.
const RETRIES: [Duration; 5] = [
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
];

/// Events by what became of them (the `/metrics` counters).
#[derive(Default)]
pub struct Counts {
    /// Accepted by the endpoint (a 2xx).
    pub delivered: AtomicU64,
    /// Given up after every retry.
    pub failed: AtomicU64,
    /// Never queued: the queue was full.
    pub dropped: AtomicU64,
}

/// The endpoint and what delivery shares.
struct Endpoint {
    url: String,
    secret: String,
    client: reqwest::Client,
    slots: Semaphore,
    pending: AtomicUsize,
}

/// Webhook delivery, when an endpoint is configured.
pub struct Webhooks {
    endpoint: Option<Arc<Endpoint>>,
    capacity: usize,
    /// What became of the events.
    pub counts: Arc<Counts>,
}

impl Webhooks {
    /// Delivery to `url` (none without one), with at most `capacity` events pending.
    pub fn new(url: Option<String>, secret: Option<String>, capacity: usize) -> Webhooks {
        let endpoint = url.map(|url| {
            Arc::new(Endpoint {
                url,
                secret: secret.unwrap_or_default(),
                client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default(),
                slots: Semaphore::new(IN_FLIGHT),
                pending: AtomicUsize::new(0),
            })
        });
        Webhooks { endpoint, capacity, counts: Arc::default() }
    }

    /// Queues events (their stored JSON) for delivery, after they are durable (must be called
    /// inside the runtime).
    pub fn send(&self, docs: &[Doc]) {
        let Some(endpoint) = &self.endpoint else { return };
        for d in docs.iter().filter(|d| d.kind == Kind::Event) {
            if endpoint.pending.fetch_add(1, Ordering::AcqRel) >= self.capacity {
                endpoint.pending.fetch_sub(1, Ordering::AcqRel);
                // Logged at the first drop and then at every power of two, not once per event.
                let dropped = self.counts.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if dropped.is_power_of_two() {
                    tracing::warn!(
                        dropped,
                        capacity = self.capacity,
                        "webhook queue full: events dropped (still at /v1/events)"
                    );
                }
                continue;
            }
            let (endpoint, counts, body) = (endpoint.clone(), self.counts.clone(), d.body.clone());
            tokio::spawn(async move {
                let delivered = deliver(&endpoint, &body).await;
                let counter = if delivered { &counts.delivered } else { &counts.failed };
                counter.fetch_add(1, Ordering::Relaxed);
                endpoint.pending.fetch_sub(1, Ordering::AcqRel);
            });
        }
    }
}

impl Webhooks {
    /// Waits up to `grace` for the events still pending (at shutdown), and logs how many are
    /// left undelivered.
    pub async fn drain(&self, grace: Duration) {
        let Some(endpoint) = &self.endpoint else { return };
        let start = std::time::Instant::now();
        while endpoint.pending.load(Ordering::Acquire) > 0 && start.elapsed() < grace {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = endpoint.pending.load(Ordering::Acquire);
        if left > 0 {
            tracing::warn!(events = left, "webhook events left undelivered at shutdown (still at /v1/events)");
        }
    }
}

/// Tries an event until the endpoint takes it or the retries run out.
async fn deliver(endpoint: &Endpoint, body: &str) -> bool {
    for (attempt, wait) in std::iter::once(Duration::ZERO).chain(RETRIES).enumerate() {
        tokio::time::sleep(wait).await;
        let Ok(_slot) = endpoint.slots.acquire().await else { return false };
        let header = signature_header(&endpoint.secret, ids::now(), body);
        let result = endpoint
            .client
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("stripe-signature", header)
            .body(body.to_owned())
            .send()
            .await;
        match result {
            Ok(r) if r.status().is_success() => return true,
            Ok(r) => tracing::warn!(attempt, status = r.status().as_u16(), "webhook endpoint refused an event"),
            Err(e) => tracing::warn!(attempt, error = %e, "webhook delivery failed"),
        }
    }
    tracing::warn!("webhook event given up after every retry (still at /v1/events)");
    false
}

/// `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, Stripe's `Stripe-Signature` format.
pub fn signature_header(secret: &str, t: i64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return format!("t={t}");
    };
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_match_stripes_scheme() {
        // HMAC-SHA256("whsec_test", "1700000000.{}"), computed independently with Python's hmac.
        assert_eq!(
            super::signature_header("whsec_test", 1_700_000_000, "{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }
}
