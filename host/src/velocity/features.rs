//! Context attributes from the entities' field maps, read before the payment's own update.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use ward_core::Value;

use super::FieldMap;
use super::entities::{EntityKind, EntityRef, PaymentEntities};
use super::events::{
    BOUNDED_CAP, CARDS, CUSTOMER_CAP, CUSTOMERS, DISPUTES, EFWS, EMAILS, FIRST, FIRST_AUTH, FRAUD, NAMES, Outcome,
    REFUNDS, USD,
};
use super::windows::{Field, Window, total_field};

/// The catalogue's velocity windows and their suffixes.
const WINDOWS: [(&str, Window); 4] =
    [("hourly", Window::Hourly), ("daily", Window::Daily), ("weekly", Window::Weekly), ("all_time", Window::AllTime)];

/// The `_1d`, `_7d`, `_30d` windows of customer and merchant history.
const DAYS: [(&str, Window); 3] = [("1d", Window::Daily), ("7d", Window::Weekly), ("30d", Window::Days30)];

/// The entities of the `*_charges_per_<entity>_*` families.
const CHARGE_ENTITIES: [EntityKind; 6] = [
    EntityKind::BillingAddress,
    EntityKind::CardNumber,
    EntityKind::Customer,
    EntityKind::Email,
    EntityKind::IpAddress,
    EntityKind::ShippingAddress,
];

/// A distinct-count family: name prefix, the set, and the entities (with their name in the family).
type DistinctFamily = (&'static str, &'static str, &'static [(EntityKind, &'static str)]);

/// The distinct-count families.
const DISTINCT: [DistinctFamily; 3] = [
    (
        "card_count_for",
        CARDS,
        &[
            (EntityKind::BillingAddress, "billing_address"),
            (EntityKind::Customer, "customer"),
            (EntityKind::Email, "email"),
            (EntityKind::IpAddress, "ip_address"),
            (EntityKind::ShippingAddress, "shipping_address"),
        ],
    ),
    (
        "email_count_for",
        EMAILS,
        &[
            (EntityKind::BillingAddress, "billing_address"),
            (EntityKind::CardNumber, "card"),
            (EntityKind::IpAddress, "ip"),
            (EntityKind::ShippingAddress, "shipping_address"),
        ],
    ),
    ("name_count_for", NAMES, &[(EntityKind::CardNumber, "card")]),
];

/// Label counts: name prefix, metric, entity, windows.
const LABELS: [(&str, &str, EntityKind, &[&str]); 5] = [
    ("dispute_count_on_card_number", DISPUTES, EntityKind::CardNumber, &["all_time", "yearly"]),
    ("dispute_count_on_ip", DISPUTES, EntityKind::IpAddress, &["hourly", "daily", "weekly", "all_time"]),
    ("efw_count_on_card", EFWS, EntityKind::CardNumber, &["hourly", "daily", "weekly", "all_time"]),
    ("efw_count_on_ip", EFWS, EntityKind::IpAddress, &["hourly", "daily", "weekly", "all_time"]),
    ("refund_count_on_card", REFUNDS, EntityKind::CardNumber, &["hourly", "daily", "weekly", "all_time"]),
];

/// Context attributes of the catalogue this module does not produce, and why.
pub const NOT_COMPUTED: &[(&str, &str)] = &[
    ("hours_since_email_first_seen_on_stripe", ON_STRIPE),
    ("minutes_since_email_first_seen_on_stripe", ON_STRIPE),
    ("seconds_since_email_first_seen_on_stripe", ON_STRIPE),
    ("total_customers_with_prior_fraud_activity_for_card_weekly", PRIOR_FRAUD),
    ("total_customers_with_prior_fraud_activity_for_card_yearly", PRIOR_FRAUD),
    ("total_customers_with_prior_fraud_activity_for_email_weekly", PRIOR_FRAUD),
    ("total_customers_with_prior_fraud_activity_for_email_yearly", PRIOR_FRAUD),
    ("account_risk_level", ACCOUNT),
    ("account_risk_score", ACCOUNT),
    ("days_since_account_was_created", ACCOUNT),
    ("is_my_login_ip", ACCOUNT),
];

const ON_STRIPE: &str = "network-wide (every Stripe merchant): Ward sees only its own platform's payments";
const PRIOR_FRAUD: &str = "needs every other customer's fraud history at read time: a join across customer entities";
const ACCOUNT: &str = "connected-account state the caller supplies, not payment history";

/// Reads one entity's map at `now`; an absent map is an entity with no history.
struct Reader<'m> {
    map: Option<&'m FieldMap>,
    now: i64,
}

impl Reader<'_> {
    fn get(&self, field: &str) -> Option<i64> {
        self.map?.get(field).copied()
    }

    /// The parsed fields of `metric` in the buckets `window` covers.
    fn in_window(&self, metric: &str, window: Window) -> impl Iterator<Item = (Field<'_>, i64)> {
        let range = window.buckets(self.now);
        let prefix = range.map(|(res, _, _)| format!("{metric}:{}:", res.letter())).unwrap_or_default();
        let fields = self.map.filter(|_| range.is_some()).into_iter().flat_map(move |m| {
            let prefix = prefix.clone();
            m.range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(move |(k, _)| k.starts_with(&prefix))
                .map(|(k, v)| (Field::parse(k), *v))
        });
        fields.filter(move |(f, _)| match (f.bucket(), range) {
            (Some((res, b)), Some((r, first, last))) => res == r && (first..=last).contains(&b),
            _ => false,
        })
    }

    /// The sum of `metric` over `window`.
    fn sum(&self, metric: &str, window: Window) -> i64 {
        if window == Window::AllTime {
            return self.get(&total_field(metric)).unwrap_or(0);
        }
        self.in_window(metric, window).filter(|(f, _)| matches!(f, Field::Bucket { .. })).map(|(_, v)| v).sum()
    }

    /// Charges of every outcome over `window`.
    fn charges(&self, window: Window) -> i64 {
        Outcome::ALL.iter().map(|o| self.sum(o.count_metric(), window)).sum()
    }

    /// Distinct members of `set` over `window`, at most `cap`: each bucket keeps up to `cap`
    /// members, so the union is exact whenever it is below `cap`.
    fn distinct(&self, set: &str, window: Window, cap: i64) -> i64 {
        let n = if window == Window::AllTime {
            self.get(&total_field(set)).unwrap_or(0)
        } else {
            let members: BTreeSet<&str> = self
                .in_window(set, window)
                .filter_map(|(f, _)| match f {
                    Field::Member { member, .. } => Some(member),
                    _ => None,
                })
                .collect();
            members.len() as i64
        };
        n.min(cap)
    }

    /// Whole seconds since a first-seen time, never negative; `None` if never seen.
    fn since(&self, field: &str) -> Option<i64> {
        self.get(field).map(|t| self.now.saturating_sub(t).max(0))
    }
}

/// How one attribute is computed, from one entity's map.
#[derive(Clone, Copy, Debug)]
enum Spec {
    /// `{outcome}_charges_per_{entity}_{window}`, or every outcome (`None`): `total_…`, and a
    /// customer's or merchant's `…_charge_count_…`.
    Charges(EntityKind, Window, Option<Outcome>),
    /// A distinct count of a set's members, at most [`BOUNDED_CAP`].
    Distinct(EntityKind, &'static str, Window),
    /// A label count, at most [`BOUNDED_CAP`].
    Label(EntityKind, &'static str, Window),
    /// An all-time amount in dollars.
    Amount(EntityKind, Amount),
    /// Time since a first-seen field, in units of so many seconds.
    Since(EntityKind, &'static str, i64),
    /// Distinct customers, at most [`CUSTOMER_CAP`].
    Customers(EntityKind, Window),
    /// A customer's or merchant's average amount in dollars.
    HistoryAverage(EntityKind, Window),
    /// The merchant's share of charges labelled fraudulent.
    FraudRate(Window),
}

/// The all-time amounts of a card or customer.
#[derive(Clone, Copy, Debug)]
enum Amount {
    AverageAttempted,
    AverageSuccessful,
    Charged,
    Failed,
    Successful,
}

impl Spec {
    /// The entity whose map the attribute reads.
    fn entity(self) -> EntityKind {
        match self {
            Spec::Charges(k, ..)
            | Spec::Distinct(k, ..)
            | Spec::Label(k, ..)
            | Spec::Amount(k, _)
            | Spec::Since(k, ..)
            | Spec::Customers(k, _)
            | Spec::HistoryAverage(k, _) => k,
            Spec::FraudRate(_) => EntityKind::Merchant,
        }
    }

    /// The attribute's value from the entity's reader; `None` where it has none (an average
    /// over no charges, a time since something never seen).
    fn value(self, r: &Reader<'_>) -> Option<f64> {
        match self {
            Spec::Charges(_, window, Some(o)) => Some(r.sum(o.count_metric(), window) as f64),
            Spec::Charges(_, window, None) => Some(r.charges(window) as f64),
            Spec::Distinct(_, set, window) => Some(r.distinct(set, window, BOUNDED_CAP) as f64),
            Spec::Label(_, metric, window) => Some(r.sum(metric, window).min(BOUNDED_CAP) as f64),
            Spec::Amount(_, amount) => {
                let usd = |o: Outcome| r.get(&total_field(o.usd_metric())).unwrap_or(0);
                let (ok, blocked, declined) = (usd(Outcome::Authorized), usd(Outcome::Blocked), usd(Outcome::Declined));
                let all = ok + blocked + declined;
                match amount {
                    Amount::AverageAttempted => average(all, r.charges(Window::AllTime)),
                    Amount::AverageSuccessful => {
                        average(ok, r.sum(Outcome::Authorized.count_metric(), Window::AllTime))
                    }
                    Amount::Charged => Some(dollars(all)),
                    Amount::Failed => Some(dollars(blocked + declined)),
                    Amount::Successful => Some(dollars(ok)),
                }
            }
            Spec::Since(_, field, seconds) => r.since(field).map(|s| (s / seconds) as f64),
            Spec::Customers(_, window) => Some(r.distinct(CUSTOMERS, window, CUSTOMER_CAP) as f64),
            Spec::HistoryAverage(_, window) => average(r.sum(USD, window), r.charges(window)),
            Spec::FraudRate(window) => {
                let n = r.charges(window);
                (n > 0).then(|| r.sum(FRAUD, window) as f64 / n as f64)
            }
        }
    }
}

fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// An average in dollars, `None` over zero charges.
fn average(cents: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| dollars(cents) / n as f64)
}

/// Every attribute this module computes, with how, in catalogue order.
fn catalogue() -> Vec<(String, Spec)> {
    let mut all = Vec::with_capacity(512);
    for kind in CHARGE_ENTITIES {
        for (w, window) in WINDOWS {
            for o in Outcome::ALL {
                let label = match o {
                    Outcome::Authorized => "authorized",
                    Outcome::Blocked => "blocked",
                    Outcome::Declined => "declined",
                };
                all.push((format!("{label}_charges_per_{kind}_{w}"), Spec::Charges(kind, window, Some(o))));
            }
            all.push((format!("total_charges_per_{kind}_{w}"), Spec::Charges(kind, window, None)));
        }
    }
    for (prefix, set, on) in DISTINCT {
        for &(kind, name) in on {
            for (w, window) in WINDOWS {
                all.push((format!("{prefix}_{name}_{w}"), Spec::Distinct(kind, set, window)));
            }
        }
    }
    for (prefix, metric, kind, windows) in LABELS {
        for (w, window) in WINDOWS.iter().chain(&[("yearly", Window::Yearly)]).filter(|(w, _)| windows.contains(w)) {
            all.push((format!("{prefix}_{w}"), Spec::Label(kind, metric, *window)));
        }
    }
    for (kind, on) in [(EntityKind::CardNumber, "card"), (EntityKind::Customer, "customer")] {
        let amounts = [
            ("average_usd_amount_attempted", Amount::AverageAttempted),
            ("average_usd_amount_successful", Amount::AverageSuccessful),
            ("total_usd_amount_charged", Amount::Charged),
            ("total_usd_amount_failed", Amount::Failed),
            ("total_usd_amount_successful", Amount::Successful),
        ];
        for (name, amount) in amounts {
            all.push((format!("{name}_on_{on}_all_time"), Spec::Amount(kind, amount)));
        }
    }
    let since = [
        (EntityKind::Email, FIRST, "email_first_seen"),
        (EntityKind::CardNumber, FIRST, "card_first_seen"),
        (EntityKind::CardNumber, FIRST_AUTH, "first_successful_auth_on_card"),
    ];
    for (kind, field, name) in since {
        for (unit, seconds) in [("hours", 3600), ("minutes", 60), ("seconds", 1)] {
            all.push((format!("{unit}_since_{name}"), Spec::Since(kind, field, seconds)));
        }
    }
    for (kind, on) in [(EntityKind::CardNumber, "card"), (EntityKind::Email, "email")] {
        for (w, window) in [("weekly", Window::Weekly), ("yearly", Window::Yearly)] {
            all.push((format!("total_customers_for_{on}_{w}"), Spec::Customers(kind, window)));
        }
    }
    for (kind, who) in [(EntityKind::Customer, "customer"), (EntityKind::Merchant, "merchant")] {
        for (d, window) in DAYS {
            all.push((format!("{who}_charge_count_{d}"), Spec::Charges(kind, window, None)));
            all.push((format!("{who}_average_usd_amount_{d}"), Spec::HistoryAverage(kind, window)));
            if kind == EntityKind::Merchant {
                all.push((format!("merchant_fraud_rate_{d}"), Spec::FraudRate(window)));
            }
        }
    }
    all
}

/// The attributes a bundle wants, resolved once (when the bundle is loaded) to how each is
/// computed: a payment then computes those alone, instead of considering every name of the
/// catalogue (about 500, of which a bundle reads a dozen) and looking each up.
#[derive(Clone, Debug)]
pub struct Plan {
    wanted: BTreeSet<String>,
    specs: Vec<(String, Spec)>,
}

impl Plan {
    /// The plan for the attributes named in `wanted` (names this module does not compute are
    /// left to other sources), or for every attribute (`None`).
    pub fn new(wanted: Option<&BTreeSet<String>>) -> Plan {
        let specs = catalogue().into_iter().filter(|(name, _)| wanted.is_none_or(|w| w.contains(name))).collect();
        Plan { wanted: wanted.cloned().unwrap_or_default(), specs }
    }

    /// The names the plan was made for (empty for every attribute).
    pub fn wanted(&self) -> &BTreeSet<String> {
        &self.wanted
    }

    /// Whether the plan computes nothing.
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// The planned attributes for a payment scored at `now`, from the current maps of its
    /// entities (see [`features`]).
    pub fn features<'m>(
        &self,
        now: i64,
        entities: &PaymentEntities,
        maps: impl Fn(&EntityRef) -> Option<&'m FieldMap>,
    ) -> BTreeMap<String, Value> {
        let mut values = BTreeMap::new();
        for (name, spec) in &self.specs {
            // Attributes of an entity the payment lacks are not produced.
            let Some(entity) = entities.get(spec.entity()) else { continue };
            if let Some(v) = spec.value(&Reader { map: maps(entity), now }) {
                values.insert(name.clone(), Value::Num(v));
            }
        }
        values
    }
}

/// The context attributes for a payment scored at `now`, from the current maps of its entities.
///
/// Call it BEFORE applying the payment's own [`super::payment_updates`]: the features describe
/// the history before this payment. `maps` returns an entity's map (`None`: no history, so counts
/// are 0, time-since values and averages absent). Attributes of an entity the payment lacks are
/// not produced. With `wanted`, only those names are computed. A server scoring many payments
/// makes a [`Plan`] once instead.
pub fn features<'m>(
    now: i64,
    entities: &PaymentEntities,
    maps: impl Fn(&EntityRef) -> Option<&'m FieldMap>,
    wanted: Option<&BTreeSet<String>>,
) -> BTreeMap<String, Value> {
    Plan::new(wanted).features(now, entities, maps)
}
