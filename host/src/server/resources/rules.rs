//! `/v1/ward/rules`: the account's own rules. Every change is checked against the bundle's
//! attributes and lists first, then published as a new rules version and bundle, swapped in
//! atomically.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use ward_core::rules::Diagnostic;

use crate::server::App;
use crate::server::api::{ApiError, Ctx, ids, json_response, params};
use crate::server::engines::{account_rules, all_docs, count_change};
use crate::server::locks::CONFIG;
use crate::store::{Doc, Kind, WriteBatch};

fn rule_doc(rule: &Value) -> Doc {
    Doc {
        kind: Kind::Rule,
        id: rule["id"].as_str().unwrap_or_default().to_owned(),
        created: rule["created"].as_i64().unwrap_or_default(),
        tag: Some(if rule["enabled"].as_bool().unwrap_or(true) { "enabled" } else { "disabled" }.to_owned()),
        body: rule.to_string(),
    }
}

/// Checks the account's rules with `change` applied (`(id, Some(predicate))` adds or replaces,
/// `(id, None)` removes); refuses it with the diagnostics when it has errors.
async fn validate(app: &App, account: &str, id: &str, predicate: Option<&str>) -> Result<(), ApiError> {
    let mut lines: Vec<String> = account_rules(app.store.as_ref(), account)
        .await?
        .lines()
        .filter(|l| !l.starts_with(&format!("{id}: ")))
        .map(str::to_owned)
        .collect();
    if let Some(p) = predicate {
        if p.contains('\n') {
            return Err(ApiError::invalid("predicate", "A rule is one line."));
        }
        lines.push(format!("{id}: {p}"));
    }
    let text = app.engines.rules_text(&lines.join("\n"));
    check_text(app, account, &text, |d| match predicate {
        Some(p) => on_predicate(d, &text, id, p),
        None => d.render(&text),
    })
    .await
}

/// Compiles a whole rules text against the account's lists; refuses it with its errors, each
/// rendered by `render`, naming `predicate`.
async fn check_text(
    app: &App,
    account: &str,
    text: &str,
    render: impl Fn(&Diagnostic) -> String,
) -> Result<(), ApiError> {
    let engine = app.engines.fresh(app.store.as_ref(), account).await?;
    let diagnostics =
        engine.scorer.check_rules(text).map_err(|e| ApiError::internal("engine_unavailable", e.to_string()))?;
    let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).map(render).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::param("rule_invalid", "predicate", format!("The rule does not compile:\n{}", errors.join("\n"))))
    }
}

/// A diagnostic rendered against the predicate the request sent, when it points into it (line
/// 1, columns counted in the predicate), rather than against the account's whole rules file,
/// whose line numbers the client never saw.
fn on_predicate(d: &Diagnostic, text: &str, id: &str, predicate: &str) -> String {
    let prefix = format!("{id}: ");
    let line = text.split('\n').nth((d.line as usize).wrapping_sub(1));
    let offset = prefix.chars().count() as u32;
    if line.is_some_and(|l| l.starts_with(&prefix)) && d.column > offset {
        let moved = Diagnostic { line: 1, column: d.column - offset, ..d.clone() };
        return moved.render(predicate).replace("--> line 1, column", "--> predicate, column");
    }
    d.render(text)
}

/// Publishes the account's rules: a new bundle, swapped in, and a `ward.rules_version` record
/// (naming the version it restores, if it does).
async fn publish(app: &App, account: &str, restores: Option<&str>) -> Result<Value, ApiError> {
    let bundle = app.engines.publish(app.store.as_ref(), account).await?;
    let now = ids::now();
    let version = json!({
        "id": ids::new_id("wrv"),
        "object": "ward.rules_version",
        "bundle": bundle,
        "created": now,
        "restores": restores,
        "rules": account_rules(app.store.as_ref(), account).await?,
    });
    let doc = Doc {
        kind: Kind::RulesVersion,
        id: version["id"].as_str().unwrap_or_default().to_owned(),
        created: now,
        tag: None,
        body: version.to_string(),
    };
    app.commit(account, WriteBatch { docs: vec![doc], ..WriteBatch::default() }).await?;
    Ok(version)
}

/// `POST /v1/ward/rules`: `predicate` (`Block if …`), optional `id` (letters, digits, `_`).
pub async fn create(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["predicate", "id", "enabled", "description"])?;
    // Rules are checked against the other rules and the lists: changes of either take turns.
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    let predicate = params::required_string(&ctx.params, "predicate")?;
    let id = match params::string(&ctx.params, "id")? {
        Some(id) => {
            if id.is_empty()
                || id.len() > 64
                || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(ApiError::invalid("id", "A rule id is 1-64 lower-case letters, digits or underscores."));
            }
            if app.store.get(&ctx.account, Kind::Rule, &id).await?.is_some() {
                return Err(ApiError::invalid("id", format!("Rule {id} already exists.")));
            }
            id
        }
        None => format!("wr_{}", ids::random_base62(20).to_lowercase()),
    };
    let enabled = params::boolean(&ctx.params, "enabled")?.unwrap_or(true);
    if enabled {
        validate(&app, &ctx.account, &id, Some(&predicate)).await?;
    }
    let now = ids::now();
    let rule = json!({
        "id": id, "object": "ward.rule", "predicate": predicate, "enabled": enabled,
        "description": params::string(&ctx.params, "description")?, "created": now, "updated": now,
    });
    save_and_publish(&app, &ctx, rule).await
}

/// Stores the rule, publishes, and answers with the rule and its `rules_version`. The
/// idempotency record is written last, with that whole answer, so a retry replays it exactly.
async fn save_and_publish(app: &App, ctx: &Ctx, mut rule: Value) -> Result<Response, ApiError> {
    let mut batch = WriteBatch { docs: vec![rule_doc(&rule)], ..WriteBatch::default() };
    count_change(&mut batch);
    app.commit(&ctx.account, batch).await?;
    rule["rules_version"] = publish(app, &ctx.account, None).await?["id"].clone();
    ctx.commit_and_answer(WriteBatch::default(), StatusCode::OK, rule.to_string()).await
}

async fn load(app: &App, account: &str, id: &str) -> Result<Value, ApiError> {
    super::stored_json(app, account, Kind::Rule, id, "rule", "id").await
}

/// `GET /v1/ward/rules/{id}`.
pub async fn retrieve(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    params::deny_unknown(&ctx.params, &[])?;
    Ok(json_response(StatusCode::OK, load(&app, &ctx.account, &id).await?.to_string()))
}

/// `POST /v1/ward/rules/{id}`: `predicate`, `enabled`, `description`.
pub async fn update(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &["predicate", "enabled", "description"])?;
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    let mut rule = load(&app, &ctx.account, &id).await?;
    if let Some(p) = params::string(&ctx.params, "predicate")? {
        rule["predicate"] = json!(p);
    }
    if let Some(e) = params::boolean(&ctx.params, "enabled")? {
        rule["enabled"] = json!(e);
    }
    if let Some(d) = params::string(&ctx.params, "description")? {
        rule["description"] = json!(d);
    }
    let enabled = rule["enabled"].as_bool().unwrap_or(true);
    let predicate = rule["predicate"].as_str().unwrap_or_default().to_owned();
    validate(&app, &ctx.account, &id, enabled.then_some(predicate.as_str())).await?;
    rule["updated"] = json!(ids::now());
    save_and_publish(&app, &ctx, rule).await
}

/// `DELETE /v1/ward/rules/{id}`.
pub async fn delete(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    load(&app, &ctx.account, &id).await?;
    validate(&app, &ctx.account, &id, None).await?;
    let mut batch = WriteBatch { deletes: vec![(Kind::Rule, id.clone())], ..WriteBatch::default() };
    count_change(&mut batch);
    let body = json!({"id": id, "object": "ward.rule", "deleted": true});
    ctx.commit_and_answer(batch, StatusCode::OK, body.to_string()).await?;
    publish(&app, &ctx.account, None).await?;
    Ok(json_response(StatusCode::OK, body.to_string()))
}

/// `GET /v1/ward/rules` (`enabled` filters).
pub async fn list(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    let by_state = |p: &params::Params| {
        Ok(params::boolean(p, "enabled")?.map(|e| if e { "enabled" } else { "disabled" }.to_owned()))
    };
    super::list_stored(&app, &ctx, Kind::Rule, "/v1/ward/rules", &["enabled"], by_state).await
}

/// `POST /v1/ward/rules_versions/{id}/restore`: the account's rules as that version had them
/// (its rules enabled with its predicates, every other rule disabled, rules deleted since made
/// again), checked against today's lists, and published as a new version naming it in
/// `restores`. Answers the new version.
pub async fn restore(State(app): State<Arc<App>>, Path(id): Path<String>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(r) = &ctx.replay {
        return Ok(super::replay(r));
    }
    params::deny_unknown(&ctx.params, &[])?;
    let _config_lock = app.lock(&ctx.account, CONFIG).await?;
    let version = super::stored_json(&app, &ctx.account, Kind::RulesVersion, &id, "rules version", "id").await?;
    let text = version["rules"].as_str().unwrap_or_default().to_owned();
    let full = app.engines.rules_text(&text);
    check_text(&app, &ctx.account, &full, |d| d.render(&full)).await?;
    let mut wanted: BTreeMap<&str, &str> = text.lines().filter_map(|l| l.split_once(": ")).collect();
    let now = ids::now();
    let mut batch = WriteBatch::default();
    for mut rule in all_docs(app.store.as_ref(), &ctx.account, Kind::Rule, None).await? {
        let rule_id = rule["id"].as_str().unwrap_or_default().to_owned();
        let enabled = rule["enabled"].as_bool().unwrap_or(true);
        match wanted.remove(rule_id.as_str()) {
            Some(p) if enabled && rule["predicate"] == p => continue,
            Some(p) => (rule["predicate"], rule["enabled"]) = (json!(p), json!(true)),
            None if !enabled => continue,
            None => rule["enabled"] = json!(false),
        }
        rule["updated"] = json!(now);
        batch.docs.push(rule_doc(&rule));
    }
    for (rule_id, p) in wanted {
        let rule = json!({
            "id": rule_id, "object": "ward.rule", "predicate": p, "enabled": true,
            "description": null, "created": now, "updated": now,
        });
        batch.docs.push(rule_doc(&rule));
    }
    count_change(&mut batch);
    app.commit(&ctx.account, batch).await?;
    let restored = publish(&app, &ctx.account, Some(&id)).await?;
    ctx.commit_and_answer(WriteBatch::default(), StatusCode::OK, restored.to_string()).await
}

/// `GET /v1/ward/rules_versions`: published versions, newest first.
pub async fn versions(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    super::list_stored(&app, &ctx, Kind::RulesVersion, "/v1/ward/rules_versions", &[], |_| Ok(None)).await
}
