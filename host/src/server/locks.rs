//! Per-object locks for read-modify-write requests. Two refunds of one charge, or two requests
//! adding the same value to a list, each read state, decide, and commit; run at once they would
//! both pass a check only one should (over-refunding a charge, counting one item twice, going
//! past a list's limit). A handler takes the lock of what it changes before reading it and holds
//! it until its commit has returned, so such requests on one server run one after the other.
//!
//! Locks are in-process: replicas sharing a Redis store do not see each other's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// What a lock guards: an account and an object id (or a name such as [`LISTS`]).
type Key = (String, String);

/// The lock of all of an account's value-list items (and their counts).
pub const LISTS: &str = "value_lists";

/// The locks currently held or waited for. An entry lives while someone holds or waits for it,
/// so the map stays as small as the number of objects being changed at once.
#[derive(Default)]
pub struct Locks {
    held: Mutex<HashMap<Key, Arc<AsyncMutex<()>>>>,
}

/// Holds one object's lock until dropped.
pub struct Guard<'a> {
    locks: &'a Locks,
    key: Key,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Locks {
    /// Waits for the lock of `id` in `account`.
    pub async fn lock(&self, account: &str, id: &str) -> Guard<'_> {
        let key = (account.to_owned(), id.to_owned());
        let mutex = self.held.lock().unwrap_or_else(|p| p.into_inner()).entry(key.clone()).or_default().clone();
        let guard = mutex.lock_owned().await;
        Guard { locks: self, key, guard: Some(guard) }
    }

    /// Objects with a lock held or waited for.
    pub fn len(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no lock is held or waited for.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut held = self.locks.held.lock().unwrap_or_else(|p| p.into_inner());
        // Only the map's own reference left: nobody holds or waits for it, and nobody can get
        // it without the map's lock, which this holds.
        if held.get(&self.key).is_some_and(|m| Arc::strong_count(m) == 1) {
            held.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_holder_at_a_time_per_object_and_entries_go_when_released() {
        let locks = Arc::new(Locks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (locks, inside, most) = (locks.clone(), inside.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..20 {
                    let _g = locks.lock("acct_a", "ch_1").await;
                    let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            }));
        }
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "two holders of one lock at once");
        assert!(locks.is_empty(), "released locks leave the map");
        // Different objects, or the same id in another account, do not wait for each other.
        let a = locks.lock("acct_a", "ch_1").await;
        let b = locks.lock("acct_a", "ch_2").await;
        let c = locks.lock("acct_b", "ch_1").await;
        assert_eq!(locks.len(), 3);
        drop((a, b, c));
        assert!(locks.is_empty());
    }
}
