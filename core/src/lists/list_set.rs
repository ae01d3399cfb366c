//! The validated, indexed set of lists an engine matches against.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::cidr::{self, CidrTable};
use super::defaults;
use super::value_list::{MAX_ITEMS, MAX_NAME_CHARS, validate_alias};
use super::{ItemType, ListError, ListId, ListItem, ValueList};

/// When an indexed value stops matching: `None` never does.
pub(crate) type Expiry = Option<i64>;

/// Whether something expiring at `e` still matches at `now` (it stops at exactly `e`).
pub(crate) fn is_live(e: Expiry, now: i64) -> bool {
    e.is_none_or(|t| now < t)
}

/// The expiry of a value listed twice: the later of the two, and never if either never does.
pub(crate) fn merge_expiry(a: Expiry, b: Expiry) -> Expiry {
    Some(a?.max(b?))
}

/// The lookup structures of one list.
#[derive(Clone, Debug, Default)]
struct Index {
    /// Canonical value → expiry. A map rather than a set so that items can expire; it is only
    /// ever probed, never iterated, so its order cannot leak into output.
    exact: FxHashMap<String, Expiry>,
    /// CIDR ranges of an `ip_address` list.
    ranges: CidrTable,
}

/// Every value list of a bundle, validated and indexed for membership tests. Built once per
/// engine and immutable afterwards.
#[derive(Clone, Debug, Default)]
pub struct ListSet {
    lists: Vec<ValueList>,
    index: Vec<Index>,
    by_alias: FxHashMap<String, ListId>,
}

impl ListSet {
    /// Validates and indexes `lists`, keeping their order.
    ///
    /// Refuses: an alias that is not 1–100 ASCII letters, digits or `_`; an alias or id used
    /// twice; an empty id; a name over 100 characters; more than 50,000 items in one list; an
    /// item that is not valid for the list's type (see [`ItemType::normalize`]); a default list
    /// (`default_block_email`, ...) whose item type differs from its category's. Item values
    /// are stored in canonical form, so [`ListSet::lists`] may differ from the input in spelling
    /// (`CA` for `ca`), never in meaning.
    pub fn new(lists: Vec<ValueList>) -> Result<ListSet, ListError> {
        let mut set = ListSet {
            lists: Vec::with_capacity(lists.len()),
            index: Vec::with_capacity(lists.len()),
            by_alias: FxHashMap::default(),
        };
        let mut ids = FxHashSet::default();
        for mut list in lists {
            check_header(&list)?;
            let id = ListId(u32::try_from(set.lists.len()).map_err(|_| ListError::TooManyLists)?);
            if set.by_alias.insert(list.alias.clone(), id).is_some() {
                return Err(ListError::DuplicateAlias { alias: list.alias });
            }
            if !ids.insert(list.id.clone()) {
                return Err(ListError::DuplicateId { id: list.id, alias: list.alias });
            }
            let index = build_index(&mut list)?;
            set.lists.push(list);
            set.index.push(index);
        }
        Ok(set)
    }

    /// Builds a set from `(alias, item type, raw values)` triples: ids are `rsl_<alias>`, names
    /// are the aliases. A convenience for tests and examples.
    pub fn from_simple(lists: Vec<(String, ItemType, Vec<String>)>) -> Result<ListSet, ListError> {
        let lists = lists
            .into_iter()
            .map(|(alias, ty, values)| {
                ValueList::new(format!("rsl_{alias}"), alias.clone(), alias, ty)
                    .with_items(values.into_iter().map(ListItem::new))
            })
            .collect();
        ListSet::new(lists)
    }

    /// A set with no lists: every alias is unknown and nothing is a member.
    pub fn empty() -> ListSet {
        ListSet::default()
    }

    /// The id of the list with this alias (written without the `@`; exact, case-sensitive).
    pub fn resolve(&self, alias: &str) -> Option<ListId> {
        self.by_alias.get(alias).copied()
    }

    /// The item type of list `id`; [`ItemType::String`] for an id this set does not have.
    pub fn item_type(&self, id: ListId) -> ItemType {
        self.get(id).map_or(ItemType::String, |l| l.item_type)
    }

    /// Whether `value` is a live member of list `id` at `now` (unix seconds).
    ///
    /// The probe is normalised for the list's item type first, so `Jenny@Example.com` is in a list
    /// holding `jenny@example.com` and `::ffff:10.0.0.1` in one holding `10.0.0.0/8`. A probe that
    /// fails normalisation, a boolean, a non-finite number, an unknown id and an expired item
    /// all give `false`. Finite numbers are compared in their shortest decimal form (`424242`).
    pub fn contains(&self, id: ListId, value: &crate::Value, now: i64) -> bool {
        let (Some(list), Some(index)) = (self.get(id), self.index.get(id.0 as usize)) else {
            return false;
        };
        let probe: Cow<'_, str> = match value {
            crate::Value::Str(s) => Cow::Borrowed(s),
            crate::Value::Num(n) if n.is_finite() => Cow::Owned(n.to_string()),
            _ => return false,
        };
        let Ok(canonical) = list.item_type.normalize(&probe) else {
            return false;
        };
        if index.exact.get(&canonical).is_some_and(|e| is_live(*e, now)) {
            return true;
        }
        if index.ranges.is_empty() {
            return false;
        }
        // A canonical single address parses back; a probe that is itself a range only matches
        // the identical range, through `exact` above.
        cidr::parse_addr(&canonical).is_ok_and(|addr| index.ranges.covers(addr, now))
    }

    /// Every list, in the order given to [`ListSet::new`], with canonical item values.
    pub fn lists(&self) -> &[ValueList] {
        &self.lists
    }

    /// The list with id `id`, if this set has it.
    pub fn get(&self, id: ListId) -> Option<&ValueList> {
        self.lists.get(id.0 as usize)
    }

    /// How many lists the set holds.
    pub fn len(&self) -> usize {
        self.lists.len()
    }

    /// Whether the set holds no lists.
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }
}

/// Checks everything about a list except its items' values.
fn check_header(list: &ValueList) -> Result<(), ListError> {
    validate_alias(&list.alias)?;
    if list.id.is_empty() {
        return Err(ListError::EmptyId { alias: list.alias.clone() });
    }
    let name_len = list.name.chars().count();
    if name_len > MAX_NAME_CHARS {
        return Err(ListError::NameTooLong { alias: list.alias.clone(), len: name_len, limit: MAX_NAME_CHARS });
    }
    if list.items.len() > MAX_ITEMS {
        return Err(ListError::TooManyItems { alias: list.alias.clone(), count: list.items.len(), limit: MAX_ITEMS });
    }
    if let Some(expected) = defaults::default_item_type(&list.alias)
        && expected != list.item_type
    {
        return Err(ListError::DefaultListType { alias: list.alias.clone(), expected, found: list.item_type });
    }
    Ok(())
}

/// Normalises the list's items in place and indexes them.
fn build_index(list: &mut ValueList) -> Result<Index, ListError> {
    let ty = list.item_type;
    let mut index = Index::default();
    index.exact.reserve(list.items.len());
    for (i, item) in list.items.iter_mut().enumerate() {
        let canonical = ty.normalize(&item.value).map_err(|error| ListError::InvalidItem {
            alias: list.alias.clone(),
            index: i,
            error: Box::new(error),
        })?;
        if ty == ItemType::IpAddress
            && let Ok(entry) = cidr::parse_entry(&canonical)
        {
            index.ranges.insert(entry, item.expires_at);
        }
        index
            .exact
            .entry(canonical.clone())
            .and_modify(|e| *e = merge_expiry(*e, item.expires_at))
            .or_insert(item.expires_at);
        item.value = canonical;
    }
    Ok(index)
}

#[cfg(test)]
#[path = "list_set_tests.rs"]
mod tests;
