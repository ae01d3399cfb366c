//! The committed JSON Schema of the evaluation input matches the Rust types.
//! Regenerate with `WARD_BLESS=1 cargo test -p ward-core --features schema --test schema`.
#![cfg(feature = "schema")]

use std::path::PathBuf;

#[test]
fn committed_schema_matches_the_types() {
    let schema = schemars::schema_for!(ward_core::Evaluation);
    let text = serde_json::to_string_pretty(&schema).expect("schema serialises") + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/evaluation.schema.json");
    if std::env::var_os("WARD_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/schema/evaluation.schema.json exists");
    assert_eq!(committed, text, "the schema drifted from the types: rerun with WARD_BLESS=1");
}

#[test]
fn schema_forbids_unknown_fields() {
    let schema = serde_json::to_value(schemars::schema_for!(ward_core::Payment)).expect("json");
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
    let required: Vec<&str> =
        schema["required"].as_array().expect("required").iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(required, vec!["amount", "currency", "created"]);
}
