//! Names, types and sources of every attribute.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::derive::{PAYMENT_ATTRIBUTES, PaymentAttr};

/// Radar's value types, which decide the operators a rule may use on an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttrType {
    /// Compared without regard to case (`:email:`).
    CaseInsensitiveString,
    /// Compared exactly (`:card_fingerprint:`, `:customer:`).
    CaseSensitiveString,
    /// ISO 3166-1 alpha-2 country, case-insensitive.
    Country,
    /// ISO 3166-2 subdivision without the country part, case-insensitive.
    State,
    /// A number.
    Numeric,
    /// A counter capped at 25.
    BoundedNumeric,
    /// `true` or `false`, used bare in rules (`:is_anonymous_ip:`).
    Boolean,
}

impl AttrType {
    /// Whether values of this type are strings.
    pub fn is_string(self) -> bool {
        matches!(
            self,
            AttrType::CaseInsensitiveString | AttrType::CaseSensitiveString | AttrType::Country | AttrType::State
        )
    }

    /// Whether values of this type are numbers.
    pub fn is_numeric(self) -> bool {
        matches!(self, AttrType::Numeric | AttrType::BoundedNumeric)
    }
}

/// Where an attribute's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrSource {
    /// Derived from the payment by the engine.
    Payment(PaymentAttr),
    /// Supplied by the caller in the evaluation's `context` (velocity, history, account state).
    Context,
    /// Produced by the model (`risk_score`, `risk_level`).
    Score,
}

/// One attribute in the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrSpec {
    /// The name as rules write it between colons.
    pub name: String,
    /// Its value type.
    pub ty: AttrType,
    /// Where the value comes from.
    pub source: AttrSource,
    /// For enumerated strings, every value it can take (lower case); empty otherwise.
    pub values: &'static [&'static str],
    /// What the attribute means.
    pub description: String,
}

/// Index of an attribute in a [`Catalogue`] (and in a [`super::Frame`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttrId(pub u16);

impl AttrId {
    /// The index as a `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The full attribute catalogue. Built once per engine; immutable afterwards.
#[derive(Clone, Debug)]
pub struct Catalogue {
    specs: Vec<AttrSpec>,
    by_name: FxHashMap<String, AttrId>,
}

/// `risk_level` values.
pub const RISK_LEVELS: &[&str] = &["normal", "elevated", "highest", "not_assessed", "unknown"];

/// A distinct-count family: name prefix, what is counted, and the entities it is counted for.
type DistinctFamily = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

const WINDOWS: &[(&str, &str)] = &[
    ("hourly", "in the last hour"),
    ("daily", "in the last day"),
    ("weekly", "in the last week"),
    ("all_time", "ever"),
];

impl Catalogue {
    /// Radar's catalogue plus Ward's extensions.
    pub fn standard() -> Self {
        let mut c = Catalogue { specs: Vec::with_capacity(600), by_name: FxHashMap::default() };
        for p in PAYMENT_ATTRIBUTES {
            c.push(p.name.to_owned(), p.ty, AttrSource::Payment(p.attr), p.values, p.description.to_owned());
        }
        c.push(
            "risk_score".into(),
            AttrType::Numeric,
            AttrSource::Score,
            &[],
            "The model's risk score, 0-99 (elevated from 65 and highest from 75 by default)".into(),
        );
        c.push(
            "risk_level".into(),
            AttrType::CaseInsensitiveString,
            AttrSource::Score,
            RISK_LEVELS,
            "The risk level the score falls in".into(),
        );
        c.add_velocity_families();
        c.add_history_attributes();
        c
    }

    fn push(
        &mut self,
        name: String,
        ty: AttrType,
        source: AttrSource,
        values: &'static [&'static str],
        description: String,
    ) {
        let id = AttrId(self.specs.len() as u16);
        self.by_name.insert(name.clone(), id);
        self.specs.push(AttrSpec { name, ty, source, values, description });
    }

    fn context(&mut self, name: String, ty: AttrType, description: String) {
        self.push(name, ty, AttrSource::Context, &[], description);
    }

    fn add_velocity_families(&mut self) {
        let entities = [
            ("billing_address", "this billing address"),
            ("card_number", "this card"),
            ("customer", "this customer"),
            ("email", "this email"),
            ("ip_address", "this IP address"),
            ("shipping_address", "this shipping address"),
        ];
        for kind in ["authorized", "blocked", "declined", "total"] {
            for (entity, what) in entities {
                for (w, when) in WINDOWS {
                    let label = if kind == "total" { String::new() } else { format!("{kind} ") };
                    self.context(
                        format!("{kind}_charges_per_{entity}_{w}"),
                        AttrType::Numeric,
                        format!("Number of {label}charges on {what} {when}"),
                    );
                }
            }
        }
        let distinct: [DistinctFamily; 3] = [
            (
                "card_count_for",
                "cards",
                &[
                    ("billing_address", "this billing address"),
                    ("customer", "this customer"),
                    ("email", "this email"),
                    ("ip_address", "this IP address"),
                    ("shipping_address", "this shipping address"),
                ],
            ),
            (
                "email_count_for",
                "emails",
                &[
                    ("billing_address", "this billing address"),
                    ("card", "this card"),
                    ("ip", "this IP address"),
                    ("shipping_address", "this shipping address"),
                ],
            ),
            ("name_count_for", "cardholder names", &[("card", "this card")]),
        ];
        for (prefix, counted, entities) in distinct {
            for (entity, what) in entities {
                for (w, when) in WINDOWS {
                    self.context(
                        format!("{prefix}_{entity}_{w}"),
                        AttrType::BoundedNumeric,
                        format!("Distinct {counted} used with {what} {when}"),
                    );
                }
            }
        }
        let fraud: [(&str, &str, &[&str]); 5] = [
            ("dispute_count_on_card_number", "Fraud disputes on this card", &["all_time", "yearly"]),
            ("dispute_count_on_ip", "Fraud disputes from this IP address", &["hourly", "daily", "weekly", "all_time"]),
            ("efw_count_on_card", "Early fraud warnings on this card", &["hourly", "daily", "weekly", "all_time"]),
            (
                "efw_count_on_ip",
                "Early fraud warnings from this IP address",
                &["hourly", "daily", "weekly", "all_time"],
            ),
            ("refund_count_on_card", "Refunds on this card", &["hourly", "daily", "weekly", "all_time"]),
        ];
        for (prefix, what, windows) in fraud {
            for w in windows {
                let when = WINDOWS.iter().find(|(n, _)| n == w).map_or("in the last year", |(_, d)| d);
                self.context(format!("{prefix}_{w}"), AttrType::BoundedNumeric, format!("{what} {when}"));
            }
        }
    }

    fn add_history_attributes(&mut self) {
        for which in ["attempted", "successful"] {
            for on in ["card", "customer"] {
                self.context(
                    format!("average_usd_amount_{which}_on_{on}_all_time"),
                    AttrType::Numeric,
                    format!("Average USD amount of {which} charges on this {on}"),
                );
            }
        }
        for which in ["charged", "failed", "successful"] {
            for on in ["card", "customer"] {
                self.context(
                    format!("total_usd_amount_{which}_on_{on}_all_time"),
                    AttrType::Numeric,
                    format!("Total USD amount {which} on this {on}"),
                );
            }
        }
        for unit in ["hours", "minutes", "seconds"] {
            for since in [
                ("email_first_seen", "this email was first seen"),
                ("email_first_seen_on_stripe", "this email was first seen anywhere"),
                ("card_first_seen", "this card was first seen"),
                ("first_successful_auth_on_card", "the first successful authorization on this card"),
            ] {
                self.context(
                    format!("{unit}_since_{}", since.0),
                    AttrType::Numeric,
                    format!("{unit} since {}", since.1),
                );
            }
        }
        for on in ["card", "email"] {
            for w in ["weekly", "yearly"] {
                self.context(
                    format!("total_customers_for_{on}_{w}"),
                    AttrType::Numeric,
                    format!("Customers using this {on} ({w})"),
                );
                self.context(
                    format!("total_customers_with_prior_fraud_activity_for_{on}_{w}"),
                    AttrType::BoundedNumeric,
                    format!("Customers with prior fraud using this {on} ({w})"),
                );
            }
        }
        for (days, when) in [("1d", "in the last day"), ("7d", "in the last 7 days"), ("30d", "in the last 30 days")] {
            for (who, what) in [("customer", "this customer"), ("merchant", "this merchant")] {
                self.context(
                    format!("{who}_charge_count_{days}"),
                    AttrType::Numeric,
                    format!("Charges by {what} {when}"),
                );
                self.context(
                    format!("{who}_average_usd_amount_{days}"),
                    AttrType::Numeric,
                    format!("Average USD amount of charges by {what} {when}"),
                );
            }
            self.context(
                format!("merchant_fraud_rate_{days}"),
                AttrType::Numeric,
                format!("Share of this merchant's charges {when} known to be fraudulent at scoring time"),
            );
        }
        self.push(
            "account_risk_level".into(),
            AttrType::CaseInsensitiveString,
            AttrSource::Context,
            RISK_LEVELS,
            "Risk level of the connected account".into(),
        );
        self.context(
            "account_risk_score".into(),
            AttrType::Numeric,
            "Risk score of the connected account, 0-99".into(),
        );
        self.context(
            "days_since_account_was_created".into(),
            AttrType::Numeric,
            "Days since the connected account was created".into(),
        );
        self.push(
            "is_my_login_ip".into(),
            AttrType::Boolean,
            AttrSource::Context,
            &[],
            "The IP address was used to log in to the merchant's account".into(),
        );
    }

    /// The id of an attribute by name.
    pub fn lookup(&self, name: &str) -> Option<AttrId> {
        self.by_name.get(name).copied()
    }

    /// The spec of an attribute.
    pub fn spec(&self, id: AttrId) -> &AttrSpec {
        &self.specs[id.index()]
    }

    /// The spec of an attribute by name.
    pub fn get(&self, name: &str) -> Option<&AttrSpec> {
        self.lookup(name).map(|id| self.spec(id))
    }

    /// How many attributes there are (the size of a [`super::Frame`]).
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Whether the catalogue is empty (it never is).
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    /// All attributes with their ids, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (AttrId, &AttrSpec)> {
        self.specs.iter().enumerate().map(|(i, s)| (AttrId(i as u16), s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radar_attributes_are_present_with_their_types() {
        let c = Catalogue::standard();
        let ty = |n: &str| c.get(n).map(|s| s.ty);
        assert_eq!(ty("amount_in_usd"), Some(AttrType::Numeric));
        assert_eq!(ty("card_country"), Some(AttrType::Country));
        assert_eq!(ty("card_fingerprint"), Some(AttrType::CaseSensitiveString));
        assert_eq!(ty("total_charges_per_card_number_hourly"), Some(AttrType::Numeric));
        assert_eq!(ty("card_count_for_email_daily"), Some(AttrType::BoundedNumeric));
        assert_eq!(ty("is_anonymous_ip"), Some(AttrType::Boolean));
        assert_eq!(ty("billing_address_state"), Some(AttrType::State));
        assert_eq!(ty("risk_level"), Some(AttrType::CaseInsensitiveString));
        assert_eq!(c.get("account_risk_level").map(|s| s.source), Some(AttrSource::Context));
        assert!(c.get("no_such_attribute").is_none());
    }

    #[test]
    fn names_are_unique_and_ids_round_trip() {
        let c = Catalogue::standard();
        for (id, spec) in c.iter() {
            assert_eq!(c.lookup(&spec.name), Some(id), "{}", spec.name);
        }
    }
}
