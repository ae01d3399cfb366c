//! Errors from building value lists and normalising their values.

use super::ItemType;

/// Longest excerpt of a user-supplied string an error message repeats; enough to recognise it,
/// short enough that a pasted megabyte does not end up in a log line.
const EXCERPT_CHARS: usize = 64;

/// What can be wrong with a value list or one of its values.
///
/// Every variant names the list (by alias), the value or the limit involved, so the message
/// alone tells the user what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    /// A value is not valid for the list's item type (`country` must be two letters, ...).
    #[error("`{value}` is not a valid {item_type} value: {reason}")]
    InvalidValue {
        /// The item type the value was checked against.
        item_type: ItemType,
        /// The offending value (shortened if long).
        value: String,
        /// Why it was refused, and what is expected instead.
        reason: &'static str,
    },
    /// A value is longer than the 800 characters Radar allows.
    #[error("this {item_type} value is {len} characters long; values are limited to {limit} characters")]
    ValueTooLong {
        /// The item type the value was checked against.
        item_type: ItemType,
        /// The value's length in characters (after normalisation).
        len: usize,
        /// The limit, 800.
        limit: usize,
    },
    /// An alias that rules could not reference as `@alias`.
    #[error("list alias `{alias}` is invalid: {reason}")]
    InvalidAlias {
        /// The offending alias (shortened if long).
        alias: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An alias longer than 100 characters.
    #[error("list alias `{alias}` is {len} characters long; aliases are limited to {limit} characters")]
    AliasTooLong {
        /// The offending alias (shortened).
        alias: String,
        /// Its length in characters.
        len: usize,
        /// The limit, 100.
        limit: usize,
    },
    /// Two lists share an alias, so `@alias` would be ambiguous.
    #[error("list alias `{alias}` is used by more than one list; aliases must be unique")]
    DuplicateAlias {
        /// The shared alias.
        alias: String,
    },
    /// A list has an empty id.
    #[error("list `@{alias}` has an empty id; give it an id such as `rsl_...`")]
    EmptyId {
        /// The list's alias.
        alias: String,
    },
    /// Two lists share an id.
    #[error("list id `{id}` is used by more than one list (second use: `@{alias}`); ids must be unique")]
    DuplicateId {
        /// The shared id.
        id: String,
        /// The alias of the second list with that id.
        alias: String,
    },
    /// A list name longer than 100 characters.
    #[error("the name of list `@{alias}` is {len} characters long; names are limited to {limit} characters")]
    NameTooLong {
        /// The list's alias.
        alias: String,
        /// The name's length in characters.
        len: usize,
        /// The limit, 100.
        limit: usize,
    },
    /// A list with more than 50,000 items.
    #[error("list `@{alias}` has {count} items; a list holds at most {limit} items")]
    TooManyItems {
        /// The list's alias.
        alias: String,
        /// How many items it has.
        count: usize,
        /// The limit, 50,000.
        limit: usize,
    },
    /// More lists than a [`ListId`](super::ListId) can number (2^32).
    #[error("too many value lists; a bundle holds at most 4294967295")]
    TooManyLists,
    /// One item of a list failed validation.
    #[error("list `@{alias}`, item {index}: {error}")]
    InvalidItem {
        /// The list's alias.
        alias: String,
        /// The item's position in the list, from 0.
        index: usize,
        /// What is wrong with it.
        error: Box<ListError>,
    },
    /// A default list (`default_block_email`, ...) declared with the wrong item type; the engine
    /// matches default lists against fixed attributes, so their types are fixed too.
    #[error("default list `@{alias}` must have item type `{expected}`, not `{found}`")]
    DefaultListType {
        /// The default list's alias.
        alias: String,
        /// The item type the category requires.
        expected: ItemType,
        /// The item type the list was given.
        found: ItemType,
    },
}

/// A short, recognisable excerpt of a user-supplied string for an error message.
pub(crate) fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or(s)),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_shortens_long_strings_on_char_boundaries() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(200);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn messages_name_the_culprit() {
        let e = ListError::TooManyItems { alias: "bad_cards".into(), count: 50_001, limit: 50_000 };
        assert_eq!(e.to_string(), "list `@bad_cards` has 50001 items; a list holds at most 50000 items");
        let e = ListError::InvalidItem {
            alias: "countries".into(),
            index: 3,
            error: Box::new(ListError::InvalidValue {
                item_type: ItemType::Country,
                value: "Canada".into(),
                reason: "expected a two-letter ISO 3166-1 alpha-2 code such as `CA`",
            }),
        };
        assert_eq!(
            e.to_string(),
            "list `@countries`, item 3: `Canada` is not a valid country value: expected a two-letter ISO 3166-1 \
             alpha-2 code such as `CA`"
        );
    }
}
