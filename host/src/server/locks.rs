//! Per-object locks for read-modify-write requests. Two refunds of one charge, or two requests
//! adding the same value to a list, each read state, decide, and commit; run at once they would
//! both pass a check only one should (over-refunding a charge, counting one item twice, going
//! past a list's limit). A handler takes the lock of what it changes before reading it and holds
//! it until its commit has returned, so such requests run one after the other.
//!
//! A lock is taken in the server first, then, when several servers share the store (Redis), in
//! the store too, with a lease so that a server that dies holding it cannot block the object
//! for longer than that. A lock that stays busy past [`WAIT`] fails the request with Stripe's
//! `lock_timeout` (429), which clients retry.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

use super::api::{ApiError, ids};
use crate::store::{Fence, Store};

tokio::task_local! {
    /// The shared-store locks the current request holds, by account: every batch it commits
    /// carries them as fences ([`fences`]), so that a request that stalled past a lease writes
    /// nothing once another server has taken the lock.
    static HELD: RefCell<Vec<(String, Fence)>>;
}

/// Runs a request with its own set of held locks (a middleware around every route).
pub async fn scope(req: Request, next: Next) -> Response {
    HELD.scope(RefCell::new(Vec::new()), next.run(req)).await
}

/// Notes a shared-store lock the current request now holds (outside a request: nothing).
pub fn hold(account: &str, id: &str, token: &str) {
    let fence = Fence { id: id.to_owned(), token: token.to_owned() };
    let _ = HELD.try_with(|held| held.borrow_mut().push((account.to_owned(), fence)));
}

/// Forgets a lock of the current request once released.
pub fn forget(token: &str) {
    let _ = HELD.try_with(|held| held.borrow_mut().retain(|(_, f)| f.token != token));
}

/// The fences for a batch of `account` that the current request commits.
pub fn fences(account: &str) -> Vec<Fence> {
    HELD.try_with(|held| held.borrow().iter().filter(|(a, _)| a == account).map(|(_, f)| f.clone()).collect())
        .unwrap_or_default()
}

/// The lock of all of an account's value-list items (and their counts).
pub const LISTS: &str = "value_lists";
/// The lock of an account's rules and value lists themselves (not their items): a rule is
/// checked against the other rules and the lists, and a list in use by a rule cannot go.
/// Taken before [`LISTS`] when both are needed.
pub const CONFIG: &str = "rules_and_lists";

/// Longest wait for a lock held by another server.
pub const WAIT: Duration = Duration::from_secs(10);
/// How long a lock in the store outlives a server that died holding it.
const LEASE: Duration = Duration::from_secs(30);
/// Longest pause between two tries of a lock held by another server.
const MAX_PAUSE: Duration = Duration::from_millis(50);

/// What a lock guards: an account and an object id (or a name such as [`LISTS`]).
type Key = (String, String);

/// The locks currently held or waited for in this server. An entry lives while someone holds
/// or waits for it, so the map stays as small as the number of objects being changed at once.
#[derive(Default)]
pub struct Locks {
    held: Mutex<HashMap<Key, Arc<AsyncMutex<()>>>>,
}

/// Holds one object's lock until dropped.
pub struct Guard<'a> {
    locks: &'a Locks,
    key: Key,
    local: Option<OwnedMutexGuard<()>>,
    /// The store and token of the lock taken in a shared store.
    shared: Option<(Arc<dyn Store>, String)>,
}

impl Locks {
    /// Waits for the lock of `id` in `account`: this server's, then `store`'s if it is shared.
    pub async fn lock(&self, store: &Arc<dyn Store>, account: &str, id: &str) -> Result<Guard<'_>, ApiError> {
        let key = (account.to_owned(), id.to_owned());
        let mutex = self.held.lock().unwrap_or_else(|p| p.into_inner()).entry(key.clone()).or_default().clone();
        let local = mutex.lock_owned().await;
        let mut guard = Guard { locks: self, key, local: Some(local), shared: None };
        if store.shared() {
            let token = ids::new_id("lock");
            take_shared(store.as_ref(), account, id, &token).await?;
            hold(account, id, &token);
            guard.shared = Some((store.clone(), token));
        }
        Ok(guard)
    }

    /// Objects with a lock held or waited for in this server.
    pub fn len(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether no lock is held or waited for in this server.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Tries the store's lock until it is taken or [`WAIT`] has passed.
async fn take_shared(store: &dyn Store, account: &str, id: &str, token: &str) -> Result<(), ApiError> {
    let deadline = Instant::now() + WAIT;
    let mut pause = Duration::from_millis(1);
    while !store.try_lock(account, id, token, LEASE).await? {
        if Instant::now() >= deadline {
            return Err(ApiError::status(
                StatusCode::TOO_MANY_REQUESTS,
                "lock_timeout",
                format!("{id} cannot be changed right now because another request is changing it; retry shortly."),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(MAX_PAUSE);
    }
    Ok(())
}

/// Releases a lock taken in a shared store, in the background (a guard's drop cannot wait); if
/// that fails, the lease frees it.
pub fn release_shared(store: Arc<dyn Store>, account: &str, id: &str, token: String) {
    forget(&token);
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let (account, id) = (account.to_owned(), id.to_owned());
    runtime.spawn(async move {
        if let Err(e) = store.unlock(&account, &id, &token).await {
            tracing::warn!(account, id, error = %e, "releasing a lock failed; its lease will free it");
        }
    });
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if let Some((store, token)) = self.shared.take() {
            release_shared(store, &self.key.0, &self.key.1, token);
        }
        drop(self.local.take());
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

    /// A store that is not shared: only the server's own locks apply.
    fn store() -> Arc<dyn Store> {
        let dir = std::env::temp_dir().join(format!("ward-locks-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        Arc::new(crate::store::SqliteStore::open(crate::store::SqliteOptions::new(dir.join("ward.db"))).expect("open"))
    }

    #[tokio::test]
    async fn a_request_commits_under_the_locks_it_holds_in_its_account() {
        let seen = HELD
            .scope(RefCell::new(Vec::new()), async {
                hold("acct_a", "ch_1", "t1");
                hold("acct_b", "ch_1", "t2");
                hold("acct_a", LISTS, "t3");
                let both = fences("acct_a");
                forget("t1");
                (both, fences("acct_a"), fences("acct_b"))
            })
            .await;
        let fence = |id: &str, token: &str| Fence { id: id.into(), token: token.into() };
        assert_eq!(seen.0, vec![fence("ch_1", "t1"), fence(LISTS, "t3")]);
        assert_eq!(seen.1, vec![fence(LISTS, "t3")], "a released lock no longer fences");
        assert_eq!(seen.2, vec![fence("ch_1", "t2")]);
        // Another request (or none) starts with no locks.
        hold("acct_a", "ch_9", "t9");
        assert!(fences("acct_a").is_empty());
        assert!(HELD.scope(RefCell::new(Vec::new()), async { fences("acct_a") }).await.is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_holder_at_a_time_per_object_and_entries_go_when_released() {
        let store = store();
        let locks = Arc::new(Locks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (locks, inside, most, store) = (locks.clone(), inside.clone(), most.clone(), store.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..20 {
                    let _g = locks.lock(&store, "acct_a", "ch_1").await.expect("lock");
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
        let a = locks.lock(&store, "acct_a", "ch_1").await.expect("lock");
        let b = locks.lock(&store, "acct_a", "ch_2").await.expect("lock");
        let c = locks.lock(&store, "acct_b", "ch_1").await.expect("lock");
        assert_eq!(locks.len(), 3);
        drop((a, b, c));
        assert!(locks.is_empty());
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("ward-locks-{}", std::process::id())));
    }
}
