//! Radar value lists: typed sets of values that rules test with `:attr: in @alias`, plus the
//! default allow and block lists that fraud feedback fills.
//!
//! A [`ValueList`] is what a bundle stores. [`ListSet::new`] validates a bundle's lists against
//! Radar's limits (aliases and names ≤ 100 characters, values ≤ 800, ≤ 50,000 items per list),
//! brings every value to its item type's canonical form ([`ItemType::normalize`]) and indexes
//! them, so that [`ListSet::contains`] is one normalisation and a hash lookup (plus a prefix
//! check per distinct CIDR length for IP lists).

mod cidr;
pub mod defaults;
mod error;
mod item_type;
mod list_set;
mod normalize;
mod value_list;

pub use error::ListError;
pub use item_type::ItemType;
pub use list_set::ListSet;
pub use normalize::MAX_VALUE_CHARS;
pub use value_list::{ListId, ListItem, MAX_ALIAS_CHARS, MAX_ITEMS, MAX_NAME_CHARS, ValueList, validate_alias};
