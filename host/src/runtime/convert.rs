//! WIT → core on the host side: assessments come back as the core's own types, so both
//! runtimes serialize through the same serde code. (Inputs go the other way in `lower`.)

use ward_core::outcome::{self as core, FactorKind, NetworkStatus, OutcomeType, RiskLevel};
use ward_core::rules::{Action, Diagnostic, Severity, codes};
use ward_core::{ErrorType, StripeError, Value};

use super::bindings::wit;

/// The core assessment for a WIT one (moves every string).
pub fn assessment(a: wit::Assessment) -> ward_core::Assessment {
    ward_core::Assessment {
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

/// The Stripe error for a WIT one.
pub fn error(e: wit::Error) -> StripeError {
    StripeError {
        kind: match e.kind {
            wit::ErrorType::InvalidRequestError => ErrorType::InvalidRequestError,
            wit::ErrorType::CardError => ErrorType::CardError,
            wit::ErrorType::ApiError => ErrorType::ApiError,
        },
        code: e.code,
        decline_code: e.decline_code,
        message: e.message,
        param: e.param,
    }
}

/// The core manifest for a WIT one.
pub fn manifest(m: wit::Manifest) -> ward_core::Manifest {
    ward_core::Manifest {
        bundle: m.bundle,
        context: m.context,
        payment: m.payment,
        model_features: m.model_features,
        lists: m.lists,
    }
}

/// The core diagnostic for a WIT one.
pub fn diagnostic(d: wit::Diagnostic) -> Diagnostic {
    Diagnostic {
        severity: match d.severity {
            wit::Severity::Error => Severity::Error,
            wit::Severity::Warning => Severity::Warning,
        },
        code: intern_code(&d.code),
        message: d.message,
        line: d.line,
        column: d.column,
        length: d.length,
        rule_id: d.rule_id,
        help: d.help,
    }
}

/// The core's diagnostic codes are `&'static str`; a code from the guest maps back to the
/// core's own constant. A code this host does not know (a newer component) stays visible as
/// `unknown_code` rather than being leaked into a static.
fn intern_code(code: &str) -> &'static str {
    codes::ALL.iter().copied().find(|k| *k == code).unwrap_or("unknown_code")
}

fn outcome(o: wit::Outcome) -> core::Outcome {
    core::Outcome {
        kind: match o.kind {
            wit::OutcomeType::Authorized => OutcomeType::Authorized,
            wit::OutcomeType::ManualReview => OutcomeType::ManualReview,
            wit::OutcomeType::IssuerDeclined => OutcomeType::IssuerDeclined,
            wit::OutcomeType::Blocked => OutcomeType::Blocked,
        },
        network_status: match o.network_status {
            wit::NetworkStatus::ApprovedByNetwork => NetworkStatus::ApprovedByNetwork,
            wit::NetworkStatus::DeclinedByNetwork => NetworkStatus::DeclinedByNetwork,
            wit::NetworkStatus::NotSentToNetwork => NetworkStatus::NotSentToNetwork,
        },
        reason: o.reason,
        risk_level: match o.risk_level {
            wit::RiskLevel::Normal => RiskLevel::Normal,
            wit::RiskLevel::Elevated => RiskLevel::Elevated,
            wit::RiskLevel::Highest => RiskLevel::Highest,
            wit::RiskLevel::NotAssessed => RiskLevel::NotAssessed,
            wit::RiskLevel::Unknown => RiskLevel::Unknown,
        },
        risk_score: o.risk_score,
        rule: o.rule.map(rule_ref),
        seller_message: o.seller_message,
    }
}

fn rule_ref(r: wit::RuleRef) -> core::RuleRef {
    core::RuleRef {
        id: r.id,
        action: match r.action {
            wit::RuleAction::Allow => Action::Allow,
            wit::RuleAction::Block => Action::Block,
            wit::RuleAction::Review => Action::Review,
            wit::RuleAction::RequestThreeDSecure => Action::RequestThreeDSecure,
        },
        predicate: r.predicate,
    }
}

fn risk_factor(f: wit::RiskFactor) -> core::RiskFactor {
    core::RiskFactor {
        kind: match f.kind {
            wit::FactorKind::Model => FactorKind::Model,
            wit::FactorKind::Rule => FactorKind::Rule,
            wit::FactorKind::TestCard => FactorKind::TestCard,
        },
        name: f.name,
        description: f.description,
        value: f.value.map(|v| match v {
            wit::ContextValue::Boolean(b) => Value::Bool(b),
            wit::ContextValue::Number(n) => Value::Num(n),
            wit::ContextValue::Text(s) => Value::Str(s),
        }),
        contribution: f.contribution,
    }
}
