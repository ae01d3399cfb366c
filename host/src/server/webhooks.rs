//! Webhook delivery from the stored events, as an outbox: a background task reads each
//! account's events past its delivery cursor (a settings object in the store) and POSTs them to
//! the endpoint with a Stripe-style signature, 16 at a time, moving the cursor past them. An
//! event the endpoint refuses goes on the cursor's retry list and is retried with growing waits
//! (1 s, 5 s, 30 s, 2 min, 10 min, then hourly), given up after three days, as Stripe does;
//! the events after it go out meanwhile. Nothing waits in memory: the cursor and its retries are
//! in the store, so an outage of the endpoint or a restart of the server loses nothing, and a
//! start retries what is due at once. Past [`MAX_RETRYING`] refused events (an endpoint that is
//! down) the cursor stops until they go through. Delivery is at least once; receivers
//! deduplicate by event id, as with Stripe.
//!
//! Servers sharing a Redis store take turns per account under a lease, so each event goes out
//! from one of them. An account's cursor starts at the first start with an endpoint configured:
//! events from before then are not sent.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::Notify;

use super::api::ids;
use crate::store::{Doc, Kind, ListQuery, Store, StoreError, WriteBatch};

/// Requests to the endpoint at once.
const IN_FLIGHT: usize = 16;
/// Events read per page, and pages delivered per account before the others get a turn.
const PAGE: usize = 100;
const PAGES_PER_TURN: usize = 10;
/// The waits (seconds) before the retries of a refused event; after the last, hourly.
const BACKOFF: [i64; 5] = [1, 5, 30, 120, 600];
const HOURLY: i64 = 3600;
/// An event the endpoint keeps refusing is given up after this long (seconds).
const GIVE_UP: i64 = 3 * 24 * 3600;
/// Most refused events a cursor carries; past that it stops until they go through.
pub const MAX_RETRYING: usize = 1_000;
/// How often the task looks for events when nothing wakes it (events of other servers).
const POLL: Duration = Duration::from_secs(1);
/// The shared-store lease of an account's delivery.
const LEASE: Duration = Duration::from_secs(30);
const LEASE_ID: &str = "webhook_delivery";
/// The settings object holding an account's cursor.
const CURSOR_ID: &str = "webhook_cursor";

/// Events by what became of them (the `/metrics` counters).
#[derive(Default)]
pub struct Counts {
    /// Accepted by the endpoint (a 2xx).
    pub delivered: AtomicU64,
    /// Given up after three days of retries.
    pub failed: AtomicU64,
}

/// The endpoint and the delivery task's signals.
struct Endpoint {
    url: String,
    secret: String,
    client: reqwest::Client,
    /// New events were stored.
    wake: Notify,
    /// Set by the task after a pass that left nothing to deliver.
    caught_up: AtomicBool,
    /// Passes completed (shutdown waits for one after its call).
    passes: AtomicU64,
}

/// Webhook delivery, when an endpoint is configured.
pub struct Webhooks {
    endpoint: Option<Arc<Endpoint>>,
    /// What became of the events.
    pub counts: Arc<Counts>,
}

impl Webhooks {
    /// Delivery to `url` (none without one); [`Webhooks::start`] starts it.
    pub fn new(url: Option<String>, secret: Option<String>) -> Webhooks {
        let endpoint = url.map(|url| {
            Arc::new(Endpoint {
                url,
                secret: secret.unwrap_or_default(),
                client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default(),
                wake: Notify::new(),
                caught_up: AtomicBool::new(false),
                passes: AtomicU64::new(0),
            })
        });
        Webhooks { endpoint, counts: Arc::default() }
    }

    /// Starts the delivery task over `store`'s events (must be called inside the runtime).
    pub fn start(&self, store: Arc<dyn Store>) {
        if let Some(endpoint) = &self.endpoint {
            let outbox = Outbox {
                endpoint: endpoint.clone(),
                counts: self.counts.clone(),
                store,
                since: ids::now(),
                token: ids::random_base62(16),
                retried: HashSet::new(),
            };
            tokio::spawn(outbox.run());
        }
    }

    /// Tells the delivery task that events were stored (they are durable: the task reads them
    /// from the store).
    pub fn send(&self, docs: &[Doc]) {
        if let Some(endpoint) = &self.endpoint
            && docs.iter().any(|d| d.kind == Kind::Event)
        {
            endpoint.wake.notify_one();
        }
    }

    /// Waits up to `grace` for the task to catch up (at shutdown), and logs when it has not:
    /// the rest goes out after the next start.
    pub async fn drain(&self, grace: Duration) {
        let Some(endpoint) = &self.endpoint else { return };
        let start = Instant::now();
        let pass = endpoint.passes.load(Ordering::Acquire);
        endpoint.wake.notify_one();
        while start.elapsed() < grace {
            if endpoint.passes.load(Ordering::Acquire) > pass && endpoint.caught_up.load(Ordering::Acquire) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tracing::warn!("webhook events not yet delivered at shutdown: they go out after the next start");
    }
}

/// How far an account's turn got, least first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Progress {
    /// Pages are left: the next pass comes at once.
    More,
    /// The event at the cursor waits for its retry (or the store failed).
    Waiting,
    /// Nothing is left.
    Done,
}

/// The delivery task's state.
struct Outbox {
    endpoint: Arc<Endpoint>,
    counts: Arc<Counts>,
    store: Arc<dyn Store>,
    /// This start's time: where a new cursor begins.
    since: i64,
    /// This server's lease token.
    token: String,
    /// Accounts whose retries were tried since this start (the first turn tries them all).
    retried: HashSet<String>,
}

impl Outbox {
    async fn run(mut self) {
        loop {
            // The least progress of any account: more to send at once, retries to wait for, or
            // nothing left.
            let least = match self.store.accounts().await {
                Ok(accounts) => {
                    let mut least = Progress::Done;
                    for account in accounts {
                        let progress = self.turn(&account).await.unwrap_or_else(|e| {
                            tracing::warn!(error = %e, account, "webhook delivery could not read or move its cursor");
                            Progress::Waiting
                        });
                        least = least.min(progress);
                    }
                    least
                }
                Err(e) => {
                    tracing::warn!(error = %e, "webhook delivery could not list the accounts");
                    Progress::Waiting
                }
            };
            self.endpoint.caught_up.store(least == Progress::Done, Ordering::Release);
            self.endpoint.passes.fetch_add(1, Ordering::AcqRel);
            let wait = if least == Progress::More { Duration::ZERO } else { POLL };
            tokio::select! {
                () = self.endpoint.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One account's turn, under its lease where servers share the store (another server's
    /// turn counts as done).
    async fn turn(&mut self, account: &str) -> Result<Progress, StoreError> {
        let store = self.store.clone();
        if store.shared() && !store.try_lock(account, LEASE_ID, &self.token, LEASE).await? {
            return Ok(Progress::Done);
        }
        let result = self.deliver(account).await;
        if store.shared() {
            store.unlock(account, LEASE_ID, &self.token).await?;
        }
        result
    }

    /// Retries what is due, then delivers up to [`PAGES_PER_TURN`] pages past the cursor.
    async fn deliver(&mut self, account: &str) -> Result<Progress, StoreError> {
        let mut cursor = Cursor::load(self.store.as_ref(), account, self.since).await?;
        let now = ids::now();
        let all = self.retried.insert(account.to_owned());
        let mut changed = self.retry(account, &mut cursor, now, all).await?;
        let mut progress = Progress::More;
        for _ in 0..PAGES_PER_TURN {
            if cursor.retrying.len() >= MAX_RETRYING {
                progress = Progress::Waiting;
                break;
            }
            let events = cursor.next_events(self.store.as_ref(), account).await?;
            if events.is_empty() {
                progress = Progress::Done;
                break;
            }
            let bodies: Vec<String> = events.iter().map(|e| e.body.clone()).collect();
            let mut passed = 0;
            for (event, ok) in events.iter().zip(self.post_all(bodies).await) {
                if ok {
                    self.counts.delivered.fetch_add(1, Ordering::Relaxed);
                } else if cursor.retrying.len() < MAX_RETRYING {
                    cursor.retrying.push(Retry::new(&event.id, now));
                } else {
                    break;
                }
                passed += 1;
            }
            if passed > 0 {
                cursor.event = Some(events[passed - 1].id.clone());
                changed = true;
            }
            if passed < events.len() {
                progress = Progress::Waiting;
                break;
            }
        }
        if changed {
            cursor.save(self.store.as_ref(), account).await?;
        }
        if progress == Progress::Done && !cursor.retrying.is_empty() {
            progress = Progress::Waiting;
        }
        Ok(progress)
    }

    /// Retries the refused events that are due (`all`: every one); true if any was tried.
    async fn retry(&self, account: &str, cursor: &mut Cursor, now: i64, all: bool) -> Result<bool, StoreError> {
        let (due, later): (Vec<Retry>, Vec<Retry>) = cursor.retrying.drain(..).partition(|r| all || r.next <= now);
        cursor.retrying = later;
        if due.is_empty() {
            return Ok(false);
        }
        let mut bodies = Vec::with_capacity(due.len());
        let mut found = Vec::with_capacity(due.len());
        for r in due {
            // An event that is gone has nothing left to deliver.
            if let Some(doc) = self.store.get(account, Kind::Event, &r.event).await? {
                bodies.push(doc.body);
                found.push(r);
            }
        }
        for (mut r, ok) in found.into_iter().zip(self.post_all(bodies).await) {
            if ok {
                self.counts.delivered.fetch_add(1, Ordering::Relaxed);
            } else if now - r.first >= GIVE_UP {
                self.counts.failed.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    event = r.event,
                    "webhook event given up after three days of retries (still at /v1/events)"
                );
            } else {
                r.attempts += 1;
                r.next = now + BACKOFF.get(r.attempts as usize - 1).copied().unwrap_or(HOURLY);
                cursor.retrying.push(r);
            }
        }
        Ok(true)
    }

    /// POSTs event bodies, [`IN_FLIGHT`] at a time; whether the endpoint took each.
    async fn post_all(&self, bodies: Vec<String>) -> Vec<bool> {
        let mut ok = vec![false; bodies.len()];
        let mut set = tokio::task::JoinSet::new();
        for (i, body) in bodies.into_iter().enumerate() {
            if set.len() >= IN_FLIGHT
                && let Some(Ok((j, done))) = set.join_next().await
            {
                ok[j] = done;
            }
            let endpoint = self.endpoint.clone();
            set.spawn(async move { (i, post(&endpoint, &body).await) });
        }
        while let Some(joined) = set.join_next().await {
            if let Ok((j, done)) = joined {
                ok[j] = done;
            }
        }
        ok
    }
}

/// A refused event waiting for its retry (kept with the cursor, so a restart keeps it).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Retry {
    event: String,
    /// Attempts so far.
    attempts: u32,
    /// Unix seconds of the first attempt, and of the next.
    first: i64,
    next: i64,
}

impl Retry {
    fn new(event: &str, now: i64) -> Retry {
        Retry { event: event.to_owned(), attempts: 1, first: now, next: now + BACKOFF[0] }
    }
}

/// Where an account's delivery stands: past `event`, or (before any) at events created from
/// `since` on, with the refused events to retry.
struct Cursor {
    event: Option<String>,
    since: i64,
    retrying: Vec<Retry>,
}

impl Cursor {
    async fn load(store: &dyn Store, account: &str, since: i64) -> Result<Cursor, StoreError> {
        let Some(doc) = store.get(account, Kind::Settings, CURSOR_ID).await? else {
            let cursor = Cursor { event: None, since, retrying: Vec::new() };
            cursor.save(store, account).await?;
            return Ok(cursor);
        };
        let corrupt =
            |e: serde_json::Error| StoreError::Corrupt { what: "webhook cursor".into(), message: e.to_string() };
        let v: Value = serde_json::from_str(&doc.body).map_err(corrupt)?;
        let retrying = match v.get("retrying") {
            Some(r) => serde_json::from_value(r.clone()).map_err(corrupt)?,
            None => Vec::new(),
        };
        Ok(Cursor {
            event: v["event"].as_str().map(str::to_owned),
            since: v["since"].as_i64().unwrap_or(since),
            retrying,
        })
    }

    async fn save(&self, store: &dyn Store, account: &str) -> Result<(), StoreError> {
        let body = json!({
            "object": "ward.webhook_cursor", "event": self.event, "since": self.since, "retrying": self.retrying,
        })
        .to_string();
        let doc = Doc { kind: Kind::Settings, id: CURSOR_ID.into(), created: self.since, tag: None, body };
        store.commit(account, WriteBatch { docs: vec![doc], ..WriteBatch::default() }).await
    }

    /// Up to [`PAGE`] events past the cursor, oldest first.
    async fn next_events(&self, store: &dyn Store, account: &str) -> Result<Vec<Doc>, StoreError> {
        let mut q = ListQuery { limit: PAGE, ..ListQuery::default() };
        let mut page = match &self.event {
            Some(id) => {
                q.ending_before = Some(id.clone());
                store.list(account, Kind::Event, &q).await?.data
            }
            // The oldest page of the events since the cursor began (pages run newest first;
            // one page is kept at a time, where `Store::list_all` would keep them all).
            None => {
                q.created = Some((self.since, i64::MAX));
                let mut page = store.list(account, Kind::Event, &q).await?;
                while page.has_more {
                    q.starting_after = page.data.last().map(|d| d.id.clone());
                    page = store.list(account, Kind::Event, &q).await?;
                }
                page.data
            }
        };
        page.reverse();
        Ok(page)
    }
}

/// One attempt at one event.
async fn post(endpoint: &Endpoint, body: &str) -> bool {
    let header = signature_header(&endpoint.secret, ids::now(), body);
    let result = endpoint
        .client
        .post(&endpoint.url)
        .header("content-type", "application/json")
        .header("stripe-signature", header)
        .body(body.to_owned())
        .send()
        .await;
    match result {
        Ok(r) if r.status().is_success() => true,
        Ok(r) => {
            tracing::warn!(status = r.status().as_u16(), "webhook endpoint refused an event");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, "webhook delivery failed");
            false
        }
    }
}

/// `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, Stripe's `Stripe-Signature` format.
pub fn signature_header(secret: &str, t: i64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return format!("t={t}");
    };
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_match_stripes_scheme() {
        // HMAC-SHA256("whsec_test", "1700000000.{}"), computed independently with Python's hmac.
        assert_eq!(
            super::signature_header("whsec_test", 1_700_000_000, "{}"),
            "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
        );
    }
}
