//! The embedded store alone, without HTTP or scoring: what `SqliteStore::commit` can carry for
//! the writes a charge makes (the charge, its `charge.succeeded` event and its velocity updates),
//! at each number of payments in flight. Each row reports payments/s, how long a payment waited
//! for its write to be durable (p50, p99), the writes a group commit carried and how long one
//! took, and the CPU time a payment cost: the writer thread's alone and the whole process's
//! (the writer, batch preparation and the tasks).
//!
//! A second table is the floor under the store: SQLite alone writing the same rows from one
//! thread, `group` payments a transaction, with none of Ward's work around it.
//!
//! Run: `cargo bench -p ward-host --profile host --bench store` (`STORE_BENCH_SECONDS`, default
//! 5, per row; `STORE_BENCH_IN_FLIGHT`, default `1 4 16 32 64 128`; `STORE_BENCH_GROUPS`,
//! default `1 12 32 128`).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ward_core::Payment;
use ward_host::store::{Doc, FieldOp, Kind, SqliteOptions, SqliteStore, Store, WriteBatch, sqlite_floor};
use ward_host::velocity::{Outcome, PaymentEvent, entities_of, payment_updates};

/// The allocator `ward serve` runs with, so that the store's figures are the server's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Only its payments are needed here, not its bundle.
#[allow(dead_code)]
#[path = "support/mod.rs"]
mod support;

/// A stored charge as `ward serve` writes it (1.2 KB of JSON), for card `n`.
fn charge_body(id: &str, n: u64, created: i64) -> String {
    format!(
        r#"{{"amount":{amount},"amount_captured":{amount},"amount_refunded":0,"billing_details":null,"captured":true,"created":{created},"currency":"usd","customer":null,"description":null,"disputed":false,"failure_code":null,"failure_message":null,"fraud_details":{{}},"id":"{id}","livemode":false,"metadata":{{}},"object":"charge","outcome":{{"network_status":"approved_by_network","reason":null,"risk_level":"normal","risk_score":{score},"rule":null,"seller_message":"Payment complete.","type":"authorized"}},"paid":true,"payment_method_details":{{"card":{{"bin":"424242","brand":"visa","exp_month":6,"exp_year":2028,"fingerprint":"fp{n:014}","funding":"credit","last4":"{last4:04}"}},"type":"card"}},"receipt_email":"buyer{n}@example.com","refunded":false,"refunds":{{"data":[],"has_more":false,"object":"list","total_count":0,"url":"/v1/charges/{id}/refunds"}},"review":null,"shipping":null,"statement_descriptor":null,"status":"succeeded","ward":{{"bundle":"default","email":"buyer{n}@example.com","entities":["merchant:acct","card_number:{n:016}","email:{n:016}"],"fraud_probability":0.0{score},"holdout":false,"risk_factors":[{{"feature":"amount_in_usd","impact":0.12}}],"three_d_secure":null}}}}"#,
        amount = 1_000 + n % 9_000,
        score = n % 60,
        last4 = n % 10_000,
    )
}

/// Buyers the payments are spread over, each with a card and an email of their own, as
/// `tests/load/buyers.lua` spreads the load benchmark's.
const BUYERS: u64 = 50_000;

/// The id of payment `n`'s charge.
fn charge_id(n: u64) -> String {
    format!("ch_{n:012}benchmarkxyz")
}

/// The batch a charge commits: the charge, its event and the velocity updates of its entities.
/// `payment` is an example payment, given buyer `n % BUYERS`'s card and email.
fn batch(payment: &Payment, n: u64, now: i64) -> WriteBatch {
    let mut payment = payment.clone();
    let buyer = n % BUYERS;
    payment.receipt_email = Some(format!("buyer{buyer}@example.com"));
    if let Some(card) = payment.payment_method_details.as_mut().and_then(|d| d.card.as_mut()) {
        card.number = Some(format!("4000{buyer:012}"));
    }
    let id = charge_id(n);
    let body = charge_body(&id, n, now);
    let event = ward_host::server::event_json("charge.succeeded", &body, now);
    let entities = entities_of(&payment, "acct_bench");
    let paid = PaymentEvent { time: now, outcome: Outcome::Authorized, usd_cents: 2_500, entities: &entities };
    let ops = payment_updates(&paid)
        .into_iter()
        .map(|(e, ops)| (e.key(), ops.into_iter().map(FieldOp::from).collect()))
        .collect();
    let charge = Doc { kind: Kind::Charge, id, created: now, tag: Some("normal".into()), body };
    WriteBatch { docs: vec![charge, event], entities: ops, ..WriteBatch::default() }
}

/// User and system time in a `/proc/.../stat` text, seconds.
fn cpu_of(stat: &str) -> f64 {
    // Fields after the parenthesised name: state is the first, utime the 12th, stime the 13th.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split(' ').collect();
    let field = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (field(11) + field(12)) / hz
}

/// CPU time of this process, and of each of its threads named `name` by thread id, seconds.
/// By id: a closed store's writer may still be winding down when the next row starts.
fn cpu(name: &str) -> (f64, HashMap<String, f64>) {
    let process = std::fs::read_to_string("/proc/self/stat").map_or(0.0, |s| cpu_of(&s));
    let mut threads = HashMap::new();
    for task in std::fs::read_dir("/proc/self/task").into_iter().flatten().flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if name.starts_with(comm.trim()) {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            threads.insert(task.file_name().to_string_lossy().into_owned(), cpu_of(&stat));
        }
    }
    (process, threads)
}

/// CPU time the threads of `after` spent since `before`.
fn spent(before: &HashMap<String, f64>, after: &HashMap<String, f64>) -> f64 {
    after.iter().map(|(tid, t)| t - before.get(tid).copied().unwrap_or(0.0)).sum()
}

/// One row: `in_flight` tasks committing charges for `seconds` against a fresh store.
async fn row(payments: Arc<Vec<Payment>>, in_flight: u64, seconds: u64) {
    let dir = std::env::temp_dir().join(format!("ward-store-bench-{}-{in_flight}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = Arc::new(SqliteStore::open(SqliteOptions::new(dir.join("ward.db"))).expect("store opens"));
    let stats = store.commit_stats().expect("the embedded store reports its commits");
    let (cpu0, started) = (cpu("ward-sqlite-writer"), Instant::now());
    let deadline = started + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..in_flight)
        .map(|t| {
            let (store, payments) = (store.clone(), payments.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = t;
                while Instant::now() < deadline {
                    let payment = &payments[n as usize % payments.len()];
                    let b = batch(payment, n, 1_795_000_000 + (n / 1_000) as i64);
                    let sent = Instant::now();
                    store.commit("acct_bench", b).await.expect("commit");
                    latencies.push(sent.elapsed());
                    n += in_flight;
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.expect("task"));
    }
    let (elapsed, cpu1) = (started.elapsed().as_secs_f64(), cpu("ward-sqlite-writer"));
    // A fresh store: its commit figures are this row's.
    let commits = stats.duration.count();
    let batches = stats.batches.load(Ordering::Relaxed);
    let commit_mean = stats.duration.sum() * 1e3 / commits.max(1) as f64;
    store.close().await.expect("closes");
    let _ = std::fs::remove_dir_all(&dir);
    latencies.sort_unstable();
    let n = latencies.len().max(1);
    let at = |q: f64| latencies[((n as f64 * q) as usize).min(n - 1)].as_secs_f64() * 1e3;
    let per = |s: f64| s * 1e6 / n as f64;
    println!(
        "| {in_flight} | {:.0} | {:.2} ms | {:.2} ms | {:.1} | {commit_mean:.2} ms | {:.1} µs | {:.1} µs |",
        n as f64 / elapsed,
        at(0.5),
        at(0.99),
        batches as f64 / commits.max(1) as f64,
        per(spent(&cpu0.1, &cpu1.1)),
        per(cpu1.0 - cpu0.0),
    );
}

/// The rows a payment adds when SQLite alone writes them: the charge's and the event's
/// compressed bodies and the encoded velocity operations, made before the clock starts.
struct RawRows {
    charge: Vec<u8>,
    event: Vec<u8>,
    ops: Vec<u8>,
}

fn raw_rows(payments: &[Payment]) -> Vec<RawRows> {
    (0..1_000)
        .map(|n| {
            let b = batch(&payments[n as usize % payments.len()], n, 1_795_000_000);
            RawRows {
                charge: sqlite_floor::pack(&b.docs[0].body),
                event: sqlite_floor::pack(&b.docs[1].body),
                ops: postcard::to_allocvec(&b.entities).expect("ops encode"),
            }
        })
        .collect()
}

/// This thread's CPU time, seconds.
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/stat").map_or(0.0, |s| cpu_of(&s))
}

/// SQLite alone, the floor under the store: the rows of `group` payments a transaction (each a
/// charge, its event and a velocity log entry, as the store writes them) inserted by this one
/// thread for `seconds` into a file the store created, on a connection set up as the store's
/// (WAL, `synchronous=FULL`) and with the writer's statements, and nothing of Ward's around them.
fn raw_row(rows: &[RawRows], group: usize, seconds: u64) {
    let dir = std::env::temp_dir().join(format!("ward-store-bench-raw-{}-{group}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("ward.db");
    // The store creates the file and its schema; its writer lets go of it when dropped.
    drop(SqliteStore::open(SqliteOptions::new(&path)).expect("store opens"));
    let mut conn = sqlite_floor::open(&path, true).expect("opens");
    let (cpu0, started) = (thread_cpu(), Instant::now());
    let deadline = started + Duration::from_secs(seconds);
    let mut n = 0usize;
    while Instant::now() < deadline {
        let tx = conn.transaction().expect("begins");
        {
            let mut doc = tx.prepare_cached(sqlite_floor::PUT_DOC).expect("prepares");
            let mut log = tx.prepare_cached(sqlite_floor::LOG_OPS).expect("prepares");
            for _ in 0..group {
                let r = &rows[n % rows.len()];
                let created = 1_795_000_000 + (n / 1_000) as i64;
                let charge = ("charge", charge_id(n as u64), "normal", &r.charge);
                let event = ("event", format!("evt_{n:012}benchmarkxy"), "charge.succeeded", &r.event);
                for (kind, id, tag, body) in [charge, event] {
                    doc.execute(rusqlite::params!["acct_bench", kind, id, created, tag, body]).expect("inserts");
                }
                log.execute(rusqlite::params![n as i64 + 1, "acct_bench", r.ops]).expect("logs");
                n += 1;
            }
        }
        tx.commit().expect("commits");
    }
    let (elapsed, cpu) = (started.elapsed().as_secs_f64(), thread_cpu() - cpu0);
    let commits = (n / group).max(1) as f64;
    println!(
        "| {group} | {:.0} | {:.2} ms | {:.1} µs |",
        n as f64 / elapsed,
        elapsed * 1e3 / commits,
        cpu * 1e6 / n.max(1) as f64
    );
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A list of numbers from the environment variable `name`, or `default`.
fn setting<T: std::str::FromStr>(name: &str, default: &str) -> Vec<T> {
    std::env::var(name).unwrap_or_else(|_| default.into()).split_whitespace().filter_map(|s| s.parse().ok()).collect()
}

fn main() {
    let workspace = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    // The example payments, each with entities of its own (card, email, IP address…).
    let payments: Vec<Payment> = support::evaluations(&workspace, 5).into_iter().map(|e| e.payment).collect();
    let payments = Arc::new(payments);
    let seconds = std::env::var("STORE_BENCH_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let rows: Vec<u64> = setting("STORE_BENCH_IN_FLIGHT", "1 4 16 32 64 128");
    // One worker, as the store's callers would leave it one of two cores.
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("runtime");
    println!(
        "| in flight | payments/s | wait p50 | wait p99 | writes a commit | commit mean | writer CPU a payment | process CPU a payment |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for in_flight in rows {
        rt.block_on(row(payments.clone(), in_flight, seconds));
    }
    let groups: Vec<usize> = setting("STORE_BENCH_GROUPS", "1 12 32 128");
    let raw = raw_rows(&payments);
    println!();
    println!("SQLite alone, the same rows from one thread:");
    println!();
    println!("| payments a transaction | payments/s | commit mean | CPU a payment |");
    println!("|---|---|---|---|");
    for group in groups {
        raw_row(&raw, group, seconds);
    }
}
