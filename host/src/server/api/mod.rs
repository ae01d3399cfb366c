//! The HTTP plumbing every resource shares: errors, body parsing, parameters, lists, ids and the
//! request context (account, parameters, idempotency).

pub mod currency;
pub mod error;
pub mod form;
pub mod idempotency;
pub mod ids;
pub mod list;
pub mod params;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub use error::ApiError;
pub use params::Params;

use super::App;
use crate::store::{IdempotencyRecord, WriteBatch};

/// Largest request body: a payment is a few kilobytes; anything near this is hostile.
pub const MAX_BODY: usize = 256 * 1024;

/// What every authenticated request carries.
pub struct Ctx {
    /// The account the API key belongs to.
    pub account: String,
    /// Query parameters (GET, DELETE) or body parameters (POST), bracket-nested.
    pub params: Params,
    /// The `Idempotency-Key` header of a POST.
    pub idempotency_key: Option<String>,
    /// Method, path and body hash: what an idempotency key is bound to.
    pub fingerprint: String,
    /// A response stored for this key by an earlier request, replayed as is.
    pub replay: Option<IdempotencyRecord>,
    /// The claim on `idempotency_key` this request holds until it is dropped.
    claim: Option<idempotency::Claim>,
    app: Arc<App>,
}

impl Ctx {
    /// The idempotency record to commit with this request's writes, for the answer `body`.
    pub fn idempotency_record(&self, status: StatusCode, body: &str) -> Option<IdempotencyRecord> {
        self.idempotency_key.as_ref().map(|key| IdempotencyRecord {
            key: key.clone(),
            fingerprint: self.fingerprint.clone(),
            status: status.as_u16(),
            body: body.to_owned(),
            created: ids::now(),
        })
    }

    /// Commits `batch` (with the idempotency record of the answer) and returns the answer.
    pub async fn commit_and_answer(
        &self,
        mut batch: WriteBatch,
        status: StatusCode,
        body: String,
    ) -> Result<Response, ApiError> {
        batch.idempotency = self.idempotency_record(status, &body);
        if !batch.is_empty() {
            self.app.commit(&self.account, batch).await?;
        }
        Ok(json_response(status, body))
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        if let (Some(key), Some(claim)) = (&self.idempotency_key, self.claim.take()) {
            idempotency::release(&self.app, &self.account, key, claim);
        }
    }
}

/// A JSON answer from text already serialised.
pub fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

impl FromRequest<Arc<App>> for Ctx {
    type Rejection = Response;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let account = authenticate(app, &parts.headers).await.map_err(IntoResponse::into_response)?;
        no_connected_account(&parts.headers, &account).map_err(IntoResponse::into_response)?;
        let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(_) => {
                return Err(ApiError::status(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "request_too_large",
                    format!("Request bodies are limited to {MAX_BODY} bytes."),
                )
                .into_response());
            }
        };
        let value = if parts.method == Method::GET || parts.method == Method::DELETE {
            form::parse_form(parts.uri.query().unwrap_or("").as_bytes())
        } else {
            let ct = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            form::parse_body(ct, &bytes)
        }
        .map_err(IntoResponse::into_response)?;
        let fingerprint = fingerprint(&parts.method, parts.uri.path(), &bytes);
        let key = parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .filter(|k| !k.is_empty() && parts.method == Method::POST)
            .map(str::to_owned);
        if let Some(k) = &key
            && k.len() > 255
        {
            return Err(ApiError::request("idempotency_key_invalid", "Idempotency keys are at most 255 characters.")
                .into_response());
        }
        let (mut replay, mut claim) = (None, None);
        if let Some(k) = &key {
            match idempotency::resolve(app, &account, k, &fingerprint).await.map_err(IntoResponse::into_response)? {
                idempotency::KeyState::Replay(rec) => replay = Some(rec),
                idempotency::KeyState::Claimed(c) => claim = Some(c),
            }
        }
        let claimed = claim.is_some().then_some(key).flatten();
        Ok(Ctx {
            account,
            params: params::params(value),
            idempotency_key: claimed,
            fingerprint,
            replay,
            claim,
            app: app.clone(),
        })
    }
}

fn fingerprint(method: &Method, path: &str, body: &Bytes) -> String {
    let mut h = Sha256::new();
    h.update(method.as_str());
    h.update(b" ");
    h.update(path);
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The account of the request's `Authorization: Bearer sk_…` (or basic auth with the key as
/// user name, which is how Stripe's SDKs and `curl -u sk_…:` send it).
async fn authenticate(app: &App, headers: &HeaderMap) -> Result<String, ApiError> {
    let raw = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(|| {
        ApiError::unauthorized(
            "You did not provide an API key. Send it as 'Authorization: Bearer sk_test_…' (ward serve prints one).",
        )
    })?;
    let key = if let Some(k) = raw.strip_prefix("Bearer ") {
        k.trim().to_owned()
    } else if let Some(b) = raw.strip_prefix("Basic ") {
        let decoded = base64_decode(b.trim()).unwrap_or_default();
        decoded.split(':').next().unwrap_or("").to_owned()
    } else {
        return Err(ApiError::unauthorized("Use 'Authorization: Bearer sk_…'."));
    };
    match app.store.account_for_key(&key).await? {
        Some(account) => Ok(account),
        None => Err(ApiError::unauthorized(format!("Invalid API Key provided: {}", redact(&key)))),
    }
}

/// Refuses a `Stripe-Account` header naming another account: Ward keeps accounts apart by API
/// key and does not act for a platform's connected accounts, so the header would otherwise be
/// ignored and the connected account's payments mixed into the platform's velocity and lists.
fn no_connected_account(headers: &HeaderMap, account: &str) -> Result<(), ApiError> {
    let Some(other) = headers.get("stripe-account").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()) else {
        return Ok(());
    };
    if other.is_empty() || other == account {
        return Ok(());
    }
    Err(ApiError::status(
        StatusCode::FORBIDDEN,
        "account_invalid",
        format!(
            "Ward does not act for connected accounts (Stripe-Account: {other}): each account has API keys of its own. Send the request with the account's key and without the header."
        ),
    ))
}

/// Shows the start and end of a key, as Stripe does in its errors.
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 12 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 12))
}

fn base64_decode(s: &str) -> Option<String> {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = T.iter().position(|t| *t == c)? as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn basic_auth_and_redaction() {
        assert_eq!(super::base64_decode("c2tfdGVzdF9hYmM6").as_deref(), Some("sk_test_abc:"));
        assert_eq!(super::redact("sk_test_1234567890abcd"), "sk_test_**********abcd");
    }
}
