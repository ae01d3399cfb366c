//! The twelve Radar value-list item types.

use serde::{Deserialize, Serialize};

use super::{ListError, normalize};

/// What a value list holds. Fixed when the list is created; it decides how values are
/// validated and normalised (see [`ItemType::normalize`]).
///
/// Serialised in Radar's snake_case spelling (`card_bin`, `us_bank_account_fingerprint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// Card BINs: 6 to 8 digits.
    CardBin,
    /// Card fingerprints, matched exactly.
    CardFingerprint,
    /// Strings matched exactly, case included.
    CaseSensitiveString,
    /// ISO 3166-1 alpha-2 countries, matched without regard to case.
    Country,
    /// Crypto wallet fingerprints, matched exactly.
    CryptoFingerprint,
    /// Customer ids, matched exactly.
    CustomerId,
    /// Email addresses, matched without regard to case.
    Email,
    /// IP addresses (v4 or v6) and CIDR ranges.
    IpAddress,
    /// Strings matched without regard to case; Radar's choice for unknown or mixed types.
    String,
    /// SEPA Direct Debit account fingerprints, matched exactly.
    SepaDebitFingerprint,
    /// US bank account fingerprints, matched exactly.
    UsBankAccountFingerprint,
    /// Connected account ids (`acct_...`), matched exactly.
    Account,
}

impl ItemType {
    /// Every item type, in Radar's documentation order.
    pub const ALL: [ItemType; 12] = [
        ItemType::CardBin,
        ItemType::CardFingerprint,
        ItemType::CaseSensitiveString,
        ItemType::Country,
        ItemType::CryptoFingerprint,
        ItemType::CustomerId,
        ItemType::Email,
        ItemType::IpAddress,
        ItemType::String,
        ItemType::SepaDebitFingerprint,
        ItemType::UsBankAccountFingerprint,
        ItemType::Account,
    ];

    /// Radar's name for the type (`card_bin`, `ip_address`, ...).
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

    /// The type with Radar's name `s`, spelled exactly as [`ItemType::as_str`] gives it.
    pub fn parse(s: &str) -> Option<ItemType> {
        ItemType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Validates `raw` for this type and returns its canonical form, the form lists store and
    /// membership compares.
    ///
    /// Every type first trims surrounding whitespace and refuses empty values and values over
    /// 800 characters. Then:
    ///
    /// | type | canonical form | refused |
    /// |---|---|---|
    /// | `email` | lower-cased | anything but one `@` with text on both sides; whitespace or control characters |
    /// | `country` | upper-cased (`ca` → `CA`) | anything but two ASCII letters |
    /// | `card_bin` | as given | anything but 6 to 8 ASCII digits |
    /// | `ip_address` | `IpAddr` display form: IPv6 compressed and lower-case, IPv4-mapped IPv6 as IPv4; CIDR ranges as `network/prefix` with host bits cleared, and a full-length prefix (`/32`, `/128`) as the bare address | anything `core::net::IpAddr` does not parse; prefixes over 32 (v4) or 128 (v6) |
    /// | `string` | lower-cased (Unicode) | nothing else |
    /// | `case_sensitive_string` | as given | nothing else |
    /// | `account` | as given | ids not starting `acct_`; whitespace or control characters |
    /// | `card_fingerprint`, `customer_id`, `crypto_fingerprint`, `sepa_debit_fingerprint`, `us_bank_account_fingerprint` | as given | whitespace or control characters |
    ///
    /// Normalising is idempotent: a canonical value normalises to itself.
    pub fn normalize(self, raw: &str) -> Result<String, ListError> {
        normalize::normalize(self, raw)
    }
}

impl std::fmt::Display for ItemType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in ItemType::ALL {
            assert_eq!(ItemType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<ItemType>(&format!("\"{t}\"")).unwrap(), t);
        }
    }

    #[test]
    fn all_names_are_distinct() {
        let mut names: Vec<_> = ItemType::ALL.iter().map(|t| t.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 12);
    }

    #[test]
    fn parse_is_exact() {
        for bad in ["", "Card_Bin", " email", "ip", "strings", "acct"] {
            assert_eq!(ItemType::parse(bad), None, "{bad}");
        }
    }
}
