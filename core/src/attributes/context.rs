//! Checking caller-supplied context and filling a frame for one payment.

use std::collections::BTreeMap;

use super::derive::{DeriveInput, derive_payment_attribute};
use super::{AttrId, AttrSource, AttrSpec, AttrType, Catalogue, Frame, FrameLayout};
use crate::currency::CurrencyTable;
use crate::error::StripeError;
use crate::payment::Payment;
use crate::value::Value;

/// Bounded counters never exceed this (Radar caps them at 25).
pub const BOUNDED_MAX: f64 = 25.0;

/// Checks every context attribute: known, supplied by the caller (not derived), and of the right
/// type. Returns the first problem as an error naming `context[name]`.
pub fn validate_context(catalogue: &Catalogue, context: &BTreeMap<String, Value>) -> Result<(), StripeError> {
    context.iter().try_for_each(|(name, value)| check_entry(catalogue, name, value).map(|_| ()))
}

/// Checks one context entry as [`validate_context`] does and returns its attribute.
fn check_entry<'c>(catalogue: &'c Catalogue, name: &str, value: &Value) -> Result<(AttrId, &'c AttrSpec), StripeError> {
    let param = || format!("context[{name}]");
    let Some(id) = catalogue.lookup(name) else {
        let hint = nearest_context_name(catalogue, name).map(|n| format!(" Did you mean `{n}`?")).unwrap_or_default();
        return Err(StripeError::invalid_param(
            "parameter_unknown",
            param(),
            format!("`{name}` is not a context attribute.{hint}"),
        ));
    };
    let spec = catalogue.spec(id);
    if spec.source != AttrSource::Context {
        return Err(StripeError::invalid_param(
            "parameter_invalid",
            param(),
            format!("`{name}` is derived from the payment by the engine and cannot be supplied as context"),
        ));
    }
    let ok = match (spec.ty, value) {
        (AttrType::Boolean, Value::Bool(_)) => true,
        (AttrType::Numeric | AttrType::BoundedNumeric, Value::Num(n)) => n.is_finite() && *n >= 0.0,
        (t, Value::Str(s)) if t.is_string() => spec.values.is_empty() || spec.values.contains(&s.as_str()),
        _ => false,
    };
    if !ok {
        let expected = match spec.ty {
            AttrType::Boolean => "a boolean".to_owned(),
            AttrType::Numeric | AttrType::BoundedNumeric => "a non-negative number".to_owned(),
            _ if !spec.values.is_empty() => format!("one of {}", spec.values.join(", ")),
            _ => "a string".to_owned(),
        };
        return Err(StripeError::invalid_param(
            "parameter_invalid",
            param(),
            format!("Invalid value for context attribute `{name}`: expected {expected}"),
        ));
    }
    Ok((id, spec))
}

/// The context attribute name closest to a misspelt one, if any is close.
fn nearest_context_name<'c>(catalogue: &'c Catalogue, name: &str) -> Option<&'c str> {
    let names = catalogue.iter().filter(|(_, s)| s.source == AttrSource::Context).map(|(_, s)| s.name.as_str());
    crate::suggest::nearest(name, names, 3)
}

/// Fills a frame with the `needed` attributes of one payment: payment attributes are derived,
/// context attributes are checked as [`validate_context`] checks them and copied (bounded
/// counters capped at 25). Score attributes are left missing for the engine to set.
pub fn fill_frame(
    catalogue: &Catalogue,
    needed: &[AttrId],
    payment: &Payment,
    context: &BTreeMap<String, Value>,
    currencies: &CurrencyTable,
) -> Result<Frame, StripeError> {
    let mut held = needed.to_vec();
    held.extend(catalogue.iter().filter(|(_, s)| s.source == AttrSource::Score).map(|(id, _)| id));
    let layout = FrameLayout::new(catalogue.len(), &held);
    fill_frame_in(catalogue, &layout, payment, context, currencies)
}

/// Like [`fill_frame`], for every attribute of a prepared layout (built once, reused per payment).
pub fn fill_frame_in(
    catalogue: &Catalogue,
    layout: &FrameLayout,
    payment: &Payment,
    context: &BTreeMap<String, Value>,
    currencies: &CurrencyTable,
) -> Result<Frame, StripeError> {
    let input = DeriveInput::new(payment, currencies);
    let mut frame = Frame::from_fn(layout, |&id| match catalogue.spec(id).source {
        AttrSource::Payment(attr) => derive_payment_attribute(attr, &input),
        AttrSource::Context | AttrSource::Score => None,
    });
    // One name lookup per context entry, which checks it too, rather than a search of the
    // context for each attribute of the layout (a layout holds many more than a payment brings).
    for (name, v) in context {
        let (id, spec) = check_entry(catalogue, name, v)?;
        let value = match (spec.ty, v) {
            (AttrType::BoundedNumeric, Value::Num(n)) => Value::Num(n.min(BOUNDED_MAX)),
            (_, v) => v.clone(),
        };
        frame.set(id, Some(value));
    }
    Ok(frame)
}

/// Maps model feature names to attributes and reads feature vectors out of frames.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureMap {
    ids: Vec<AttrId>,
}

/// A model feature that is not a numeric or boolean catalogue attribute.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("model feature `{name}` is {problem}; model features must be numeric or boolean catalogue attributes")]
pub struct FeatureError {
    /// The feature name.
    pub name: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

impl FeatureMap {
    /// Resolves feature names against the catalogue.
    pub fn new(catalogue: &Catalogue, names: &[String]) -> Result<Self, FeatureError> {
        let ids = names
            .iter()
            .map(|name| {
                let id = catalogue
                    .lookup(name)
                    .ok_or_else(|| FeatureError { name: name.clone(), problem: "not a catalogue attribute" })?;
                let ty = catalogue.spec(id).ty;
                if ty.is_numeric() || ty == AttrType::Boolean {
                    Ok(id)
                } else {
                    Err(FeatureError { name: name.clone(), problem: "a string attribute" })
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(FeatureMap { ids })
    }

    /// The attributes the features read, in feature order.
    pub fn ids(&self) -> &[AttrId] {
        &self.ids
    }

    /// Writes the feature vector of a frame into `out`: numbers as `f32`, booleans as 0/1, missing as NaN.
    pub fn fill(&self, frame: &Frame, out: &mut Vec<f32>) {
        out.clear();
        out.extend(self.ids.iter().map(|&id| frame.get(id).and_then(Value::as_f64).map_or(f32::NAN, |x| x as f32)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    }

    #[test]
    fn context_is_checked() {
        let c = Catalogue::standard();
        assert!(validate_context(&c, &ctx(&[("total_charges_per_card_number_hourly", Value::Num(3.0))])).is_ok());
        let e = validate_context(&c, &ctx(&[("total_charges_per_card_number_hourli", Value::Num(3.0))])).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("context[total_charges_per_card_number_hourli]"));
        assert!(e.message.contains("total_charges_per_card_number_hourly"), "{}", e.message);
        let e = validate_context(&c, &ctx(&[("card_country", Value::from("US"))])).unwrap_err();
        assert!(e.message.contains("derived"));
        assert!(validate_context(&c, &ctx(&[("card_count_for_email_daily", Value::from("3"))])).is_err());
        assert!(validate_context(&c, &ctx(&[("card_count_for_email_daily", Value::Num(-1.0))])).is_err());
        assert!(validate_context(&c, &ctx(&[("account_risk_level", Value::from("severe"))])).is_err());
        assert!(validate_context(&c, &ctx(&[("account_risk_level", Value::from("elevated"))])).is_ok());
    }

    #[test]
    fn filling_a_frame_checks_the_context_as_validation_does() {
        let c = Catalogue::standard();
        let p = crate::payment::decode_payment(r#"{"amount": 100, "currency": "usd", "created": 0}"#).unwrap();
        let cases = [
            ctx(&[("total_charges_per_card_number_hourli", Value::Num(3.0))]),
            ctx(&[("card_country", Value::from("US"))]),
            ctx(&[("card_count_for_email_daily", Value::Num(-1.0))]),
            ctx(&[("account_risk_level", Value::from("severe"))]),
            ctx(&[("account_risk_level", Value::from("elevated")), ("customer_charge_count_30d", Value::Num(2.0))]),
        ];
        for context in cases {
            let filled = fill_frame(&c, &[], &p, &context, &CurrencyTable::standard());
            assert_eq!(filled.err(), validate_context(&c, &context).err(), "{context:?}");
        }
    }

    #[test]
    fn frame_caps_bounded_counters_and_keeps_missing() {
        let c = Catalogue::standard();
        let p = crate::payment::decode_payment(r#"{"amount": 100, "currency": "usd", "created": 0}"#).unwrap();
        let ids: Vec<AttrId> = ["card_count_for_email_daily", "total_charges_per_email_daily", "amount_in_usd"]
            .iter()
            .map(|n| c.lookup(n).unwrap())
            .collect();
        let f = fill_frame(
            &c,
            &ids,
            &p,
            &ctx(&[("card_count_for_email_daily", Value::Num(40.0))]),
            &CurrencyTable::standard(),
        )
        .unwrap();
        assert_eq!(f.get(ids[0]), Some(&Value::Num(25.0)));
        assert_eq!(f.get(ids[1]), None);
        assert_eq!(f.get(ids[2]), Some(&Value::Num(1.0)));
        let fm = FeatureMap::new(&c, &["amount_in_usd".into(), "total_charges_per_email_daily".into()]).unwrap();
        let mut out = Vec::new();
        fm.fill(&f, &mut out);
        assert_eq!(out[0], 1.0);
        assert!(out[1].is_nan());
        assert!(FeatureMap::new(&c, &["card_country".into()]).is_err());
    }
}
