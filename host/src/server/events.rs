//! Events (`review.opened`, `charge.refunded`…): stored for `/v1/events`, and handed to
//! [`super::webhooks`] for delivery.

use serde_json::{Value, json};

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
}
