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

/// The attributes being produced, filtered by the names wanted.
struct Out<'w> {
    wanted: Option<&'w BTreeSet<String>>,
    values: BTreeMap<String, Value>,
    /// The name being considered, written in place: a server asks for a dozen of the ~500
    /// names, so the others must cost no allocation.
    name: String,
}

impl Out<'_> {
    /// Computes and stores the attribute named by `name` if it is wanted and has a value.
    fn put(&mut self, name: std::fmt::Arguments<'_>, value: impl FnOnce() -> Option<f64>) {
        use std::fmt::Write as _;
        self.name.clear();
        let _ = self.name.write_fmt(name);
        if self.wanted.is_none_or(|w| w.contains(self.name.as_str()))
            && let Some(v) = value()
        {
            self.values.insert(self.name.clone(), Value::Num(v));
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

/// The context attributes for a payment scored at `now`, from the current maps of its entities.
///
/// Call it BEFORE applying the payment's own [`super::payment_updates`]: the features describe
/// the history before this payment. `maps` returns an entity's map (`None`: no history, so counts
/// are 0, time-since values and averages absent). Attributes of an entity the payment lacks are
/// not produced. With `wanted`, only those names are computed.
pub fn features<'m>(
    now: i64,
    entities: &PaymentEntities,
    maps: impl Fn(&EntityRef) -> Option<&'m FieldMap>,
    wanted: Option<&BTreeSet<String>>,
) -> BTreeMap<String, Value> {
    let mut out = Out { wanted, values: BTreeMap::new(), name: String::with_capacity(64) };
    let reader = |kind: EntityKind| entities.get(kind).map(|e| Reader { map: maps(e), now });
    for kind in CHARGE_ENTITIES {
        let Some(r) = reader(kind) else { continue };
        for (w, window) in WINDOWS {
            for o in Outcome::ALL {
                let label = match o {
                    Outcome::Authorized => "authorized",
                    Outcome::Blocked => "blocked",
                    Outcome::Declined => "declined",
                };
                out.put(
                    format_args!("{label}_charges_per_{kind}_{w}"),
                    || Some(r.sum(o.count_metric(), window) as f64),
                );
            }
            out.put(format_args!("total_charges_per_{kind}_{w}"), || Some(r.charges(window) as f64));
        }
    }
    for (prefix, set, on) in DISTINCT {
        for &(kind, name) in on {
            let Some(r) = reader(kind) else { continue };
            for (w, window) in WINDOWS {
                out.put(format_args!("{prefix}_{name}_{w}"), || Some(r.distinct(set, window, BOUNDED_CAP) as f64));
            }
        }
    }
    for (prefix, metric, kind, windows) in LABELS {
        let Some(r) = reader(kind) else { continue };
        for (w, window) in WINDOWS.iter().chain(&[("yearly", Window::Yearly)]).filter(|(w, _)| windows.contains(w)) {
            out.put(format_args!("{prefix}_{w}"), || Some(r.sum(metric, *window).min(BOUNDED_CAP) as f64));
        }
    }
    for (kind, on) in [(EntityKind::CardNumber, "card"), (EntityKind::Customer, "customer")] {
        let Some(r) = reader(kind) else { continue };
        let usd = |o: Outcome| r.get(&total_field(o.usd_metric())).unwrap_or(0);
        let n = |o: Outcome| r.sum(o.count_metric(), Window::AllTime);
        let (ok, blocked, declined) = (usd(Outcome::Authorized), usd(Outcome::Blocked), usd(Outcome::Declined));
        let all = ok + blocked + declined;
        out.put(format_args!("average_usd_amount_attempted_on_{on}_all_time"), || {
            average(all, r.charges(Window::AllTime))
        });
        out.put(format_args!("average_usd_amount_successful_on_{on}_all_time"), || average(ok, n(Outcome::Authorized)));
        out.put(format_args!("total_usd_amount_charged_on_{on}_all_time"), || Some(dollars(all)));
        out.put(format_args!("total_usd_amount_failed_on_{on}_all_time"), || Some(dollars(blocked + declined)));
        out.put(format_args!("total_usd_amount_successful_on_{on}_all_time"), || Some(dollars(ok)));
    }
    let since = [
        (EntityKind::Email, FIRST, "email_first_seen"),
        (EntityKind::CardNumber, FIRST, "card_first_seen"),
        (EntityKind::CardNumber, FIRST_AUTH, "first_successful_auth_on_card"),
    ];
    for (kind, field, name) in since {
        let Some(r) = reader(kind) else { continue };
        for (unit, seconds) in [("hours", 3600), ("minutes", 60), ("seconds", 1)] {
            out.put(format_args!("{unit}_since_{name}"), || r.since(field).map(|s| (s / seconds) as f64));
        }
    }
    for (kind, on) in [(EntityKind::CardNumber, "card"), (EntityKind::Email, "email")] {
        let Some(r) = reader(kind) else { continue };
        for (w, window) in [("weekly", Window::Weekly), ("yearly", Window::Yearly)] {
            out.put(format_args!("total_customers_for_{on}_{w}"), || {
                Some(r.distinct(CUSTOMERS, window, CUSTOMER_CAP) as f64)
            });
        }
    }
    for (kind, who) in [(EntityKind::Customer, "customer"), (EntityKind::Merchant, "merchant")] {
        let Some(r) = reader(kind) else { continue };
        for (d, window) in DAYS {
            // Counted once, and only if one of the three is wanted.
            let n = std::cell::OnceCell::new();
            let n = || *n.get_or_init(|| r.charges(window));
            out.put(format_args!("{who}_charge_count_{d}"), || Some(n() as f64));
            out.put(format_args!("{who}_average_usd_amount_{d}"), || average(r.sum(USD, window), n()));
            if kind == EntityKind::Merchant {
                out.put(format_args!("merchant_fraud_rate_{d}"), || {
                    let n = n();
                    (n > 0).then(|| r.sum(FRAUD, window) as f64 / n as f64)
                });
            }
        }
    }
    out.values
}
