//! The names of the Redis store's keys (the layout is in the parent module's documentation).

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::super::types::Kind;

/// Escaped in an account inside a key: the separator, so that `acct:x` + `y` and `acct` + `x:y`
/// never meet, and the hash-tag braces.
const ACCOUNT_ESCAPES: &AsciiSet = &CONTROLS.add(b'%').add(b':').add(b'{').add(b'}');
/// Escaped in an entity key inside a key: the hash-tag braces, so the tag ends where intended.
const ENTITY_ESCAPES: &AsciiSet = &CONTROLS.add(b'%').add(b'{').add(b'}');

/// Builds keys under one prefix.
pub struct Keys {
    prefix: String,
}

impl Keys {
    /// Keys starting with `prefix` (which holds no brace: checked by the caller).
    pub fn new(prefix: String) -> Keys {
        Keys { prefix }
    }

    /// `<prefix>{<account>}:`, the start of every key of an account's objects; its hash tag
    /// puts them all in one slot.
    pub fn account(&self, account: &str) -> String {
        format!("{}{{{}}}:", self.prefix, utf8_percent_encode(account, ACCOUNT_ESCAPES))
    }

    /// `<prefix>{<account>:<entity>}:e`, an entity's velocity hash, in a slot of its own.
    pub fn entity(&self, account: &str, key: &str) -> String {
        format!(
            "{}{{{}:{}}}:e",
            self.prefix,
            utf8_percent_encode(account, ACCOUNT_ESCAPES),
            utf8_percent_encode(key, ENTITY_ESCAPES)
        )
    }

    /// An object's hash, from its account's [`Keys::account`] start.
    pub fn doc(base: &str, kind: Kind, id: &str) -> String {
        format!("{base}doc:{}:{id}", kind.as_str())
    }

    /// The sorted set listing a kind, or the kind with one tag.
    pub fn index(base: &str, kind: Kind, tag: Option<&str>) -> String {
        match tag {
            Some(tag) => format!("{base}idx:{}:{tag}", kind.as_str()),
            None => format!("{base}idx:{}", kind.as_str()),
        }
    }

    /// A lock shared by the servers (a string holding its holder's token, with a lease).
    pub fn lock(base: &str, id: &str) -> String {
        format!("{base}lock:{id}")
    }

    /// The string holding an API key's account.
    pub fn api_key(&self, api_key: &str) -> String {
        format!("{}apikey:{{{api_key}}}", self.prefix)
    }

    /// The set of every account.
    pub fn accounts(&self) -> String {
        format!("{}accounts", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_cannot_alias_in_entity_keys() {
        let keys = Keys::new("ward:".into());
        assert_eq!(keys.entity("acct:x", "y"), "ward:{acct%3Ax:y}:e");
        assert_ne!(keys.entity("acct:x", "y"), keys.entity("acct", "x:y"));
        assert_eq!(keys.entity("a{1}", "card:{2}"), "ward:{a%7B1%7D:card:%7B2%7D}:e");
        assert_eq!(keys.account("acct_1"), "ward:{acct_1}:");
    }
}
