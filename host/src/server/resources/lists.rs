//! `/v1/radar/value_lists` and `/v1/radar/value_list_items`: Stripe's value-list CRUD. Every
//! change republishes the account's bundle, so the next payment sees it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use ward_core::lists::defaults::{default_lists, parse_default_alias};
use ward_core::lists::{ItemType, ListItem, MAX_ALIAS_CHARS, MAX_ITEMS, MAX_NAME_CHARS, validate_alias};

use super::feedback::{item_doc, item_id};
use super::item_count;
use crate::server::App;
use crate::server::api::{ApiError, Ctx, ids, json_response, list, params};
use crate::server::engines::count_change;
use crate::server::locks::{CONFIG, LISTS};
use crate::store::{Doc, Kind, ListQuery, Page, WriteBatch};

const ITEM_TYPES: &[&str] = &[
    "card_bin",
    "card_fingerprint",
    "case_sensitive_string",
    "country",
    "crypto_fingerprint",
    "customer_id",
    "email",
    "ip_address",
    "string",
    "sepa_debit_fingerprint",
    "us_bank_account_fingerprint",
    "account",
];

fn list_json(id: &str, alias: &str, name: &str, item_type: &str, metadata: Value, now: i64) -> Value {
    json!({
        "id": id,
        "object": "radar.value_list",
        "alias": alias,
        "created": now,
        "created_by": "ward",
        "item_type": item_type,
        "list_items": {"object": "list", "data": [], "has_more": false, "total_count": 0,
                       "url": format!("/v1/radar/value_list_items?value_list={id}")},
        "livemode": false,
        "metadata": metadata,
        "name": name,
    })
}

fn list_doc(list: &Value) -> Doc {
    Doc {
        kind: Kind::ValueList,
        id: list["id"].as_str().unwrap_or_default().to_owned(),
        created: list["created"].as_i64().unwrap_or_default(),
        tag: list["alias"].as_str().map(str::to_owned),
        body: list.to_string(),
    }
}

/// Creates the 18 default lists of an account when missing (they cannot be edited or deleted,
/// only their items changed).
pub async fn ensure_defaults(app: &App, account: &str) -> Result<(), ApiError> {
    let first = default_lists();
    let Some(probe) = first.first() else { return Ok(()) };
    if app.store.get(account, Kind::ValueList, &probe.id).await?.is_some() {
        return Ok(());
    }
    let now = ids::now();
    let docs = first
        .iter()
        .map(|l| list_doc(&list_json(&l.id, &l.alias, &l.name, l.item_type.as_str(), json!({}), now)))
        .collect();
    app.commit(account, WriteBatch { docs, ..WriteBatch::default() }).await?;
    Ok(())
}

async fn load(app: &App, account: &str, id: &str, param: &str) -> Result<Value, ApiError> {
    super::stored_json(app, account, Kind::ValueList, id, "value list", param).await
}

async fn with_count(app: &App, account: &str, mut list: Value) -> Result<Value, ApiError> {
    let id = list["id"].as_str().unwrap_or_default().to_owned();
    list["list_items"]["total_count"] = json!(item_count::shown(app, account, &id).await?);
    Ok(list)
}

fn check_alias(alias: &str) -> Result<(), ApiError> {
    if alias.chars().count() > MAX_ALIAS_CHARS {
        return Err(ApiError::invalid("alias", format!("alias must be at most {MAX_ALIAS_CHARS} characters.")));
    }
    validate_alias(alias).map_err(|e| ApiError::invalid("alias", e.to_string()))?;
    if parse_default_alias(alias).is_some() {
        return Err(ApiError::invalid("alias", format!("'{alias}' is reserved for a default list.")));
    }
    Ok(())
}

async fn alias_taken(app: &App, account: &str, alias: &str) -> Result<bool, ApiError> {
    Ok(app.store.count(account, Kind::ValueList, alias).await? > 0)
}

/// `POST /v1/radar/value_lists`.
pub async fn create(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["alias", "name", "item_type", "metadata", "expand"])?;
    super::expand::fields(&ctx.params, Kind::ValueList, "")?;
    let alias = params::required_string(&ctx.params, "alias")?;
    let name = params::bounded_string(&ctx.params, "name", MAX_NAME_CHARS)?.filter(|n| !n.is_empty());
    let name = name.ok_or_else(|| ApiError::missing("name"))?;
    let item_type = params::one_of(&ctx.params, "item_type", ITEM_TYPES)?.unwrap_or_else(|| "string".into());
    check_alias(&alias)?;
    ensure_defaults(&app, &ctx.account).await?;
    // Held to the commit: two lists made at once must not both take one alias.
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    if alias_taken(&app, &ctx.account, &alias).await? {
        return Err(ApiError::invalid("alias", format!("A value list with alias '{alias}' already exists.")));
    }
    let metadata = params::metadata(&ctx.params, "metadata")?.unwrap_or_default();
    let list = list_json(&ids::new_id("rsl"), &alias, &name, &item_type, Value::Object(metadata), ids::now());
    let mut batch = WriteBatch { docs: vec![list_doc(&list)], ..WriteBatch::default() };
    count_change(&mut batch);
    let response = ctx.commit_and_answer(batch, StatusCode::OK, list.to_string()).await?;
    app.engines.publish(app.store.as_ref(), &ctx.account).await?;
    Ok(response)
}

/// `GET /v1/radar/value_lists/{id}`.
pub async fn retrieve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    params::deny_unknown(&ctx.params, &["expand"])?;
    super::expand::fields(&ctx.params, Kind::ValueList, "")?;
    ensure_defaults(&app, &ctx.account).await?;
    let list = with_count(&app, &ctx.account, load(&app, &ctx.account, &id, "id").await?).await?;
    Ok(json_response(StatusCode::OK, list.to_string()))
}

/// `POST /v1/radar/value_lists/{id}`: `alias`, `name`, `metadata`.
pub async fn update(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["alias", "name", "metadata", "expand"])?;
    super::expand::fields(&ctx.params, Kind::ValueList, "")?;
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    let mut list = load(&app, &ctx.account, &id, "id").await?;
    let old_alias = list["alias"].as_str().unwrap_or_default().to_owned();
    if parse_default_alias(&old_alias).is_some() {
        return Err(ApiError::request("default_list_immutable", "Default lists cannot be edited; change their items."));
    }
    if let Some(alias) = params::string(&ctx.params, "alias")?
        && alias != old_alias
    {
        check_alias(&alias)?;
        if alias_taken(&app, &ctx.account, &alias).await? {
            return Err(ApiError::invalid("alias", format!("A value list with alias '{alias}' already exists.")));
        }
        if rules_use(&app, &ctx.account, &old_alias).await? {
            return Err(ApiError::invalid("alias", format!("A rule uses @{old_alias}; change the rule first.")));
        }
        list["alias"] = json!(alias);
    }
    if let Some(name) = params::bounded_string(&ctx.params, "name", MAX_NAME_CHARS)? {
        list["name"] = json!(name);
    }
    if let Some(m) = params::metadata(&ctx.params, "metadata")? {
        list["metadata"] = Value::Object(m);
    }
    let mut batch = WriteBatch { docs: vec![list_doc(&list)], ..WriteBatch::default() };
    count_change(&mut batch);
    let list = with_count(&app, &ctx.account, list).await?;
    let response = ctx.commit_and_answer(batch, StatusCode::OK, list.to_string()).await?;
    app.engines.publish(app.store.as_ref(), &ctx.account).await?;
    Ok(response)
}

/// Whether the account's current bundle has a rule that reads `@alias`.
async fn rules_use(app: &App, account: &str, alias: &str) -> Result<bool, ApiError> {
    let engine = app.engines.fresh(app.store.as_ref(), account).await?;
    let manifest = engine.scorer.manifest().map_err(|e| ApiError::internal("engine_unavailable", e.to_string()))?;
    Ok(manifest.lists.iter().any(|l| l == alias))
}

/// `DELETE /v1/radar/value_lists/{id}`: refused while a rule uses the list; removes its items.
pub async fn delete(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    let _lists_lock = app.lock(&ctx.account, LISTS).await?;
    let list = load(&app, &ctx.account, &id, "id").await?;
    let alias = list["alias"].as_str().unwrap_or_default();
    if parse_default_alias(alias).is_some() {
        return Err(ApiError::request("default_list_immutable", "Default lists cannot be deleted."));
    }
    if rules_use(&app, &ctx.account, alias).await? {
        return Err(ApiError::request(
            "value_list_in_use",
            format!("Value list @{alias} is used by a rule; remove or change the rule first."),
        ));
    }
    let items =
        crate::server::engines::all_docs(app.store.as_ref(), &ctx.account, Kind::ValueListItem, Some(&id)).await?;
    let mut batch = WriteBatch::default();
    count_change(&mut batch);
    item_count::forget(&mut batch, &id);
    batch.deletes.push((Kind::ValueList, id.clone()));
    for item in items {
        if let Some(iid) = item["id"].as_str() {
            batch.deletes.push((Kind::ValueListItem, iid.to_owned()));
        }
    }
    let body = json!({"id": id, "object": "radar.value_list", "deleted": true}).to_string();
    let response = ctx.commit_and_answer(batch, StatusCode::OK, body).await?;
    app.engines.publish(app.store.as_ref(), &ctx.account).await?;
    Ok(response)
}

/// `GET /v1/radar/value_lists` (`alias` filters).
pub async fn list(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    ensure_defaults(&app, &ctx.account).await?;
    let url = "/v1/radar/value_lists";
    match params::string(&ctx.params, "contains")? {
        Some(value) => lists_containing(&app, &ctx, url, &value).await,
        None => {
            super::list_stored(&app, &ctx, Kind::ValueList, url, &["alias", "contains"], |p| params::string(p, "alias"))
                .await
        }
    }
}

/// The lists holding `value` (as each list's item type normalises it, and not expired), paged
/// by the query's cursor and limit. An account has few lists: all are read, and each is checked
/// with one lookup of the item the value would be (an item's id derives from list and value).
async fn lists_containing(app: &App, ctx: &Ctx, url: &str, value: &str) -> Result<Response, ApiError> {
    let q = list::query_with(&ctx.params, &["alias", "contains"])?;
    let now = ids::now();
    let scan = ListQuery { limit: 100, tags: params::string(&ctx.params, "alias")?.into_iter().collect(), ..q.clone() };
    let mut holding = Vec::new();
    for doc in app.store.list_all(&ctx.account, Kind::ValueList, scan, usize::MAX).await? {
        if holds(app, &ctx.account, &doc, value, now).await? {
            holding.push(doc);
        }
    }
    super::answer_list(app, ctx, Kind::ValueList, url, list::page_of(holding, &q)).await
}

/// Whether a list holds `value` now.
async fn holds(app: &App, account: &str, list: &Doc, value: &str, now: i64) -> Result<bool, ApiError> {
    let parsed: Value = serde_json::from_str(&list.body).unwrap_or_default();
    let item_type = parsed["item_type"].as_str().and_then(ItemType::parse).unwrap_or(ItemType::String);
    let Ok(normalized) = item_type.normalize(value) else { return Ok(false) };
    let Some(item) = app.store.get(account, Kind::ValueListItem, &item_id(&list.id, &normalized)).await? else {
        return Ok(false);
    };
    let item: Value = serde_json::from_str(&item.body).unwrap_or_default();
    Ok(item["expires_at"].as_i64().is_none_or(|t| t > now))
}

/// `POST /v1/radar/value_list_items`.
pub async fn create_item(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["value", "value_list", "expand", "expires_at"])?;
    super::expand::fields(&ctx.params, Kind::ValueListItem, "")?;
    let raw = params::required_string(&ctx.params, "value")?;
    let list_id = params::required_string(&ctx.params, "value_list")?;
    let expires_at = params::integer(&ctx.params, "expires_at")?;
    ensure_defaults(&app, &ctx.account).await?;
    // Held to the commit: the item count and the list's limit are read, then changed.
    let _lists_lock = app.lock(&ctx.account, LISTS).await?;
    let list = load(&app, &ctx.account, &list_id, "value_list").await?;
    let item_type = list["item_type"].as_str().and_then(ItemType::parse).unwrap_or(ItemType::String);
    let value = item_type.normalize(&raw).map_err(|e| ApiError::invalid("value", e.to_string()))?;
    let now = ids::now();
    let item = ListItem { value, expires_at };
    let doc = item_doc(&list_id, &item, now, "ward");
    let body = doc.body.clone();
    let mut batch = WriteBatch::default();
    item_count::add(&app, &ctx.account, &list_id, &doc.id, Some(MAX_ITEMS as u64), &mut batch).await?;
    batch.docs.push(doc);
    count_change(&mut batch);
    let response = ctx.commit_and_answer(batch, StatusCode::OK, body).await?;
    crate::server::engines::items_changed(&app, &ctx.account).await?;
    Ok(response)
}

/// `GET /v1/radar/value_list_items/{id}`.
pub async fn retrieve_item(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    super::retrieve_stored(&app, &ctx, Kind::ValueListItem, &id, "value list item").await
}

/// `DELETE /v1/radar/value_list_items/{id}`.
pub async fn delete_item(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    let _lists_lock = app.lock(&ctx.account, LISTS).await?;
    let Some(item) = app.store.get(&ctx.account, Kind::ValueListItem, &id).await? else {
        return Err(ApiError::not_found("value list item", &id, "id"));
    };
    let mut batch = WriteBatch { deletes: vec![(Kind::ValueListItem, id.clone())], ..WriteBatch::default() };
    if let Some(list_id) = &item.tag {
        item_count::removed(&app, &ctx.account, list_id, &mut batch).await?;
    }
    count_change(&mut batch);
    let body = json!({"id": id, "object": "radar.value_list_item", "deleted": true}).to_string();
    let response = ctx.commit_and_answer(batch, StatusCode::OK, body).await?;
    crate::server::engines::items_changed(&app, &ctx.account).await?;
    Ok(response)
}

/// `GET /v1/radar/value_list_items` (`value_list` required; `value` filters).
pub async fn list_items(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    let mut allowed = list::PAGINATION.to_vec();
    allowed.extend(["value_list", "value"]);
    params::deny_unknown(&ctx.params, &allowed)?;
    let list_id = params::required_string(&ctx.params, "value_list")?;
    let value = params::string(&ctx.params, "value")?;
    let mut q = list::query(&ctx.params)?;
    q.tags = vec![list_id.clone()];
    let page = match value {
        Some(v) => matching_items(&app, &ctx.account, q, &v.to_lowercase()).await?,
        None => app.store.list(&ctx.account, Kind::ValueListItem, &q).await?,
    };
    if page.data.is_empty() {
        // An empty page of a list that does not exist would read as "no items".
        ensure_defaults(&app, &ctx.account).await?;
        load(&app, &ctx.account, &list_id, "value_list").await?;
    }
    super::answer_list(
        &app,
        &ctx,
        Kind::ValueListItem,
        &format!("/v1/radar/value_list_items?value_list={list_id}"),
        page,
    )
    .await
}

/// The page of items whose value contains `needle` (lowercase), as Stripe's `value` filter: the
/// list is scanned from the cursor in the query's direction until `limit` items match, one
/// more telling `has_more`. A list holds at most [`MAX_ITEMS`], so the scan is bounded.
async fn matching_items(app: &App, account: &str, mut q: ListQuery, needle: &str) -> Result<Page, ApiError> {
    let limit = q.limit;
    // Pages are newest first; going back (`ending_before`), the items nearest the cursor are
    // the last of each page, and the next page is newer.
    let backwards = q.ending_before.is_some();
    q.limit = 100;
    let mut found: Vec<Doc> = Vec::new();
    loop {
        let page = app.store.list(account, Kind::ValueListItem, &q).await?;
        let (newest, oldest) = (page.data.first().map(|d| d.id.clone()), page.data.last().map(|d| d.id.clone()));
        let mut hits: Vec<Doc> = page.data.into_iter().filter(|d| item_contains(d, needle)).collect();
        if backwards {
            hits.reverse();
        }
        found.extend(hits);
        if found.len() > limit || !page.has_more {
            break;
        }
        if backwards {
            q.ending_before = newest;
        } else {
            q.starting_after = oldest;
        }
    }
    let has_more = found.len() > limit;
    found.truncate(limit);
    if backwards {
        found.reverse();
    }
    Ok(Page { data: found, has_more })
}

/// Whether a stored item's value contains `needle` (lowercase).
fn item_contains(doc: &Doc, needle: &str) -> bool {
    serde_json::from_str::<Value>(&doc.body)
        .ok()
        .and_then(|i| i["value"].as_str().map(|s| s.to_lowercase().contains(needle)))
        .unwrap_or(false)
}
