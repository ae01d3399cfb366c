//! Velocity context for a payment: which entities it touches, their fields in one store read,
//! the attributes computed from them (before the payment's own update, so it never counts
//! itself), and the updates the payment and later labels make.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value as Json;
use ward_core::outcome::OutcomeType;
use ward_core::{Assessment, Payment, Value};

use super::api::ApiError;
use super::engines::{CONFIG_KEY, change_count};
use crate::store::{FieldOp, Store};
use crate::velocity::{
    self, EntityKind, EntityRef, LabelEvent, LabelKind, Outcome, PaymentEntities, PaymentEvent, entities_of, usd_cents,
};

/// Fields above which a map counts as large. Finding a map's expired fields reads every field
/// (9 µs for a merchant's map of about 400 at steady state, on every payment, since every
/// payment touches its merchant), while expired fields cost only space: a large map is pruned
/// at one payment in [`PRUNE_LARGE_EVERY`] (and the maps of busy entities, the large ones, see
/// many payments), a small one at every payment.
const LARGE_MAP: usize = 64;

/// One payment in this many prunes the large maps it reads.
const PRUNE_LARGE_EVERY: u64 = 8;

/// Payments gathered by this process, to pick those that prune large maps.
static PRUNE_TICK: AtomicU64 = AtomicU64::new(0);

/// What [`gather`] found.
pub struct Gathered {
    /// Context attributes for the engine.
    pub context: BTreeMap<String, Value>,
    /// The payment's entities.
    pub entities: PaymentEntities,
    /// The entities' store keys, in [`PaymentEntities::all`] order.
    pub keys: Vec<String>,
    /// Fields of the entities that no window reads any more: deleted with the payment's writes.
    pub expired: Vec<(String, Vec<FieldOp>)>,
    /// The account's rules and lists change count, read in the same call.
    pub changes: u64,
}

/// Reads the payment's entities (and the account's change count) in one store call and
/// computes the wanted attributes.
pub async fn gather(
    store: &dyn Store,
    account: &str,
    payment: &Payment,
    now: i64,
    wanted: &velocity::Plan,
) -> Result<Gathered, ApiError> {
    let entities = entities_of(payment, account);
    let refs: Vec<&EntityRef> = entities.all().collect();
    let mut keys: Vec<String> = refs.iter().map(|e| e.key()).collect();
    keys.push(CONFIG_KEY.to_owned());
    let mut maps = store.read_entities(account, &keys).await?;
    keys.pop();
    let changes = maps.pop().map_or(0, |m| change_count(&m));
    // `features` asks for an entity's map many times: match the entity itself (a handful of
    // them) rather than formatting its key on every lookup.
    let map_of = |e: &EntityRef| refs.iter().zip(&maps).find(|(r, _)| **r == e).map(|(_, m)| &**m);
    let context = wanted.features(now, &entities, map_of);
    let prune_large = PRUNE_TICK.fetch_add(1, Ordering::Relaxed).is_multiple_of(PRUNE_LARGE_EVERY);
    let expired = keys
        .iter()
        .zip(&maps)
        .filter(|(_, m)| prune_large || m.len() <= LARGE_MAP)
        .filter_map(|(k, m)| {
            let gone = velocity::expired_fields(now, m);
            (!gone.is_empty()).then(|| (k.clone(), gone.into_iter().map(FieldOp::Del).collect()))
        })
        .collect();
    Ok(Gathered { context, entities, keys, expired, changes })
}

/// The velocity updates a scored payment makes (expired fields pruned first).
pub fn payment_ops(
    gathered: &Gathered,
    payment: &Payment,
    assessment: &Assessment,
    now: i64,
) -> Vec<(String, Vec<FieldOp>)> {
    let outcome = match assessment.outcome.kind {
        OutcomeType::Authorized | OutcomeType::ManualReview => Outcome::Authorized,
        OutcomeType::Blocked => Outcome::Blocked,
        OutcomeType::IssuerDeclined => Outcome::Declined,
    };
    let event =
        PaymentEvent { time: now, outcome, usd_cents: usd_cents(payment).unwrap_or(0), entities: &gathered.entities };
    let mut out = gathered.expired.clone();
    out.extend(
        velocity::payment_updates(&event)
            .into_iter()
            .map(|(e, ops)| (e.key(), ops.into_iter().map(FieldOp::from).collect())),
    );
    out
}

/// A label that arrives after a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    /// Refunded as fraudulent.
    Fraud,
    /// Reported fraudulent (`fraud_details[user_report]`) without a refund.
    FraudReport,
    /// A dispute with reason `fraudulent`.
    Dispute,
    /// An early fraud warning.
    EarlyFraudWarning,
    /// A refund that is not for fraud.
    Refund,
}

/// The velocity updates a label makes, at label time, for the entities of the stored charge.
pub fn label_ops(charge: &Json, label: Label, now: i64, account: &str) -> Vec<(String, Vec<FieldOp>)> {
    let entities = entities_from_keys(charge["ward"]["entities"].as_array().map_or(&[][..], Vec::as_slice), account);
    let Some(created) = charge["created"].as_i64() else {
        return Vec::new();
    };
    let kind = match label {
        Label::Fraud => LabelKind::Refund { fraudulent: true },
        Label::FraudReport => LabelKind::FraudReport,
        Label::Dispute => LabelKind::FraudDispute,
        Label::EarlyFraudWarning => LabelKind::EarlyFraudWarning,
        Label::Refund => LabelKind::Refund { fraudulent: false },
    };
    let id = charge["id"].as_str().unwrap_or_default();
    let event = LabelEvent { kind, time: now, payment_created: created, payment_id: id, entities: &entities };
    velocity::label_updates(&event)
        .into_iter()
        .map(|(e, ops)| (e.key(), ops.into_iter().map(FieldOp::from).collect()))
        .collect()
}

/// The entities recorded on a charge (its `ward.entities` keys), back as a [`PaymentEntities`].
fn entities_from_keys(keys: &[Json], account: &str) -> PaymentEntities {
    let mut out = PaymentEntities::merchant_only(account);
    for e in keys.iter().filter_map(Json::as_str).filter_map(|k| EntityRef::from_key(k).ok()) {
        let slot = match e.kind {
            EntityKind::CardNumber => &mut out.card_number,
            EntityKind::Customer => &mut out.customer,
            EntityKind::Email => &mut out.email,
            EntityKind::IpAddress => &mut out.ip_address,
            EntityKind::BillingAddress => &mut out.billing_address,
            EntityKind::ShippingAddress => &mut out.shipping_address,
            EntityKind::Merchant => continue,
        };
        *slot = Some(e);
    }
    out
}
