//! Webhook delivery from the stored events, as an outbox: a background task reads each
//! account's events past its delivery cursor (a settings object in the store) and POSTs them to
//! the endpoint with a Stripe-style signature, 16 at a time, moving the cursor past what the
//! endpoint took. Nothing waits in memory: an endpoint that is down holds the cursor, and a
//! restart carries on from it, so no event is lost to a restart or an outage. The event at the
//! cursor is retried with growing waits (1 s, 5 s, 30 s, 2 min, 10 min, then hourly) and given
//! up after three days, as Stripe does. Delivery is at least once (a retry re-sends what
//! followed a failure); receivers deduplicate by event id, as with Stripe.
//!
//! Servers sharing a Redis store take turns per account under a lease, so each event goes out
//! from one of them. An account's cursor starts at the first start with an endpoint configured:
//! events from before then are not sent.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

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
/// The waits before the retries of the event at the cursor; after the last, hourly.
const BACKOFF: [Duration; 5] = [
    Duration::from_secs(1),
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
];
/// An event the endpoint keeps refusing is given up after this long.
const GIVE_UP: Duration = Duration::from_secs(3 * 24 * 3600);
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
                retries: HashMap::new(),
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

/// The retries of the event at an account's cursor (kept in memory: a restart retries at once).
struct Retry {
    event: String,
    attempts: usize,
    first: Instant,
    next: Instant,
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
    retries: HashMap<String, Retry>,
}

impl Outbox {
    async fn run(mut self) {
        loop {
            // The least progress of any account: more to send at once, a retry to wait for, or
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

    /// Delivers up to [`PAGES_PER_TURN`] pages past the account's cursor.
    async fn deliver(&mut self, account: &str) -> Result<Progress, StoreError> {
        let mut cursor = Cursor::load(self.store.as_ref(), account, self.since).await?;
        for _ in 0..PAGES_PER_TURN {
            if self.retries.get(account).is_some_and(|r| r.next > Instant::now()) {
                return Ok(Progress::Waiting);
            }
            let events = cursor.next_events(self.store.as_ref(), account).await?;
            if events.is_empty() {
                return Ok(Progress::Done);
            }
            let taken = self.post_in_order(&events).await;
            self.counts.delivered.fetch_add(taken as u64, Ordering::Relaxed);
            let mut moved = taken;
            let mut waiting = false;
            if let Some(refused) = events.get(taken) {
                if self.refused(account, &refused.id) {
                    moved += 1;
                } else {
                    waiting = true;
                }
            } else {
                self.retries.remove(account);
            }
            if moved > 0 {
                cursor.event = Some(events[moved - 1].id.clone());
                cursor.save(self.store.as_ref(), account).await?;
            }
            if waiting {
                return Ok(Progress::Waiting);
            }
        }
        Ok(Progress::More)
    }

    /// POSTs events, [`IN_FLIGHT`] at a time, and returns how many from the first the endpoint
    /// took in a row.
    async fn post_in_order(&self, events: &[Doc]) -> usize {
        let mut taken = 0;
        for chunk in events.chunks(IN_FLIGHT) {
            let mut set = tokio::task::JoinSet::new();
            for (i, event) in chunk.iter().enumerate() {
                let (endpoint, body) = (self.endpoint.clone(), event.body.clone());
                set.spawn(async move { (i, post(&endpoint, &body).await) });
            }
            let mut ok = vec![false; chunk.len()];
            while let Some(Ok((i, done))) = set.join_next().await {
                ok[i] = done;
            }
            let run = ok.iter().take_while(|&&o| o).count();
            taken += run;
            if run < chunk.len() {
                break;
            }
        }
        taken
    }

    /// Notes a refusal of the event at the cursor; true when it is given up (after three days).
    fn refused(&mut self, account: &str, event: &str) -> bool {
        let now = Instant::now();
        let retry = self.retries.entry(account.to_owned()).or_insert_with(|| Retry {
            event: event.to_owned(),
            attempts: 0,
            first: now,
            next: now,
        });
        if retry.event != event {
            *retry = Retry { event: event.to_owned(), attempts: 0, first: now, next: now };
        }
        if now.duration_since(retry.first) >= GIVE_UP {
            self.retries.remove(account);
            self.counts.failed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(event, "webhook event given up after three days of retries (still at /v1/events)");
            return true;
        }
        let wait = BACKOFF.get(retry.attempts).copied().unwrap_or(Duration::from_secs(3600));
        retry.attempts += 1;
        retry.next = now + wait;
        false
    }
}

/// Where an account's delivery stands: past `event`, or (before any) at events created from
/// `since` on.
struct Cursor {
    event: Option<String>,
    since: i64,
}

impl Cursor {
    async fn load(store: &dyn Store, account: &str, since: i64) -> Result<Cursor, StoreError> {
        let Some(doc) = store.get(account, Kind::Settings, CURSOR_ID).await? else {
            let cursor = Cursor { event: None, since };
            cursor.save(store, account).await?;
            return Ok(cursor);
        };
        let v: Value = serde_json::from_str(&doc.body)
            .map_err(|e| StoreError::Corrupt { what: "webhook cursor".into(), message: e.to_string() })?;
        Ok(Cursor { event: v["event"].as_str().map(str::to_owned), since: v["since"].as_i64().unwrap_or(since) })
    }

    async fn save(&self, store: &dyn Store, account: &str) -> Result<(), StoreError> {
        let body = json!({"object": "ward.webhook_cursor", "event": self.event, "since": self.since}).to_string();
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
            // The oldest page of the events since the cursor began (pages run newest first).
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
