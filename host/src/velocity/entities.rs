//! The entities a payment touches and how they are named in the store.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use ward_core::Payment;
use ward_core::attributes::{AttrSource, Catalogue, DeriveInput, derive_payment_attribute};
use ward_core::currency::CurrencyTable;

/// What kind of thing an entity is. Each kind has its own field maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A card, by fingerprint.
    CardNumber,
    /// A customer, by id.
    Customer,
    /// An email address, case-insensitive.
    Email,
    /// A client IP address.
    IpAddress,
    /// A billing address (the whole address, case-insensitive).
    BillingAddress,
    /// A shipping address (the whole address, case-insensitive).
    ShippingAddress,
    /// The merchant (account) the payment is for.
    Merchant,
}

impl EntityKind {
    /// Every kind.
    pub const ALL: [EntityKind; 7] = [
        EntityKind::CardNumber,
        EntityKind::Customer,
        EntityKind::Email,
        EntityKind::IpAddress,
        EntityKind::BillingAddress,
        EntityKind::ShippingAddress,
        EntityKind::Merchant,
    ];

    /// The kind's name, as in store keys and in the catalogue's `_per_<entity>_` attribute names.
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityKind::CardNumber => "card_number",
            EntityKind::Customer => "customer",
            EntityKind::Email => "email",
            EntityKind::IpAddress => "ip_address",
            EntityKind::BillingAddress => "billing_address",
            EntityKind::ShippingAddress => "shipping_address",
            EntityKind::Merchant => "merchant",
        }
    }

    /// Whether values of this kind compare without regard to case (as the catalogue types them).
    const fn case_insensitive(self) -> bool {
        !matches!(self, EntityKind::CardNumber | EntityKind::Customer | EntityKind::Merchant)
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A store key that is not `<kind>:<id>` with a known kind and a hash id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an entity key: {0:?}")]
pub struct BadEntityKey(pub String);

impl FromStr for EntityKind {
    type Err = BadEntityKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| BadEntityKey(s.to_owned()))
    }
}

/// A short stable hash of a value: the first 8 bytes of its SHA-256, in hex. Keeps keys and field
/// names short and free of user text (emails, addresses never reach the store).
pub fn short_hash(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(value.as_bytes());
    let mut out = String::with_capacity(16);
    for b in &digest[..8] {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// Which entity a field map belongs to: its kind and the short hash of its value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    /// The kind.
    pub kind: EntityKind,
    /// [`short_hash`] of the normalised value: safe in a key.
    pub id: String,
}

impl EntityRef {
    /// The entity for a raw value (an email as typed, a fingerprint): case-insensitive kinds are
    /// trimmed and lower-cased first, so `Jo@X.com` and `jo@x.com` are one entity, as in rules.
    pub fn of(kind: EntityKind, value: &str) -> EntityRef {
        let id = if kind.case_insensitive() { short_hash(&value.trim().to_lowercase()) } else { short_hash(value) };
        EntityRef { kind, id }
    }

    /// The store key, `<kind>:<id>` (`card_number:3fa9c0d1e2b3a4f5`).
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }

    /// Reads a key written by [`EntityRef::key`].
    pub fn from_key(key: &str) -> Result<EntityRef, BadEntityKey> {
        let bad = || BadEntityKey(key.to_owned());
        let (kind, id) = key.split_once(':').ok_or_else(bad)?;
        let hex = id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex {
            return Err(bad());
        }
        Ok(EntityRef { kind: kind.parse().map_err(|_| bad())?, id: id.to_owned() })
    }
}

/// The entities one payment touches. An entity the payment lacks (no email, no IP) is `None`:
/// its attributes are then not produced at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEntities {
    /// The merchant, always present.
    pub merchant: EntityRef,
    /// The card, by fingerprint (derived from the number for raw test cards).
    pub card_number: Option<EntityRef>,
    /// The customer id.
    pub customer: Option<EntityRef>,
    /// The email (receipt, billing, then customer email), as `:email:` reads it.
    pub email: Option<EntityRef>,
    /// The client IP address.
    pub ip_address: Option<EntityRef>,
    /// The whole billing address.
    pub billing_address: Option<EntityRef>,
    /// The whole shipping address.
    pub shipping_address: Option<EntityRef>,
    /// [`short_hash`] of the cardholder name (lower-cased): a set member on the card, not an entity.
    pub cardholder_name: Option<String>,
}

impl PaymentEntities {
    /// Only the merchant: a payment with nothing else known.
    pub fn merchant_only(merchant: &str) -> PaymentEntities {
        PaymentEntities {
            merchant: EntityRef::of(EntityKind::Merchant, merchant),
            card_number: None,
            customer: None,
            email: None,
            ip_address: None,
            billing_address: None,
            shipping_address: None,
            cardholder_name: None,
        }
    }

    /// The entity of a kind, if the payment has one.
    pub fn get(&self, kind: EntityKind) -> Option<&EntityRef> {
        match kind {
            EntityKind::CardNumber => self.card_number.as_ref(),
            EntityKind::Customer => self.customer.as_ref(),
            EntityKind::Email => self.email.as_ref(),
            EntityKind::IpAddress => self.ip_address.as_ref(),
            EntityKind::BillingAddress => self.billing_address.as_ref(),
            EntityKind::ShippingAddress => self.shipping_address.as_ref(),
            EntityKind::Merchant => Some(&self.merchant),
        }
    }

    /// Every entity present, merchant included: the maps to read before scoring.
    pub fn all(&self) -> impl Iterator<Item = &EntityRef> {
        EntityKind::ALL.into_iter().filter_map(|k| self.get(k))
    }
}

/// The engine's catalogue and currency table, built once: entity values are read with the
/// engine's own derivations, so they are exactly what rules see.
fn engine_tables() -> &'static (Catalogue, CurrencyTable) {
    static TABLES: OnceLock<(Catalogue, CurrencyTable)> = OnceLock::new();
    TABLES.get_or_init(|| (Catalogue::standard(), CurrencyTable::standard()))
}

/// A string payment attribute, derived by the engine.
fn derived(input: &DeriveInput<'_>, catalogue: &Catalogue, name: &str) -> Option<String> {
    match catalogue.get(name)?.source {
        AttrSource::Payment(attr) => derive_payment_attribute(attr, input)?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The payment's amount in US cents, converted with the engine's currency table (what
/// `:amount_in_usd:` reads); `None` for a currency the table lacks.
pub fn usd_cents(payment: &Payment) -> Option<i64> {
    let (catalogue, currencies) = engine_tables();
    let input = DeriveInput::new(payment, currencies);
    match catalogue.get("amount_in_usd")?.source {
        AttrSource::Payment(attr) => match derive_payment_attribute(attr, &input)? {
            ward_core::Value::Num(usd) => Some((usd * 100.0).round() as i64),
            _ => None,
        },
        _ => None,
    }
}

/// The entities a payment touches, for `merchant` (the account id the server scores for).
pub fn entities_of(payment: &Payment, merchant: &str) -> PaymentEntities {
    let (catalogue, currencies) = engine_tables();
    let input = DeriveInput::new(payment, currencies);
    let get = |kind: EntityKind, attr: &str| derived(&input, catalogue, attr).map(|v| EntityRef::of(kind, &v));
    PaymentEntities {
        merchant: EntityRef::of(EntityKind::Merchant, merchant),
        card_number: get(EntityKind::CardNumber, "card_fingerprint"),
        customer: get(EntityKind::Customer, "customer"),
        email: get(EntityKind::Email, "email"),
        ip_address: get(EntityKind::IpAddress, "ip_address"),
        billing_address: get(EntityKind::BillingAddress, "billing_address"),
        shipping_address: get(EntityKind::ShippingAddress, "shipping_address"),
        cardholder_name: derived(&input, catalogue, "cardholder_name").map(|n| short_hash(&n.trim().to_lowercase())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_and_round_trip() {
        let e = EntityRef::of(EntityKind::Email, " Jo@Example.COM ");
        assert_eq!(e, EntityRef::of(EntityKind::Email, "jo@example.com"));
        assert_eq!(e.id.len(), 16);
        assert!(e.key().starts_with("email:"));
        assert_eq!(EntityRef::from_key(&e.key()), Ok(e));
        assert!(EntityRef::from_key("email:jo@example.com").is_err());
        assert!(EntityRef::from_key("planet:0123456789abcdef").is_err());
        // Fingerprints are case-sensitive.
        assert_ne!(EntityRef::of(EntityKind::CardNumber, "Ab"), EntityRef::of(EntityKind::CardNumber, "ab"));
    }
}
