//! The shared store: every `ward serve` replica talks to one Redis, which holds all the state
//! (objects, velocity counters, idempotency records, API keys). Replicas keep nothing of their
//! own, so any replica can answer any request.
//!
//! # Key layout
//!
//! Every key starts with the store's prefix (`ward:` unless [`RedisOptions::prefix`] says
//! otherwise). The part in braces is the Redis Cluster hash tag: keys with the same tag live in
//! the same slot, which is what lets one script touch them all atomically.
//!
//! | key | type | holds |
//! |---|---|---|
//! | `ward:{<account>:<entity>}:e` | hash | one entity's velocity fields, `field → i64` |
//! | `ward:{<account>}:seq` | string | the account's last object sequence number |
//! | `ward:{<account>}:doc:<kind>:<id>` | hash | `created`, `tag` (absent when none), `body`, `seq` |
//! | `ward:{<account>}:idx:<kind>` | sorted set | ids of a kind, score = `seq` (list order) |
//! | `ward:{<account>}:idx:<kind>:<tag>` | sorted set | ids of a kind with that tag, score = `seq` |
//! | `ward:{<account>}:lock:<id>` | string, with a lease | the token of the server holding a lock on an object |
//! | `ward:{<account>}:idem:<key>` | hash, expiring at `created` + TTL | `fingerprint`, `status`, `body`, `created` |
//! | `ward:apikey:{<key>}` | string | the account an API key belongs to |
//! | `ward:accounts` | set | every account with objects or keys |
//!
//! In keys, the account is percent-encoded for `%`, `:`, `{`, `}` and control characters (so
//! `acct_a` + `x:y` and `acct_a:x` + `y` cannot meet in one key), and entity keys for `%`, `{`,
//! `}` and control characters (so the hash tag always ends where it should).
//!
//! # Atomicity
//!
//! A batch's object writes, deletes and idempotency record run as one Lua script on the
//! account's slot: atomic, and able to read an object's old sequence and tag before replacing
//! it. Each entity's operations run as one Lua script on the entity's slot, so concurrent
//! replicas updating the same card never lose a count. These scripts, plus the API-key writes,
//! are sent together over one multiplexed connection (one round trip in practice); a batch is
//! atomic per account and per entity, not across them.
//!
//! Read-modify-write requests lock the object they change across replicas: `SET NX PX` under a
//! random token, released by [`lua::UNLOCK`] only if that token still holds it.
//!
//! # Durability
//!
//! A commit returns once Redis has acknowledged every write. Whether that survives a crash of
//! the Redis server is the server's configuration: `appendonly yes` with `appendfsync always`
//! for the same guarantee as the SQLite store, `everysec` for at most a second of loss. The
//! store issues no `WAIT` and does not check the configuration: kept simple on purpose.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{AsyncCommands, Script};
use std::sync::Arc;

use async_trait::async_trait;

use super::entities::{FieldMap, FieldOp};
use super::types::{CREATED_SLACK, Doc, IdempotencyRecord, Kind, ListQuery, Page, WriteBatch};
use super::{Store, StoreError};

mod keys;
mod lua;

use keys::Keys;

/// How the Redis store is set up.
#[derive(Clone, Debug)]
pub struct RedisOptions {
    /// The server, e.g. `redis://127.0.0.1:6379/0`.
    pub url: String,
    /// Put before every key; lets several deployments (or tests) share one server. Must not
    /// contain `{` or `}`.
    pub prefix: String,
    /// How long to wait for a connection, and for each answer.
    pub timeout: Duration,
    /// How long idempotency records are kept (Redis expires them).
    pub idempotency_ttl: Duration,
}

impl RedisOptions {
    /// Defaults for the server at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        RedisOptions {
            url: url.into(),
            prefix: "ward:".into(),
            timeout: Duration::from_secs(5),
            idempotency_ttl: super::IDEMPOTENCY_TTL,
        }
    }
}

/// The Redis store.
pub struct RedisStore {
    conn: ConnectionManager,
    keys: Keys,
    entity_ops: Script,
    commit_docs: Script,
    list: Script,
    unlock: Script,
    closed: AtomicBool,
    idempotency_ttl: Duration,
}

impl RedisStore {
    /// Connects to the server at `url` with the default prefix.
    pub async fn connect(url: &str) -> Result<RedisStore, StoreError> {
        RedisStore::open(RedisOptions::new(url)).await
    }

    /// Connects with explicit options. The connection reconnects by itself when it drops.
    pub async fn open(options: RedisOptions) -> Result<RedisStore, StoreError> {
        if options.prefix.contains(['{', '}']) {
            return Err(StoreError::Database(format!(
                "redis key prefix {:?} contains a brace, which would break the hash tags",
                options.prefix
            )));
        }
        let client = ::redis::Client::open(options.url.as_str())?;
        // Reconnection gives up after two quick tries (50 and 100 ms apart): while Redis is
        // down, requests fail fast with 503 instead of waiting on the client's default backoff
        // (six tries, up to 6.4 s apart); the next request tries again.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(options.timeout)
            .set_response_timeout(options.timeout)
            .set_number_of_retries(2)
            .set_factor(50)
            .set_max_delay(200);
        let conn = client.get_connection_manager_with_config(config).await?;
        let store = RedisStore {
            conn,
            keys: Keys::new(options.prefix),
            entity_ops: Script::new(lua::ENTITY_OPS),
            commit_docs: Script::new(lua::COMMIT_DOCS),
            list: Script::new(lua::LIST),
            unlock: Script::new(lua::UNLOCK),
            closed: AtomicBool::new(false),
            idempotency_ttl: options.idempotency_ttl,
        };
        // Loading now finds a broken script or an unreachable server at start; later calls
        // still reload on NOSCRIPT (after a restart or a failover the cache is empty).
        let mut conn = store.conn.clone();
        for script in [&store.entity_ops, &store.commit_docs, &store.list, &store.unlock] {
            script.load_async(&mut conn).await?;
        }
        Ok(store)
    }

    /// The fences and object writes of a batch as the arguments of [`lua::COMMIT_DOCS`], or
    /// `None` when the batch has neither.
    fn doc_args(base: &str, batch: &WriteBatch, ttl: Duration) -> Option<Vec<String>> {
        if batch.docs.is_empty() && batch.deletes.is_empty() && batch.idempotency.is_none() && batch.fences.is_empty() {
            return None;
        }
        let mut args = vec![base.to_owned()];
        for f in &batch.fences {
            args.extend(["fence".to_owned(), f.id.clone(), f.token.clone()]);
        }
        for d in &batch.docs {
            let (has_tag, tag) = match &d.tag {
                Some(t) => ("1", t.as_str()),
                None => ("0", ""),
            };
            args.extend([
                "put".to_owned(),
                d.kind.as_str().to_owned(),
                d.id.clone(),
                d.created.to_string(),
                has_tag.to_owned(),
                tag.to_owned(),
                d.body.clone(),
            ]);
        }
        for (kind, id) in &batch.deletes {
            args.extend(["del".to_owned(), kind.as_str().to_owned(), id.clone()]);
        }
        if let Some(r) = &batch.idempotency {
            args.extend([
                "idem".to_owned(),
                r.key.clone(),
                r.fingerprint.clone(),
                r.status.to_string(),
                r.body.clone(),
                r.created.to_string(),
                IdempotencyRecord::expires(r.created, ttl).to_string(),
            ]);
        }
        Some(args)
    }
}

/// The operations of one entity as the arguments of [`lua::ENTITY_OPS`].
fn entity_args(ops: &[FieldOp]) -> Vec<String> {
    let mut args = Vec::with_capacity(ops.len() * 4);
    for op in ops {
        let (code, field, value, extra) = match op {
            FieldOp::Incr(f, v) => ("i", f, v.to_string(), String::new()),
            FieldOp::Min(f, v) => ("<", f, v.to_string(), String::new()),
            FieldOp::Max(f, v) => (">", f, v.to_string(), String::new()),
            FieldOp::Del(f) => ("d", f, String::new(), String::new()),
            FieldOp::AddMember(set, member, cap) => ("m", set, member.clone(), cap.to_string()),
        };
        args.extend([code.to_owned(), field.clone(), value, extra]);
    }
    args
}

/// [`StoreError::LockLost`] for the error a failed fence raises in [`lua::COMMIT_DOCS`].
fn lock_lost_or(e: ::redis::RedisError) -> StoreError {
    match (e.code(), e.detail()) {
        (Some("LOCKLOST"), Some(id)) => StoreError::LockLost(id.to_owned()),
        _ => e.into(),
    }
}

fn corrupt(what: impl Into<String>, message: impl Into<String>) -> StoreError {
    StoreError::Corrupt { what: what.into(), message: message.into() }
}

fn parse_i64(what: &str, text: &str) -> Result<i64, StoreError> {
    text.parse().map_err(|e| corrupt(what, format!("{text:?}: {e}")))
}

/// Waits for every future, polling them together: the requests they send go out on the one
/// multiplexed connection at once instead of one round trip after another.
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pending: Vec<Option<Pin<Box<F>>>> = futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    let mut done: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut all = true;
        for (slot, out) in pending.iter_mut().zip(done.iter_mut()) {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        *out = Some(v);
                        *slot = None;
                    }
                    Poll::Pending => all = false,
                }
            }
        }
        if all { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
    done.into_iter().flatten().collect()
}

type Write<'a> = Pin<Box<dyn Future<Output = Result<(), StoreError>> + Send + 'a>>;

#[async_trait]
impl Store for RedisStore {
    fn name(&self) -> &'static str {
        "redis"
    }

    async fn account_for_key(&self, api_key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.clone().get(self.keys.api_key(api_key)).await?)
    }

    async fn put_api_key(&self, api_key: &str, account: &str) -> Result<(), StoreError> {
        self.commit(account, WriteBatch { api_keys: vec![api_key.to_owned()], ..WriteBatch::default() }).await
    }

    async fn read_entities(&self, account: &str, keys: &[String]) -> Result<Vec<Arc<FieldMap>>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = ::redis::pipe();
        for key in keys {
            pipe.hgetall(self.keys.entity(account, key));
        }
        let raw: Vec<Vec<(String, String)>> = pipe.query_async(&mut self.conn.clone()).await?;
        raw.into_iter()
            .zip(keys)
            .map(|(fields, key)| {
                let map: Result<FieldMap, StoreError> =
                    fields.into_iter().map(|(f, v)| Ok((f, parse_i64(&format!("entity {key}"), &v)?))).collect();
                map.map(Arc::new)
            })
            .collect()
    }

    async fn get(&self, account: &str, kind: Kind, id: &str) -> Result<Option<Doc>, StoreError> {
        let key = Keys::doc(&self.keys.account(account), kind, id);
        let (created, tag, body): (Option<String>, Option<String>, Option<String>) = ::redis::cmd("HMGET")
            .arg(&key)
            .arg(&["created", "tag", "body"])
            .query_async(&mut self.conn.clone())
            .await?;
        match (created, body) {
            (Some(created), Some(body)) => {
                Ok(Some(Doc { kind, id: id.to_owned(), created: parse_i64(&key, &created)?, tag, body }))
            }
            (None, None) => Ok(None),
            _ => Err(corrupt(key, "object without its created time or body")),
        }
    }

    async fn list(&self, account: &str, kind: Kind, query: &ListQuery) -> Result<Page, StoreError> {
        let limit = query.limit.clamp(1, 100);
        let base = self.keys.account(account);
        let (dir, cursor) = match (&query.starting_after, &query.ending_before) {
            (Some(id), _) => ("after", id.as_str()),
            (None, Some(id)) => ("before", id.as_str()),
            (None, None) => ("", ""),
        };
        let mut call = self.list.prepare_invoke();
        if query.tags.is_empty() {
            call.key(Keys::index(&base, kind, None));
        }
        for tag in &query.tags {
            call.key(Keys::index(&base, kind, Some(tag)));
        }
        let flat: Vec<String> = call
            .arg(&base)
            .arg(kind.as_str())
            .arg(dir)
            .arg(cursor)
            .arg(limit + 1)
            .arg(query.created.map_or(String::new(), |c| c.0.to_string()))
            .arg(query.created.map_or(String::new(), |c| c.1.to_string()))
            .arg(CREATED_SLACK)
            .invoke_async(&mut self.conn.clone())
            .await?;
        if !flat.len().is_multiple_of(5) {
            return Err(corrupt("list page", format!("{} fields is not a whole number of objects", flat.len())));
        }
        let mut data = Vec::with_capacity(flat.len() / 5);
        let mut it = flat.into_iter();
        while let (Some(id), Some(created), Some(has_tag), Some(tag), Some(body)) =
            (it.next(), it.next(), it.next(), it.next(), it.next())
        {
            let created = parse_i64(&format!("{} {id}", kind.as_str()), &created)?;
            data.push(Doc { kind, id, created, tag: (has_tag == "1").then_some(tag), body });
        }
        let has_more = data.len() > limit;
        data.truncate(limit);
        if dir == "before" {
            data.reverse();
        }
        Ok(Page { data, has_more })
    }

    async fn count(&self, account: &str, kind: Kind, tag: &str) -> Result<u64, StoreError> {
        let key = Keys::index(&self.keys.account(account), kind, Some(tag));
        Ok(self.conn.clone().zcard(key).await?)
    }

    async fn idempotency(&self, account: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let rkey = format!("{}idem:{key}", self.keys.account(account));
        let (fingerprint, status, body, created): (Option<String>, Option<String>, Option<String>, Option<String>) =
            ::redis::cmd("HMGET")
                .arg(&rkey)
                .arg(&["fingerprint", "status", "body", "created"])
                .query_async(&mut self.conn.clone())
                .await?;
        match (fingerprint, status, body, created) {
            (Some(fingerprint), Some(status), Some(body), Some(created)) => Ok(Some(IdempotencyRecord {
                key: key.to_owned(),
                fingerprint,
                status: status.parse().map_err(|e| corrupt(&rkey, format!("status {status:?}: {e}")))?,
                body,
                created: parse_i64(&rkey, &created)?,
            })),
            (None, None, None, None) => Ok(None),
            _ => Err(corrupt(rkey, "incomplete idempotency record")),
        }
    }

    fn shared(&self) -> bool {
        true
    }

    async fn try_lock(&self, account: &str, id: &str, token: &str, lease: Duration) -> Result<bool, StoreError> {
        let key = Keys::lock(&self.keys.account(account), id);
        let millis = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1);
        let set: Option<String> = ::redis::cmd("SET")
            .arg(&key)
            .arg(token)
            .arg("NX")
            .arg("PX")
            .arg(millis)
            .query_async(&mut self.conn.clone())
            .await?;
        Ok(set.is_some())
    }

    async fn unlock(&self, account: &str, id: &str, token: &str) -> Result<(), StoreError> {
        let key = Keys::lock(&self.keys.account(account), id);
        let _: i64 = self.unlock.key(key).arg(token).invoke_async(&mut self.conn.clone()).await?;
        Ok(())
    }

    async fn commit(&self, account: &str, batch: WriteBatch) -> Result<(), StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Closed);
        }
        let base = self.keys.account(account);
        let mut writes: Vec<Write<'_>> = Vec::new();
        if let Some(args) = Self::doc_args(&base, &batch, self.idempotency_ttl) {
            let mut invocation = self.commit_docs.key(format!("{base}seq"));
            invocation.arg(args);
            let mut conn = self.conn.clone();
            let docs = async move { invocation.invoke_async::<()>(&mut conn).await.map_err(lock_lost_or) };
            if batch.fences.is_empty() {
                writes.push(Box::pin(docs));
            } else {
                // The fences are checked with the objects, in one script; the velocity updates,
                // in other slots, go only once that has passed.
                docs.await?;
            }
        }
        for (key, ops) in &batch.entities {
            if ops.is_empty() {
                continue;
            }
            let mut invocation = self.entity_ops.key(self.keys.entity(account, key));
            invocation.arg(entity_args(ops));
            let mut conn = self.conn.clone();
            writes.push(Box::pin(async move { Ok(invocation.invoke_async::<()>(&mut conn).await?) }));
        }
        if !batch.api_keys.is_empty() || !batch.docs.is_empty() {
            // Keys and the accounts set live in slots of their own: plain commands, not a
            // transaction, which a cluster would refuse across slots.
            let mut pipe = ::redis::pipe();
            for key in &batch.api_keys {
                pipe.set(self.keys.api_key(key), account).ignore();
            }
            pipe.sadd(self.keys.accounts(), account).ignore();
            let mut conn = self.conn.clone();
            writes.push(Box::pin(async move { Ok(pipe.query_async::<()>(&mut conn).await?) }));
        }
        join_all(writes).await.into_iter().collect()
    }

    async fn accounts(&self) -> Result<Vec<String>, StoreError> {
        let mut out: Vec<String> = self.conn.clone().smembers(self.keys.accounts()).await?;
        out.sort();
        Ok(out)
    }

    async fn close(&self) -> Result<(), StoreError> {
        // Every acknowledged write is already in Redis: nothing to flush, only stop writing.
        self.closed.store(true, Ordering::Release);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_encode_as_quadruples() {
        let args = entity_args(&[FieldOp::Incr("n".into(), -2), FieldOp::Del("g".into())]);
        assert_eq!(args, ["i", "n", "-2", "", "d", "g", "", ""]);
    }
}
