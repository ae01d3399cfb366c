//! Per-type validation and canonical forms of list values (documented on
//! [`ItemType::normalize`](super::ItemType::normalize)).

use super::error::excerpt;
use super::{ItemType, ListError, cidr};

/// Longest value Radar accepts, in characters.
pub const MAX_VALUE_CHARS: usize = 800;

pub(super) fn normalize(ty: ItemType, raw: &str) -> Result<String, ListError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(invalid(ty, raw, "the value is empty"));
    }
    // Lower-casing never shortens a string (in chars), so an over-long input can be refused
    // before it is copied; this keeps a huge probe cheap.
    if longer_than_max(s) {
        return Err(too_long(ty, s));
    }
    let out = match ty {
        ItemType::Email => email(s)?,
        ItemType::Country => country(s)?,
        ItemType::CardBin => card_bin(s)?,
        ItemType::IpAddress => cidr::parse_entry(s).map_err(|why| invalid(ty, s, why))?.canonical(),
        ItemType::String => s.to_lowercase(),
        ItemType::CaseSensitiveString => s.to_owned(),
        ItemType::Account => account(s)?,
        ItemType::CardFingerprint
        | ItemType::CustomerId
        | ItemType::CryptoFingerprint
        | ItemType::SepaDebitFingerprint
        | ItemType::UsBankAccountFingerprint => identifier(ty, s)?,
    };
    // A few characters lower-case to two (`İ` → `i̇`), so check again.
    if longer_than_max(&out) {
        return Err(too_long(ty, &out));
    }
    Ok(out)
}

/// More than [`MAX_VALUE_CHARS`] characters. A string of at most that many bytes cannot be, which
/// spares the character walk for the short values nearly every probe has.
fn longer_than_max(s: &str) -> bool {
    s.len() > MAX_VALUE_CHARS && s.chars().nth(MAX_VALUE_CHARS).is_some()
}

fn invalid(item_type: ItemType, value: &str, reason: &'static str) -> ListError {
    ListError::InvalidValue { item_type, value: excerpt(value), reason }
}

fn too_long(item_type: ItemType, s: &str) -> ListError {
    ListError::ValueTooLong { item_type, len: s.chars().count(), limit: MAX_VALUE_CHARS }
}

fn has_space_or_control(s: &str) -> bool {
    s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn email(s: &str) -> Result<String, ListError> {
    let ty = ItemType::Email;
    if has_space_or_control(s) {
        return Err(invalid(ty, s, "an email address cannot contain spaces or control characters"));
    }
    match s.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@') => {
            Ok(s.to_lowercase())
        }
        _ => Err(invalid(ty, s, "expected one `@` with text on both sides, e.g. `jenny@example.com`")),
    }
}

fn country(s: &str) -> Result<String, ListError> {
    if s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(s.to_ascii_uppercase())
    } else {
        Err(invalid(ItemType::Country, s, "expected a two-letter ISO 3166-1 alpha-2 code such as `CA`"))
    }
}

fn card_bin(s: &str) -> Result<String, ListError> {
    if (6..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_owned())
    } else {
        Err(invalid(ItemType::CardBin, s, "expected the first 6 to 8 digits of a card number, e.g. `424242`"))
    }
}

fn account(s: &str) -> Result<String, ListError> {
    let id = identifier(ItemType::Account, s)?;
    match id.strip_prefix("acct_") {
        Some(rest) if !rest.is_empty() => Ok(id),
        _ => Err(invalid(ItemType::Account, s, "expected a connected account id such as `acct_1032D82eZvKYlo2C`")),
    }
}

fn identifier(ty: ItemType, s: &str) -> Result<String, ListError> {
    if has_space_or_control(s) {
        Err(invalid(ty, s, "an id or fingerprint cannot contain spaces or control characters"))
    } else {
        Ok(s.to_owned())
    }
}

#[cfg(test)]
#[path = "normalize_tests.rs"]
mod tests;
