//! Core → WIT: assessments, errors, manifests and diagnostics going back to the caller.

use super::bindings::exports::ward::risk::types as wit;
use ward_core::outcome::{self as core, FactorKind, NetworkStatus, OutcomeType, RiskLevel};
use ward_core::rules::{Action, Diagnostic, Severity};
use ward_core::{ErrorType, StripeError, Value};

/// A WIT assessment for a core one.
pub fn assessment(a: ward_core::Assessment) -> wit::Assessment {
    wit::Assessment {
        object: a.object,
        payment: a.payment,
        livemode: a.livemode,
        created: a.created,
        bundle: a.bundle,
        outcome: outcome(a.outcome),
        risk_factors: a.risk_factors.into_iter().map(risk_factor).collect(),
        three_d_secure: a.three_d_secure.into_iter().map(rule_ref).collect(),
        fraud_probability: a.fraud_probability,
        error: a.error.map(error),
    }
}

/// A WIT error for a Stripe error.
pub fn error(e: StripeError) -> wit::Error {
    wit::Error {
        kind: match e.kind {
            ErrorType::InvalidRequestError => wit::ErrorType::InvalidRequestError,
            ErrorType::CardError => wit::ErrorType::CardError,
            ErrorType::ApiError => wit::ErrorType::ApiError,
        },
        code: e.code,
        decline_code: e.decline_code,
        message: e.message,
        param: e.param,
    }
}

/// A bundle that does not load is the caller's request being invalid.
pub fn bundle_error(e: ward_core::BundleError) -> wit::Error {
    error(StripeError::invalid_request("bundle_invalid", e.to_string()))
}

/// The WIT manifest.
pub fn manifest(m: &ward_core::Manifest) -> wit::Manifest {
    wit::Manifest {
        bundle: m.bundle.clone(),
        context: m.context.clone(),
        payment: m.payment.clone(),
        model_features: m.model_features.clone(),
        lists: m.lists.clone(),
    }
}

/// A WIT diagnostic.
pub fn diagnostic(d: Diagnostic) -> wit::Diagnostic {
    wit::Diagnostic {
        severity: match d.severity {
            Severity::Error => wit::Severity::Error,
            Severity::Warning => wit::Severity::Warning,
        },
        code: d.code.to_owned(),
        message: d.message,
        line: d.line,
        column: d.column,
        length: d.length,
        rule_id: d.rule_id,
        help: d.help,
    }
}

fn value(v: Value) -> wit::ContextValue {
    match v {
        Value::Bool(b) => wit::ContextValue::Boolean(b),
        Value::Num(n) => wit::ContextValue::Number(n),
        Value::Str(s) => wit::ContextValue::Text(s),
    }
}

fn outcome(o: core::Outcome) -> wit::Outcome {
    wit::Outcome {
        kind: match o.kind {
            OutcomeType::Authorized => wit::OutcomeType::Authorized,
            OutcomeType::ManualReview => wit::OutcomeType::ManualReview,
            OutcomeType::IssuerDeclined => wit::OutcomeType::IssuerDeclined,
            OutcomeType::Blocked => wit::OutcomeType::Blocked,
        },
        network_status: match o.network_status {
            NetworkStatus::ApprovedByNetwork => wit::NetworkStatus::ApprovedByNetwork,
            NetworkStatus::DeclinedByNetwork => wit::NetworkStatus::DeclinedByNetwork,
            NetworkStatus::NotSentToNetwork => wit::NetworkStatus::NotSentToNetwork,
        },
        reason: o.reason,
        risk_level: match o.risk_level {
            RiskLevel::Normal => wit::RiskLevel::Normal,
            RiskLevel::Elevated => wit::RiskLevel::Elevated,
            RiskLevel::Highest => wit::RiskLevel::Highest,
            RiskLevel::NotAssessed => wit::RiskLevel::NotAssessed,
            RiskLevel::Unknown => wit::RiskLevel::Unknown,
        },
        risk_score: o.risk_score,
        rule: o.rule.map(rule_ref),
        seller_message: o.seller_message,
    }
}

fn rule_ref(r: core::RuleRef) -> wit::RuleRef {
    wit::RuleRef {
        id: r.id,
        action: match r.action {
            Action::Allow => wit::RuleAction::Allow,
            Action::Block => wit::RuleAction::Block,
            Action::Review => wit::RuleAction::Review,
            Action::RequestThreeDSecure => wit::RuleAction::RequestThreeDSecure,
        },
        predicate: r.predicate,
    }
}

fn risk_factor(f: core::RiskFactor) -> wit::RiskFactor {
    wit::RiskFactor {
        kind: match f.kind {
            FactorKind::Model => wit::FactorKind::Model,
            FactorKind::Rule => wit::FactorKind::Rule,
            FactorKind::TestCard => wit::FactorKind::TestCard,
        },
        name: f.name,
        description: f.description,
        value: f.value.map(value),
        contribution: f.contribution,
    }
}
