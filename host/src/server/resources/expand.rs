//! `expand[]`: replacing an object's id fields by the objects they name, as Stripe does, in a
//! retrieve (`expand[]=charge`) and in a list (`expand[]=data.charge`). A field that cannot be
//! expanded is a 400, never ignored.

use serde_json::Value;

use crate::server::App;
use crate::server::api::{ApiError, Params, params};
use crate::store::Kind;

/// The fields of a kind that name another object, and that object's kind.
fn expandable(kind: Kind) -> &'static [(&'static str, Kind)] {
    match kind {
        Kind::Charge => &[("review", Kind::Review)],
        Kind::Review | Kind::Refund | Kind::EarlyFraudWarning | Kind::Dispute => &[("charge", Kind::Charge)],
        _ => &[],
    }
}

/// The fields `expand` asks to expand in objects of `kind`; `prefix` is `data.` for a list.
pub fn fields(p: &Params, kind: Kind, prefix: &str) -> Result<Vec<(&'static str, Kind)>, ApiError> {
    let mut out = Vec::new();
    for path in params::expand(p)? {
        let found =
            path.strip_prefix(prefix).and_then(|field| expandable(kind).iter().find(|(name, _)| *name == field));
        match found {
            Some(f) if !out.contains(f) => out.push(*f),
            Some(_) => {}
            None => {
                return Err(ApiError::invalid("expand", format!("This property cannot be expanded ({path}).")));
            }
        }
    }
    Ok(out)
}

/// Replaces each of `fields` that holds an id by the object it names (left as is when that
/// object is gone).
pub async fn apply(app: &App, account: &str, object: &mut Value, fields: &[(&str, Kind)]) -> Result<(), ApiError> {
    for (field, kind) in fields {
        let Some(id) = object[*field].as_str().map(str::to_owned) else { continue };
        if let Some(doc) = app.store.get(account, *kind, &id).await? {
            object[*field] = super::parsed(&doc, kind.noun())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_fields_that_name_objects_expand() {
        let p = |v: Value| params::params(json!({ "expand": v }));
        assert_eq!(
            fields(&p(json!(["data.review"])), Kind::Charge, "data.").expect("ok"),
            vec![("review", Kind::Review)]
        );
        assert_eq!(
            fields(&p(json!(["charge", "charge"])), Kind::Refund, "").expect("ok"),
            vec![("charge", Kind::Charge)]
        );
        for (v, kind, prefix) in [
            (json!(["review"]), Kind::Charge, "data."),
            (json!(["data.customer"]), Kind::Charge, "data."),
            (json!(["charge"]), Kind::Event, ""),
        ] {
            let e = fields(&p(v.clone()), kind, prefix).expect_err("refused");
            assert_eq!(e.error.param.as_deref(), Some("expand"), "{v}");
        }
    }
}
