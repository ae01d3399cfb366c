//! Velocity state: a flat map of integer fields per entity (a card, an email, a merchant…), and
//! the operations that change it. The same operations run in memory here and as a Lua script in
//! Redis, so both stores agree field for field.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

/// The fields of one entity (the velocity module's map).
pub type FieldMap = crate::velocity::FieldMap;

/// One change to an entity's fields.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldOp {
    /// Adds to a field (absent counts as 0).
    Incr(String, i64),
    /// Sets a field to the smaller of its value and this one (absent: this one).
    Min(String, i64),
    /// Sets a field to the larger of its value and this one (absent: this one).
    Max(String, i64),
    /// Removes a field.
    Del(String),
    /// Adds a member to a capped distinct set: `(set, member, cap)`. See
    /// [`crate::velocity::Op::AddMember`].
    AddMember(String, String, i64),
}

impl From<crate::velocity::Op> for FieldOp {
    fn from(op: crate::velocity::Op) -> Self {
        match op {
            crate::velocity::Op::Incr { field, by } => FieldOp::Incr(field, by),
            crate::velocity::Op::Min { field, value } => FieldOp::Min(field, value),
            crate::velocity::Op::AddMember { set, member, cap } => FieldOp::AddMember(set, member, cap),
        }
    }
}

/// Applies operations in order: the reference semantics every store follows.
pub fn apply_ops(map: &mut FieldMap, ops: &[FieldOp]) {
    for op in ops {
        match op {
            FieldOp::Incr(f, by) => {
                let v = map.entry(f.clone()).or_insert(0);
                *v = v.saturating_add(*by);
                if *v == 0 {
                    map.remove(f);
                }
            }
            FieldOp::Min(f, x) => {
                map.entry(f.clone()).and_modify(|v| *v = (*v).min(*x)).or_insert(*x);
            }
            FieldOp::Max(f, x) => {
                map.entry(f.clone()).and_modify(|v| *v = (*v).max(*x)).or_insert(*x);
            }
            FieldOp::Del(f) => {
                map.remove(f);
            }
            FieldOp::AddMember(set, member, cap) => {
                let field = format!("{set}:{member}");
                let count = map.get(set).copied().unwrap_or(0);
                if !map.contains_key(&field) && count < *cap {
                    map.insert(field, 1);
                    map.insert(set.clone(), count + 1);
                }
            }
        }
    }
}

/// Shards of the in-memory index: enough that scoring threads rarely wait for each other.
const SHARDS: usize = 64;

/// One shard: entities by account, then key (two levels, so a lookup by `&str` allocates
/// nothing).
type Shard = HashMap<String, HashMap<String, Arc<FieldMap>>>;

/// Every entity's fields in memory, sharded by key. The embedded store keeps this as its read
/// path and rebuilds it from the database at start.
pub struct EntityIndex {
    shards: Vec<Mutex<Shard>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for EntityIndex {
    fn default() -> Self {
        EntityIndex {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }
}

impl EntityIndex {
    fn shard(&self, account: &str, key: &str) -> MutexGuard<'_, Shard> {
        let mut h = self.hasher.build_hasher();
        account.hash(&mut h);
        key.hash(&mut h);
        self.shards[(h.finish() as usize) % SHARDS].lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One entity's fields (empty when unknown), shared: readers never copy a map.
    pub fn read(&self, account: &str, key: &str) -> Arc<FieldMap> {
        let shard = self.shard(account, key);
        shard.get(account).and_then(|m| m.get(key)).cloned().unwrap_or_default()
    }

    /// Applies operations to one entity. A map a reader still holds is copied first (copy on
    /// write), so readers see either the old or the new fields, never a mix.
    pub fn apply(&self, account: &str, key: &str, ops: &[FieldOp]) {
        let mut shard = self.shard(account, key);
        let entities = match shard.get_mut(account) {
            Some(e) => e,
            None => shard.entry(account.to_owned()).or_default(),
        };
        let map = match entities.get_mut(key) {
            Some(m) => m,
            None => entities.entry(key.to_owned()).or_default(),
        };
        apply_ops(Arc::make_mut(map), ops);
        if map.is_empty() {
            entities.remove(key);
        }
    }

    /// Replaces one entity's fields (loading from disk).
    pub fn load(&self, account: &str, key: &str, map: FieldMap) {
        let mut shard = self.shard(account, key);
        shard.entry(account.to_owned()).or_default().insert(key.to_owned(), Arc::new(map));
    }

    /// Drops the fields no velocity window can read any more at `now`, and the entities left
    /// empty. One-time buyers would otherwise keep their bucketed counters in memory forever.
    /// Works one entity at a time, so scoring threads never wait on a whole shard.
    pub fn prune(&self, now: i64) -> usize {
        let mut removed = 0;
        for shard in &self.shards {
            let lock = || shard.lock().unwrap_or_else(|p| p.into_inner());
            let keys: Vec<(String, String)> =
                lock().iter().flat_map(|(a, m)| m.keys().map(move |k| (a.clone(), k.clone()))).collect();
            for (account, key) in keys {
                let mut guard = lock();
                let Some(entities) = guard.get_mut(&account) else { continue };
                let Some(map) = entities.get_mut(&key) else { continue };
                let gone = crate::velocity::expired_fields(now, map);
                if gone.is_empty() {
                    continue;
                }
                let map = Arc::make_mut(map);
                for f in &gone {
                    map.remove(f);
                }
                removed += gone.len();
                if map.is_empty() {
                    entities.remove(&key);
                }
            }
        }
        removed
    }

    /// How many entities are held.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).values().map(HashMap::len).sum::<usize>())
            .sum()
    }

    /// Whether no entity is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_follow_their_definitions() {
        let mut m = FieldMap::new();
        apply_ops(
            &mut m,
            &[
                FieldOp::Incr("a".into(), 2),
                FieldOp::Incr("a".into(), 3),
                FieldOp::Min("first".into(), 50),
                FieldOp::Min("first".into(), 40),
                FieldOp::Min("first".into(), 60),
                FieldOp::Max("last".into(), 5),
                FieldOp::Max("last".into(), 3),
                FieldOp::Incr("gone".into(), 1),
                FieldOp::Del("gone".into()),
            ],
        );
        assert_eq!(m.get("a"), Some(&5));
        assert_eq!(m.get("first"), Some(&40));
        assert_eq!(m.get("last"), Some(&5));
        assert!(!m.contains_key("gone"));
        apply_ops(&mut m, &[FieldOp::Incr("a".into(), -5)]);
        assert!(!m.contains_key("a"), "a field counted back to zero is dropped");
    }

    #[test]
    fn pruning_drops_what_no_window_reads() {
        let idx = EntityIndex::default();
        // A 5-minute bucket of time 0 and an all-time total: a day later only the total is readable.
        idx.apply("a", "card:1", &[FieldOp::Incr("ca:m:0".into(), 1), FieldOp::Incr("ca:t".into(), 1)]);
        idx.apply("a", "card:2", &[FieldOp::Incr("ca:m:0".into(), 1)]);
        assert_eq!(idx.prune(60), 0, "nothing expires within the hour");
        assert_eq!(idx.prune(86_400), 2);
        assert_eq!(idx.read("a", "card:1").get("ca:t"), Some(&1));
        assert!(!idx.read("a", "card:1").contains_key("ca:m:0"));
        assert_eq!(idx.len(), 1, "an entity left empty is dropped");
    }

    #[test]
    fn index_is_scoped_by_account() {
        let idx = EntityIndex::default();
        idx.apply("acct_a", "card:1", &[FieldOp::Incr("n".into(), 1)]);
        assert_eq!(idx.read("acct_a", "card:1").get("n"), Some(&1));
        assert!(idx.read("acct_b", "card:1").is_empty());
    }
}
