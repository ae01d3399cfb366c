//! Value lists (`@alias` in rules).
//!
//! Stand-in with the public API the rules module relies on; the full implementation replaces it.

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// Index of a list in a [`ListSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListId(pub u32);

/// What a list holds; decides how values are normalised before matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// First six digits of a card number.
    CardBin,
    /// Card fingerprint (case-sensitive).
    CardFingerprint,
    /// Any string, matched exactly.
    CaseSensitiveString,
    /// ISO 3166-1 alpha-2 country.
    Country,
    /// Crypto wallet fingerprint (case-sensitive).
    CryptoFingerprint,
    /// Customer id (case-sensitive).
    CustomerId,
    /// Email address.
    Email,
    /// IP address.
    IpAddress,
    /// Any string, matched case-insensitively.
    String,
    /// SEPA debit fingerprint (case-sensitive).
    SepaDebitFingerprint,
    /// US bank account fingerprint (case-sensitive).
    UsBankAccountFingerprint,
    /// Connected account id (case-sensitive).
    Account,
}

impl ItemType {
    /// The API name of the item type.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::CardBin => "card_bin",
            ItemType::CardFingerprint => "card_fingerprint",
            ItemType::CaseSensitiveString => "case_sensitive_string",
            ItemType::Country => "country",
            ItemType::CryptoFingerprint => "crypto_fingerprint",
            ItemType::CustomerId => "customer_id",
            ItemType::Email => "email",
            ItemType::IpAddress => "ip_address",
            ItemType::String => "string",
            ItemType::SepaDebitFingerprint => "sepa_debit_fingerprint",
            ItemType::UsBankAccountFingerprint => "us_bank_account_fingerprint",
            ItemType::Account => "account",
        }
    }

    fn case_sensitive(self) -> bool {
        matches!(
            self,
            ItemType::CardFingerprint
                | ItemType::CaseSensitiveString
                | ItemType::CryptoFingerprint
                | ItemType::CustomerId
                | ItemType::SepaDebitFingerprint
                | ItemType::UsBankAccountFingerprint
                | ItemType::Account
        )
    }

    fn normalise(self, s: &str) -> String {
        if self.case_sensitive() { s.to_owned() } else { s.to_lowercase() }
    }
}

/// A set of value lists, looked up by alias.
#[derive(Clone, Debug, Default)]
pub struct ListSet {
    lists: Vec<(String, ItemType, Vec<String>)>,
}

impl ListSet {
    /// A list set from `(alias, item type, items)` triples.
    #[doc(hidden)]
    pub fn from_simple(lists: Vec<(String, ItemType, Vec<String>)>) -> Self {
        let lists = lists
            .into_iter()
            .map(|(alias, ty, items)| {
                let items = items.iter().map(|i| ty.normalise(i)).collect();
                (alias, ty, items)
            })
            .collect();
        ListSet { lists }
    }

    /// The list with this alias (written without the `@`).
    pub fn resolve(&self, alias: &str) -> Option<ListId> {
        self.lists.iter().position(|(a, _, _)| a == alias).map(|i| ListId(i as u32))
    }

    /// The item type of a list.
    pub fn item_type(&self, id: ListId) -> ItemType {
        self.lists.get(id.0 as usize).map_or(ItemType::String, |l| l.1)
    }

    /// Whether the list holds the value, after normalising it for the list's item type.
    pub fn contains(&self, id: ListId, value: &Value, _now: i64) -> bool {
        let Some((_, ty, items)) = self.lists.get(id.0 as usize) else { return false };
        let text = match value {
            Value::Str(s) => ty.normalise(s),
            Value::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Num(n) => format!("{n}"),
            Value::Bool(_) => return false,
        };
        items.contains(&text)
    }
}
