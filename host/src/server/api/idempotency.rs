//! `Idempotency-Key`: a key's first request is processed while the key is claimed, and its
//! answer is stored with its writes; a later request with the key replays that answer (or is
//! refused if its parameters differ) until the record expires.
//!
//! A key is claimed first, on this server and, when the store is shared by replicas, in the
//! store too, so two replicas never process one key at once; only then is its record looked up
//! (once): a request that finished before the claim has left it, and none can finish while the
//! claim is held. As in Stripe, a request arriving while another with its key is in flight,
//! even a replay, gets 409.

use axum::http::StatusCode;

use super::{ApiError, ids};
use crate::server::App;
use crate::store::IdempotencyRecord;

/// How long a claim in a shared store outlives a replica that died holding it.
const CLAIM_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// What a request's key leads to.
pub enum KeyState {
    /// An earlier request with the key finished: its answer.
    Replay(IdempotencyRecord),
    /// This request processes the key; release the claim with [`release`] when done.
    Claimed(Claim),
}

/// A claimed key: the token of its claim in a shared store, if there is one.
pub struct Claim {
    token: Option<String>,
}

/// Resolves `key` for a request of `fingerprint` (method, path and body hash).
pub async fn resolve(app: &App, account: &str, key: &str, fingerprint: &str) -> Result<KeyState, ApiError> {
    let claim = claim(app, account, key).await?;
    match live_record(app, account, key).await {
        Ok(None) => Ok(KeyState::Claimed(claim)),
        Ok(Some(rec)) => {
            release(app, account, key, claim);
            same_request(rec, fingerprint).map(KeyState::Replay)
        }
        Err(e) => {
            release(app, account, key, claim);
            Err(e)
        }
    }
}

/// The key's record, unless it has expired (one the store has not deleted yet counts as gone).
async fn live_record(app: &App, account: &str, key: &str) -> Result<Option<IdempotencyRecord>, ApiError> {
    let stored = app.store.idempotency(account, key).await?;
    Ok(stored.filter(|r| !r.expired(app.config.idempotency_ttl, ids::now())))
}

/// The record, if it was made by the same request.
fn same_request(rec: IdempotencyRecord, fingerprint: &str) -> Result<IdempotencyRecord, ApiError> {
    if rec.fingerprint != fingerprint {
        return Err(ApiError::request(
            "idempotency_key_in_use",
            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
        ));
    }
    Ok(rec)
}

/// Claims the key on this server, then in the store if it is shared; 409 if it is in flight.
async fn claim(app: &App, account: &str, key: &str) -> Result<Claim, ApiError> {
    let in_flight = || {
        ApiError::status(
            StatusCode::CONFLICT,
            "idempotency_key_in_use",
            "A request with this idempotency key is still being processed; retry shortly.",
        )
    };
    let local = (account.to_owned(), key.to_owned());
    if !app.inflight.lock().unwrap_or_else(|p| p.into_inner()).insert(local) {
        return Err(in_flight());
    }
    let mut claim = Claim { token: None };
    if app.store.shared() {
        let token = ids::new_id("idem");
        match app.store.try_lock(account, &lock_id(key), &token, CLAIM_LEASE).await {
            Ok(true) => {
                crate::server::locks::hold(account, &lock_id(key), &token);
                claim.token = Some(token);
            }
            Ok(false) => {
                release(app, account, key, claim);
                return Err(in_flight());
            }
            Err(e) => {
                release(app, account, key, claim);
                return Err(e.into());
            }
        }
    }
    Ok(claim)
}

/// Releases a claim from [`resolve`].
pub fn release(app: &App, account: &str, key: &str, claim: Claim) {
    app.inflight.lock().unwrap_or_else(|p| p.into_inner()).remove(&(account.to_owned(), key.to_owned()));
    if let Some(token) = claim.token {
        crate::server::locks::release_shared(app.store.clone(), account, &lock_id(key), token);
    }
}

/// The store lock of a key (apart from object locks: keys are the client's strings).
fn lock_id(key: &str) -> String {
    format!("idempotency:{key}")
}
