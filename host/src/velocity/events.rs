//! What a scored payment and a later label write: the field-map updates.

use super::entities::{EntityKind, EntityRef, PaymentEntities, short_hash};
use super::ops::Op;
use super::windows::{Res, bucket_field, total_field};

/// How a scored payment ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The issuer authorised it.
    Authorized,
    /// Ward (a rule or the score) blocked it.
    Blocked,
    /// The issuer declined it.
    Declined,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 3] = [Outcome::Authorized, Outcome::Blocked, Outcome::Declined];

    /// The charge-count metric of this outcome (`ca`, `cb`, `cd`).
    pub const fn count_metric(self) -> &'static str {
        match self {
            Outcome::Authorized => "ca",
            Outcome::Blocked => "cb",
            Outcome::Declined => "cd",
        }
    }

    /// The all-time USD-cents metric of this outcome (`ua`, `ub`, `ud`).
    pub const fn usd_metric(self) -> &'static str {
        match self {
            Outcome::Authorized => "ua",
            Outcome::Blocked => "ub",
            Outcome::Declined => "ud",
        }
    }
}

/// A scored payment, as recorded after its outcome is known.
#[derive(Clone, Copy, Debug)]
pub struct PaymentEvent<'a> {
    /// The payment's `created` time, Unix seconds.
    pub time: i64,
    /// How it ended.
    pub outcome: Outcome,
    /// The amount in US cents, as the engine converted it.
    pub usd_cents: i64,
    /// The entities it touches.
    pub entities: &'a PaymentEntities,
}

/// What a label says about an earlier payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// A dispute with reason `fraudulent`.
    FraudDispute,
    /// An early fraud warning from the issuer.
    EarlyFraudWarning,
    /// A refund; `fraudulent` when the merchant refunded it as fraud.
    Refund {
        /// Refunded as fraud.
        fraudulent: bool,
    },
    /// The merchant reported the payment as fraud without refunding it
    /// (`fraud_details[user_report]=fraudulent`): fraud, but no refund to count.
    FraudReport,
}

impl LabelKind {
    /// Whether the label marks the payment as fraud (for the merchant's fraud rate).
    pub const fn is_fraud(self) -> bool {
        matches!(
            self,
            LabelKind::FraudDispute
                | LabelKind::EarlyFraudWarning
                | LabelKind::Refund { fraudulent: true }
                | LabelKind::FraudReport
        )
    }
}

/// A label arriving for an earlier payment.
#[derive(Clone, Copy, Debug)]
pub struct LabelEvent<'a> {
    /// What it says.
    pub kind: LabelKind,
    /// When it arrived, Unix seconds: dispute, warning and refund counts are bucketed by it.
    pub time: i64,
    /// The labelled payment's `created` time: the fraud rate counts the label against it.
    pub payment_created: i64,
    /// The labelled payment's id: a payment labelled twice counts once in the fraud rate.
    pub payment_id: &'a str,
    /// The labelled payment's entities.
    pub entities: &'a PaymentEntities,
}

/// Distinct sets keep at most this many members per bucket: exact for counts capped at 25.
pub const BOUNDED_CAP: i64 = 25;
/// `total_customers_for_*` are not bounded in the catalogue; they are exact up to this many.
pub const CUSTOMER_CAP: i64 = 1000;

/// USD cents of charges of every outcome, per bucket (counts are [`Outcome::count_metric`]).
pub(super) const USD: &str = "u";
/// First time the entity was seen.
pub(super) const FIRST: &str = "first";
/// First time a charge on the card was authorised.
pub(super) const FIRST_AUTH: &str = "first_auth";
/// Distinct sets: cards, emails, cardholder names, customers, fraud-labelled payments.
pub(super) const CARDS: &str = "s.card";
pub(super) const EMAILS: &str = "s.email";
pub(super) const NAMES: &str = "s.name";
pub(super) const CUSTOMERS: &str = "s.cus";
pub(super) const FRAUD: &str = "s.fr";
/// Label counts by label time.
pub(super) const DISPUTES: &str = "dp";
pub(super) const EFWS: &str = "ef";
pub(super) const REFUNDS: &str = "rf";

/// The resolutions an entity kind keeps charge counts in (besides all-time totals).
const fn charge_res(kind: EntityKind) -> &'static [Res] {
    match kind {
        EntityKind::Customer => &[Res::Min5, Res::Hour, Res::Day],
        EntityKind::Merchant => &[Res::Hour, Res::Day],
        _ => &[Res::Min5, Res::Hour],
    }
}

/// `metric` += `by` in the bucket of `t` at each resolution, and in the all-time total if `total`.
fn incr_at(ops: &mut Vec<Op>, metric: &str, res: &[Res], total: bool, t: i64, by: i64) {
    ops.extend(res.iter().map(|&r| Op::Incr { field: bucket_field(metric, r, r.bucket(t)), by }));
    if total {
        ops.push(Op::Incr { field: total_field(metric), by });
    }
}

/// Adds `member` to `set` in the bucket of `t` at each resolution, and to the all-time set if `total`.
fn add_at(ops: &mut Vec<Op>, set: &str, res: &[Res], total: bool, t: i64, member: &str, cap: i64) {
    let add = |set: String| Op::AddMember { set, member: member.to_owned(), cap };
    ops.extend(res.iter().map(|&r| add(bucket_field(set, r, r.bucket(t)))));
    if total {
        ops.push(add(total_field(set)));
    }
}

/// The updates a scored payment makes, entity by entity. Apply them after reading
/// [`super::features`] for the payment: its features never include itself.
pub fn payment_updates(ev: &PaymentEvent<'_>) -> Vec<(EntityRef, Vec<Op>)> {
    let e = ev.entities;
    let t = ev.time;
    let recent = [Res::Min5, Res::Hour];
    let member = |k: EntityKind| e.get(k).map(|r| r.id.as_str());
    e.all()
        .map(|entity| {
            let kind = entity.kind;
            let mut ops = Vec::new();
            let res = charge_res(kind);
            incr_at(&mut ops, ev.outcome.count_metric(), res, kind != EntityKind::Merchant, t, 1);
            if matches!(kind, EntityKind::Customer | EntityKind::Merchant) {
                incr_at(&mut ops, USD, &[Res::Hour, Res::Day], false, t, ev.usd_cents);
            }
            if matches!(kind, EntityKind::CardNumber | EntityKind::Customer) {
                incr_at(&mut ops, ev.outcome.usd_metric(), &[], true, t, ev.usd_cents);
            }
            if matches!(kind, EntityKind::CardNumber | EntityKind::Email) {
                ops.push(Op::Min { field: FIRST.into(), value: t });
            }
            if kind == EntityKind::CardNumber && ev.outcome == Outcome::Authorized {
                ops.push(Op::Min { field: FIRST_AUTH.into(), value: t });
            }
            let cards_on = !matches!(kind, EntityKind::CardNumber | EntityKind::Merchant);
            if let (true, Some(card)) = (cards_on, member(EntityKind::CardNumber)) {
                add_at(&mut ops, CARDS, &recent, true, t, card, BOUNDED_CAP);
            }
            let emails_on = !matches!(kind, EntityKind::Email | EntityKind::Customer | EntityKind::Merchant);
            if let (true, Some(email)) = (emails_on, member(EntityKind::Email)) {
                add_at(&mut ops, EMAILS, &recent, true, t, email, BOUNDED_CAP);
            }
            if let (EntityKind::CardNumber, Some(name)) = (kind, e.cardholder_name.as_deref()) {
                add_at(&mut ops, NAMES, &recent, true, t, name, BOUNDED_CAP);
            }
            let customers_on = matches!(kind, EntityKind::CardNumber | EntityKind::Email);
            if let (true, Some(customer)) = (customers_on, member(EntityKind::Customer)) {
                add_at(&mut ops, CUSTOMERS, &[Res::Hour, Res::Day], false, t, customer, CUSTOMER_CAP);
            }
            (entity.clone(), ops)
        })
        .collect()
}

/// The updates a label makes: dispute, warning and refund counts on the payment's card and IP
/// address at the label's time, and for fraud, a mark against the merchant's bucket of the
/// payment's creation time (skipped when that bucket is too old for any window to read).
pub fn label_updates(label: &LabelEvent<'_>) -> Vec<(EntityRef, Vec<Op>)> {
    let e = label.entities;
    let t = label.time;
    let recent = [Res::Min5, Res::Hour];
    let mut out = Vec::new();
    if let Some(card) = &e.card_number {
        let mut ops = Vec::new();
        match label.kind {
            LabelKind::FraudDispute => incr_at(&mut ops, DISPUTES, &[Res::Day], true, t, 1),
            LabelKind::EarlyFraudWarning => incr_at(&mut ops, EFWS, &recent, true, t, 1),
            LabelKind::Refund { .. } => incr_at(&mut ops, REFUNDS, &recent, true, t, 1),
            LabelKind::FraudReport => {}
        }
        if !ops.is_empty() {
            out.push((card.clone(), ops));
        }
    }
    if let Some(ip) = &e.ip_address {
        let mut ops = Vec::new();
        match label.kind {
            LabelKind::FraudDispute => incr_at(&mut ops, DISPUTES, &recent, true, t, 1),
            LabelKind::EarlyFraudWarning => incr_at(&mut ops, EFWS, &recent, true, t, 1),
            LabelKind::Refund { .. } | LabelKind::FraudReport => {}
        }
        if !ops.is_empty() {
            out.push((ip.clone(), ops));
        }
    }
    if label.kind.is_fraud() {
        let created = label.payment_created;
        let readable: Vec<Res> =
            [Res::Hour, Res::Day].into_iter().filter(|r| r.bucket(created) >= r.oldest_readable(t)).collect();
        if !readable.is_empty() {
            let mut ops = Vec::new();
            add_at(&mut ops, FRAUD, &readable, false, created, &short_hash(label.payment_id), i64::MAX);
            out.push((e.merchant.clone(), ops));
        }
    }
    out
}
