//! Semantic expectations: what a vector means, checked against the parsed output on every run so
//! that a vector whose meaning drifts fails with a message saying how.

use serde_json::Value as Json;

/// One fact about a vector's output.
#[derive(Clone, Debug)]
pub enum Check {
    /// `outcome.type`.
    Type(&'static str),
    /// `outcome.reason` (`None`: `null`).
    Reason(Option<&'static str>),
    /// `outcome.risk_level`.
    Level(&'static str),
    /// `outcome.risk_score` exactly (`None`: `null`).
    Score(Option<u8>),
    /// `outcome.rule.id` (`None`: `null`).
    Rule(Option<&'static str>),
    /// The ids in `three_d_secure`, in order.
    ThreeDs(Vec<&'static str>),
    /// A risk factor of this kind and name is present.
    Factor(&'static str, &'static str),
    /// The `value` of the factor with this name.
    FactorValue(&'static str, Json),
    /// No risk factor with this name.
    NoFactor(&'static str),
    /// At least this many model factors.
    ModelFactors(usize),
    /// No model factors.
    NoModelFactors,
    /// `error.decline_code` of a card error (`None`: `error` is `null`).
    Decline(Option<&'static str>),
    /// The whole output is `{"error": …}` with this code and param.
    Invalid { code: &'static str, param: Option<&'static str> },
    /// The error message contains this text.
    MessageHas(&'static str),
    /// The value at a JSON pointer.
    At(&'static str, Json),
}

/// A list of checks, built by chaining.
#[derive(Clone, Debug, Default)]
pub struct Expect(pub Vec<Check>);

impl Expect {
    pub fn and(mut self, c: Check) -> Self {
        self.0.push(c);
        self
    }
    pub fn level(self, l: &'static str) -> Self {
        self.and(Check::Level(l))
    }
    pub fn score(self, s: u8) -> Self {
        self.and(Check::Score(Some(s)))
    }
    pub fn three_ds(self, ids: &[&'static str]) -> Self {
        self.and(Check::ThreeDs(ids.to_vec()))
    }
    pub fn factor(self, kind: &'static str, name: &'static str) -> Self {
        self.and(Check::Factor(kind, name))
    }
    pub fn factor_value(self, name: &'static str, v: Json) -> Self {
        self.and(Check::FactorValue(name, v))
    }
    pub fn no_factor(self, name: &'static str) -> Self {
        self.and(Check::NoFactor(name))
    }
    pub fn model_factors(self, n: usize) -> Self {
        self.and(Check::ModelFactors(n))
    }
    pub fn no_model_factors(self) -> Self {
        self.and(Check::NoModelFactors)
    }
    pub fn at(self, pointer: &'static str, v: Json) -> Self {
        self.and(Check::At(pointer, v))
    }
    pub fn message_has(self, s: &'static str) -> Self {
        self.and(Check::MessageHas(s))
    }
}

fn e(checks: Vec<Check>) -> Expect {
    Expect(checks)
}

/// Authorized with no reason and no rule, at this level.
pub fn authorized(level: &'static str) -> Expect {
    e(vec![
        Check::Type("authorized"),
        Check::Reason(None),
        Check::Level(level),
        Check::Rule(None),
        Check::Decline(None),
    ])
}

/// Authorized by an allow rule.
pub fn allowed(rule: &'static str) -> Expect {
    e(vec![Check::Type("authorized"), Check::Reason(Some("rule")), Check::Rule(Some(rule)), Check::Decline(None)])
        .factor("rule", rule)
}

/// Authorized without assessment (no model).
pub fn not_assessed() -> Expect {
    e(vec![
        Check::Type("authorized"),
        Check::Reason(Some("not_assessed_risk_level")),
        Check::Level("not_assessed"),
        Check::Score(None),
        Check::Rule(None),
        Check::Decline(None),
        Check::At("/fraud_probability", Json::Null),
    ])
}

/// Reviewed by the built-in elevated-risk rule.
pub fn elevated_review() -> Expect {
    e(vec![
        Check::Type("manual_review"),
        Check::Reason(Some("elevated_risk_level")),
        Check::Level("elevated"),
        Check::Rule(Some("review_if_elevated_risk")),
        Check::Decline(None),
    ])
    .factor("rule", "review_if_elevated_risk")
}

/// Blocked by the built-in highest-risk rule.
pub fn highest_block() -> Expect {
    e(vec![
        Check::Type("blocked"),
        Check::Reason(Some("highest_risk_level")),
        Check::Level("highest"),
        Check::Rule(Some("block_if_high_risk")),
        Check::Decline(Some("fraudulent")),
    ])
    .factor("rule", "block_if_high_risk")
}

/// Blocked by a custom rule.
pub fn rule_block(rule: &'static str) -> Expect {
    e(vec![
        Check::Type("blocked"),
        Check::Reason(Some("rule")),
        Check::Rule(Some(rule)),
        Check::Decline(Some("fraudulent")),
    ])
    .factor("rule", rule)
}

/// Reviewed by a custom rule.
pub fn rule_review(rule: &'static str) -> Expect {
    e(vec![Check::Type("manual_review"), Check::Reason(Some("rule")), Check::Rule(Some(rule)), Check::Decline(None)])
        .factor("rule", rule)
}

/// Blocked by the built-in default block-list rule.
pub fn list_block() -> Expect {
    e(vec![
        Check::Type("blocked"),
        Check::Reason(Some("merchant_blacklist")),
        Check::Rule(Some("block_if_in_default_block_lists")),
        Check::Decline(Some("merchant_blacklist")),
    ])
    .factor("rule", "block_if_in_default_block_lists")
}

/// Declined by the issuer with this code.
pub fn issuer_declined(code: &'static str) -> Expect {
    e(vec![
        Check::Type("issuer_declined"),
        Check::Reason(Some(code)),
        Check::Rule(None),
        Check::Decline(Some(code)),
        Check::At("/outcome/network_status", Json::from("declined_by_network")),
    ])
}

/// An invalid request naming `param`.
pub fn invalid(code: &'static str, param: Option<&'static str>) -> Expect {
    e(vec![Check::Invalid { code, param }])
}

/// Every failed check, as sentences.
pub fn failures(expect: &Expect, out: &Json) -> Vec<String> {
    let mut bad = Vec::new();
    let got = |p: &str| out.pointer(p).cloned().unwrap_or(Json::Null);
    let eq = |bad: &mut Vec<String>, what: &str, p: &str, want: Json| {
        let g = got(p);
        if g != want {
            bad.push(format!("{what}: expected {want}, got {g}"));
        }
    };
    let is_error = out.get("error").is_some() && out.get("object").is_none();
    for c in &expect.0 {
        if is_error && !matches!(c, Check::Invalid { .. } | Check::MessageHas(_) | Check::At(..)) {
            bad.push(format!("{c:?}: the output is an error: {out}"));
            continue;
        }
        match c {
            Check::Type(t) => eq(&mut bad, "outcome.type", "/outcome/type", Json::from(*t)),
            Check::Reason(r) => eq(&mut bad, "outcome.reason", "/outcome/reason", opt(*r)),
            Check::Level(l) => eq(&mut bad, "outcome.risk_level", "/outcome/risk_level", Json::from(*l)),
            Check::Score(s) => {
                eq(&mut bad, "outcome.risk_score", "/outcome/risk_score", s.map_or(Json::Null, Json::from))
            }
            Check::Rule(r) => eq(&mut bad, "outcome.rule.id", "/outcome/rule/id", opt(*r)),
            Check::ThreeDs(ids) => {
                let g: Vec<Json> = out["three_d_secure"].as_array().cloned().unwrap_or_default();
                let g: Vec<&str> = g.iter().filter_map(|r| r["id"].as_str()).collect();
                if g != *ids {
                    bad.push(format!("three_d_secure: expected {ids:?}, got {g:?}"));
                }
            }
            Check::Factor(kind, name) => {
                if !factors(out).iter().any(|f| f["kind"] == *kind && f["name"] == *name) {
                    bad.push(format!("risk_factors: expected a {kind} factor `{name}`, got {}", out["risk_factors"]));
                }
            }
            Check::FactorValue(name, want) => {
                let f = factors(out).into_iter().find(|f| f["name"] == *name);
                match f {
                    Some(f) if f.get("value") == Some(want) => {}
                    _ => bad.push(format!(
                        "risk_factors: expected `{name}` with value {want}, got {}",
                        out["risk_factors"]
                    )),
                }
            }
            Check::NoFactor(name) => {
                if factors(out).iter().any(|f| f["name"] == *name) {
                    bad.push(format!("risk_factors: expected no factor `{name}`, got {}", out["risk_factors"]));
                }
            }
            Check::ModelFactors(n) => {
                let k = factors(out).iter().filter(|f| f["kind"] == "model").count();
                if k < *n {
                    bad.push(format!("risk_factors: expected at least {n} model factors, got {k}"));
                }
            }
            Check::NoModelFactors => {
                if factors(out).iter().any(|f| f["kind"] == "model") {
                    bad.push(format!("risk_factors: expected no model factors, got {}", out["risk_factors"]));
                }
            }
            Check::Decline(d) => match d {
                None => eq(&mut bad, "error", "/error", Json::Null),
                Some(code) => {
                    eq(&mut bad, "error.type", "/error/type", Json::from("card_error"));
                    eq(&mut bad, "error.decline_code", "/error/decline_code", Json::from(*code));
                }
            },
            Check::Invalid { code, param } => {
                if !is_error {
                    bad.push(format!("expected an error {code} on {param:?}, got an assessment"));
                    continue;
                }
                eq(&mut bad, "error.type", "/error/type", Json::from("invalid_request_error"));
                eq(&mut bad, "error.code", "/error/code", Json::from(*code));
                eq(&mut bad, "error.param", "/error/param", opt(*param));
            }
            Check::MessageHas(s) => {
                let m = got("/error/message");
                if !m.as_str().is_some_and(|m| m.contains(s)) {
                    bad.push(format!("error.message: expected it to contain {s:?}, got {m}"));
                }
            }
            Check::At(p, v) => eq(&mut bad, p, p, v.clone()),
        }
    }
    bad
}

fn opt(s: Option<&str>) -> Json {
    s.map_or(Json::Null, Json::from)
}

fn factors(out: &Json) -> Vec<Json> {
    out["risk_factors"].as_array().cloned().unwrap_or_default()
}
