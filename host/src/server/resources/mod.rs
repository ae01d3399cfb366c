//! The API's resources, one module each, and the route table.

mod charges;
mod evaluations;
mod expand;
mod feedback;
mod fraud;
mod holdout;
mod item_count;
mod lists;
mod payment_input;
mod refunds;
mod reviews;
mod rules;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use lists::ensure_defaults;

use super::api::{ApiError, Ctx, json_response, list, params};
use super::{App, events};
use serde_json::Value;

use crate::store::{Doc, IdempotencyRecord, Kind, Page, WriteBatch};

/// The answer an idempotency key already got.
pub fn replay(r: &IdempotencyRecord) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let mut resp = json_response(status, r.body.clone());
    resp.headers_mut().insert("idempotent-replayed", axum::http::HeaderValue::from_static("true"));
    resp
}

/// Commits the batch with the answer, then hands the batch's events to webhook delivery (only
/// once they are durable).
pub async fn commit_with_events(
    app: &App,
    ctx: &Ctx,
    batch: WriteBatch,
    status: StatusCode,
    body: String,
) -> Result<Response, ApiError> {
    let events: Vec<Doc> = batch.docs.iter().filter(|d| d.kind == Kind::Event).cloned().collect();
    let response = ctx.commit_and_answer(batch, status, body).await?;
    app.webhooks.send(&events);
    Ok(response)
}

/// A stored object, or a 404 naming it (`what` in the message, `param` as the parameter).
pub async fn stored(app: &App, account: &str, kind: Kind, id: &str, what: &str, param: &str) -> Result<Doc, ApiError> {
    app.store.get(account, kind, id).await?.ok_or_else(|| ApiError::not_found(what, id, param))
}

/// A stored object parsed, or a 404.
pub async fn stored_json(
    app: &App,
    account: &str,
    kind: Kind,
    id: &str,
    what: &str,
    param: &str,
) -> Result<Value, ApiError> {
    parsed(&stored(app, account, kind, id, what, param).await?, what)
}

/// A stored object's JSON (its body is what the API answered), or a 500 naming it (`what`).
pub fn parsed(doc: &Doc, what: &str) -> Result<Value, ApiError> {
    serde_json::from_str(&doc.body)
        .map_err(|e| ApiError::internal("corrupt_object", format!("stored {what} {} is unreadable: {e}", doc.id)))
}

/// `GET …/{id}` of a stored object, with its `expand[]` fields.
pub async fn retrieve_stored(app: &App, ctx: &Ctx, kind: Kind, id: &str, what: &str) -> Result<Response, ApiError> {
    params::deny_unknown(&ctx.params, &["expand"])?;
    let fields = expand::fields(&ctx.params, kind, "")?;
    if fields.is_empty() {
        return Ok(json_response(StatusCode::OK, stored(app, &ctx.account, kind, id, what, "id").await?.body));
    }
    let mut object = stored_json(app, &ctx.account, kind, id, what, "id").await?;
    expand::apply(app, &ctx.account, &mut object, &fields).await?;
    Ok(json_response(StatusCode::OK, object.to_string()))
}

/// `GET` of a list of stored objects of one kind, newest first: the pagination parameters plus
/// `filters`, and the tag `tag` reads from them (`None`: every object of the kind).
pub async fn list_stored(
    app: &App,
    ctx: &Ctx,
    kind: Kind,
    url: &str,
    filters: &[&str],
    tag: impl FnOnce(&params::Params) -> Result<Option<String>, ApiError>,
) -> Result<Response, ApiError> {
    let page = stored_page(app, ctx, kind, filters, tag).await?;
    answer_list(app, ctx, kind, url, page).await
}

/// The page of objects of `kind` a list request asks for: the pagination parameters plus
/// `filters`, and the tag `tag` reads from them (`None`: every object of the kind).
async fn stored_page(
    app: &App,
    ctx: &Ctx,
    kind: Kind,
    filters: &[&str],
    tag: impl FnOnce(&params::Params) -> Result<Option<String>, ApiError>,
) -> Result<Page, ApiError> {
    let mut q = list::query_with(&ctx.params, filters)?;
    q.tags = tag(&ctx.params)?.into_iter().collect();
    Ok(app.store.list(&ctx.account, kind, &q).await?)
}

/// `GET` of objects that belong to charges (refunds, early fraud warnings, disputes), filtered
/// by `charge`: a charge that does not exist is a 404 naming it, not an empty list.
pub async fn list_by_charge(
    app: &App,
    ctx: &Ctx,
    kind: Kind,
    url: &str,
    filters: &[&str],
) -> Result<Response, ApiError> {
    let page = stored_page(app, ctx, kind, filters, |p| params::string(p, "charge")).await?;
    if let Some(id) = params::string(&ctx.params, "charge")?.filter(|_| page.data.is_empty()) {
        charges::load(app, &ctx.account, &id, "charge").await?;
    }
    answer_list(app, ctx, kind, url, page).await
}

/// A list answer for a page of objects of `kind`, with the `expand[]=data.…` fields expanded.
pub async fn answer_list(app: &App, ctx: &Ctx, kind: Kind, url: &str, page: Page) -> Result<Response, ApiError> {
    let fields = expand::fields(&ctx.params, kind, "data.")?;
    if page.data.is_empty() {
        check_cursor(app, ctx, kind).await?;
    }
    let mut body = list::object(url, page, |o| o);
    if let Some(data) = body["data"].as_array_mut().filter(|_| !fields.is_empty()) {
        for object in data {
            expand::apply(app, &ctx.account, object, &fields).await?;
        }
    }
    Ok(json_response(StatusCode::OK, body.to_string()))
}

/// Refuses a pagination cursor that names no object of `kind`, as Stripe does: an empty page
/// would tell a client paging past a deleted object that it had seen everything. Checked only
/// when a page comes back empty, which is the only time the stores cannot tell.
async fn check_cursor(app: &App, ctx: &Ctx, kind: Kind) -> Result<(), ApiError> {
    for param in ["starting_after", "ending_before"] {
        if let Some(id) = params::string(&ctx.params, param)?.filter(|id| !id.is_empty())
            && app.store.get(&ctx.account, kind, &id).await?.is_none()
        {
            return Err(ApiError::not_found(kind.noun(), &id, param));
        }
    }
    Ok(())
}

/// The answer to a list filtered by `payment_intent`: Ward's objects belong to charges, never to
/// a PaymentIntent, so no object matches (an empty list, rather than the filter ignored).
pub fn no_payment_intents(ctx: &Ctx, url: &str) -> Result<Option<Response>, ApiError> {
    Ok(params::string(&ctx.params, "payment_intent")?
        .map(|_| json_response(StatusCode::OK, list::object(url, Page::default(), |o| o).to_string())))
}

/// Unknown paths: Stripe's 404 shape.
pub async fn not_found(uri: Uri) -> Response {
    ApiError::status(
        StatusCode::NOT_FOUND,
        "resource_missing",
        format!("Unrecognized request URL ({}). See /openapi.json for what Ward serves.", uri.path()),
    )
    .into_response()
}

/// A known path asked with a method it does not take: a Stripe error object, not an empty 405.
pub async fn method_not_allowed(method: axum::http::Method, uri: Uri) -> Response {
    ApiError::status(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}. See /openapi.json for the methods each route takes.", uri.path()),
    )
    .into_response()
}

/// `GET /v1/events`: `type` (an event type, or a group such as `charge.*`) or `types[]` (up to
/// 20 of them).
async fn list_events(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    let mut q = list::query_with(&ctx.params, &["type", "types"])?;
    let page = match event_types(&ctx.params)? {
        // A group naming no type Ward emits matches nothing (no tags would match everything).
        Some(types) if types.is_empty() => Page::default(),
        Some(types) => {
            q.tags = types;
            app.store.list(&ctx.account, Kind::Event, &q).await?
        }
        None => app.store.list(&ctx.account, Kind::Event, &q).await?,
    };
    answer_list(&app, &ctx, Kind::Event, "/v1/events", page).await
}

/// Most types one `types[]` filter may name, as in Stripe.
const MAX_EVENT_TYPES: usize = 20;

/// The event types a list asks for (`None`: all), groups (`charge.*`) expanded.
fn event_types(p: &params::Params) -> Result<Option<Vec<String>>, ApiError> {
    let one = params::string(p, "type")?;
    let (param, names) = match (one, p.get("types")) {
        (None, None) => return Ok(None),
        (Some(_), Some(_)) => return Err(ApiError::invalid("types", "Give type or types, not both.")),
        (Some(t), None) => ("type", vec![t]),
        (None, Some(types)) => {
            let items: Vec<&Value> = match types {
                Value::Array(a) => a.iter().collect(),
                Value::Object(o) => o.values().collect(),
                v => vec![v],
            };
            let names = items.iter().map(|v| v.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>();
            match names {
                Some(n) if !n.is_empty() && n.len() <= MAX_EVENT_TYPES => ("types", n),
                _ => {
                    return Err(ApiError::invalid(
                        "types",
                        format!(
                            "types must be a list of 1 to {MAX_EVENT_TYPES} event types, such as types[]=review.opened."
                        ),
                    ));
                }
            }
        }
    };
    let mut types = Vec::new();
    for name in names {
        if name == "*" {
            return Ok(None);
        }
        match name.strip_suffix('*') {
            Some(group) if group.ends_with('.') => {
                types.extend(events::EVENT_TYPES.iter().filter(|t| t.starts_with(group)).map(|t| (*t).to_owned()));
            }
            Some(_) => {
                return Err(ApiError::invalid(
                    param,
                    format!("Invalid event type {name}: a wildcard ends a group of types, as in charge.*"),
                ));
            }
            None => types.push(name),
        }
    }
    types.sort_unstable();
    types.dedup();
    Ok(Some(types))
}

/// `GET /v1/events/{id}`.
async fn retrieve_event(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    retrieve_stored(&app, &ctx, Kind::Event, &id, "event").await
}

/// Every API route.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v1/radar/payment_evaluations", post(evaluations::create))
        .route("/v1/radar/payment_evaluations/{id}", get(evaluations::retrieve))
        .route("/v1/ward/payment_evaluations/{id}/events", post(evaluations::report_event))
        .route("/v1/charges", post(charges::create).get(charges::list))
        .route("/v1/charges/{id}", get(charges::retrieve).post(charges::update))
        .route("/v1/charges/{id}/capture", post(charges::capture))
        .route("/v1/charges/{id}/refunds", get(charges::refunds))
        .route("/v1/refunds", post(refunds::create).get(refunds::list))
        .route("/v1/refunds/{id}", get(refunds::retrieve))
        .route("/v1/reviews", get(reviews::list))
        .route("/v1/reviews/{id}", get(reviews::retrieve))
        .route("/v1/reviews/{id}/approve", post(reviews::approve))
        .route("/v1/radar/value_lists", post(lists::create).get(lists::list))
        .route("/v1/radar/value_lists/{id}", get(lists::retrieve).post(lists::update).delete(lists::delete))
        .route("/v1/radar/value_list_items", post(lists::create_item).get(lists::list_items))
        .route("/v1/radar/value_list_items/{id}", get(lists::retrieve_item).delete(lists::delete_item))
        .route("/v1/radar/early_fraud_warnings", get(fraud::list_efw))
        .route("/v1/radar/early_fraud_warnings/{id}", get(fraud::retrieve_efw))
        .route("/v1/ward/early_fraud_warnings", post(fraud::ingest_efw))
        .route("/v1/disputes", get(fraud::list_disputes))
        .route("/v1/disputes/{id}", get(fraud::retrieve_dispute))
        .route("/v1/ward/disputes", post(fraud::ingest_dispute))
        .route("/v1/ward/rules", post(rules::create).get(rules::list))
        .route("/v1/ward/rules/{id}", get(rules::retrieve).post(rules::update).delete(rules::delete))
        .route("/v1/ward/rules_versions", get(rules::versions))
        .route("/v1/ward/rules_versions/{id}/restore", post(rules::restore))
        .route("/v1/ward/holdout", get(holdout::get))
        .route("/v1/events", get(list_events))
        .route("/v1/events/{id}", get(retrieve_event))
}
