//! One behavioural suite for every store: each check below runs against the embedded SQLite
//! store (a temporary file) and the Redis store (a `redis-server` started for the test on a free
//! port). The SQLite store is the reference; the Redis store must agree with it.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::redis::RedisServer;
use support::server::TempDir;

use ward_host::store::{
    Doc, Fence, FieldMap, FieldOp, IdempotencyRecord, Kind, ListQuery, RedisOptions, RedisStore, SqliteOptions,
    SqliteStore, Store, StoreError, WriteBatch,
};

/// A store under test, and a second handle on the same state: another Redis connection (a
/// second replica), or the same SQLite store (one process owns its file).
struct Env {
    store: Arc<dyn Store>,
    replica: Arc<dyn Store>,
    guard: Box<dyn std::any::Any + Send>,
}

fn sqlite_env() -> Env {
    let dir = TempDir::new("sqlite");
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(SqliteOptions::new(dir.path().join("ward.db"))).expect("open sqlite"));
    Env { replica: store.clone(), store, guard: Box::new(dir) }
}

async fn redis_env() -> Env {
    let server = RedisServer::start();
    static N: AtomicUsize = AtomicUsize::new(0);
    let mut options = RedisOptions::new(server.url());
    // A prefix of its own, so the test would stay isolated on a shared server too.
    options.prefix = format!("test{}-{}:", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let store: Arc<dyn Store> = Arc::new(RedisStore::open(options.clone()).await.expect("connect to redis"));
    let replica: Arc<dyn Store> = Arc::new(RedisStore::open(options).await.expect("connect a second replica"));
    Env { store, replica, guard: Box::new(server) }
}

const A: &str = "acct_a";
const B: &str = "acct_b";

fn doc(kind: Kind, id: &str, tag: Option<&str>, body: &str) -> Doc {
    Doc { kind, id: id.into(), created: 1_700_000_000, tag: tag.map(str::to_owned), body: body.into() }
}

fn docs(batch: Vec<Doc>) -> WriteBatch {
    WriteBatch { docs: batch, ..WriteBatch::default() }
}

fn ops(key: &str, ops: Vec<FieldOp>) -> WriteBatch {
    WriteBatch { entities: vec![(key.to_owned(), ops)], ..WriteBatch::default() }
}

fn ids(page: &ward_host::store::Page) -> Vec<&str> {
    page.data.iter().map(|d| d.id.as_str()).collect()
}

fn query(limit: usize, after: Option<&str>, before: Option<&str>, tag: Option<&str>) -> ListQuery {
    ListQuery {
        limit,
        starting_after: after.map(str::to_owned),
        ending_before: before.map(str::to_owned),
        tags: tag.into_iter().map(str::to_owned).collect(),
        created: None,
    }
}

async fn entity(store: &dyn Store, account: &str, key: &str) -> FieldMap {
    (*store.read_entities(account, &[key.to_owned()]).await.expect("read entity").remove(0)).clone()
}

/// Put, get, upsert (keeps the list position), delete.
async fn objects(env: &Env) {
    let s = &*env.store;
    s.commit(A, docs(vec![doc(Kind::Charge, "ch_1", Some("normal"), "{\"n\":1}")])).await.unwrap();
    s.commit(A, docs(vec![doc(Kind::Charge, "ch_2", None, "{\"n\":2}"), doc(Kind::Charge, "ch_3", None, "{}")]))
        .await
        .unwrap();
    assert_eq!(
        s.get(A, Kind::Charge, "ch_1").await.unwrap(),
        Some(doc(Kind::Charge, "ch_1", Some("normal"), "{\"n\":1}"))
    );
    assert_eq!(s.get(A, Kind::Charge, "ch_2").await.unwrap().and_then(|d| d.tag), None);
    assert_eq!(s.get(A, Kind::Charge, "ch_9").await.unwrap(), None);
    assert_eq!(s.get(A, Kind::Refund, "ch_1").await.unwrap(), None, "ids are per kind");

    let mut updated = doc(Kind::Charge, "ch_1", Some("elevated"), "{\"n\":10}");
    updated.created = 1_700_000_500;
    env.replica.commit(A, docs(vec![updated.clone()])).await.unwrap();
    assert_eq!(s.get(A, Kind::Charge, "ch_1").await.unwrap(), Some(updated));
    let page = s.list(A, Kind::Charge, &query(10, None, None, None)).await.unwrap();
    assert_eq!(ids(&page), ["ch_3", "ch_2", "ch_1"], "an upsert keeps the object's place");
    assert!(!page.has_more);

    s.commit(A, WriteBatch { deletes: vec![(Kind::Charge, "ch_2".into())], ..WriteBatch::default() }).await.unwrap();
    assert_eq!(s.get(A, Kind::Charge, "ch_2").await.unwrap(), None);
    assert_eq!(ids(&s.list(A, Kind::Charge, &query(10, None, None, None)).await.unwrap()), ["ch_3", "ch_1"]);
    // Deleting what is not there is not an error.
    s.commit(A, WriteBatch { deletes: vec![(Kind::Charge, "ch_2".into())], ..WriteBatch::default() }).await.unwrap();
}

/// Pages both ways with `has_more`, tag filters, and cursors that name nothing.
async fn pagination(env: &Env) {
    let s = &*env.store;
    for i in 1..=7 {
        let tag = if i % 2 == 0 { "even" } else { "odd" };
        s.commit(A, docs(vec![doc(Kind::Event, &format!("evt_{i}"), Some(tag), "{}")])).await.unwrap();
    }
    let all = |l, a, b, t| {
        let q = query(l, a, b, t);
        async move { s.list(A, Kind::Event, &q).await.unwrap() }
    };
    let p = all(3, None, None, None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_7", "evt_6", "evt_5"], true));
    let p = all(3, Some("evt_5"), None, None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_4", "evt_3", "evt_2"], true));
    let p = all(3, Some("evt_2"), None, None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_1"], false));
    let p = all(3, Some("evt_4"), None, None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_3", "evt_2", "evt_1"], false), "exactly the rest: no more");
    // Backwards: the objects just newer than the cursor, still newest first.
    let p = all(3, None, Some("evt_1"), None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_4", "evt_3", "evt_2"], true));
    let p = all(3, None, Some("evt_4"), None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_7", "evt_6", "evt_5"], false));
    let p = all(3, None, Some("evt_7"), None).await;
    assert_eq!((ids(&p), p.has_more), (Vec::<&str>::new(), false));
    // Tags.
    let p = all(10, None, None, Some("odd")).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_7", "evt_5", "evt_3", "evt_1"], false));
    let p = all(2, Some("evt_6"), None, Some("even")).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_4", "evt_2"], false));
    let p = all(1, None, Some("evt_2"), Some("even")).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_4"], true));
    let p = all(5, Some("evt_6"), None, Some("odd")).await;
    assert_eq!(ids(&p), ["evt_5", "evt_3", "evt_1"], "the cursor need not carry the tag");
    assert!(all(10, None, None, Some("none")).await.data.is_empty());
    // A cursor naming no object gives an empty page, in both directions.
    for p in [all(3, Some("evt_404"), None, None).await, all(3, None, Some("evt_404"), None).await] {
        assert_eq!((p.data.len(), p.has_more), (0, false));
    }
    // Limits are clamped to 1–100.
    let p = all(0, None, None, None).await;
    assert_eq!((ids(&p), p.has_more), (vec!["evt_7"], true));
    assert_eq!(all(1000, None, None, None).await.data.len(), 7);
    // Another kind's ids are not cursors here.
    s.commit(A, docs(vec![doc(Kind::Refund, "re_1", None, "{}")])).await.unwrap();
    assert!(all(3, Some("re_1"), None, None).await.data.is_empty());
}

/// Counts per tag follow upserts that change the tag, and deletes.
/// `created` ranges and tag filters (none, one, two tags merged), checked against a plain
/// filter over every range, direction, tag set and page size: objects created 100 s apart, one
/// of them 120 s out of order (replicas' clocks).
async fn created_ranges(env: &Env) {
    let s = &*env.store;
    let t0 = 1_700_000_000;
    let mut made = Vec::new();
    for i in 0..30i64 {
        let created = if i == 17 { t0 + 1_580 } else { t0 + i * 100 };
        let tag = if i % 3 == 0 {
            "three"
        } else if i % 5 == 0 {
            "five"
        } else {
            "other"
        };
        let id = format!("evt_{i:02}");
        let d = Doc { kind: Kind::Event, id: id.clone(), created, tag: Some(tag.into()), body: "{}".into() };
        s.commit(A, docs(vec![d])).await.unwrap();
        made.push((id, created, tag));
    }
    let ranges = [
        None,
        Some((t0 + 450, t0 + 1_750)),
        Some((t0, t0)),
        Some((t0 + 1_580, t0 + 1_600)),
        Some((t0 + 1_590, t0 + 1_700)),
        Some((i64::MIN, t0 + 250)),
        Some((t0 + 2_850, i64::MAX)),
        Some((t0 + 5_000, i64::MAX)),
        Some((t0 + 1_250, t0 + 1_249)),
    ];
    let tag_sets: [&[&str]; 4] = [&[], &["three"], &["five", "three"], &["five", "nothing"]];
    for range in ranges {
        let (from, to) = range.unwrap_or((i64::MIN, i64::MAX));
        for tags in tag_sets {
            let want: Vec<&str> = made
                .iter()
                .rev()
                .filter(|(_, c, t)| (from..=to).contains(c) && (tags.is_empty() || tags.contains(t)))
                .map(|(id, _, _)| id.as_str())
                .collect();
            let filtered = |limit, after: Option<&str>, before: Option<&str>| {
                let mut q = query(limit, after, before, None);
                q.tags = tags.iter().map(|t| (*t).to_owned()).collect();
                q.created = range;
                q
            };
            for limit in [1, 3, 100] {
                // Forwards, page by page from the newest.
                let mut q = filtered(limit, None, None);
                let mut got: Vec<String> = Vec::new();
                loop {
                    let page = s.list(A, Kind::Event, &q).await.unwrap();
                    got.extend(page.data.iter().map(|d| d.id.clone()));
                    assert!(page.data.len() <= limit);
                    if !page.has_more {
                        break;
                    }
                    q.starting_after = got.last().cloned();
                    assert!(got.len() <= made.len(), "pages never end");
                }
                assert_eq!(got, want, "range {range:?} tags {tags:?} limit {limit}");
                // Backwards from the oldest object made: the same objects, newest first per page.
                let mut q = filtered(limit, None, Some("evt_00"));
                let mut back: Vec<String> = Vec::new();
                loop {
                    let page = s.list(A, Kind::Event, &q).await.unwrap();
                    let mut ids: Vec<String> = page.data.iter().map(|d| d.id.clone()).collect();
                    ids.extend(back);
                    back = ids;
                    if !page.has_more {
                        break;
                    }
                    q.ending_before = back.first().cloned();
                }
                let mut want_back: Vec<&str> = want.iter().copied().filter(|id| *id != "evt_00").collect();
                want_back.dedup();
                assert_eq!(back, want_back, "backwards: range {range:?} tags {tags:?} limit {limit}");
            }
        }
    }
}

async fn counts(env: &Env) {
    let s = &*env.store;
    assert_eq!(s.count(A, Kind::Review, "open").await.unwrap(), 0);
    s.commit(A, docs((1..=3).map(|i| doc(Kind::Review, &format!("prv_{i}"), Some("open"), "{}")).collect()))
        .await
        .unwrap();
    assert_eq!(s.count(A, Kind::Review, "open").await.unwrap(), 3);
    env.replica.commit(A, docs(vec![doc(Kind::Review, "prv_1", Some("closed"), "{}")])).await.unwrap();
    assert_eq!(s.count(A, Kind::Review, "open").await.unwrap(), 2);
    assert_eq!(s.count(A, Kind::Review, "closed").await.unwrap(), 1);
    let p = s.list(A, Kind::Review, &query(10, None, None, Some("open"))).await.unwrap();
    assert_eq!(ids(&p), ["prv_3", "prv_2"], "a retagged object leaves its old tag's list");
    s.commit(A, docs(vec![doc(Kind::Review, "prv_2", None, "{}")])).await.unwrap();
    assert_eq!(s.count(A, Kind::Review, "open").await.unwrap(), 1, "an upsert without a tag drops the old one");
    s.commit(A, WriteBatch { deletes: vec![(Kind::Review, "prv_3".into())], ..WriteBatch::default() }).await.unwrap();
    assert_eq!(s.count(A, Kind::Review, "open").await.unwrap(), 0);
    assert_eq!(s.count(A, Kind::ValueListItem, "open").await.unwrap(), 0, "counts are per kind");
}

/// Idempotency records, API keys and the list of accounts.
async fn records_keys_accounts(env: &Env) {
    let s = &*env.store;
    assert_eq!(s.idempotency(A, "idem_1").await.unwrap(), None);
    let record = IdempotencyRecord {
        key: "idem_1".into(),
        fingerprint: "POST /v1/charges 1234".into(),
        status: 402,
        body: "{\"error\":{}}".into(),
        created: unix_now(),
    };
    let batch = WriteBatch {
        docs: vec![doc(Kind::Charge, "ch_1", None, "{}")],
        idempotency: Some(record.clone()),
        api_keys: vec!["sk_test_a".into()],
        ..WriteBatch::default()
    };
    s.commit(A, batch).await.unwrap();
    assert_eq!(env.replica.idempotency(A, "idem_1").await.unwrap(), Some(record.clone()));
    let again = IdempotencyRecord { status: 200, ..record };
    s.commit(A, WriteBatch { idempotency: Some(again.clone()), ..WriteBatch::default() }).await.unwrap();
    assert_eq!(s.idempotency(A, "idem_1").await.unwrap(), Some(again));

    assert_eq!(s.account_for_key("sk_test_a").await.unwrap().as_deref(), Some(A));
    assert_eq!(s.account_for_key("sk_test_none").await.unwrap(), None);
    env.replica.put_api_key("sk_test_b", B).await.unwrap();
    assert_eq!(s.account_for_key("sk_test_b").await.unwrap().as_deref(), Some(B));
    assert_eq!(s.accounts().await.unwrap(), [A, B], "accounts with objects or keys, sorted");
}

/// Unix seconds now.
fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Idempotency records older than the TTL are deleted by the store (Redis expires them, the
/// SQLite writer purges them); younger ones stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_idempotency_records_are_dropped() {
    let ttl = std::time::Duration::from_secs(60);
    let dir = TempDir::new("sqlite-idem");
    let mut options = SqliteOptions::new(dir.path().join("ward.db"));
    options.idempotency_ttl = ttl;
    options.compact_interval = std::time::Duration::from_millis(50);
    let sqlite: Arc<dyn Store> = Arc::new(SqliteStore::open(options).expect("open sqlite"));
    let server = RedisServer::start();
    let mut options = RedisOptions::new(server.url());
    options.idempotency_ttl = ttl;
    let redis: Arc<dyn Store> = Arc::new(RedisStore::open(options).await.expect("connect to redis"));
    for store in [sqlite, redis] {
        let record = |key: &str, age: i64| IdempotencyRecord {
            key: key.into(),
            fingerprint: "POST /v1/charges 1".into(),
            status: 200,
            body: "{}".into(),
            created: unix_now() - age,
        };
        for (key, age) in [("old", 61), ("young", 30)] {
            store.commit(A, WriteBatch { idempotency: Some(record(key, age)), ..WriteBatch::default() }).await.unwrap();
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while store.idempotency(A, "old").await.unwrap().is_some() {
            assert!(std::time::Instant::now() < deadline, "{}: the expired record is still there", store.name());
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(store.idempotency(A, "young").await.unwrap().is_some(), "{}: a live record stays", store.name());
    }
}

/// Each operation's semantics, checked field by field against `apply_ops`.
async fn entity_ops(env: &Env) {
    let s = &*env.store;
    let big = (1i64 << 53) + 1;
    let script = vec![
        FieldOp::Incr("n".into(), 2),
        FieldOp::Incr("n".into(), 3),
        FieldOp::Min("first".into(), 50),
        FieldOp::Min("first".into(), 40),
        FieldOp::Min("first".into(), 60),
        FieldOp::Max("last".into(), 5),
        FieldOp::Max("last".into(), 3),
        FieldOp::Max("neg".into(), -10),
        FieldOp::Max("neg".into(), -9),
        FieldOp::Min("neg2".into(), -9),
        FieldOp::Min("neg2".into(), -10),
        FieldOp::Max("neg3".into(), -15),
        FieldOp::Max("neg3".into(), -12),
        FieldOp::Min("neg4".into(), -12),
        FieldOp::Min("neg4".into(), -15),
        FieldOp::Min("mixed".into(), 3),
        FieldOp::Min("mixed".into(), -3),
        FieldOp::Max("big".into(), big - 1),
        FieldOp::Max("big".into(), big),
        FieldOp::Min("small".into(), big),
        FieldOp::Min("small".into(), big - 1),
        FieldOp::Incr("gone".into(), 1),
        FieldOp::Del("gone".into()),
        FieldOp::Incr("zero".into(), 4),
        FieldOp::Incr("zero".into(), -4),
        FieldOp::Incr("nothing".into(), 0),
        FieldOp::Incr("sat".into(), i64::MAX),
        FieldOp::Incr("sat".into(), 1),
        FieldOp::Incr("satneg".into(), i64::MIN),
        FieldOp::Incr("satneg".into(), -1),
        FieldOp::Del("never".into()),
        FieldOp::AddMember("ips:h:1".into(), "a1".into(), 2),
        FieldOp::AddMember("ips:h:1".into(), "a1".into(), 2),
        FieldOp::AddMember("ips:h:1".into(), "b2".into(), 2),
        FieldOp::AddMember("ips:h:1".into(), "c3".into(), 2),
    ];
    let mut expected = FieldMap::new();
    ward_host::store::apply_ops(&mut expected, &script);
    s.commit(A, ops("card:fp_1", script)).await.unwrap();
    assert_eq!(entity(s, A, "card:fp_1").await, expected);
    assert_eq!(expected.get("big"), Some(&big));
    assert_eq!(expected.get("small"), Some(&(big - 1)));
    assert_eq!(expected.get("sat"), Some(&i64::MAX));
    assert_eq!(expected.get("ips:h:1"), Some(&2), "a capped set keeps at most its cap");
    assert!(expected.contains_key("ips:h:1:b2") && !expected.contains_key("ips:h:1:c3"));
    assert!(!expected.contains_key("zero") && !expected.contains_key("nothing") && !expected.contains_key("gone"));

    // Several entities in one batch, read back in the order asked, unknown ones empty.
    let batch = WriteBatch {
        entities: vec![
            ("email:a@example.com".into(), vec![FieldOp::Incr("n".into(), 1)]),
            ("ip:10.0.0.1".into(), vec![FieldOp::Max("t".into(), 7)]),
        ],
        ..WriteBatch::default()
    };
    env.replica.commit(A, batch).await.unwrap();
    let keys: Vec<String> = ["ip:10.0.0.1", "nobody", "email:a@example.com"].map(String::from).into();
    let maps = s.read_entities(A, &keys).await.unwrap();
    let maps: Vec<FieldMap> = maps.iter().map(|m| (**m).clone()).collect();
    assert_eq!(maps, [FieldMap::from([("t".into(), 7)]), FieldMap::new(), FieldMap::from([("n".into(), 1)])]);
    assert!(s.read_entities(A, &[]).await.unwrap().is_empty());
    // An entity whose every field is gone reads as empty.
    s.commit(A, ops("email:a@example.com", vec![FieldOp::Incr("n".into(), -1)])).await.unwrap();
    assert!(entity(s, A, "email:a@example.com").await.is_empty());
}

/// Many tasks on two replicas update one entity at once: no count is lost, no cap overshot.
async fn concurrent_increments(env: &Env) {
    let mut tasks = Vec::new();
    for t in 0..8i64 {
        let store = if t % 2 == 0 { env.store.clone() } else { env.replica.clone() };
        tasks.push(tokio::spawn(async move {
            for i in 0..200i64 {
                let seen = 1_700_000_000 + t * 1000 + i;
                let batch = ops(
                    "card:fp_hot",
                    vec![
                        FieldOp::Incr("n".into(), 1),
                        FieldOp::Max("last".into(), seen),
                        FieldOp::Min("first".into(), seen),
                        FieldOp::AddMember("seen".into(), format!("{t}_{i}"), 50),
                    ],
                );
                store.commit(A, batch).await.expect("commit");
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let m = entity(&*env.store, A, "card:fp_hot").await;
    assert_eq!(m.get("n"), Some(&1600));
    assert_eq!(m.get("last"), Some(&(1_700_000_000 + 7 * 1000 + 199)));
    assert_eq!(m.get("first"), Some(&1_700_000_000));
    assert_eq!(m.get("seen"), Some(&50), "a capped set never overshoots its cap");
    assert_eq!(m.keys().filter(|k| k.starts_with("seen:")).count(), 50);
}

/// Nothing of one account shows in another's reads, whatever the names.
async fn isolation(env: &Env) {
    let s = &*env.store;
    let batch = WriteBatch {
        docs: vec![doc(Kind::Charge, "ch_1", Some("normal"), "{\"a\":1}")],
        entities: vec![("card:1".into(), vec![FieldOp::Incr("n".into(), 5)])],
        idempotency: Some(IdempotencyRecord {
            key: "k".into(),
            fingerprint: "f".into(),
            status: 200,
            body: "{}".into(),
            created: 1,
        }),
        ..WriteBatch::default()
    };
    s.commit(A, batch).await.unwrap();
    assert_eq!(s.get(B, Kind::Charge, "ch_1").await.unwrap(), None);
    assert!(s.list(B, Kind::Charge, &query(10, None, None, None)).await.unwrap().data.is_empty());
    assert!(s.list(B, Kind::Charge, &query(10, Some("ch_1"), None, None)).await.unwrap().data.is_empty());
    assert_eq!(s.count(B, Kind::Charge, "normal").await.unwrap(), 0);
    assert_eq!(s.idempotency(B, "k").await.unwrap(), None);
    assert!(entity(s, B, "card:1").await.is_empty());
    // Separators and braces in names cannot make two accounts meet.
    s.commit("acct:x", ops("y", vec![FieldOp::Incr("n".into(), 1)])).await.unwrap();
    assert!(entity(s, "acct", "x:y").await.is_empty());
    s.commit("acct{1}", ops("card:{2}", vec![FieldOp::Incr("n".into(), 2)])).await.unwrap();
    assert_eq!(entity(s, "acct{1}", "card:{2}").await.get("n"), Some(&2));
    assert!(entity(s, "acct", "card:{2}").await.is_empty());
    // B's own objects start their own order.
    s.commit(B, docs(vec![doc(Kind::Charge, "ch_b", None, "{}")])).await.unwrap();
    assert_eq!(ids(&s.list(B, Kind::Charge, &query(10, None, None, None)).await.unwrap()), ["ch_b"]);
    assert_eq!(ids(&s.list(A, Kind::Charge, &query(10, None, None, None)).await.unwrap()), ["ch_1"]);
}

/// After `close`, writes are refused.
async fn closing(env: &Env) {
    env.store.commit(A, docs(vec![doc(Kind::Charge, "ch_1", None, "{}")])).await.unwrap();
    env.store.close().await.unwrap();
    let err = env.store.commit(A, docs(vec![doc(Kind::Charge, "ch_2", None, "{}")])).await;
    assert!(matches!(err, Err(StoreError::Closed)), "{err:?}");
}

macro_rules! suite {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    super::$check(&super::sqlite_env()).await;
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    super::$check(&super::redis_env().await).await;
                }
            )*
        }
    };
}

suite!(
    objects,
    pagination,
    created_ranges,
    counts,
    records_keys_accounts,
    entity_ops,
    concurrent_increments,
    isolation,
    closing
);

/// The SQLite store's state survives the process: objects, keys, idempotency records, and
/// velocity fields both from the operation log (a store dropped without closing) and from the
/// compacted snapshot (closed cleanly, and compacted midway).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_state_survives_a_restart() {
    let dir = TempDir::new("durable");
    let options = || {
        let mut o = SqliteOptions::new(dir.path().join("ward.db"));
        o.compact_every = 3;
        o
    };
    let record = IdempotencyRecord {
        key: "idem".into(),
        fingerprint: "fp".into(),
        status: 200,
        body: "{}".into(),
        created: unix_now(),
    };
    {
        let s = SqliteStore::open(options()).expect("open");
        s.commit(
            A,
            WriteBatch {
                docs: vec![doc(Kind::Charge, "ch_1", Some("normal"), "{\"x\":1}")],
                idempotency: Some(record.clone()),
                api_keys: vec!["sk_test_a".into()],
                ..WriteBatch::default()
            },
        )
        .await
        .unwrap();
        // Five batches with compaction every three: some fields end up in the snapshot, the
        // rest only in the log.
        for i in 0..5 {
            s.commit(A, ops("card:1", vec![FieldOp::Incr("n".into(), 1), FieldOp::Max("last".into(), i)]))
                .await
                .unwrap();
        }
        s.commit(A, ops("card:2", vec![FieldOp::Incr("n".into(), 1)])).await.unwrap();
        s.commit(A, ops("card:2", vec![FieldOp::Incr("n".into(), -1)])).await.unwrap();
        // Dropped without closing: the writer stops without a final compaction.
    }
    let check = |s: SqliteStore| {
        let record = record.clone();
        async move {
            assert_eq!(
                s.get(A, Kind::Charge, "ch_1").await.unwrap(),
                Some(doc(Kind::Charge, "ch_1", Some("normal"), "{\"x\":1}"))
            );
            assert_eq!(s.count(A, Kind::Charge, "normal").await.unwrap(), 1);
            assert_eq!(s.idempotency(A, "idem").await.unwrap(), Some(record));
            assert_eq!(s.account_for_key("sk_test_a").await.unwrap().as_deref(), Some(A));
            assert_eq!(s.accounts().await.unwrap(), [A]);
            let keys = ["card:1".to_owned(), "card:2".to_owned()];
            let maps = s.read_entities(A, &keys).await.unwrap();
            assert_eq!(*maps[0], FieldMap::from([("n".into(), 5), ("last".into(), 4)]));
            assert!(maps[1].is_empty());
            s
        }
    };
    let s = check(SqliteStore::open(options()).expect("reopen after a drop")).await;
    s.commit(A, ops("card:1", vec![FieldOp::Incr("n".into(), 1)])).await.unwrap();
    s.close().await.unwrap();
    drop(s);
    let s = SqliteStore::open(options()).expect("reopen after a close");
    assert_eq!(entity(&s, A, "card:1").await.get("n"), Some(&6));
    s.commit(A, ops("card:1", vec![FieldOp::Incr("n".into(), -1)])).await.unwrap();
    s.close().await.unwrap();
    drop(s);
    check(SqliteStore::open(options()).expect("reopen again")).await;
}

/// Redis forgets its scripts on a restart or failover (`SCRIPT FLUSH` does the same): the store
/// loads them again and the call that met `NOSCRIPT`, which ran nothing, runs once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_reloads_scripts_after_a_flush() {
    let env = redis_env().await;
    let s = &*env.store;
    s.commit(A, ops("card:1", vec![FieldOp::Incr("n".into(), 1)])).await.unwrap();
    let server = env.guard.downcast_ref::<RedisServer>().expect("a redis environment");
    let mut conn = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    conn.write_all(b"SCRIPT FLUSH\r\n").expect("send");
    let mut buf = [0u8; 16];
    let n = conn.read(&mut buf).expect("answer");
    assert!(buf[..n].starts_with(b"+OK"), "{:?}", String::from_utf8_lossy(&buf[..n]));
    let batch = WriteBatch {
        docs: vec![doc(Kind::Charge, "ch_1", None, "{}")],
        entities: vec![("card:1".into(), vec![FieldOp::Incr("n".into(), 1)])],
        ..WriteBatch::default()
    };
    s.commit(A, batch).await.unwrap();
    assert_eq!(entity(s, A, "card:1").await.get("n"), Some(&2), "counted once, not lost nor doubled");
    assert_eq!(ids(&s.list(A, Kind::Charge, &query(10, None, None, None)).await.unwrap()), ["ch_1"]);
}

/// Compaction runs in steps between writes. However a session ends (dropped mid-compaction,
/// closed, or idle long enough to finish one), every operation counts exactly once after a
/// restart: none lost with the log entries a step deleted, none replayed on top of a snapshot
/// that already has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_compaction_in_steps_never_loses_or_repeats_an_operation() {
    let dir = TempDir::new("steps");
    let options = || {
        let mut o = SqliteOptions::new(dir.path().join("ward.db"));
        o.compact_every = 4;
        o.compact_step = 1;
        o
    };
    let keys: Vec<String> = (0..10).map(|k| format!("card:{k}")).collect();
    let mut expected = [0i64; 10];
    let mut rng = 0x2545_f491_u64;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    for session in 0..6 {
        let s = SqliteStore::open(options()).expect("open");
        for (k, key) in keys.iter().enumerate() {
            assert_eq!(
                entity(&s, A, key).await.get("n").copied().unwrap_or(0),
                expected[k],
                "session {session}, {key}"
            );
        }
        for _ in 0..40 {
            let k = next(10) as usize;
            let by = next(5) as i64 + 1;
            s.commit(A, ops(&keys[k], vec![FieldOp::Incr("n".into(), by)])).await.unwrap();
            expected[k] += by;
            if next(8) == 0 {
                // Idle: the writer takes compaction steps on its own.
                tokio::time::sleep(std::time::Duration::from_millis(12)).await;
            }
        }
        match session % 3 {
            0 => s.close().await.unwrap(),
            1 => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            _ => {}
        }
        drop(s);
    }
    let s = SqliteStore::open(options()).expect("reopen");
    for (k, key) in keys.iter().enumerate() {
        assert_eq!(entity(&s, A, key).await.get("n").copied().unwrap_or(0), expected[k], "{key}");
    }
}

/// Memory holds the entities in use, not every one ever seen: once compacted and unchanged, an
/// entity leaves memory (also when traffic is too light to reach `compact_every`), is read from
/// disk with the same fields, and comes back with its next change, counted on top of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_only_entities_in_use_in_memory() {
    let dir = TempDir::new("evict");
    let mut o = SqliteOptions::new(dir.path().join("ward.db"));
    o.compact_every = 1_000_000;
    o.compact_interval = std::time::Duration::from_millis(50);
    let s = SqliteStore::open(o).expect("open");
    let keys: Vec<String> = (0..300).map(|k| format!("card:{k}")).collect();
    for (k, key) in keys.iter().enumerate() {
        s.commit(A, ops(key, vec![FieldOp::Incr("n".into(), k as i64 + 1)])).await.unwrap();
    }
    let (memory, disk) = s.entities_held().expect("sqlite holds entities");
    assert_eq!(memory + disk, 300, "each entity in one place");
    // Bounded wait for the time-driven compaction (the writer wakes by itself).
    let mut held = s.entities_held().expect("sqlite holds entities");
    for _ in 0..200 {
        if held == (0, 300) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        held = s.entities_held().expect("sqlite holds entities");
    }
    assert_eq!(held, (0, 300), "every entity evicted to disk");
    let maps = s.read_entities(A, &keys).await.unwrap();
    for (k, map) in maps.iter().enumerate() {
        assert_eq!(map.get("n"), Some(&(k as i64 + 1)), "card:{k} read from disk");
    }
    assert_eq!(s.entities_held().expect("sqlite holds entities"), (0, 300), "a read leaves it on disk");
    s.commit(A, ops(&keys[7], vec![FieldOp::Incr("n".into(), 100)])).await.unwrap();
    assert_eq!(s.entities_held().expect("sqlite holds entities").0, 1, "a change brings it back");
    assert_eq!(entity(&s, A, &keys[7]).await.get("n"), Some(&108));
    assert!(entity(&s, A, "card:unknown").await.is_empty());
    s.close().await.unwrap();
    drop(s);
    let s = SqliteStore::open(SqliteOptions::new(dir.path().join("ward.db"))).expect("reopen");
    assert_eq!(s.entities_held().expect("sqlite holds entities"), (0, 300), "a start loads none into memory");
    assert_eq!(entity(&s, A, &keys[7]).await.get("n"), Some(&108));
    assert_eq!(entity(&s, A, &keys[299]).await.get("n"), Some(&300));
}

/// Locks in Redis: one holder per object and account, released only by its token, and freed
/// by the lease when the holder never releases it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_locks_have_one_holder_and_a_lease() {
    let env = redis_env().await;
    let (s, r) = (&*env.store, &*env.replica);
    let lease = std::time::Duration::from_secs(30);
    assert!(s.shared(), "replicas share a Redis store");
    assert!(s.try_lock(A, "ch_1", "t1", lease).await.unwrap());
    assert!(!r.try_lock(A, "ch_1", "t2", lease).await.unwrap(), "held by t1");
    assert!(r.try_lock(A, "ch_2", "t2", lease).await.unwrap(), "another object");
    assert!(r.try_lock(B, "ch_1", "t2", lease).await.unwrap(), "the same id in another account");
    r.unlock(A, "ch_1", "t2").await.unwrap();
    assert!(!r.try_lock(A, "ch_1", "t3", lease).await.unwrap(), "only the holder's token releases it");
    s.unlock(A, "ch_1", "t1").await.unwrap();
    assert!(r.try_lock(A, "ch_1", "t3", std::time::Duration::from_millis(100)).await.unwrap(), "released");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !s.try_lock(A, "ch_1", "t4", lease).await.unwrap() {
        assert!(std::time::Instant::now() < deadline, "the 100 ms lease never ran out");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let sqlite = sqlite_env();
    assert!(!sqlite.store.shared(), "one process owns a SQLite file");
}

/// A batch made under a lock that has since passed to another holder writes nothing in Redis:
/// neither its objects nor its velocity updates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_writes_nothing_under_a_lost_lock() {
    let env = redis_env().await;
    let (s, r) = (&*env.store, &*env.replica);
    let fenced = |token: &str, body: &str| WriteBatch {
        docs: vec![doc(Kind::Charge, "ch_1", None, body)],
        entities: vec![("card:1".to_owned(), vec![FieldOp::Incr("n".into(), 1)])],
        fences: vec![Fence { id: "ch_1".into(), token: token.into() }],
        ..WriteBatch::default()
    };
    assert!(s.try_lock(A, "ch_1", "t1", std::time::Duration::from_millis(300)).await.unwrap());
    s.commit(A, fenced("t1", "first")).await.expect("the lock is held");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !r.try_lock(A, "ch_1", "t2", std::time::Duration::from_secs(30)).await.unwrap() {
        assert!(std::time::Instant::now() < deadline, "the 300 ms lease never ran out");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    match s.commit(A, fenced("t1", "stale")).await {
        Err(StoreError::LockLost(id)) => assert_eq!(id, "ch_1"),
        other => panic!("a commit under a lost lock: {other:?}"),
    }
    assert_eq!(s.get(A, Kind::Charge, "ch_1").await.unwrap().expect("kept").body, "first");
    assert_eq!(entity(s, A, "card:1").await.get("n"), Some(&1), "no velocity update either");
    r.commit(A, fenced("t2", "second")).await.expect("the new holder writes");
    assert_eq!(s.get(A, Kind::Charge, "ch_1").await.unwrap().expect("written").body, "second");
    assert_eq!(entity(s, A, "card:1").await.get("n"), Some(&2));
    // A fence names a lock of the batch's account (A's lock does not cover a write to B), and
    // a batch without objects is fenced all the same.
    assert!(matches!(
        s.commit(
            B,
            WriteBatch {
                fences: vec![Fence { id: "ch_1".into(), token: "t2".into() }],
                ..ops("card:1", vec![FieldOp::Incr("n".into(), 1)])
            }
        )
        .await,
        Err(StoreError::LockLost(_))
    ));
    assert_eq!(entity(s, B, "card:1").await.get("n"), None);
}
