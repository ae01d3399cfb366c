//! The embedded store: one SQLite file in WAL mode.
//!
//! Writes go through a single writer thread that groups whatever batches are waiting into one
//! transaction and one fsync (`synchronous=FULL`), then answers every caller: a write is
//! acknowledged only once it is on disk, and a thousand concurrent payments cost a handful of
//! fsyncs. Velocity fields are served from memory ([`EntityIndex`]); on disk they are a snapshot
//! table plus a log of the operations since, folded into the snapshot at start and every
//! [`SqliteOptions::compact_every`] batches or [`SqliteOptions::compact_interval`]. An entity
//! folded into the snapshot and unchanged since leaves memory: a read of it goes to disk, and
//! its next change brings it back.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};

use async_trait::async_trait;
use rusqlite::Connection;
use tokio::sync::oneshot;

use super::entities::{EntityIndex, FieldMap, Lookup};
use super::types::{Doc, IdempotencyRecord, Kind, ListQuery, Page, WriteBatch};
use super::{CommitStats, Store, StoreError};
use dirty::Dirty;

mod checkpoint;
mod dirty;
mod sql;

/// What the writer runs, for the store benchmark's floor (SQLite alone writing a charge's rows):
/// the connection set up as the store's are, the statements a batch runs, and body compression.
pub mod floor {
    pub use super::sql::{LOG_OPS, PUT_DOC, open, pack};
}

/// How the embedded store is set up.
#[derive(Clone, Debug)]
pub struct SqliteOptions {
    /// The database file.
    pub path: PathBuf,
    /// Most batches folded into one transaction.
    pub max_group: usize,
    /// Batches between two compactions of the velocity log.
    pub compact_every: usize,
    /// Longest time between two compactions while there are writes: bounds the entities held
    /// in memory when traffic is light.
    pub compact_interval: std::time::Duration,
    /// Entities a compaction writes between two groups of batches: a compaction is done in
    /// steps, so writes wait for one step at most, not for the whole of it.
    pub compact_step: usize,
    /// Whether a commit waits for the disk (the default) or only for the operating system, which
    /// survives `kill -9` but not a power cut.
    pub fsync: bool,
    /// How long idempotency records are kept; expired ones are deleted every
    /// `compact_interval`, a bounded number at a time.
    pub idempotency_ttl: std::time::Duration,
}

impl SqliteOptions {
    /// Defaults for a database at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        SqliteOptions {
            path: path.into(),
            max_group: 1024,
            compact_every: 100_000,
            compact_interval: std::time::Duration::from_secs(60),
            compact_step: 100,
            fsync: true,
            idempotency_ttl: super::IDEMPOTENCY_TTL,
        }
    }
}

type Reply = oneshot::Sender<Result<(), StoreError>>;

enum Msg {
    Write { account: String, batch: Box<sql::Prepared>, reply: Reply },
    Close { reply: oneshot::Sender<()> },
}

/// The embedded store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Option<mpsc::Sender<Msg>>>,
    readers: Mutex<Vec<Connection>>,
    entities: Arc<EntityIndex>,
    keys: Arc<RwLock<HashMap<String, String>>>,
    closed: AtomicBool,
    stats: Arc<CommitStats>,
}

impl SqliteStore {
    /// Opens (or creates) the database, loads the velocity state and starts the writer.
    pub fn open(options: SqliteOptions) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = options.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(format!("{}: {e}", dir.display())))?;
        }
        let mut conn = sql::open(&options.path, options.fsync)?;
        sql::migrate(&conn)?;
        let entities = Arc::new(EntityIndex::default());
        let next_seq = sql::load_entities(&mut conn, &entities)?;
        let keys = Arc::new(RwLock::new(sql::load_keys(&conn)?));
        spawn_sweeper(Arc::downgrade(&entities))?;
        let (tx, rx) = mpsc::channel();
        let stats = Arc::new(CommitStats::default());
        let writer = Writer {
            stats: stats.clone(),
            _checkpointer: checkpoint::spawn(&options.path, options.fsync)?,
            conn,
            entities: entities.clone(),
            keys: keys.clone(),
            options: options.clone(),
            next_seq,
            dirty: Dirty::default(),
            round: None,
            compaction_stopped: false,
            last_purge: None,
        };
        std::thread::Builder::new()
            .name("ward-sqlite-writer".into())
            .spawn(move || writer.run(rx))
            .map_err(|e| StoreError::Database(format!("cannot start the writer thread: {e}")))?;
        Ok(SqliteStore {
            path: options.path,
            writer: Mutex::new(Some(tx)),
            readers: Mutex::new(Vec::new()),
            entities,
            keys,
            closed: AtomicBool::new(false),
            stats,
        })
    }

    /// Runs a read on a pooled connection, off the async threads.
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = match self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop() {
            Some(c) => c,
            None => sql::open(&self.path, true)?,
        };
        let (conn, out) = tokio::task::spawn_blocking(move || {
            let out = f(&conn);
            (conn, out)
        })
        .await
        .map_err(|e| StoreError::Database(format!("read task failed: {e}")))?;
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).push(conn);
        out
    }

    fn sender(&self) -> Result<mpsc::Sender<Msg>, StoreError> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner()).clone().ok_or(StoreError::Closed)
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn entities_held(&self) -> Option<(usize, usize)> {
        Some((self.entities.len(), self.entities.cold_notes().0))
    }

    fn commit_stats(&self) -> Option<&CommitStats> {
        Some(&self.stats)
    }

    async fn account_for_key(&self, api_key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.keys.read().unwrap_or_else(|p| p.into_inner()).get(api_key).cloned())
    }

    async fn put_api_key(&self, api_key: &str, account: &str) -> Result<(), StoreError> {
        self.commit(account, WriteBatch { api_keys: vec![api_key.to_owned()], ..WriteBatch::default() }).await
    }

    async fn read_entities(&self, account: &str, keys: &[String]) -> Result<Vec<Arc<FieldMap>>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        let mut cold = Vec::new();
        for key in keys {
            out.push(match self.entities.lookup(account, key) {
                Lookup::Hot(map) => map,
                Lookup::Unknown => Arc::default(),
                Lookup::Cold => {
                    cold.push((out.len(), key.clone()));
                    Arc::default()
                }
            });
        }
        if !cold.is_empty() {
            let account = account.to_owned();
            let loaded: Vec<(usize, FieldMap)> = self
                .read(move |c| cold.into_iter().map(|(i, k)| Ok((i, sql::snapshot(c, &account, &k)?))).collect())
                .await?;
            for (i, map) in loaded {
                out[i] = Arc::new(map);
            }
        }
        Ok(out)
    }

    async fn get(&self, account: &str, kind: Kind, id: &str) -> Result<Option<Doc>, StoreError> {
        let (account, id) = (account.to_owned(), id.to_owned());
        self.read(move |c| sql::get(c, &account, kind, &id)).await
    }

    async fn list(&self, account: &str, kind: Kind, query: &ListQuery) -> Result<Page, StoreError> {
        let (account, query) = (account.to_owned(), query.clone());
        self.read(move |c| sql::list(c, &account, kind, &query)).await
    }

    async fn count(&self, account: &str, kind: Kind, tag: &str) -> Result<u64, StoreError> {
        let (account, tag) = (account.to_owned(), tag.to_owned());
        self.read(move |c| sql::count(c, &account, kind, &tag)).await
    }

    async fn idempotency(&self, account: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let (account, key) = (account.to_owned(), key.to_owned());
        self.read(move |c| sql::idempotency(c, &account, &key)).await
    }

    async fn commit(&self, account: &str, batch: WriteBatch) -> Result<(), StoreError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Closed);
        }
        let (reply, rx) = oneshot::channel();
        self.sender()?
            .send(Msg::Write { account: account.to_owned(), batch: Box::new(sql::prepare(batch)?), reply })
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }

    async fn accounts(&self) -> Result<Vec<String>, StoreError> {
        let mut out: HashSet<String> = self.keys.read().unwrap_or_else(|p| p.into_inner()).values().cloned().collect();
        out.extend(self.read(sql::accounts).await?);
        let mut v: Vec<String> = out.into_iter().collect();
        v.sort();
        Ok(v)
    }

    async fn close(&self) -> Result<(), StoreError> {
        self.closed.store(true, Ordering::Release);
        let Some(tx) = self.writer.lock().unwrap_or_else(|p| p.into_inner()).take() else {
            return Ok(());
        };
        let (reply, rx) = oneshot::channel();
        if tx.send(Msg::Close { reply }).is_ok() {
            let _ = rx.await;
        }
        Ok(())
    }
}

/// How often expired velocity fields are dropped from memory.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Starts the thread that prunes expired velocity fields until the index is dropped. Pruned
/// fields are not rewritten on disk: the snapshot keeps them until the entity next changes, and
/// they are pruned again after a restart.
fn spawn_sweeper(entities: std::sync::Weak<EntityIndex>) -> Result<(), StoreError> {
    std::thread::Builder::new()
        .name("ward-velocity-sweep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(SWEEP_EVERY);
                let Some(index) = entities.upgrade() else { return };
                let removed = index.prune(unix_now());
                tracing::debug!(removed, entities = index.len(), "pruned expired velocity fields");
            }
        })
        .map_err(|e| StoreError::Database(format!("cannot start the velocity sweeper: {e}")))?;
    Ok(())
}

/// Seconds since the Unix epoch (0 on a clock set before it).
fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Runs batches in one transaction, their log entries numbered from `seq`.
fn commit_all(conn: &mut Connection, batches: &[(&str, &sql::Prepared)], seq: i64) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for (i, (account, batch)) in batches.iter().enumerate() {
        sql::write_batch(&tx, account, batch, seq + i as i64)?;
    }
    tx.commit()?;
    Ok(())
}

/// A compaction under way: the entities still to write to the snapshot, then the log entries
/// (all those up to `upto`, which the snapshot then includes) still to delete.
struct Round {
    keys: RoundKeys,
    upto: i64,
    /// Log entries below this are deleted.
    trimmed: i64,
    started: std::time::Instant,
    entities: usize,
}

/// The entities of a compaction round, in key order once sorted.
enum RoundKeys {
    /// Being sorted on a thread of their own (a few hundred thousand keys take a tenth of a
    /// second, which every write would otherwise wait for).
    Sorting(mpsc::Receiver<Vec<(String, String)>>),
    Ready(Vec<(String, String)>),
}

/// Starts sorting the keys on a thread of their own; sorts them here if no thread can start.
fn sort_aside(dirty: Dirty) -> RoundKeys {
    let (to_sort, inbox) = mpsc::channel::<Dirty>();
    let (done, result) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("ward-compact-sort".into()).spawn(move || {
        if let Ok(dirty) = inbox.recv() {
            let _ = done.send(dirty.sorted());
        }
    });
    if spawned.is_err() {
        return RoundKeys::Ready(dirty.sorted());
    }
    match to_sort.send(dirty) {
        Ok(()) => RoundKeys::Sorting(result),
        Err(mpsc::SendError(dirty)) => RoundKeys::Ready(dirty.sorted()),
    }
}

/// Log entries deleted in one step, per entity of a compaction step: a step of 2,000 entries
/// (about 2 MB of pages freed) took 10 ms, every waiting payment held back by it.
const TRIM_FACTOR: i64 = 2;

/// Expired idempotency records deleted in one step of the writer.
const PURGE_STEP: usize = 1000;

/// How long the writer waits for a write before taking the next compaction step anyway.
const IDLE_STEP: std::time::Duration = std::time::Duration::from_millis(5);

/// The thread that owns the write connection.
struct Writer {
    conn: Connection,
    /// Keeps the checkpoint thread running while the writer runs.
    _checkpointer: mpsc::Sender<()>,
    entities: Arc<EntityIndex>,
    keys: Arc<RwLock<HashMap<String, String>>>,
    options: SqliteOptions,
    /// The number the next log entry takes.
    next_seq: i64,
    /// Entities changed since the last compaction began. Hash sets (a payment marks half a
    /// dozen entities, and ordered keys cost the writer a string comparison per tree level); a
    /// compaction sorts them, so that a step writes neighbouring snapshot rows, a few pages
    /// rather than one page per entity.
    dirty: Dirty,
    round: Option<Round>,
    /// Set if a round lost its entities: the log is then never trimmed again by this process.
    compaction_stopped: bool,
    /// When expired idempotency records were last deleted; `None` while more remain to delete.
    last_purge: Option<std::time::Instant>,
    /// Group commits' timings, for `/metrics`.
    stats: Arc<CommitStats>,
}

impl Writer {
    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        let mut since_compaction = 0usize;
        let mut last_round = std::time::Instant::now();
        loop {
            // While a compaction or a purge is under way, an idle writer goes on with it;
            // otherwise it wakes now and then to see whether one is due.
            let busy = self.round.is_some() || self.last_purge.is_none();
            let wait = if busy { IDLE_STEP } else { self.options.compact_interval };
            let first = match rx.recv_timeout(wait) {
                Ok(m) => Some(m),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            };
            let mut group = Vec::new();
            let mut close = None;
            let mut next = first;
            while let Some(msg) = next.take() {
                match msg {
                    Msg::Write { account, batch, reply } => group.push((account, *batch, reply)),
                    Msg::Close { reply } => {
                        close = Some(reply);
                        break;
                    }
                }
                if group.len() < self.options.max_group {
                    next = rx.try_recv().ok();
                }
            }
            since_compaction += group.len();
            if !group.is_empty() && !self.write_group(group) {
                return;
            }
            if let Some(reply) = close {
                self.compact_all();
                let _ = reply.send(());
                return;
            }
            let due = since_compaction >= self.options.compact_every
                || (since_compaction > 0 && last_round.elapsed() >= self.options.compact_interval);
            if self.round.is_none() && due && !self.compaction_stopped {
                self.begin_round();
                since_compaction = 0;
                last_round = std::time::Instant::now();
            }
            if !self.housekeeping() {
                return;
            }
        }
    }

    /// A compaction step and an idempotency purge, if due, each committed without waiting for
    /// the disk: they change no acknowledged write, and the WAL keeps commits in order, so the
    /// next group commit's fsync makes them durable with it, and a crash before that keeps an
    /// earlier state (the log entries they fold in are trimmed only in later commits). An fsync
    /// of their own held every waiting payment back for it.
    ///
    /// Returns false when the writer must stop: synchronous commits could not be restored.
    fn housekeeping(&mut self) -> bool {
        if self.round.is_none() && !self.purge_due() {
            return true;
        }
        let relaxed = self.options.fsync && sql::set_sync(&self.conn, false).is_ok();
        self.compaction_step();
        self.purge_idempotency();
        if relaxed && sql::set_sync(&self.conn, true).is_err() {
            // Every later commit would be acknowledged before it is on disk.
            tracing::error!("cannot restore synchronous commits: the store stops writing");
            return false;
        }
        true
    }

    /// Whether expired idempotency records are to be deleted now: every `compact_interval`,
    /// and at once again while the last purge found more than it deletes.
    fn purge_due(&self) -> bool {
        self.last_purge.is_none_or(|t| t.elapsed() >= self.options.compact_interval)
    }

    /// Deletes a bounded number of expired idempotency records, if a purge is due (every
    /// `compact_interval`, and at once again while the last one found more than it deletes).
    fn purge_idempotency(&mut self) {
        if !self.purge_due() {
            return;
        }
        let now = unix_now();
        let before = now.saturating_sub(i64::try_from(self.options.idempotency_ttl.as_secs()).unwrap_or(i64::MAX));
        match sql::purge_idempotency(&self.conn, before, PURGE_STEP) {
            Ok(n) if n >= PURGE_STEP => self.last_purge = None,
            Ok(_) => self.last_purge = Some(std::time::Instant::now()),
            Err(e) => {
                tracing::warn!(error = %e, "deleting expired idempotency records failed; retrying later");
                self.last_purge = Some(std::time::Instant::now());
            }
        }
    }

    /// Starts a compaction of every entity changed since the last one began.
    fn begin_round(&mut self) {
        let oldest: Result<Option<i64>, _> = self.conn.query_row("SELECT MIN(seq) FROM entity_log", [], |r| r.get(0));
        let trimmed = match oldest {
            Ok(o) => o.unwrap_or(self.next_seq),
            Err(e) => {
                tracing::warn!(error = %e, "velocity log compaction postponed");
                return;
            }
        };
        let dirty = std::mem::take(&mut self.dirty);
        let entities = dirty.len();
        let keys = sort_aside(dirty);
        let upto = self.next_seq - 1;
        self.round = Some(Round { keys, upto, trimmed, started: std::time::Instant::now(), entities });
    }

    /// One step of the compaction under way: a few entities to the snapshot, or, once all are
    /// written, a range of the log entries they include deleted. A failed step is tried again
    /// at the next; until then the log stays, and a restart replays it.
    fn compaction_step(&mut self) {
        let Some(round) = &mut self.round else { return };
        if let RoundKeys::Sorting(rx) = &round.keys {
            match rx.try_recv() {
                Ok(keys) => round.keys = RoundKeys::Ready(keys),
                Err(mpsc::TryRecvError::Empty) => return,
                Err(mpsc::TryRecvError::Disconnected) => {
                    // Without its keys no round may trim the log again: a restart folds it.
                    tracing::error!("velocity log compaction lost its entities; compaction stops until restart");
                    self.round = None;
                    self.compaction_stopped = true;
                    return;
                }
            }
        }
        let RoundKeys::Ready(keys) = &mut round.keys else { return };
        let as_of = self.next_seq - 1;
        let result = if keys.is_empty() {
            let hi = round.upto.min(round.trimmed.saturating_add(self.options.compact_step as i64 * TRIM_FACTOR) - 1);
            sql::trim_log(&self.conn, round.trimmed, hi).map(|()| round.trimmed = hi + 1)
        } else {
            let from = keys.len().saturating_sub(self.options.compact_step);
            let written = sql::compact_entities(&mut self.conn, &self.entities, &keys[from..], as_of);
            if written.is_ok() {
                // What is on disk now and unchanged since the round began leaves memory.
                for (account, key) in keys.drain(from..) {
                    if !self.dirty.contains(&account, &key) {
                        self.entities.evict(&account, &key);
                    }
                }
            }
            written
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "velocity log compaction step failed");
        } else if keys.is_empty() && round.trimmed > round.upto {
            let millis = round.started.elapsed().as_millis() as u64;
            tracing::info!(entities = round.entities, millis, "velocity log compacted");
            self.round = None;
        }
    }

    /// Compacts everything at once (on close): the whole log goes.
    fn compact_all(&mut self) {
        if self.compaction_stopped {
            return;
        }
        let mut keys = std::mem::take(&mut self.dirty).sorted();
        if let Some(round) = self.round.take() {
            match round.keys {
                RoundKeys::Ready(rest) => keys.extend(rest),
                RoundKeys::Sorting(rx) => match rx.recv() {
                    Ok(rest) => keys.extend(rest),
                    // The log stays; the next start folds it.
                    Err(_) => return,
                },
            }
        }
        let upto = self.next_seq - 1;
        let done = sql::compact_entities(&mut self.conn, &self.entities, &keys, upto)
            .and_then(|()| sql::trim_log(&self.conn, i64::MIN, upto));
        if let Err(e) = done {
            // The log stays; the next start folds it.
            tracing::warn!(error = %e, "velocity log compaction failed");
        }
    }

    /// Writes a group in one transaction. Should it fail (a batch the database refuses), each
    /// batch is retried in a transaction of its own, so one bad batch fails alone; savepoints
    /// per batch would make every group pay for that rare case. Returns false when the writer
    /// must stop: an entity on disk could not be read back, so the velocity state in memory
    /// would be missing committed changes. Every write acknowledged so far is in the log, and
    /// the next start replays it.
    fn write_group(&mut self, group: Vec<(String, sql::Prepared, Reply)>) -> bool {
        let all: Vec<(&str, &sql::Prepared)> = group.iter().map(|(a, b, _)| (a.as_str(), b)).collect();
        let started = std::time::Instant::now();
        // Numbers of failed transactions are skipped: the log needs them increasing, not dense.
        let seq = self.next_seq;
        self.next_seq += all.len() as i64;
        let results: Vec<Result<(), StoreError>> = match commit_all(&mut self.conn, &all, seq) {
            Ok(()) => group.iter().map(|_| Ok(())).collect(),
            Err(e) if group.len() == 1 => vec![Err(e)],
            Err(_) => all
                .iter()
                .map(|one| {
                    let seq = self.next_seq;
                    self.next_seq += 1;
                    commit_all(&mut self.conn, std::slice::from_ref(one), seq)
                })
                .collect(),
        };
        // A commit this slow stalls every request waiting on it: worth a line in the log.
        let took = started.elapsed();
        self.stats.duration.observe(took.as_secs_f64());
        self.stats.batches.fetch_add(group.len() as u64, Ordering::Relaxed);
        if took > std::time::Duration::from_millis(250) {
            tracing::warn!(batches = group.len(), millis = took.as_millis() as u64, "slow group commit");
        }
        // Durable now: make the writes visible to readers, then acknowledge.
        let mut healthy = true;
        for ((account, batch, reply), result) in group.into_iter().zip(results) {
            if result.is_ok() {
                let batch = &batch.batch;
                for (key, ops) in &batch.entities {
                    let conn = &self.conn;
                    if let Err(e) = self.entities.apply(&account, key, ops, || sql::snapshot(conn, &account, key)) {
                        tracing::error!(error = %e, entity = %key, "velocity entity unreadable: the store stops writing");
                        healthy = false;
                    }
                    self.dirty.insert(&account, key);
                }
                let mut keys = self.keys.write().unwrap_or_else(|p| p.into_inner());
                for key in &batch.api_keys {
                    keys.insert(key.clone(), account.clone());
                }
            }
            let _ = reply.send(result);
        }
        healthy
    }
}
