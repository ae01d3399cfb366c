//! Velocity and history context attributes (`total_charges_per_card_number_hourly`,
//! `card_count_for_email_daily`, `seconds_since_card_first_seen`, `merchant_fraud_rate_30d`, ...)
//! computed from per-entity maps of integer fields.
//!
//! Pure logic: no I/O and no clock, time is always an argument. A store keeps one [`FieldMap`]
//! per [`EntityRef`] (a SQLite index in memory, or a Redis hash). For each payment the server
//!
//! 1. finds the entities it touches with [`entities_of`],
//! 2. reads their maps and computes [`features`] at the payment's time (the payment itself is
//!    not in the maps yet, so it is excluded from its own features),
//! 3. after scoring, applies [`payment_updates`] (with the outcome) through [`apply`] or the
//!    store's equivalent of each [`Op`],
//! 4. when a label arrives later, applies [`label_updates`],
//! 5. now and then deletes [`expired_fields`].
//!
//! The layout of fields and windows is in `docs/velocity.md`.

mod entities;
mod events;
mod features;
mod ops;
mod windows;

pub use entities::{BadEntityKey, EntityKind, EntityRef, PaymentEntities, entities_of, short_hash, usd_cents};
pub use events::{
    BOUNDED_CAP, CUSTOMER_CAP, LabelEvent, LabelKind, Outcome, PaymentEvent, label_updates, payment_updates,
};
pub use features::{NOT_COMPUTED, Plan, features};
pub use ops::{Op, apply, expired_fields};
pub use windows::{Res, Window};

/// One entity's fields: name to integer value.
pub type FieldMap = std::collections::BTreeMap<String, i64>;
