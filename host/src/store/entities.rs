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
    // Field names are cloned only for fields that are new: most operations of a busy entity
    // change fields it already has.
    let mut member_field = String::new();
    for op in ops {
        match op {
            FieldOp::Incr(f, by) => match map.get_mut(f) {
                Some(v) => {
                    *v = v.saturating_add(*by);
                    if *v == 0 {
                        map.remove(f);
                    }
                }
                None if *by != 0 => {
                    map.insert(f.clone(), *by);
                }
                None => {}
            },
            FieldOp::Min(f, x) => match map.get_mut(f) {
                Some(v) => *v = (*v).min(*x),
                None => {
                    map.insert(f.clone(), *x);
                }
            },
            FieldOp::Max(f, x) => match map.get_mut(f) {
                Some(v) => *v = (*v).max(*x),
                None => {
                    map.insert(f.clone(), *x);
                }
            },
            FieldOp::Del(f) => {
                map.remove(f);
            }
            FieldOp::AddMember(set, member, cap) => {
                member_field.clear();
                member_field.push_str(set);
                member_field.push(':');
                member_field.push_str(member);
                let count = map.get(set).copied().unwrap_or(0);
                if !map.contains_key(&member_field) && count < *cap {
                    map.insert(member_field.clone(), 1);
                    map.insert(set.clone(), count + 1);
                }
            }
        }
    }
}

/// Shards of the in-memory index: enough that scoring threads rarely wait for each other.
const SHARDS: usize = 64;

/// One shard of the index.
#[derive(Default)]
struct Shard {
    /// Entities held in memory, by account, then key (two levels, so a lookup by `&str`
    /// allocates nothing).
    hot: HashMap<String, HashMap<String, Held>>,
    /// The entities whose fields are only in the store's snapshot on disk (not used since the
    /// start, or evicted once written there). Consulted only when an entity is not in `hot`.
    cold: ColdFilter,
}

/// An entity in memory.
#[derive(Default)]
struct Held {
    fields: Arc<FieldMap>,
    /// Read since it last changed or was last spared eviction: an entity read often but seldom
    /// changed (an account's settings, read by every payment) then stays in memory.
    read: bool,
}

/// Where an entity's fields are.
#[derive(Debug)]
pub enum Lookup {
    /// In memory.
    Hot(Arc<FieldMap>),
    /// Only in the store's snapshot on disk.
    Cold,
    /// Nowhere: the entity has no history.
    Unknown,
}

/// The velocity fields of the entities in use, in memory and sharded by key, plus which other
/// entities are on disk. The embedded store serves reads from it and writes every change to it
/// once committed; an entity written to the snapshot and unchanged since is evicted to disk, so
/// memory holds the entities in use rather than every card ever seen.
pub struct EntityIndex {
    shards: Vec<Mutex<Shard>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for EntityIndex {
    fn default() -> Self {
        EntityIndex {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }
}

impl EntityIndex {
    /// The entity's shard, locked, and its hash.
    fn shard(&self, account: &str, key: &str) -> (MutexGuard<'_, Shard>, u64) {
        let mut h = self.hasher.build_hasher();
        account.hash(&mut h);
        key.hash(&mut h);
        let hash = h.finish();
        (self.shards[(hash as usize) % SHARDS].lock().unwrap_or_else(|p| p.into_inner()), hash)
    }

    /// Where one entity's fields are, for a reader; in memory they are shared, never copied.
    /// An entity found in memory is marked as read, which spares it the next eviction.
    pub fn lookup(&self, account: &str, key: &str) -> Lookup {
        self.find(account, key, true)
    }

    /// Where one entity's fields are, for the store itself: marks nothing.
    pub fn peek(&self, account: &str, key: &str) -> Lookup {
        self.find(account, key, false)
    }

    fn find(&self, account: &str, key: &str, mark_read: bool) -> Lookup {
        let (mut guard, hash) = self.shard(account, key);
        let shard = &mut *guard;
        match shard.hot.get_mut(account).and_then(|m| m.get_mut(key)) {
            Some(held) => {
                held.read |= mark_read;
                Lookup::Hot(held.fields.clone())
            }
            None if shard.cold.contains(hash) => Lookup::Cold,
            None => Lookup::Unknown,
        }
    }

    /// Applies operations to one entity, first bringing it into memory with `load` (its fields
    /// on disk) if it is cold. A map a reader still holds is copied first (copy on write), so
    /// readers see either the old or the new fields, never a mix. Only the store's writer may
    /// call this: a cold entity is loaded without the lock held.
    pub fn apply<E>(
        &self,
        account: &str,
        key: &str,
        ops: &[FieldOp],
        load: impl FnOnce() -> Result<FieldMap, E>,
    ) -> Result<(), E> {
        let loaded = match self.peek(account, key) {
            Lookup::Cold => Some(load()?),
            Lookup::Hot(_) | Lookup::Unknown => None,
        };
        let (mut guard, _) = self.shard(account, key);
        let shard = &mut *guard;
        if let Some(map) = loaded {
            let held = Held { fields: Arc::new(map), read: false };
            shard.hot.entry(account.to_owned()).or_default().insert(key.to_owned(), held);
        }
        let entities = match shard.hot.get_mut(account) {
            Some(e) => e,
            None => shard.hot.entry(account.to_owned()).or_default(),
        };
        let held = match entities.get_mut(key) {
            Some(h) => h,
            None => entities.entry(key.to_owned()).or_default(),
        };
        apply_ops(Arc::make_mut(&mut held.fields), ops);
        // A payment reads its entities and then changes them: that read is accounted for.
        held.read = false;
        if held.fields.is_empty() {
            entities.remove(key);
        }
        Ok(())
    }

    /// Replaces one entity's fields (loading from disk).
    pub fn load(&self, account: &str, key: &str, map: FieldMap) {
        let (mut shard, _) = self.shard(account, key);
        let held = Held { fields: Arc::new(map), read: false };
        shard.hot.entry(account.to_owned()).or_default().insert(key.to_owned(), held);
    }

    /// Records that an entity's fields are on disk only (at start, for those not loaded).
    pub fn mark_cold(&self, account: &str, key: &str) {
        let (mut shard, hash) = self.shard(account, key);
        shard.cold.insert(hash);
    }

    /// Drops an entity from memory whose fields the snapshot on disk now holds, keeping only
    /// the note that it is there; one read since the last pass keeps it (and clears the mark).
    pub fn evict(&self, account: &str, key: &str) {
        let (mut guard, hash) = self.shard(account, key);
        let shard = &mut *guard;
        let Some(entities) = shard.hot.get_mut(account) else { return };
        match entities.get_mut(key) {
            Some(held) if held.read => held.read = false,
            Some(_) => {
                entities.remove(key);
                shard.cold.insert(hash);
            }
            None => {}
        }
    }

    /// Drops the fields no velocity window can read any more at `now`, and the entities left
    /// empty. One-time buyers would otherwise keep their bucketed counters in memory until
    /// evicted. Works one entity at a time, so scoring threads never wait on a whole shard.
    pub fn prune(&self, now: i64) -> usize {
        let mut removed = 0;
        for shard in &self.shards {
            let lock = || shard.lock().unwrap_or_else(|p| p.into_inner());
            let keys: Vec<(String, String)> =
                lock().hot.iter().flat_map(|(a, m)| m.keys().map(move |k| (a.clone(), k.clone()))).collect();
            for (account, key) in keys {
                let mut guard = lock();
                let Some(entities) = guard.hot.get_mut(&account) else { continue };
                let Some(Held { fields: map, .. }) = entities.get_mut(&key) else { continue };
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

    /// How many entities are held in memory.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).hot.values().map(HashMap::len).sum::<usize>())
            .sum()
    }

    /// Whether no entity is held in memory.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many times an entity was noted as on disk only (an entity evicted twice counts
    /// twice), and the bytes those notes take.
    pub fn cold_notes(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(n, bytes), s| {
            let shard = s.lock().unwrap_or_else(|p| p.into_inner());
            (n + shard.cold.len(), bytes + shard.cold.bytes())
        })
    }
}

/// A set of entity hashes that answers "maybe" or "no": a scalable Bloom filter whose probes
/// for one hash fall in one 64-byte block (one cache miss per layer). About three bytes an
/// entity where a hash set took sixteen; a false "maybe" (about one in two hundred) costs a disk
/// read that finds the entity has no fields, never a wrong answer. Nothing is ever removed: an entity
/// brought back into memory is found there first.
#[derive(Default)]
struct ColdFilter {
    layers: Vec<Layer>,
}

/// One layer: a fixed number of blocks sized for `capacity` hashes.
struct Layer {
    blocks: Vec<[u64; 8]>,
    capacity: usize,
    len: usize,
}

/// Bits per hash a layer is sized for, and bits set per hash.
const FILTER_BITS: usize = 20;
const FILTER_PROBES: u32 = 8;
/// Hashes the first layer of a shard holds; each next layer holds twice as many.
const FIRST_LAYER: usize = 1 << 12;

impl Layer {
    fn new(capacity: usize) -> Layer {
        Layer { blocks: vec![[0; 8]; (capacity * FILTER_BITS).div_ceil(512)], capacity, len: 0 }
    }

    /// The block of a hash and the bit positions (0–511) in it, from a remix of the hash:
    /// the shard was chosen by its low bits, which are therefore the same within a shard.
    fn probes(&self, hash: u64) -> (usize, [u32; FILTER_PROBES as usize]) {
        let block = ((u128::from(hash) * self.blocks.len() as u128) >> 64) as usize;
        let mut h = hash ^ (hash >> 31);
        h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
        // Double hashing within the block: position i is a + i·b (b odd, so all differ).
        let (a, b) = (h as u32, (h >> 32) as u32 | 1);
        (block, std::array::from_fn(|i| a.wrapping_add((i as u32).wrapping_mul(b)) & 511))
    }

    fn insert(&mut self, hash: u64) {
        let (block, bits) = self.probes(hash);
        for b in bits {
            self.blocks[block][(b / 64) as usize] |= 1 << (b % 64);
        }
        self.len += 1;
    }

    fn contains(&self, hash: u64) -> bool {
        let (block, bits) = self.probes(hash);
        bits.iter().all(|b| self.blocks[block][(b / 64) as usize] & (1 << (b % 64)) != 0)
    }
}

impl ColdFilter {
    fn insert(&mut self, hash: u64) {
        if self.layers.last().is_none_or(|l| l.len >= l.capacity) {
            let capacity = self.layers.last().map_or(FIRST_LAYER, |l| l.capacity * 2);
            self.layers.push(Layer::new(capacity));
        }
        if let Some(layer) = self.layers.last_mut() {
            layer.insert(hash);
        }
    }

    fn contains(&self, hash: u64) -> bool {
        self.layers.iter().any(|l| l.contains(hash))
    }

    fn len(&self) -> usize {
        self.layers.iter().map(|l| l.len).sum()
    }

    fn bytes(&self) -> usize {
        self.layers.iter().map(|l| l.blocks.len() * 64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entity's fields in memory (empty when not there).
    fn fields(idx: &EntityIndex, account: &str, key: &str) -> Arc<FieldMap> {
        match idx.peek(account, key) {
            Lookup::Hot(map) => map,
            Lookup::Cold | Lookup::Unknown => Arc::default(),
        }
    }

    /// Applies to an entity that is never cold.
    fn apply(idx: &EntityIndex, account: &str, key: &str, ops: &[FieldOp]) {
        let never = || -> Result<FieldMap, ()> { panic!("{key} is not cold") };
        idx.apply(account, key, ops, never).expect("applies");
    }

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
        apply(&idx, "a", "card:1", &[FieldOp::Incr("ca:m:0".into(), 1), FieldOp::Incr("ca:t".into(), 1)]);
        apply(&idx, "a", "card:2", &[FieldOp::Incr("ca:m:0".into(), 1)]);
        assert_eq!(idx.prune(60), 0, "nothing expires within the hour");
        assert_eq!(idx.prune(86_400), 2);
        assert_eq!(fields(&idx, "a", "card:1").get("ca:t"), Some(&1));
        assert!(!fields(&idx, "a", "card:1").contains_key("ca:m:0"));
        assert_eq!(idx.len(), 1, "an entity left empty is dropped");
    }

    #[test]
    fn index_is_scoped_by_account() {
        let idx = EntityIndex::default();
        apply(&idx, "acct_a", "card:1", &[FieldOp::Incr("n".into(), 1)]);
        assert_eq!(fields(&idx, "acct_a", "card:1").get("n"), Some(&1));
        assert!(fields(&idx, "acct_b", "card:1").is_empty());
    }

    #[test]
    fn an_evicted_entity_is_cold_and_loads_before_an_operation() {
        let idx = EntityIndex::default();
        apply(&idx, "a", "card:1", &[FieldOp::Incr("n".into(), 2)]);
        idx.evict("a", "card:1");
        assert!(matches!(idx.lookup("a", "card:1"), Lookup::Cold));
        assert!(matches!(idx.lookup("a", "card:2"), Lookup::Unknown));
        assert_eq!((idx.len(), idx.cold_notes().0), (0, 1));
        // The writer loads it from disk (here: the fields it had) and applies on top.
        let on_disk: FieldMap = [("n".to_owned(), 2)].into();
        idx.apply("a", "card:1", &[FieldOp::Incr("n".into(), 3)], || Ok::<_, ()>(on_disk)).expect("applies");
        assert!(matches!(idx.peek("a", "card:1"), Lookup::Hot(m) if m.get("n") == Some(&5)));
        assert_eq!(idx.len(), 1);
        // A failed load changes nothing.
        idx.evict("a", "card:1");
        assert_eq!(idx.apply("a", "card:1", &[FieldOp::Incr("n".into(), 1)], || Err("disk")), Err("disk"));
        assert!(matches!(idx.lookup("a", "card:1"), Lookup::Cold));
    }

    #[test]
    fn the_cold_filter_has_no_false_negatives_and_few_false_positives() {
        let mut f = ColdFilter::default();
        let hash = |i: u64| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            i.hash(&mut h);
            // As in one shard: the low bits are the same for all.
            h.finish() & !63
        };
        let n = 100_000;
        for i in 0..n {
            f.insert(hash(i));
        }
        assert!((0..n).all(|i| f.contains(hash(i))), "every hash inserted is found");
        let false_positives = (n..2 * n).filter(|&i| f.contains(hash(i))).count();
        assert!(false_positives < (n / 100) as usize, "{false_positives} false positives in {n}");
        assert_eq!(f.len(), n as usize);
        assert!(f.bytes() < 4 * n as usize, "{} bytes for {n} hashes", f.bytes());
    }

    #[test]
    fn an_entity_read_since_the_last_pass_is_spared_once() {
        let idx = EntityIndex::default();
        apply(&idx, "a", "config:account", &[FieldOp::Incr("changes".into(), 1)]);
        assert!(matches!(idx.lookup("a", "config:account"), Lookup::Hot(_)));
        idx.evict("a", "config:account");
        assert_eq!(idx.len(), 1, "read since the last pass: kept");
        idx.evict("a", "config:account");
        assert_eq!(idx.len(), 0, "not read since: evicted");
        // A read followed by a change (a payment's own) spares nothing.
        apply(&idx, "a", "card:2", &[FieldOp::Incr("n".into(), 1)]);
        assert!(matches!(idx.lookup("a", "card:2"), Lookup::Hot(_)));
        apply(&idx, "a", "card:2", &[FieldOp::Incr("n".into(), 1)]);
        idx.evict("a", "card:2");
        assert!(matches!(idx.peek("a", "card:2"), Lookup::Cold));
        // The store's own reads mark nothing.
        apply(&idx, "a", "card:1", &[FieldOp::Incr("n".into(), 1)]);
        assert!(matches!(idx.peek("a", "card:1"), Lookup::Hot(_)));
        idx.evict("a", "card:1");
        assert!(matches!(idx.peek("a", "card:1"), Lookup::Cold));
    }
}
