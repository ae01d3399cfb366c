//! Stripe's list objects and their pagination parameters.

use serde_json::{Value, json};

use super::error::ApiError;
use super::params::{Params, integer, string};
use crate::store::{Doc, ListQuery, Page};

/// Reads `limit` (1–100, default 10), `starting_after` and `ending_before`.
pub fn query(p: &Params) -> Result<ListQuery, ApiError> {
    let limit = integer(p, "limit")?.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "limit must be between 1 and 100."));
    }
    let starting_after = string(p, "starting_after")?.filter(|s| !s.is_empty());
    let ending_before = string(p, "ending_before")?.filter(|s| !s.is_empty());
    if starting_after.is_some() && ending_before.is_some() {
        return Err(ApiError::invalid("ending_before", "Give starting_after or ending_before, not both."));
    }
    Ok(ListQuery { limit: limit as usize, starting_after, ending_before, tags: Vec::new(), created: created(p)? })
}

/// Stripe's `created` filter: an exact time, or any of `created[gt]`, `[gte]`, `[lt]` and `[lte]`
/// (Unix seconds), as an inclusive range; `None` when absent.
fn created(p: &Params) -> Result<Option<(i64, i64)>, ApiError> {
    let bounds = match p.get("created") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(b)) => b,
        Some(_) => return integer(p, "created").map(|t| t.map(|t| (t, t))),
    };
    super::params::deny_unknown_in(bounds, "created", &["gt", "gte", "lt", "lte"])?;
    let bound = |k: &str| {
        integer(bounds, k).map_err(|_| {
            ApiError::param(
                "parameter_invalid_integer",
                &format!("created[{k}]"),
                format!("Invalid integer: created[{k}]"),
            )
        })
    };
    let mut range = (i64::MIN, i64::MAX);
    if let Some(t) = bound("gt")? {
        range.0 = range.0.max(t.saturating_add(1));
    }
    if let Some(t) = bound("gte")? {
        range.0 = range.0.max(t);
    }
    if let Some(t) = bound("lt")? {
        range.1 = range.1.min(t.saturating_sub(1));
    }
    if let Some(t) = bound("lte")? {
        range.1 = range.1.min(t);
    }
    Ok(Some(range))
}

/// Refuses parameters other than the pagination ones and `filters`, then reads the query.
pub fn query_with(p: &Params, filters: &[&str]) -> Result<ListQuery, ApiError> {
    let mut allowed = PAGINATION.to_vec();
    allowed.extend_from_slice(filters);
    super::params::deny_unknown(p, &allowed)?;
    query(p)
}

/// The parameters every list endpoint takes.
pub const PAGINATION: &[&str] = &["limit", "starting_after", "ending_before", "expand", "created"];

/// A `{"object": "list", …}` body from a page, each object passed through `map`.
pub fn object(url: &str, page: Page, mut map: impl FnMut(Value) -> Value) -> Value {
    let data: Vec<Value> =
        page.data.into_iter().filter_map(|d| serde_json::from_str(&d.body).ok()).map(&mut map).collect();
    json!({ "object": "list", "data": data, "has_more": page.has_more, "url": url })
}

/// The page a query asks for out of `all` (newest first), for lists filtered in the server. A
/// cursor that names none of them gives an empty page, as in the stores (the answer then
/// refuses it if it names no object at all).
pub fn page_of(mut all: Vec<Doc>, q: &ListQuery) -> Page {
    let position = |id: &String| all.iter().position(|d| &d.id == id);
    let (from, to) = match (&q.starting_after, &q.ending_before) {
        (Some(id), _) => match position(id) {
            Some(i) => (i + 1, (i + 1 + q.limit).min(all.len())),
            None => return Page::default(),
        },
        (None, Some(id)) => match position(id) {
            Some(i) => (i.saturating_sub(q.limit), i),
            None => return Page::default(),
        },
        (None, None) => (0, q.limit.min(all.len())),
    };
    let has_more = if q.ending_before.is_some() { from > 0 } else { to < all.len() };
    Page { data: all.drain(from..to).collect(), has_more }
}
