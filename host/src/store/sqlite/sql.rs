//! The SQL of the embedded store: schema, reads, and the statements a batch runs.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::super::StoreError;
use super::super::entities::{EntityIndex, FieldMap, FieldOp, Lookup};
use super::super::types::{Doc, IdempotencyRecord, Kind, ListQuery, Page, WriteBatch};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    created INTEGER NOT NULL,
    tag TEXT,
    body BLOB NOT NULL,
    UNIQUE (account, kind, id)
);
CREATE INDEX IF NOT EXISTS docs_by_kind ON docs (account, kind, seq);
CREATE INDEX IF NOT EXISTS docs_by_tag ON docs (account, kind, tag, seq);
CREATE TABLE IF NOT EXISTS entities (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    fields TEXT NOT NULL,
    as_of INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entity_log (
    seq INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    ops BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (account, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_by_created ON idempotency (created);
CREATE TABLE IF NOT EXISTS api_keys (
    key TEXT PRIMARY KEY,
    account TEXT NOT NULL
) WITHOUT ROWID;
";

/// Opens a connection with the settings every connection needs. `fsync`: commits wait for the
/// disk (`synchronous=FULL`); otherwise for the operating system (`NORMAL`: survives a crash of
/// the process, not of the machine).
pub fn open(path: &Path, fsync: bool) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
    // WAL: readers never block the writer. FULL: a commit is on disk when it returns.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    set_sync(&conn, fsync)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 64 MB of page cache per connection (the default is 2 MB): the indexes of a busy account
    // stay in memory.
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // SQLite's default checkpoint size (1000 pages, ~4 MB). The checkpoint thread
    // (`checkpoint.rs`) copies most frames before the writer's own checkpoint comes due, which
    // then copies the rest and lets the WAL start over. Larger checkpoints made the rare slow
    // commit much slower (tail latency) for little gain.
    conn.pragma_update(None, "wal_autocheckpoint", 1000)?;
    Ok(conn)
}

/// Switches the connection's commits between waiting for the disk (`FULL`) and for the
/// operating system only (`NORMAL`).
pub fn set_sync(conn: &Connection, fsync: bool) -> Result<(), StoreError> {
    conn.pragma_update(None, "synchronous", if fsync { "FULL" } else { "NORMAL" })?;
    Ok(())
}

/// Creates the tables when missing.
pub fn migrate(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(SCHEMA)?;
    // Files from before snapshots said which log entry they include: theirs include all (the
    // log was emptied with every compaction).
    let has_as_of: bool =
        conn.query_row("SELECT COUNT(*) > 0 FROM pragma_table_info('entities') WHERE name = 'as_of'", [], |r| {
            r.get(0)
        })?;
    if !has_as_of {
        conn.execute_batch("ALTER TABLE entities ADD COLUMN as_of INTEGER NOT NULL DEFAULT 0")?;
    }
    Ok(())
}

/// The sequence number the next log entry takes: past every entry and every snapshot, so that
/// numbers never repeat even once the log has been emptied.
pub fn next_log_seq(conn: &Connection) -> Result<i64, StoreError> {
    let log: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM entity_log", [], |r| r.get(0))?;
    let snap: i64 = conn.query_row("SELECT COALESCE(MAX(as_of), 0) FROM entities", [], |r| r.get(0))?;
    Ok(log.max(snap) + 1)
}

/// Every API key and its account.
pub fn load_keys(conn: &Connection) -> Result<HashMap<String, String>, StoreError> {
    let mut stmt = conn.prepare("SELECT key, account FROM api_keys")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Rebuilds the velocity state at start: the entities the log names are loaded and brought up
/// to date, written to the snapshot with the log folded in, and left on disk like every other
/// entity, which the index only notes as there. Returns the next log sequence number.
pub fn load_entities(conn: &mut Connection, index: &EntityIndex) -> Result<i64, StoreError> {
    let mut logged = HashSet::new();
    for_each_log_entry(conn, |_, account, key, _| {
        logged.insert((account.to_owned(), key));
        Ok(())
    })?;
    let mut as_of: HashMap<(String, String), i64> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT account, key, fields, as_of FROM entities")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (account, key): (String, String) = (row.get(0)?, row.get(1)?);
            let entity = (account, key);
            if !logged.contains(&entity) {
                index.mark_cold(&entity.0, &entity.1);
                continue;
            }
            index.load(&entity.0, &entity.1, parse_fields(&entity.1, &row.get::<_, String>(2)?)?);
            as_of.insert(entity, row.get(3)?);
        }
    }
    let never_cold = || -> Result<FieldMap, StoreError> { Ok(FieldMap::new()) };
    for_each_log_entry(conn, |seq, account, key, ops| {
        let entity = (account.to_owned(), key);
        if as_of.get(&entity).is_none_or(|&s| seq > s) {
            index.apply(&entity.0, &entity.1, &ops, never_cold)?;
        }
        Ok(())
    })?;
    let next = next_log_seq(conn)?;
    let keys: Vec<(String, String)> = logged.into_iter().collect();
    compact_entities(conn, index, &keys, next - 1)?;
    trim_log(conn, i64::MIN, next - 1)?;
    for (account, key) in &keys {
        index.evict(account, key);
    }
    Ok(next)
}

/// Calls `f` with each entity's operations of each log entry, in log order.
fn for_each_log_entry(
    conn: &Connection,
    mut f: impl FnMut(i64, &str, String, Vec<FieldOp>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare("SELECT seq, account, ops FROM entity_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (seq, account): (i64, String) = (row.get(0)?, row.get(1)?);
        let bytes: Vec<u8> = row.get(2)?;
        for (key, ops) in decode_ops(&bytes)? {
            f(seq, &account, key, ops)?;
        }
    }
    Ok(())
}

/// One entity's fields in the snapshot (empty when it has none).
pub fn snapshot(conn: &Connection, account: &str, key: &str) -> Result<FieldMap, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT fields FROM entities WHERE account = ?1 AND key = ?2")?;
    let text: Option<String> = stmt.query_row(params![account, key], |r| r.get(0)).optional()?;
    text.map_or_else(|| Ok(FieldMap::new()), |t| parse_fields(key, &t))
}

fn parse_fields(key: &str, text: &str) -> Result<FieldMap, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt { what: format!("entity {key}"), message: e.to_string() })
}

/// Writes the current fields of `keys` to the snapshot, each marked as including every log
/// entry up to `as_of` (the last one applied to the index). An empty map is written too: were
/// its row deleted, older log entries would count again at the next start.
pub fn compact_entities(
    conn: &mut Connection,
    index: &EntityIndex,
    keys: &[(String, String)],
    as_of: i64,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    {
        let mut put = tx.prepare_cached(
            "INSERT INTO entities (account, key, fields, as_of) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, key) DO UPDATE SET fields = excluded.fields, as_of = excluded.as_of",
        )?;
        for (account, key) in keys {
            let map = match index.peek(account, key) {
                Lookup::Hot(map) => map,
                Lookup::Unknown => Arc::default(),
                // Already on disk as it is.
                Lookup::Cold => continue,
            };
            let text = serde_json::to_string(&*map)
                .map_err(|e| StoreError::Database(format!("encoding entity {key}: {e}")))?;
            put.execute(params![account, key, text, as_of])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Deletes the log entries numbered from `from` to `upto`, which every snapshot includes.
pub fn trim_log(conn: &Connection, from: i64, upto: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM entity_log WHERE seq >= ?1 AND seq <= ?2", params![from, upto])?;
    Ok(())
}

/// A batch made ready for the writer by its caller: bodies compressed and velocity operations
/// encoded on the caller's thread, since every write waits for the one writer thread.
pub struct Prepared {
    /// The batch; its document bodies have been moved into `bodies`.
    pub batch: WriteBatch,
    /// The compressed body of each of `batch.docs`, in order.
    bodies: Vec<Vec<u8>>,
    /// The encoded velocity operations, when there are any.
    ops: Option<Vec<u8>>,
}

/// Compresses a batch's bodies and encodes its velocity operations.
pub fn prepare(mut batch: WriteBatch) -> Result<Prepared, StoreError> {
    let bodies = batch.docs.iter_mut().map(|d| pack(&std::mem::take(&mut d.body))).collect();
    let ops = if batch.entities.is_empty() { None } else { Some(encode_ops(&batch.entities)?) };
    Ok(Prepared { batch, bodies, ops })
}

/// Upserts an object: account, kind, id, created, tag and compressed body.
pub const PUT_DOC: &str = "INSERT INTO docs (account, kind, id, created, tag, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (account, kind, id) DO UPDATE
     SET created = excluded.created, tag = excluded.tag, body = excluded.body";

/// Appends a batch's encoded velocity operations to the log: sequence number, account, ops.
pub const LOG_OPS: &str = "INSERT INTO entity_log (seq, account, ops) VALUES (?1, ?2, ?3)";

/// Runs one batch's statements inside the writer's transaction; its velocity operations go in
/// the log as entry `seq`.
pub fn write_batch(tx: &Connection, account: &str, prepared: &Prepared, seq: i64) -> Result<(), StoreError> {
    let batch = &prepared.batch;
    {
        let mut put = tx.prepare_cached(PUT_DOC)?;
        for (d, body) in batch.docs.iter().zip(&prepared.bodies) {
            put.execute(params![account, d.kind.as_str(), d.id, d.created, d.tag, body])?;
        }
    }
    if !batch.deletes.is_empty() {
        let mut del = tx.prepare_cached("DELETE FROM docs WHERE account = ?1 AND kind = ?2 AND id = ?3")?;
        for (kind, id) in &batch.deletes {
            del.execute(params![account, kind.as_str(), id])?;
        }
    }
    if let Some(ops) = &prepared.ops {
        let mut log = tx.prepare_cached(LOG_OPS)?;
        log.execute(params![seq, account, ops])?;
    }
    if let Some(r) = &batch.idempotency {
        let mut put = tx.prepare_cached(
            "INSERT OR REPLACE INTO idempotency (account, key, fingerprint, status, body, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        put.execute(params![account, r.key, r.fingerprint, r.status, r.body, r.created])?;
    }
    for key in &batch.api_keys {
        tx.prepare_cached("INSERT OR REPLACE INTO api_keys (key, account) VALUES (?1, ?2)")?
            .execute(params![key, account])?;
    }
    Ok(())
}

/// Bodies are stored LZ4-compressed: JSON objects shrink to about half, and the write-ahead
/// log (every byte of which is written twice) with them.
pub fn pack(body: &str) -> Vec<u8> {
    lz4_flex::compress_prepend_size(body.as_bytes())
}

fn unpack(bytes: &[u8]) -> rusqlite::Result<String> {
    let corrupt = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Blob, e)
    };
    let raw = lz4_flex::decompress_size_prepended(bytes).map_err(|e| corrupt(Box::new(e)))?;
    String::from_utf8(raw).map_err(|e| corrupt(Box::new(e)))
}

fn doc_from_row(kind: Kind, row: &rusqlite::Row<'_>) -> rusqlite::Result<Doc> {
    let bytes: Vec<u8> = row.get(3)?;
    Ok(Doc { kind, id: row.get(0)?, created: row.get(1)?, tag: row.get(2)?, body: unpack(&bytes)? })
}

/// One object.
pub fn get(conn: &Connection, account: &str, kind: Kind, id: &str) -> Result<Option<Doc>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT id, created, tag, body FROM docs WHERE account = ?1 AND kind = ?2 AND id = ?3")?;
    Ok(stmt.query_row(params![account, kind.as_str(), id], |r| doc_from_row(kind, r)).optional()?)
}

fn seq_of(conn: &Connection, account: &str, kind: Kind, id: &str) -> Result<Option<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT seq FROM docs WHERE account = ?1 AND kind = ?2 AND id = ?3")?;
    Ok(stmt.query_row(params![account, kind.as_str(), id], |r| r.get(0)).optional()?)
}

/// A page, newest first. A cursor that names no object gives an empty page. Several tags are
/// read one index range each and merged in insertion order.
pub fn list(conn: &Connection, account: &str, kind: Kind, q: &ListQuery) -> Result<Page, StoreError> {
    let limit = q.limit.clamp(1, 100);
    let (cursor, newer) = match (&q.starting_after, &q.ending_before) {
        (Some(id), _) => (Some(id), false),
        (None, Some(id)) => (Some(id), true),
        (None, None) => (None, false),
    };
    let bound = match cursor {
        Some(id) => match seq_of(conn, account, kind, id)? {
            Some(s) => Some(s),
            None => return Ok(Page::default()),
        },
        None => None,
    };
    let range = Range { bound, newer, take: limit + 1, created: q.created.unwrap_or((i64::MIN, i64::MAX)) };
    let mut rows = Vec::new();
    if q.tags.is_empty() {
        rows = list_tag(conn, account, kind, None, &range)?;
    }
    for tag in &q.tags {
        rows.extend(list_tag(conn, account, kind, Some(tag), &range)?);
    }
    // Oldest first when paging towards newer objects, as each range was read.
    rows.sort_unstable_by_key(|(seq, _)| if newer { *seq } else { -*seq });
    let has_more = rows.len() > limit;
    let mut data: Vec<Doc> = rows.into_iter().take(limit).map(|(_, d)| d).collect();
    if newer {
        data.reverse();
    }
    Ok(Page { data, has_more })
}

/// Where a list page lies: past the cursor's sequence number `bound` (towards newer objects if
/// `newer`), at most `take` objects, created within `created`.
struct Range {
    bound: Option<i64>,
    newer: bool,
    take: usize,
    created: (i64, i64),
}

/// The objects of one tag (or all, for `None`) in `range`, with their sequence numbers, in the
/// order the page reads them.
fn list_tag(
    conn: &Connection,
    account: &str,
    kind: Kind,
    tag: Option<&str>,
    range: &Range,
) -> Result<Vec<(i64, Doc)>, StoreError> {
    let (cmp, order) = if range.newer { (">", "ASC") } else { ("<", "DESC") };
    // A statement per case, not `(?3 IS NULL OR tag = ?3)`: a statement is planned once for
    // any value, and that one walked every object of the kind (the kind index) to find a tag's
    // (5 ms for an empty list among 20,000 items of other lists, seconds among 100,000s of
    // events), and a page past a cursor read every object before the cursor again.
    let by_tag = if tag.is_some() { "tag = ?3" } else { "?3 IS NULL" };
    let after = if range.bound.is_some() { format!("seq {cmp} ?4") } else { "?4 IS NULL".to_owned() };
    let sql = format!(
        "SELECT id, created, tag, body, seq FROM docs WHERE account = ?1 AND kind = ?2
         AND {by_tag} AND {after} AND created BETWEEN ?6 AND ?7
         ORDER BY seq {order} LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let (from, to) = range.created;
    let args = params![account, kind.as_str(), tag, range.bound, range.take as i64, from, to];
    let rows = stmt.query_map(args, |r| Ok((r.get(4)?, doc_from_row(kind, r)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many objects of a kind carry a tag.
pub fn count(conn: &Connection, account: &str, kind: Kind, tag: &str) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM docs WHERE account = ?1 AND kind = ?2 AND tag = ?3")?;
    let n: i64 = stmt.query_row(params![account, kind.as_str(), tag], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// The idempotency record of a key.
pub fn idempotency(conn: &Connection, account: &str, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT fingerprint, status, body, created FROM idempotency WHERE account = ?1 AND key = ?2")?;
    Ok(stmt
        .query_row(params![account, key], |r| {
            Ok(IdempotencyRecord {
                key: key.to_owned(),
                fingerprint: r.get(0)?,
                status: r.get(1)?,
                body: r.get(2)?,
                created: r.get(3)?,
            })
        })
        .optional()?)
}

/// Deletes up to `limit` idempotency records made at or before `before` (Unix seconds), oldest
/// first; returns how many went.
pub fn purge_idempotency(conn: &Connection, before: i64, limit: usize) -> Result<usize, StoreError> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM idempotency WHERE (account, key) IN
           (SELECT account, key FROM idempotency WHERE created <= ?1 ORDER BY created LIMIT ?2)",
    )?;
    Ok(stmt.execute(params![before, i64::try_from(limit).unwrap_or(i64::MAX)])?)
}

/// Accounts that own objects.
pub fn accounts(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare("SELECT DISTINCT account FROM docs")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Serialises a batch's velocity operations for the log.
fn encode_ops(ops: &[(String, Vec<FieldOp>)]) -> Result<Vec<u8>, StoreError> {
    // postcard: a fraction of JSON's size, and this log is written for every payment.
    postcard::to_allocvec(ops).map_err(|e| StoreError::Database(format!("encoding velocity ops: {e}")))
}

/// Reads a logged entry back.
fn decode_ops(bytes: &[u8]) -> Result<Vec<(String, Vec<FieldOp>)>, StoreError> {
    postcard::from_bytes(bytes)
        .map_err(|e| StoreError::Corrupt { what: "velocity log entry".into(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::apply_ops;

    #[test]
    fn ops_round_trip_through_the_log_encoding() {
        let ops = vec![("card:1".to_owned(), vec![FieldOp::Incr("n".into(), 2), FieldOp::Min("f".into(), 7)])];
        let back = decode_ops(&encode_ops(&ops).expect("encodes")).expect("decodes");
        assert_eq!(back, ops);
        let mut m = FieldMap::new();
        apply_ops(&mut m, &back[0].1);
        assert_eq!(m.get("f"), Some(&7));
    }
}
