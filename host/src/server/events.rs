//! Events (`review.opened`, `charge.refunded`…): stored for `/v1/events`, and delivered to the
//! configured webhook endpoint with a Stripe-style signature.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::api::ids;
use crate::store::{Doc, Kind};

/// The API version events say they were rendered with.
pub const API_VERSION: &str = "2025-10-29.clover";

/// Every event type Ward emits, sorted: what a `type=charge.*` filter expands to.
pub const EVENT_TYPES: &[&str] = &[
    "charge.captured",
    "charge.dispute.created",
    "charge.failed",
    "charge.refunded",
    "charge.succeeded",
    "charge.updated",
    "radar.early_fraud_warning.created",
    "radar.early_fraud_warning.updated",
    "refund.created",
    "review.closed",
    "review.opened",
];

/// An event about `object`, as a stored document.
pub fn event(kind: &str, object: &Value, now: i64) -> Doc {
    event_json(kind, &object.to_string(), now)
}

/// An event about an object already serialised (`object_json`): the hot path serialises a
/// charge once for its document, its event and its answer.
pub fn event_json(kind: &str, object_json: &str, now: i64) -> Doc {
    debug_assert!(EVENT_TYPES.contains(&kind), "{kind} is missing from EVENT_TYPES");
    let id = ids::new_id("evt");
    // Keys in the order serde_json writes them (sorted), like every other object.
    let body = format!(
        r#"{{"api_version":{},"created":{now},"data":{{"object":{object_json}}},"id":{},"livemode":false,"object":"event","pending_webhooks":0,"request":{{"id":null,"idempotency_key":null}},"type":{}}}"#,
        json!(API_VERSION),
        json!(id),
        json!(kind),
    );
    Doc { kind: Kind::Event, id, created: now, tag: Some(kind.to_owned()), body }
}

/// Attempts per event, and the wait before each retry.
const RETRIES: [Duration; 3] = [Duration::from_millis(200), Duration::from_secs(1), Duration::from_secs(5)];

/// Webhook delivery: a background task POSTs each event to the endpoint, signed, retrying a
/// few times. Delivery is at least once; receivers deduplicate by event id, as with Stripe.
pub struct Webhooks {
    sender: Option<tokio::sync::mpsc::UnboundedSender<String>>,
}

impl Webhooks {
    /// Starts delivery when a URL is configured (must be called inside the runtime).
    pub fn new(url: Option<String>, secret: Option<String>) -> Webhooks {
        let Some(url) = url else {
            return Webhooks { sender: None };
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let secret = secret.unwrap_or_default();
        tokio::spawn(async move {
            let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default();
            while let Some(body) = rx.recv().await {
                deliver(&client, &url, &secret, body).await;
            }
        });
        Webhooks { sender: Some(tx) }
    }

    /// Queues events (their stored JSON) for delivery, after they are durable.
    pub fn send(&self, docs: &[Doc]) {
        if let Some(tx) = &self.sender {
            for d in docs.iter().filter(|d| d.kind == Kind::Event) {
                let _ = tx.send(d.body.clone());
            }
        }
    }
}

async fn deliver(client: &reqwest::Client, url: &str, secret: &str, body: String) {
    for (attempt, wait) in std::iter::once(Duration::ZERO).chain(RETRIES).enumerate() {
        tokio::time::sleep(wait).await;
        let header = signature_header(secret, ids::now(), &body);
        let result = client
            .post(url)
            .header("content-type", "application/json")
            .header("stripe-signature", header)
            .body(body.clone())
            .send()
            .await;
        match result {
            Ok(r) if r.status().is_success() => return,
            Ok(r) => tracing::warn!(attempt, status = r.status().as_u16(), "webhook endpoint refused an event"),
            Err(e) => tracing::warn!(attempt, error = %e, "webhook delivery failed"),
        }
    }
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
    fn events_are_valid_json_in_stripes_shape() {
        let d = super::event("review.opened", &serde_json::json!({"id": "prv_1", "object": "review"}), 7);
        let v: serde_json::Value = serde_json::from_str(&d.body).expect("valid JSON");
        assert_eq!(v["type"], "review.opened");
        assert_eq!(v["data"]["object"]["id"], "prv_1");
        assert_eq!(v["id"], serde_json::json!(d.id));
        assert_eq!(serde_json::to_string(&v).expect("serialises"), d.body, "keys in serde_json's order");
    }

    #[test]
    fn signatures_match_stripes_scheme() {
        // HMAC-SHA256("whsec_test", "1700000000.{}"), computed independently with Python's hmac.
        assert_eq!(
            super::signature_header("whsec_test", 1_700_000_000, "{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }
}
