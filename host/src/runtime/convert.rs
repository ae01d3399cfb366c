//! Core ⇄ WIT conversions on the host side: evaluations go in, assessments come back as the
//! core's own types, so both runtimes serialize through the same serde code.

use std::collections::BTreeMap;

use ward_core::outcome::{self as core, FactorKind, NetworkStatus, OutcomeType, RiskLevel};
use ward_core::payment as p;
use ward_core::rules::{Action, Diagnostic, Severity, codes};
use ward_core::{ErrorType, StripeError, Value};

use super::bindings::wit;

/// The WIT evaluation for a core one.
pub fn evaluation(e: &ward_core::Evaluation) -> wit::Evaluation {
    wit::Evaluation { payment: payment(&e.payment), context: context(&e.context) }
}

/// WIT context pairs, in key order.
pub fn context(c: &BTreeMap<String, Value>) -> wit::Context {
    c.iter().map(|(k, v)| (k.clone(), value(v))).collect()
}

/// A WIT context value.
pub fn value(v: &Value) -> wit::ContextValue {
    match v {
        Value::Bool(b) => wit::ContextValue::Boolean(*b),
        Value::Num(n) => wit::ContextValue::Number(*n),
        Value::Str(s) => wit::ContextValue::Text(s.clone()),
    }
}

fn metadata(m: &BTreeMap<String, String>) -> wit::Metadata {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The WIT payment for a core one.
pub fn payment(x: &p::Payment) -> wit::Payment {
    wit::Payment {
        id: x.id.clone(),
        livemode: x.livemode,
        amount: x.amount,
        currency: x.currency.clone(),
        created: x.created,
        customer: x.customer.clone(),
        customer_details: x.customer_details.as_ref().map(|c| wit::CustomerDetails {
            email: c.email.clone(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            description: c.description.clone(),
            created: c.created,
            metadata: metadata(&c.metadata),
        }),
        receipt_email: x.receipt_email.clone(),
        description: x.description.clone(),
        statement_descriptor: x.statement_descriptor.clone(),
        metadata: metadata(&x.metadata),
        billing_details: x.billing_details.as_ref().map(|b| wit::BillingDetails {
            address: b.address.as_ref().map(address),
            email: b.email.clone(),
            name: b.name.clone(),
            phone: b.phone.clone(),
        }),
        shipping: x.shipping.as_ref().map(|s| wit::Shipping {
            address: s.address.as_ref().map(address),
            name: s.name.clone(),
            phone: s.phone.clone(),
        }),
        payment_method_details: x
            .payment_method_details
            .as_ref()
            .map(|m| wit::PaymentMethodDetails { kind: m.kind.clone(), card: m.card.as_ref().map(card) }),
        client: x.client.as_ref().map(client),
        destination: x.destination.clone(),
        destination_metadata: metadata(&x.destination_metadata),
        transaction_type: x.transaction_type.map(|t| match t {
            p::TransactionType::Charge => wit::TransactionType::Charge,
            p::TransactionType::PaymentIntent => wit::TransactionType::PaymentIntent,
            p::TransactionType::SetupIntent => wit::TransactionType::SetupIntent,
        }),
        is_checkout: x.is_checkout,
        off_session: x.off_session,
        is_recurring: x.is_recurring,
    }
}

fn address(a: &p::Address) -> wit::Address {
    wit::Address {
        city: a.city.clone(),
        country: a.country.clone(),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        postal_code: a.postal_code.clone(),
        state: a.state.clone(),
        latitude: a.latitude,
        longitude: a.longitude,
    }
}

fn card(c: &p::Card) -> wit::Card {
    wit::Card {
        number: c.number.clone(),
        brand: c.brand.clone(),
        country: c.country.clone(),
        fingerprint: c.fingerprint.clone(),
        funding: c.funding.clone(),
        bin: c.bin.clone(),
        last4: c.last4.clone(),
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        checks: c.checks.as_ref().map(|k| wit::CardChecks {
            address_line1_check: k.address_line1_check.map(check),
            address_postal_code_check: k.address_postal_code_check.map(check),
            cvc_check: k.cvc_check.map(check),
        }),
        three_d_secure: c.three_d_secure.as_ref().map(|t| wit::ThreeDSecure {
            result: t.result.map(three_d_secure_result),
            result_reason: t.result_reason.clone(),
            authentication_flow: t.authentication_flow.clone(),
            version: t.version.clone(),
        }),
        wallet: c.wallet.as_ref().map(|w| wit::Wallet { kind: w.kind.clone() }),
        three_d_secure_support: c.three_d_secure_support.clone(),
        has_cryptogram: c.has_cryptogram,
        is_new_card_on_customer: c.is_new_card_on_customer,
    }
}

fn check(c: p::CheckResult) -> wit::CheckResult {
    match c {
        p::CheckResult::Pass => wit::CheckResult::Pass,
        p::CheckResult::Fail => wit::CheckResult::Fail,
        p::CheckResult::Unavailable => wit::CheckResult::Unavailable,
        p::CheckResult::Unchecked => wit::CheckResult::Unchecked,
    }
}

fn three_d_secure_result(r: p::ThreeDSecureResult) -> wit::ThreeDSecureResult {
    use p::ThreeDSecureResult as C;
    use wit::ThreeDSecureResult as W;
    match r {
        C::AttemptAcknowledged => W::AttemptAcknowledged,
        C::Authenticated => W::Authenticated,
        C::DataShareOnly => W::DataShareOnly,
        C::Exempted => W::Exempted,
        C::Failed => W::Failed,
        C::NotSupported => W::NotSupported,
        C::ProcessingError => W::ProcessingError,
    }
}

fn client(c: &p::Client) -> wit::Client {
    wit::Client {
        ip_address: c.ip_address.clone(),
        ip_country: c.ip_country.clone(),
        ip_state: c.ip_state.clone(),
        ip_address_location: c.ip_address_location.as_ref().map(|l| wit::IpLocation {
            city: l.city.clone(),
            country: l.country.clone(),
            latitude: l.latitude,
            longitude: l.longitude,
            region: l.region.clone(),
        }),
        is_anonymous_ip: c.is_anonymous_ip,
        ip_address_connection_type: c.ip_address_connection_type.clone(),
        isp: c.isp.clone(),
        user_agent: c.user_agent.clone(),
        browser: c.browser.clone(),
        operating_system: c.operating_system.clone(),
        browser_signals: c.browser_signals.as_ref().map(|b| wit::BrowserSignals {
            time_on_page_ms: b.time_on_page_ms,
            card_number_pasted: b.card_number_pasted,
            typing_speed_cps: b.typing_speed_cps,
            webdriver: b.webdriver,
            timezone: b.timezone.clone(),
            timezone_offset_minutes: b.timezone_offset_minutes,
            language: b.language.clone(),
            screen_width: b.screen_width,
            screen_height: b.screen_height,
        }),
    }
}

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
    const KNOWN: &[&str] = &[
        codes::SYNTAX,
        codes::UNTERMINATED_STRING,
        codes::UNKNOWN_ACTION,
        codes::INVALID_RULE_ID,
        codes::DUPLICATE_RULE_ID,
        codes::TOO_MANY_RULES,
        codes::UNKNOWN_ATTRIBUTE,
        codes::UNKNOWN_LIST,
        codes::OPERATOR_TYPE,
        codes::VALUE_TYPE,
        codes::INVALID_COUNTRY,
        codes::UNKNOWN_ENUM_VALUE,
        codes::BOOLEAN_USE,
        codes::LIST_POSITION,
        codes::LIST_ITEM_TYPE,
        codes::NEVER_FIRES,
        codes::DUPLICATE_RULE,
        codes::SHADOWED_RULE,
    ];
    KNOWN.iter().copied().find(|k| *k == code).unwrap_or("unknown_code")
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
