//! Radar's default lists: one allow list and one block list per category, filled by fraud
//! feedback and matched by the engine against a fixed attribute.
//!
//! Stripe does not publish the default lists' aliases; Ward names them
//! `default_allow_<category>` and `default_block_<category>`.

use serde::{Deserialize, Serialize};

use super::{ItemType, ListItem, ValueList};

/// How long a "safe" report keeps a value on a default allow list: Stripe caps entries on the
/// default fingerprint allow lists at 30 days.
pub const ALLOW_FEEDBACK_TTL_SECONDS: i64 = 30 * 24 * 60 * 60;

/// One default-list category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultCategory {
    /// The category's name, as it appears in the list aliases (`card_bin`, `client_ip_country`).
    pub category: &'static str,
    /// The catalogue attribute the category's lists are matched against.
    pub attribute: &'static str,
    /// The item type of the category's lists.
    pub item_type: ItemType,
}

/// Radar's default-list categories for card payments, in Dashboard order.
pub const DEFAULT_CATEGORIES: &[DefaultCategory] = &[
    DefaultCategory { category: "card_bin", attribute: "card_bin", item_type: ItemType::CardBin },
    DefaultCategory { category: "card_country", attribute: "card_country", item_type: ItemType::Country },
    DefaultCategory {
        category: "card_fingerprint",
        attribute: "card_fingerprint",
        item_type: ItemType::CardFingerprint,
    },
    DefaultCategory { category: "charge_description", attribute: "charge_description", item_type: ItemType::String },
    DefaultCategory { category: "client_ip_country", attribute: "ip_country", item_type: ItemType::Country },
    DefaultCategory { category: "client_ip_address", attribute: "ip_address", item_type: ItemType::IpAddress },
    DefaultCategory { category: "customer_id", attribute: "customer", item_type: ItemType::CustomerId },
    DefaultCategory { category: "email", attribute: "email", item_type: ItemType::Email },
    DefaultCategory { category: "email_domain", attribute: "email_domain", item_type: ItemType::String },
];

/// Which of a category's two default lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultKind {
    /// The default allow list: a match allows the payment.
    Allow,
    /// The default block list: a match blocks the payment.
    Block,
}

impl DefaultKind {
    /// Both kinds, allow first.
    pub const ALL: [DefaultKind; 2] = [DefaultKind::Allow, DefaultKind::Block];

    /// `allow` or `block`.
    pub fn as_str(self) -> &'static str {
        match self {
            DefaultKind::Allow => "allow",
            DefaultKind::Block => "block",
        }
    }
}

/// The alias of a default list: `default_block_<category>` or `default_allow_<category>`.
pub fn default_alias(category: &str, kind: DefaultKind) -> String {
    format!("default_{}_{category}", kind.as_str())
}

/// The id of a default list: `rsl_` followed by its alias. Fixed, so bundles are reproducible.
pub fn default_id(category: &str, kind: DefaultKind) -> String {
    format!("rsl_{}", default_alias(category, kind))
}

/// The category and kind of a default list's alias, if it is one.
pub fn parse_default_alias(alias: &str) -> Option<(&'static DefaultCategory, DefaultKind)> {
    let rest = alias.strip_prefix("default_")?;
    let (kind, category) = if let Some(c) = rest.strip_prefix("allow_") {
        (DefaultKind::Allow, c)
    } else {
        (DefaultKind::Block, rest.strip_prefix("block_")?)
    };
    DEFAULT_CATEGORIES.iter().find(|c| c.category == category).map(|c| (c, kind))
}

/// The item type a list with this alias must have, if the alias is a default list's.
pub(crate) fn default_item_type(alias: &str) -> Option<ItemType> {
    parse_default_alias(alias).map(|(c, _)| c.item_type)
}

fn empty_default(c: &DefaultCategory, kind: DefaultKind) -> ValueList {
    let name = format!("Default {} list ({})", kind.as_str(), c.category.replace('_', " "));
    ValueList::new(default_id(c.category, kind), default_alias(c.category, kind), name, c.item_type)
}

/// All 18 default lists, empty: for each category in [`DEFAULT_CATEGORIES`] order, its allow
/// list then its block list. Ids are `rsl_<alias>` (`rsl_default_block_email`).
pub fn default_lists() -> Vec<ValueList> {
    DEFAULT_CATEGORIES.iter().flat_map(|c| DefaultKind::ALL.map(|k| empty_default(c, k))).collect()
}

/// `user_lists` followed by every default list they lack, in [`default_lists`] order. A default
/// list the user supplied (matched by alias) is kept as given, items included.
pub fn with_defaults(user_lists: Vec<ValueList>) -> Vec<ValueList> {
    let mut out = user_lists;
    for list in default_lists() {
        if !out.iter().any(|l| l.alias == list.alias) {
            out.push(list);
        }
    }
    out
}

/// The items fraud feedback adds to the default lists, as `(alias, item)` pairs.
///
/// - [`DefaultKind::Block`] (a refund with `reason=fraudulent`, or `user_report=fraudulent`):
///   the card fingerprint and the email go on the default block lists, with no expiry.
/// - [`DefaultKind::Allow`] (`user_report=safe`): they go on the default allow lists and expire
///   [`ALLOW_FEEDBACK_TTL_SECONDS`] (30 days) after `now`.
///
/// Values are normalised; one that is missing or invalid for its list is left out.
pub fn feedback_items(
    kind: DefaultKind,
    card_fingerprint: Option<&str>,
    email: Option<&str>,
    now: i64,
) -> Vec<(String, ListItem)> {
    let expires_at = match kind {
        DefaultKind::Allow => Some(now.saturating_add(ALLOW_FEEDBACK_TTL_SECONDS)),
        DefaultKind::Block => None,
    };
    [("card_fingerprint", ItemType::CardFingerprint, card_fingerprint), ("email", ItemType::Email, email)]
        .into_iter()
        .filter_map(|(category, ty, raw)| {
            let value = ty.normalize(raw?).ok()?;
            Some((default_alias(category, kind), ListItem { value, expires_at }))
        })
        .collect()
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
