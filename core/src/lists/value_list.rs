//! The stored shape of a value list and its items, and the rules for aliases.

use serde::{Deserialize, Serialize};

use super::error::excerpt;
use super::{ItemType, ListError};

/// Longest alias or name Radar accepts, in characters.
pub const MAX_ALIAS_CHARS: usize = 100;
/// Longest list name Radar accepts, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Most items one list may hold.
pub const MAX_ITEMS: usize = 50_000;

/// A list's position in its [`ListSet`](super::ListSet): what compiled rules hold instead of the
/// alias, so a membership test does not hash the alias.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ListId(pub u32);

/// One value in a list (a `radar.value_list_item`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    /// The value, in the canonical form of the list's [`ItemType`] (see
    /// [`ItemType::normalize`]). [`ListSet::new`](super::ListSet::new) normalises it if it is not.
    pub value: String,
    /// When the item stops matching, in unix seconds: it matches while `now < expires_at`, so it
    /// no longer matches at exactly `expires_at`. `None` never expires.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

impl ListItem {
    /// An item that never expires.
    pub fn new(value: impl Into<String>) -> Self {
        ListItem { value: value.into(), expires_at: None }
    }

    /// An item that stops matching at `expires_at` (unix seconds).
    pub fn expiring(value: impl Into<String>, expires_at: i64) -> Self {
        ListItem { value: value.into(), expires_at: Some(expires_at) }
    }

    /// Whether the item still matches at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        self.expires_at.is_none_or(|t| now < t)
    }
}

/// A value list (a `radar.value_list`), as stored in a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueList {
    /// The list's id (`rsl_...`); must be non-empty and unique within a set.
    pub id: String,
    /// The name rules use after `@`: letters, digits and `_`, at most 100 characters; unique.
    pub alias: String,
    /// A human-readable name, at most 100 characters.
    pub name: String,
    /// What the list holds; decides validation and matching.
    pub item_type: ItemType,
    /// The values, in the order they were added.
    #[serde(default)]
    pub items: Vec<ListItem>,
}

impl ValueList {
    /// An empty list.
    pub fn new(id: impl Into<String>, alias: impl Into<String>, name: impl Into<String>, item_type: ItemType) -> Self {
        ValueList { id: id.into(), alias: alias.into(), name: name.into(), item_type, items: Vec::new() }
    }

    /// The same list with `items` appended; convenient for building lists in code.
    pub fn with_items(mut self, items: impl IntoIterator<Item = ListItem>) -> Self {
        self.items.extend(items);
        self
    }
}

/// Checks that `alias` can be written as `@alias` in a rule: 1 to 100 ASCII letters, digits or
/// underscores. Aliases are case-sensitive.
pub fn validate_alias(alias: &str) -> Result<(), ListError> {
    if alias.is_empty() {
        return Err(ListError::InvalidAlias { alias: String::new(), reason: "an alias cannot be empty" });
    }
    let len = alias.chars().count();
    if len > MAX_ALIAS_CHARS {
        return Err(ListError::AliasTooLong { alias: excerpt(alias), len, limit: MAX_ALIAS_CHARS });
    }
    if alias.starts_with('@') {
        return Err(ListError::InvalidAlias {
            alias: excerpt(alias),
            reason: "write the alias without the leading `@`; rules add it",
        });
    }
    if !alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(ListError::InvalidAlias {
            alias: excerpt(alias),
            reason: "an alias may contain only ASCII letters, digits and `_`",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases() {
        for ok in ["a", "blocked_emails", "List_2", "_x", "9lives", &"a".repeat(100)] {
            assert_eq!(validate_alias(ok), Ok(()), "{ok}");
        }
        for bad in ["", "@blocked", "blocked emails", "blocked-emails", "émail", "a.b", "a\n"] {
            assert!(matches!(validate_alias(bad), Err(ListError::InvalidAlias { .. })), "{bad:?}");
        }
        assert!(matches!(validate_alias(&"a".repeat(101)), Err(ListError::AliasTooLong { len: 101, limit: 100, .. })));
    }

    #[test]
    fn item_liveness_ends_at_expiry() {
        let item = ListItem::expiring("x", 100);
        assert!(item.is_live(99));
        assert!(!item.is_live(100));
        assert!(!item.is_live(101));
        assert!(ListItem::new("x").is_live(i64::MAX));
    }

    #[test]
    fn postcard_round_trip() {
        let list = ValueList::new("rsl_1", "bad", "Bad", ItemType::Email)
            .with_items([ListItem::new("a@b.c"), ListItem::expiring("d@e.f", 7)]);
        let bytes = postcard::to_allocvec(&list).unwrap();
        assert_eq!(postcard::from_bytes::<ValueList>(&bytes).unwrap(), list);
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(serde_json::from_str::<ValueList>(&json).unwrap(), list);
    }

    #[test]
    fn json_items_and_expiry_are_optional() {
        let list: ValueList =
            serde_json::from_str(r#"{"id":"rsl_1","alias":"a","name":"A","item_type":"country"}"#).unwrap();
        assert!(list.items.is_empty());
        let item: ListItem = serde_json::from_str(r#"{"value":"CA"}"#).unwrap();
        assert_eq!(item, ListItem::new("CA"));
    }
}
