//! The OpenAPI 3.1 document served at `/openapi.json`: every route, its parameters' home
//! (form or JSON body, or query), the bearer scheme and Stripe's error shape.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::App;

/// `(method, path, summary, params)`: `params` are the body (POST) or query (GET) parameters.
const OPERATIONS: &[(&str, &str, &str, &[&str])] = &[
    (
        "post",
        "/v1/radar/payment_evaluations",
        "Score a payment before sending it to a processor",
        &["customer_details", "payment_details", "metadata", "client"],
    ),
    ("get", "/v1/radar/payment_evaluations/{id}", "Retrieve a payment evaluation", &[]),
    (
        "post",
        "/v1/ward/payment_evaluations/{id}/events",
        "Report what happened to an evaluated payment (a label)",
        &["type", "early_fraud_warning_received", "dispute_opened", "refunded"],
    ),
    (
        "post",
        "/v1/charges",
        "Create (score and record) a charge; 402 when blocked or declined",
        &[
            "amount",
            "currency",
            "source",
            "payment_method",
            "customer",
            "description",
            "receipt_email",
            "metadata",
            "shipping",
            "client",
            "billing_details",
            "capture",
            "expand",
        ],
    ),
    (
        "get",
        "/v1/charges",
        "List charges, newest first",
        &["limit", "starting_after", "ending_before", "risk_level", "customer", "expand"],
    ),
    ("get", "/v1/charges/{id}", "Retrieve a charge", &["expand"]),
    (
        "post",
        "/v1/charges/{id}",
        "Update a charge; fraud_details[user_report] teaches the default lists",
        &["fraud_details", "description", "metadata", "receipt_email"],
    ),
    (
        "post",
        "/v1/refunds",
        "Refund a charge; reason=fraudulent labels it and blocks its card and email",
        &["charge", "amount", "reason", "metadata"],
    ),
    ("post", "/v1/charges/{id}/capture", "Capture a charge made with capture=false", &["amount", "expand"]),
    ("get", "/v1/charges/{id}/refunds", "List a charge's refunds", &["limit", "starting_after", "ending_before"]),
    ("get", "/v1/refunds", "List refunds", &["limit", "starting_after", "ending_before", "charge"]),
    ("get", "/v1/refunds/{id}", "Retrieve a refund", &[]),
    ("get", "/v1/reviews", "List open reviews", &["limit", "starting_after", "ending_before"]),
    ("get", "/v1/reviews/{id}", "Retrieve a review", &["expand"]),
    ("post", "/v1/reviews/{id}/approve", "Approve (close) a review", &["expand"]),
    ("post", "/v1/radar/value_lists", "Create a value list", &["alias", "name", "item_type", "metadata"]),
    (
        "get",
        "/v1/radar/value_lists",
        "List value lists",
        &["limit", "starting_after", "ending_before", "alias", "contains"],
    ),
    ("get", "/v1/radar/value_lists/{id}", "Retrieve a value list", &[]),
    ("post", "/v1/radar/value_lists/{id}", "Update a value list", &["alias", "name", "metadata"]),
    ("delete", "/v1/radar/value_lists/{id}", "Delete a value list (refused while a rule uses it)", &[]),
    ("post", "/v1/radar/value_list_items", "Add an item to a value list", &["value", "value_list", "expires_at"]),
    (
        "get",
        "/v1/radar/value_list_items",
        "List a value list's items",
        &["value_list", "value", "limit", "starting_after", "ending_before"],
    ),
    ("get", "/v1/radar/value_list_items/{id}", "Retrieve a value list item", &[]),
    ("delete", "/v1/radar/value_list_items/{id}", "Delete a value list item", &[]),
    (
        "get",
        "/v1/radar/early_fraud_warnings",
        "List early fraud warnings",
        &["charge", "payment_intent", "limit", "starting_after", "ending_before"],
    ),
    ("get", "/v1/radar/early_fraud_warnings/{id}", "Retrieve an early fraud warning", &[]),
    (
        "post",
        "/v1/ward/early_fraud_warnings",
        "Record an early fraud warning from the network",
        &["charge", "fraud_type"],
    ),
    ("get", "/v1/disputes", "List disputes", &["charge", "payment_intent", "limit", "starting_after", "ending_before"]),
    ("get", "/v1/disputes/{id}", "Retrieve a dispute", &[]),
    ("post", "/v1/ward/disputes", "Record a dispute from the network", &["charge", "reason", "amount"]),
    (
        "post",
        "/v1/ward/rules",
        "Create a rule (checked, then published as a new bundle)",
        &["predicate", "id", "enabled", "description"],
    ),
    ("get", "/v1/ward/rules", "List rules", &["enabled", "limit", "starting_after", "ending_before"]),
    ("get", "/v1/ward/rules/{id}", "Retrieve a rule", &[]),
    ("post", "/v1/ward/rules/{id}", "Update or disable a rule", &["predicate", "enabled", "description"]),
    ("delete", "/v1/ward/rules/{id}", "Delete a rule", &[]),
    ("get", "/v1/ward/rules_versions", "List published rules versions", &["limit", "starting_after", "ending_before"]),
    ("post", "/v1/ward/rules_versions/{id}/restore", "Restore the rules of a published version", &[]),
    ("get", "/v1/ward/holdout", "Holdout estimates of block precision and recall", &[]),
    ("get", "/v1/events", "List events", &["type", "types", "limit", "starting_after", "ending_before"]),
    ("get", "/v1/events/{id}", "Retrieve an event", &[]),
];

/// The document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for (method, path, summary, params) in OPERATIONS {
        let mut op = json!({
            "summary": summary,
            "security": [{"bearer": []}],
            "responses": {
                "200": {"description": "The object", "content": {"application/json": {"schema": {"type": "object"}}}},
                "4XX": {"description": "A Stripe error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        });
        let mut parameters: Vec<Value> = Vec::new();
        if path.contains("{id}") {
            parameters.push(json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}));
        }
        if *method == "post" {
            let props: Map<String, Value> = params.iter().map(|p| ((*p).to_owned(), json!({}))).collect();
            let schema = json!({"type": "object", "properties": props});
            op["requestBody"] = json!({"content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            }});
        } else {
            parameters.extend(params.iter().map(|p| json!({"name": p, "in": "query", "schema": {"type": "string"}})));
            if params.contains(&"starting_after") {
                let bound = json!({"type": "integer", "description": "Unix seconds"});
                parameters.push(json!({
                    "name": "created", "in": "query", "style": "deepObject",
                    "description": "Only objects created in this range; `created=T` for one second",
                    "schema": {"type": "object", "properties": {"gt": bound, "gte": bound, "lt": bound, "lte": bound}},
                }));
            }
        }
        if !parameters.is_empty() {
            op["parameters"] = Value::Array(parameters);
        }
        let entry = paths.entry((*path).to_owned()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    paths.insert(
        "/healthz".into(),
        json!({"get": {"summary": "Liveness and store health", "responses": {"200": {"description": "ok"}}}}),
    );
    paths.insert(
        "/metrics".into(),
        json!({"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text exposition"}}}}),
    );
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Ward", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Payment fraud risk scoring with Stripe's Radar API shapes. Authenticate with 'Authorization: Bearer sk_test_…'."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["type", "message"],
                "properties": {
                    "type": {"enum": ["invalid_request_error", "card_error", "api_error"]},
                    "code": {"type": "string"}, "decline_code": {"type": "string"},
                    "message": {"type": "string"}, "param": {"type": "string"}, "charge": {"type": "string"},
                }}}}},
        },
    })
}

/// `/openapi.json`.
pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/openapi.json", get(|| async { axum::Json(document()) }))
}
