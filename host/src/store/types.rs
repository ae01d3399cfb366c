//! The records the store keeps: objects, pages of them, batches of writes.

use super::entities::FieldOp;

/// The kinds of object the server stores, each with Stripe's `object` name where Stripe has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A scored payment (`charge`).
    Charge,
    /// A `radar.payment_evaluation`.
    PaymentEvaluation,
    /// A `refund`.
    Refund,
    /// A `review`.
    Review,
    /// A `radar.value_list`.
    ValueList,
    /// A `radar.value_list_item`; tagged with its list's id.
    ValueListItem,
    /// A `radar.early_fraud_warning`.
    EarlyFraudWarning,
    /// A `dispute`.
    Dispute,
    /// An `event`; tagged with its type.
    Event,
    /// One of the account's rules (Ward's own object).
    Rule,
    /// A published rules version (Ward's own object).
    RulesVersion,
    /// A charge let through by the holdout (Ward's own object).
    Holdout,
    /// Per-account settings (webhook endpoint, holdout fraction).
    Settings,
    /// A charge's entry in its customer's charges, for `GET /v1/charges?customer=`: the
    /// charge's id, tagged with the customer.
    CustomerCharge,
}

impl Kind {
    /// The short name used in keys and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Charge => "charge",
            Kind::PaymentEvaluation => "payment_evaluation",
            Kind::Refund => "refund",
            Kind::Review => "review",
            Kind::ValueList => "value_list",
            Kind::ValueListItem => "value_list_item",
            Kind::EarlyFraudWarning => "early_fraud_warning",
            Kind::Dispute => "dispute",
            Kind::Event => "event",
            Kind::Rule => "rule",
            Kind::RulesVersion => "rules_version",
            Kind::Holdout => "holdout",
            Kind::Settings => "settings",
            Kind::CustomerCharge => "customer_charge",
        }
    }

    /// What the API calls an object of this kind in messages ("No such value list item: …").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Charge | Kind::CustomerCharge => "charge",
            Kind::PaymentEvaluation => "payment evaluation",
            Kind::ValueList => "value list",
            Kind::ValueListItem => "value list item",
            Kind::EarlyFraudWarning => "early fraud warning",
            Kind::RulesVersion => "rules version",
            Kind::Refund => "refund",
            Kind::Review => "review",
            Kind::Dispute => "dispute",
            Kind::Event => "event",
            Kind::Rule => "rule",
            Kind::Holdout => "holdout",
            Kind::Settings => "settings",
        }
    }
}

/// One stored object: its JSON body plus what the store indexes.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// What it is.
    pub kind: Kind,
    /// Its id (`ch_…`), unique per account and kind.
    pub id: String,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// The one value lists can filter on (a charge's risk level, an item's list id, an
    /// event's type, a review's `open`/`closed`).
    pub tag: Option<String>,
    /// The object as the API returns it, JSON text.
    pub body: String,
}

/// What a list call asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    /// Page size, 1–100.
    pub limit: usize,
    /// Objects older than this id.
    pub starting_after: Option<String>,
    /// Objects newer than this id.
    pub ending_before: Option<String>,
    /// Only objects with one of these tags (every object of the kind when empty). Tags are
    /// exact: an event type, a list's id.
    pub tags: Vec<String>,
    /// Only objects created in this range of Unix seconds, both ends included.
    pub created: Option<(i64, i64)>,
}

/// How far out of order the creation times of objects can be (seconds): replicas' clocks
/// differ a little, and a store that walks objects in insertion order to filter them by
/// creation time stops this far past the range rather than at its edge.
pub const CREATED_SLACK: i64 = 300;

/// A page of objects, newest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The objects.
    pub data: Vec<Doc>,
    /// Whether more objects lie beyond this page in the direction asked.
    pub has_more: bool,
}

/// How long an idempotency record is kept, as in Stripe: a key can be reused for a new request
/// once its record is 24 hours old.
pub const IDEMPOTENCY_TTL: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// A completed request, kept so that a retry with the same `Idempotency-Key` gets the same answer.
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotencyRecord {
    /// The client's key.
    pub key: String,
    /// Method, path and body hash of the first request: a different request with the same key
    /// is refused.
    pub fingerprint: String,
    /// HTTP status of the first answer.
    pub status: u16,
    /// Body of the first answer.
    pub body: String,
    /// When it was first answered, Unix seconds.
    pub created: i64,
}

impl IdempotencyRecord {
    /// When a record made at `created` expires under `ttl` (Unix seconds): from then on its key
    /// starts a new request, and the stores drop it.
    pub fn expires(created: i64, ttl: std::time::Duration) -> i64 {
        created.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX))
    }

    /// Whether this record has expired at `now` (Unix seconds).
    pub fn expired(&self, ttl: std::time::Duration, now: i64) -> bool {
        IdempotencyRecord::expires(self.created, ttl) <= now
    }
}

/// Writes applied together, atomically and durably.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WriteBatch {
    /// Objects to insert or replace.
    pub docs: Vec<Doc>,
    /// Objects to delete.
    pub deletes: Vec<(Kind, String)>,
    /// Velocity updates, by entity key.
    pub entities: Vec<(String, Vec<FieldOp>)>,
    /// The idempotency record of the request that made this batch.
    pub idempotency: Option<IdempotencyRecord>,
    /// API keys to register for the batch's account.
    pub api_keys: Vec<String>,
    /// Locks the batch was made under: a store whose locks have leases writes nothing unless
    /// each is still held by its token (see [`Fence`]).
    pub fences: Vec<Fence>,
}

/// A lock in a shared store that a batch was made under. A server can stall past a lock's
/// lease (a long pause, a slow store call) while another takes the lock and changes the object;
/// the stalled batch, read before that change, must then not be written. The store checks the
/// lock's token in the same atomic step as the writes. Only locks of the batch's account count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fence {
    /// The locked object's id (or a lock name), as given to [`crate::store::Store::try_lock`].
    pub id: String,
    /// The token the lock was taken under.
    pub token: String,
}

impl WriteBatch {
    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
            && self.deletes.is_empty()
            && self.entities.is_empty()
            && self.idempotency.is_none()
            && self.api_keys.is_empty()
    }
}
