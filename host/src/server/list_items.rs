//! The items of the accounts' value lists, kept in memory between two builds of a bundle.
//!
//! A build needs every item of every list. Read from the store each time, a fraud refund (which
//! adds to a default block list) made the next payment wait about 200 ms at 20,000 items, and
//! longer as the lists grow. Here each list's items are read once and then brought up to date
//! with the changes this server commits:
//!
//! - every list-item change increments the list's version in the account's settings entity
//!   ([`CONFIG_KEY`]), in the same write as the change ([`changed`]);
//! - this server commits such writes one at a time per account, and notes each one's changes
//!   once it is durable ([`ItemCache::commit`]);
//! - a build, holding the same turn, reads the versions: a list whose version is the one its
//!   items were read at plus the increments noted since gets those changes applied; any other
//!   (changed by another server sharing the store, or never read) is read again.
//!
//! A list without a version (never changed since versions were kept) is at version 0.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use ward_core::lists::{ListItem, MAX_ITEMS};

use super::api::ApiError;
use super::engines::{CONFIG_KEY, all_stored, config_ops, settings};
use crate::store::{Doc, FieldOp, Kind, Store, StoreError, WriteBatch};

/// The settings field holding a list's version.
fn field(list_id: &str) -> String {
    format!("version:{list_id}")
}

/// Counts a change of `list_id`'s items, committed with `batch`.
pub fn changed(batch: &mut WriteBatch, list_id: &str) {
    config_ops(batch).push(FieldOp::Incr(field(list_id), 1));
}

/// Counts the deletion of a list with its items, committed with `batch`. Its version stays: a
/// version never goes back, so a count can never match an older one.
pub fn forget(batch: &mut WriteBatch, list_id: &str) {
    changed(batch, list_id);
}

/// The fields of a stored item a bundle needs.
#[derive(Deserialize)]
struct StoredItem {
    value: String,
    #[serde(default)]
    expires_at: Option<i64>,
}

fn parse(doc: &Doc) -> Option<ListItem> {
    let i: StoredItem = serde_json::from_str(&doc.body).ok()?;
    Some(ListItem { value: i.value, expires_at: i.expires_at })
}

/// One list's items as of a version, with the changes committed here since.
struct Cached {
    version: i64,
    /// By item id, each with its place in the list (the store's order: a new item goes last,
    /// an updated one keeps its place).
    items: BTreeMap<String, (u64, ListItem)>,
    next_place: u64,
    /// Version increments committed here since `version`, and what they changed (`None`:
    /// deleted).
    increments: i64,
    changes: Vec<(String, Option<ListItem>)>,
}

/// What a batch changes in lists, by list id.
#[derive(Default)]
struct ListChanges {
    increments: HashMap<String, i64>,
    items: HashMap<String, Vec<(String, Option<ListItem>)>>,
    /// Items deleted without a list named: the lists the batch counts changes of are dropped.
    unplaced: bool,
}

impl ListChanges {
    fn of(batch: &WriteBatch) -> ListChanges {
        let mut out = ListChanges::default();
        for (_, ops) in batch.entities.iter().filter(|(k, _)| k == CONFIG_KEY) {
            for op in ops {
                if let FieldOp::Incr(f, n) = op
                    && let Some(list) = f.strip_prefix("version:")
                {
                    *out.increments.entry(list.to_owned()).or_default() += n;
                }
            }
        }
        for doc in batch.docs.iter().filter(|d| d.kind == Kind::ValueListItem) {
            let (Some(list), Some(item)) = (&doc.tag, parse(doc)) else {
                out.unplaced = true;
                continue;
            };
            out.items.entry(list.clone()).or_default().push((doc.id.clone(), Some(item)));
        }
        let deleted: Vec<&String> =
            batch.deletes.iter().filter(|(k, _)| *k == Kind::ValueListItem).map(|(_, id)| id).collect();
        if !deleted.is_empty() {
            // Item ids do not name their list: placed only when the batch changes one list.
            match (out.increments.len(), out.increments.keys().next()) {
                (1, Some(list)) => {
                    let list = list.clone();
                    out.items.entry(list).or_default().extend(deleted.into_iter().map(|id| (id.clone(), None)));
                }
                _ => out.unplaced = true,
            }
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.increments.is_empty() && !self.unplaced
    }
}

/// The lists' items in memory, per account.
#[derive(Default)]
pub struct ItemCache {
    lists: Mutex<HashMap<(String, String), Cached>>,
    /// Per account: held while a list change commits or a build reads the versions and items.
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl ItemCache {
    fn turn(&self, account: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.turns.lock().unwrap_or_else(|p| p.into_inner()).entry(account.to_owned()).or_default().clone()
    }

    /// Commits `batch` through `commit`; a batch changing list items commits in the account's
    /// turn and, once durable, its changes are noted.
    pub async fn commit<F>(&self, account: &str, batch: WriteBatch, commit: F) -> Result<(), StoreError>
    where
        F: AsyncFnOnce(WriteBatch) -> Result<(), StoreError>,
    {
        let changes = ListChanges::of(&batch);
        if changes.is_empty() {
            return commit(batch).await;
        }
        let turn = self.turn(account);
        let _turn = turn.lock().await;
        commit(batch).await?;
        self.note(account, changes);
        Ok(())
    }

    fn note(&self, account: &str, changes: ListChanges) {
        let mut lists = self.lists.lock().unwrap_or_else(|p| p.into_inner());
        let key = |l: &str| (account.to_owned(), l.to_owned());
        if changes.unplaced {
            for list in changes.increments.keys() {
                lists.remove(&key(list));
            }
            return;
        }
        for (list, n) in changes.increments {
            if let Some(c) = lists.get_mut(&key(&list)) {
                c.increments += n;
                c.changes.extend(changes.items.get(&list).into_iter().flatten().cloned());
            }
        }
    }

    /// The items of each list in `list_ids`, in memory when current, else read from the store.
    pub async fn items(
        &self,
        store: &dyn Store,
        account: &str,
        list_ids: &[&str],
    ) -> Result<Vec<Arc<Vec<ListItem>>>, ApiError> {
        let turn = self.turn(account);
        let _turn = turn.lock().await;
        let settings = settings(store, account).await?;
        let mut out = Vec::with_capacity(list_ids.len());
        for &list in list_ids {
            // No version yet is version 0: the first change makes it 1.
            let version = settings.get(&field(list)).copied().unwrap_or(0);
            out.push(match self.current(account, list, version) {
                Some(items) => items,
                None => self.read(store, account, list, version).await?,
            });
        }
        self.lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(a, l), _| a != account || list_ids.contains(&l.as_str()));
        Ok(out)
    }

    /// The list's items from memory, brought to `version` with the changes noted, if those
    /// are all the changes since they were read.
    fn current(&self, account: &str, list: &str, version: i64) -> Option<Arc<Vec<ListItem>>> {
        let mut lists = self.lists.lock().unwrap_or_else(|p| p.into_inner());
        let c = lists.get_mut(&(account.to_owned(), list.to_owned()))?;
        if c.version + c.increments != version {
            return None;
        }
        for (id, item) in c.changes.drain(..) {
            match (item, c.items.get_mut(&id)) {
                (Some(item), Some(held)) => held.1 = item,
                (Some(item), None) => {
                    c.items.insert(id, (c.next_place, item));
                    c.next_place += 1;
                }
                (None, _) => {
                    c.items.remove(&id);
                }
            }
        }
        c.version += std::mem::take(&mut c.increments);
        Some(listed(list, &c.items))
    }

    async fn read(
        &self,
        store: &dyn Store,
        account: &str,
        list: &str,
        version: i64,
    ) -> Result<Arc<Vec<ListItem>>, ApiError> {
        let docs = all_stored(store, account, Kind::ValueListItem, Some(list)).await?;
        let items: BTreeMap<String, (u64, ListItem)> = docs
            .iter()
            .filter_map(|d| Some((d.id.clone(), parse(d)?)))
            .zip(0..)
            .map(|((id, i), n)| (id, (n, i)))
            .collect();
        let out = listed(list, &items);
        let key = (account.to_owned(), list.to_owned());
        let next_place = docs.len() as u64;
        self.lists
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, Cached { version, items, next_place, increments: 0, changes: Vec::new() });
        Ok(out)
    }
}

/// A list's items in their order, at most [`MAX_ITEMS`]: the newest, should feedback have added
/// to a full default list (a fraud label is never refused, and a bundle holds no more).
fn listed(list: &str, items: &BTreeMap<String, (u64, ListItem)>) -> Arc<Vec<ListItem>> {
    let mut placed: Vec<&(u64, ListItem)> = items.values().collect();
    placed.sort_unstable_by_key(|(place, _)| *place);
    let skip = placed.len().saturating_sub(MAX_ITEMS);
    if skip > 0 {
        tracing::warn!(list, items = placed.len(), dropped = skip, "list over its limit: its newest items are used");
    }
    Arc::new(placed.into_iter().skip(skip).map(|(_, i)| i.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(value: &str) -> ListItem {
        ListItem { value: value.to_owned(), expires_at: None }
    }

    #[test]
    fn a_list_past_its_limit_keeps_its_newest_items_in_order() {
        let items: BTreeMap<String, (u64, ListItem)> = (0..MAX_ITEMS as u64 + 2)
            .map(|n| (format!("rsli_{:08}", (n * 7919) % 1_000_000), (n, item(&format!("v{n}")))))
            .collect();
        let listed = listed("rsl_x", &items);
        assert_eq!(listed.len(), MAX_ITEMS);
        assert_eq!(listed[0].value, "v2", "the two oldest go");
        assert_eq!(listed[MAX_ITEMS - 1].value, format!("v{}", MAX_ITEMS + 1));
    }

    #[test]
    fn a_batch_says_which_lists_it_changes() {
        let doc = |list: &str, id: &str, value: &str| Doc {
            kind: Kind::ValueListItem,
            id: id.to_owned(),
            created: 0,
            tag: Some(list.to_owned()),
            body: serde_json::json!({"value": value}).to_string(),
        };
        let mut batch = WriteBatch {
            docs: vec![doc("rsl_a", "rsli_1", "x"), doc("rsl_b", "rsli_2", "y")],
            ..WriteBatch::default()
        };
        changed(&mut batch, "rsl_a");
        changed(&mut batch, "rsl_b");
        let c = ListChanges::of(&batch);
        assert!(!c.unplaced && c.increments["rsl_a"] == 1 && c.increments["rsl_b"] == 1);
        assert_eq!(c.items["rsl_b"][0].1.as_ref().map(|i| i.value.as_str()), Some("y"));
        // A delete is placed when the batch changes one list, and not otherwise.
        let mut one = WriteBatch { deletes: vec![(Kind::ValueListItem, "rsli_1".into())], ..WriteBatch::default() };
        changed(&mut one, "rsl_a");
        let c = ListChanges::of(&one);
        assert!(!c.unplaced && c.items["rsl_a"][0] == ("rsli_1".to_owned(), None));
        batch.deletes.push((Kind::ValueListItem, "rsli_9".into()));
        assert!(ListChanges::of(&batch).unplaced);
        let mut dropped = WriteBatch {
            deletes: vec![(Kind::ValueListItem, "rsli_1".into()), (Kind::ValueListItem, "rsli_3".into())],
            ..WriteBatch::default()
        };
        forget(&mut dropped, "rsl_a");
        let c = ListChanges::of(&dropped);
        assert!(!c.unplaced && c.increments["rsl_a"] == 1 && c.items["rsl_a"].len() == 2);
        assert!(ListChanges::of(&WriteBatch::default()).is_empty());
    }
}
