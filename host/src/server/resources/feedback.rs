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

/// The first email on a charge (recorded when it was scored).
pub fn charge_email(charge: &Value) -> Option<String> {
    charge["ward"]["email"].as_str().map(str::to_owned)
}

/// The card fingerprint of a charge.
pub fn charge_fingerprint(charge: &Value) -> Option<String> {
    charge["payment_method_details"]["card"]["fingerprint"].as_str().map(str::to_owned)
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
    add_default_items(app, account, charge, kind, now, batch).await
}

/// Adds the charge's card fingerprint and email to a kind of default list, counting the change
/// in `batch`. Returns whether it added any.
pub async fn add_default_items(
    app: &App,
    account: &str,
    charge: &Value,
    kind: DefaultKind,
    now: i64,
    batch: &mut WriteBatch,
) -> Result<bool, ApiError> {
    let mut items = feedback_items(kind, charge_fingerprint(charge).as_deref(), charge_email(charge).as_deref(), now);
    if kind == DefaultKind::Block
        && let Some(customer) = charge["customer"].as_str()
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
    let query = ListQuery { limit: 100, tag: Some(customer.to_owned()), ..ListQuery::default() };
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
