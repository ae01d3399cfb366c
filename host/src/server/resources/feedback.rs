//! Feedback that teaches the system: fraud reports and refunds as fraudulent put the card and
//! email on the default block lists; "safe" reports put them on the default allow lists for 30
//! days; every label also updates the velocity history (fraud counts, merchant fraud rate).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use ward_core::lists::ListItem;
use ward_core::lists::defaults::{DefaultKind, feedback_items};

use super::lists;
use crate::server::App;
use crate::server::api::ApiError;
use crate::server::context::{self, Label};
use crate::store::{Doc, Kind, ListQuery, WriteBatch};

/// What feedback puts on the default lists about a payment: its card, its first email, and its
/// customer (whose other cards a block also covers).
pub struct Payer {
    /// The card fingerprint.
    pub fingerprint: Option<String>,
    /// The first email (receipt, billing, then customer).
    pub email: Option<String>,
    /// The customer id.
    pub customer: Option<String>,
}

impl Payer {
    /// A stored charge's (its first email was recorded when it was scored).
    pub fn of_charge(charge: &Value) -> Payer {
        Payer {
            fingerprint: charge_fingerprint(charge),
            email: text(&charge["ward"]["email"]),
            customer: text(&charge["customer"]),
        }
    }

    /// A stored payment evaluation's.
    pub fn of_evaluation(evaluation: &Value) -> Payer {
        let customer = &evaluation["customer_details"];
        Payer {
            fingerprint: text(&evaluation["payment_details"]["payment_method_details"]["card"]["fingerprint"]),
            email: text(&customer["email"]),
            customer: text(&customer["customer"]),
        }
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// The card fingerprint of a charge.
fn charge_fingerprint(charge: &Value) -> Option<String> {
    text(&charge["payment_method_details"]["card"]["fingerprint"])
}

/// Applies a `fraud_details[user_report]`. Returns whether the lists changed (after the commit,
/// [`crate::server::engines::items_changed`]).
pub async fn user_report(
    app: &App,
    account: &str,
    charge: &Value,
    report: &str,
    now: i64,
    batch: &mut WriteBatch,
) -> Result<bool, ApiError> {
    let kind = if report == "fraudulent" { DefaultKind::Block } else { DefaultKind::Allow };
    if kind == DefaultKind::Block {
        label(charge, Label::FraudReport, now, account, batch);
        if let Some(id) = charge["id"].as_str() {
            super::holdout::label_fraud(app, account, id, batch).await?;
        }
    }
    add_default_items(app, account, &Payer::of_charge(charge), kind, now, batch).await
}

/// Adds the payer's card fingerprint and email to a kind of default list, counting the change
/// in `batch`. Returns whether it added any.
pub async fn add_default_items(
    app: &App,
    account: &str,
    payer: &Payer,
    kind: DefaultKind,
    now: i64,
    batch: &mut WriteBatch,
) -> Result<bool, ApiError> {
    let mut items = feedback_items(kind, payer.fingerprint.as_deref(), payer.email.as_deref(), now);
    if kind == DefaultKind::Block
        && let Some(customer) = &payer.customer
    {
        // As in Radar: a customer's other cards go on the block list with the one used.
        for fingerprint in customer_cards(app, account, customer).await? {
            items.extend(feedback_items(kind, Some(&fingerprint), None, now));
        }
        items.sort_by(|a, b| (&a.0, &a.1.value).cmp(&(&b.0, &b.1.value)));
        items.dedup_by(|a, b| a.0 == b.0 && a.1.value == b.1.value);
    }
    if items.is_empty() {
        return Ok(false);
    }
    lists::ensure_defaults(app, account).await?;
    for (alias, item) in items {
        let list_id = format!("rsl_{alias}");
        let doc = item_doc(&list_id, &item, now, "ward:feedback");
        // Feedback always lands (a fraud label must not fail on a full default list); it is
        // counted like any item.
        super::item_count::add(app, account, &list_id, &doc.id, None, batch).await?;
        batch.docs.push(doc);
    }
    crate::server::engines::count_change(batch);
    Ok(true)
}

/// Most of a customer's charges whose cards a fraud label blocks: the latest ones.
const CUSTOMER_CHARGES_READ: usize = 1_000;

/// The card fingerprints of a customer's latest charges (see [`CUSTOMER_CHARGES_READ`]).
async fn customer_cards(app: &App, account: &str, customer: &str) -> Result<Vec<String>, ApiError> {
    let query = ListQuery { limit: 100, tags: vec![customer.to_owned()], ..ListQuery::default() };
    let mut cards = Vec::new();
    for entry in app.store.list_all(account, Kind::CustomerCharge, query, CUSTOMER_CHARGES_READ).await? {
        if let Some(doc) = app.store.get(account, Kind::Charge, &entry.id).await?
            && let Ok(charge) = serde_json::from_str::<Value>(&doc.body)
            && let Some(fingerprint) = charge_fingerprint(&charge)
        {
            cards.push(fingerprint);
        }
    }
    Ok(cards)
}

/// The id of the item holding `value` (normalised) in a list.
pub fn item_id(list_id: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{list_id}\0{value}").as_bytes());
    format!("rsli_{}", digest[..12].iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// A list item whose id derives from its list and value, so adding the same value twice
/// updates one item (a repeated report extends an allow entry's expiry).
pub fn item_doc(list_id: &str, item: &ListItem, now: i64, created_by: &str) -> Doc {
    let id = item_id(list_id, &item.value);
    let body = json!({
        "id": id,
        "object": "radar.value_list_item",
        "created": now,
        "created_by": created_by,
        "livemode": false,
        "value": item.value,
        "value_list": list_id,
        "expires_at": item.expires_at,
    });
    Doc { kind: Kind::ValueListItem, id, created: now, tag: Some(list_id.to_owned()), body: body.to_string() }
}

/// Records a label against the entities of the charge (for velocity and fraud-rate features).
pub fn label(charge: &Value, label: Label, now: i64, account: &str, batch: &mut WriteBatch) {
    batch.entities.extend(context::label_ops(charge, label, now, account));
}
