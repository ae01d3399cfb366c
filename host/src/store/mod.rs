//! Where the server keeps its state: objects (charges, reviews, lists, events…), the per-entity
//! velocity counters, idempotency records and API keys.
//!
//! One trait, two implementations: [`SqliteStore`] (embedded, a single WAL-mode file, the default)
//! and [`RedisStore`] (shared by many replicas). The server only talks to [`Store`], and the same
//! test suite (`host/tests/store.rs`) runs against both.

mod entities;
mod redis;
mod sqlite;
mod types;

pub use entities::{EntityIndex, FieldMap, FieldOp, Lookup, apply_ops};
pub use redis::{RedisOptions, RedisStore};
pub use sqlite::{SqliteOptions, SqliteStore, floor as sqlite_floor};
pub use types::{Doc, Fence, IDEMPOTENCY_TTL, IdempotencyRecord, Kind, ListQuery, Page, WriteBatch};

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

/// Why the store could not do what was asked. These are Ward's failures, never the client's.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed an operation.
    #[error("database error: {0}")]
    Database(String),
    /// The store is shutting down and takes no more writes.
    #[error("the store is closed")]
    Closed,
    /// The store cannot be reached right now (a Redis server down, refusing connections or not
    /// answering in time); the same call may succeed later.
    #[error("the store cannot be reached: {0}")]
    Unavailable(String),
    /// A lock the batch was made under (a [`Fence`]) had passed to another holder: nothing
    /// was written, and the request can be retried.
    #[error("the lock on {0} was no longer held")]
    LockLost(String),
    /// A stored value could not be decoded (a corrupt or foreign record).
    #[error("stored {what} could not be decoded: {message}")]
    Corrupt {
        /// What was being read.
        what: String,
        /// The decoder's message.
        message: String,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

impl From<::redis::RedisError> for StoreError {
    fn from(e: ::redis::RedisError) -> Self {
        if e.is_io_error() || e.is_connection_refusal() || e.is_connection_dropped() || e.is_timeout() {
            StoreError::Unavailable(format!("redis: {e}"))
        } else {
            StoreError::Database(format!("redis: {e}"))
        }
    }
}

/// How a store's durable commits went: what `/metrics` reports as
/// `ward_store_commit_duration_seconds` and `ward_store_committed_batches_total`.
#[derive(Default)]
pub struct CommitStats {
    /// Time from the start of a group commit to its durability (fsync included), per commit.
    pub duration: crate::histogram::Histogram,
    /// Batches (one per acknowledged write request) those commits carried.
    pub batches: std::sync::atomic::AtomicU64,
}

/// The server's state. Every method is scoped to one account: no call reads another's objects.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `redis`.
    fn name(&self) -> &'static str;

    /// For a store that keeps velocity entities in memory: how many it holds there, and how
    /// many times one was noted as on disk only. `None` for a store that keeps none.
    fn entities_held(&self) -> Option<(usize, usize)> {
        None
    }

    /// For a store that groups writes into commits of its own: how they went. `None` for a
    /// store without such commits.
    fn commit_stats(&self) -> Option<&CommitStats> {
        None
    }

    /// The account an API key belongs to.
    async fn account_for_key(&self, api_key: &str) -> Result<Option<String>, StoreError>;

    /// Registers an API key for an account (durable on return).
    async fn put_api_key(&self, api_key: &str, account: &str) -> Result<(), StoreError>;

    /// The velocity field maps of many entities in one read; entry `i` belongs to `keys[i]`
    /// (empty when the entity has no history). Shared, not copied: a map can hold thousands of
    /// fields (a merchant's hourly buckets).
    async fn read_entities(&self, account: &str, keys: &[String]) -> Result<Vec<Arc<FieldMap>>, StoreError>;

    /// One object.
    async fn get(&self, account: &str, kind: Kind, id: &str) -> Result<Option<Doc>, StoreError>;

    /// A page of objects of one kind, newest first.
    async fn list(&self, account: &str, kind: Kind, query: &ListQuery) -> Result<Page, StoreError>;

    /// How many objects of a kind carry a tag (list items per list, open reviews).
    async fn count(&self, account: &str, kind: Kind, tag: &str) -> Result<u64, StoreError>;

    /// The objects `query` selects (its tag and creation range; its limit is the page size
    /// read), newest first, page after page up to `most` of them.
    async fn list_all(
        &self,
        account: &str,
        kind: Kind,
        mut query: ListQuery,
        most: usize,
    ) -> Result<Vec<Doc>, StoreError> {
        (query.starting_after, query.ending_before) = (None, None);
        let mut out = Vec::new();
        while out.len() < most {
            let page = self.list(account, kind, &query).await?;
            query.starting_after = page.data.last().filter(|_| page.has_more).map(|d| d.id.clone());
            out.extend(page.data);
            if query.starting_after.is_none() {
                break;
            }
        }
        out.truncate(most);
        Ok(out)
    }

    /// The idempotency record for a key, if a request with it completed.
    async fn idempotency(&self, account: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// Applies a batch atomically and returns once it is durable. Objects are upserted by id;
    /// a new object gets the next sequence number of its account (list order). A store whose
    /// locks have leases first checks the batch's fences and writes nothing, failing with
    /// [`StoreError::LockLost`], if one of those locks has passed to another holder; a store
    /// only one process uses has no leases, and its fences always hold.
    async fn commit(&self, account: &str, batch: WriteBatch) -> Result<(), StoreError>;

    /// Every account that has objects or keys (used to load per-account bundles at start).
    async fn accounts(&self) -> Result<Vec<String>, StoreError>;

    /// Whether several servers share this store, so that a lock must be taken in the store
    /// ([`Store::try_lock`]) and not only in the server.
    fn shared(&self) -> bool {
        false
    }

    /// Takes the lock named `id` in `account` for every server sharing this store, holding it
    /// for at most `lease` (a server that dies holding it frees it then), under `token`; false
    /// if another holds it. A store only one process uses needs no such lock: the default
    /// always succeeds.
    async fn try_lock(&self, account: &str, id: &str, token: &str, lease: Duration) -> Result<bool, StoreError> {
        let _ = (account, id, token, lease);
        Ok(true)
    }

    /// Releases a lock from [`Store::try_lock`] if `token` still holds it.
    async fn unlock(&self, account: &str, id: &str, token: &str) -> Result<(), StoreError> {
        let _ = (account, id, token);
        Ok(())
    }

    /// Flushes and stops taking writes; later commits fail with [`StoreError::Closed`].
    async fn close(&self) -> Result<(), StoreError>;
}
