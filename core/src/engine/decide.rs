//! From the model's score and the rules' decision to Stripe's outcome, error and risk factors.

use super::Engine;
use crate::assessment::{ASSESSMENT_OBJECT, Assessment};
use crate::attributes::Frame;
use crate::bundle::rule_ids;
use crate::error::StripeError;
use crate::outcome::factors::{describe, round4, top_contributions};
use crate::outcome::{FactorKind, NetworkStatus, Outcome, OutcomeType, RiskFactor, RiskLevel, RuleRef, messages};
use crate::payment::{Payment, TestCardBehavior};
use crate::rules::{Action, Decision};

/// What the model said (or what a test card forced).
#[derive(Clone, Debug)]
pub(super) struct ModelResult {
    pub score: Option<u8>,
    pub level: RiskLevel,
    pub probability: Option<f64>,
    pub forced: bool,
}

/// Everything the decision reads, borrowed from the scoring call.
pub(super) struct Decided<'a> {
    pub engine: &'a Engine,
    pub frame: &'a Frame,
    pub features: &'a [f32],
    pub model: &'a ModelResult,
    pub test_card: Option<TestCardBehavior>,
}

pub(super) fn decide(d: &Decided<'_>, decision: &Decision, payment: &Payment) -> Assessment {
    let rules = d.engine.rules.rules();
    let rule_ref =
        |i: usize| rules.get(i).map(|r| RuleRef { id: r.id.clone(), action: r.action, predicate: r.predicate.clone() });
    let decided = if d.test_card == Some(TestCardBehavior::AlwaysBlock) {
        // Stripe's always-blocked card blocks whatever the rules say.
        Some(RuleRef {
            id: rule_ids::BLOCK_HIGHEST.to_owned(),
            action: Action::Block,
            predicate: "Block if :risk_level: = 'highest'".to_owned(),
        })
    } else {
        decision.decided.and_then(rule_ref)
    };
    let mut outcome = base_outcome(d.model, decided);
    let mut error = match outcome.kind {
        OutcomeType::Blocked => {
            let code = if outcome.reason.as_deref() == Some("merchant_blacklist") {
                "merchant_blacklist"
            } else {
                "fraudulent"
            };
            Some(StripeError::card_declined(code, messages::CARD_DECLINED))
        }
        _ => None,
    };
    if let Some(TestCardBehavior::IssuerDecline(code)) = d.test_card
        && matches!(outcome.kind, OutcomeType::Authorized | OutcomeType::ManualReview)
    {
        outcome.kind = OutcomeType::IssuerDeclined;
        outcome.network_status = NetworkStatus::DeclinedByNetwork;
        outcome.reason = Some(code.to_owned());
        outcome.rule = None;
        outcome.seller_message = messages::ISSUER_DECLINED.to_owned();
        error = Some(issuer_error(code));
    }
    let three_d_secure = decision.three_d_secure.iter().filter_map(|&i| rule_ref(i)).collect();
    Assessment {
        object: ASSESSMENT_OBJECT.to_owned(),
        payment: payment.id.clone(),
        livemode: payment.livemode,
        created: payment.created,
        bundle: d.engine.id.clone(),
        risk_factors: risk_factors(d, outcome.rule.as_ref()),
        outcome,
        three_d_secure,
        fraud_probability: d.model.probability,
        error,
    }
}

/// The card error of an issuer's decline as Stripe words it: declines with a code of their own
/// (an expired card, a wrong CVC or number, a processing error) carry it and name the card field
/// at fault; the others are `card_declined` with the decline code.
fn issuer_error(decline_code: &str) -> StripeError {
    let (code, message, param) = match decline_code {
        "expired_card" => ("expired_card", "Your card has expired.", Some("exp_month")),
        "incorrect_cvc" => ("incorrect_cvc", "Your card's security code is incorrect.", Some("cvc")),
        "incorrect_number" => ("incorrect_number", "Your card number is incorrect.", Some("number")),
        "processing_error" => {
            ("processing_error", "An error occurred while processing your card. Try again in a little bit.", None)
        }
        "insufficient_funds" => ("card_declined", "Your card has insufficient funds.", None),
        _ => ("card_declined", messages::CARD_DECLINED, None),
    };
    let mut error = StripeError::card_declined(decline_code, message);
    error.code = Some(code.to_owned());
    error.param = param.map(str::to_owned);
    error
}

fn base_outcome(model: &ModelResult, rule: Option<RuleRef>) -> Outcome {
    let (kind, network_status, reason, message) = match rule.as_ref().map(|r| (r.action, r.id.as_str())) {
        Some((Action::Block, id)) => {
            let (reason, msg) = match id {
                rule_ids::BLOCK_HIGHEST => ("highest_risk_level", messages::HIGHEST),
                rule_ids::BLOCK_DEFAULT_LISTS => ("merchant_blacklist", messages::BLOCK_LIST),
                _ => ("rule", messages::BLOCK_RULE),
            };
            (OutcomeType::Blocked, NetworkStatus::NotSentToNetwork, Some(reason), msg)
        }
        Some((Action::Review, id)) => {
            let (reason, msg) = match id {
                rule_ids::REVIEW_ELEVATED => ("elevated_risk_level", messages::ELEVATED),
                _ => ("rule", messages::REVIEW_RULE),
            };
            (OutcomeType::ManualReview, NetworkStatus::ApprovedByNetwork, Some(reason), msg)
        }
        Some((Action::Allow, _)) => {
            (OutcomeType::Authorized, NetworkStatus::ApprovedByNetwork, Some("rule"), messages::ALLOWED_BY_RULE)
        }
        Some((Action::RequestThreeDSecure, _)) | None => {
            let (reason, msg) = match model.level {
                RiskLevel::NotAssessed => (Some("not_assessed_risk_level"), messages::NOT_ASSESSED),
                RiskLevel::Unknown => (Some("unknown_risk_level"), messages::UNKNOWN),
                _ => (None, messages::AUTHORIZED),
            };
            (OutcomeType::Authorized, NetworkStatus::ApprovedByNetwork, reason, msg)
        }
    };
    let rule = rule.filter(|r| r.action != Action::RequestThreeDSecure);
    Outcome {
        kind,
        network_status,
        reason: reason.map(str::to_owned),
        risk_level: model.level,
        risk_score: model.score,
        rule,
        seller_message: message.to_owned(),
    }
}

/// Model factors for elevated and highest scores, a test-card factor when one forced the
/// score, and the deciding rule.
fn risk_factors(d: &Decided<'_>, rule: Option<&RuleRef>) -> Vec<RiskFactor> {
    let mut out = Vec::new();
    let risky = matches!(d.model.level, RiskLevel::Elevated | RiskLevel::Highest);
    if risky && d.model.forced {
        out.push(RiskFactor {
            kind: FactorKind::TestCard,
            name: "test_card".to_owned(),
            description: format!("A Stripe test card that simulates {} risk", d.model.level.as_str()),
            value: None,
            contribution: None,
        });
    } else if risky && let Some((model, map)) = &d.engine.model {
        let mut contributions = Vec::new();
        model.contributions(d.features, &mut contributions);
        for (i, c) in top_contributions(&contributions, map.ids().len()) {
            let Some(&id) = map.ids().get(i) else { continue };
            let spec = d.engine.catalogue.spec(id);
            let value = d.frame.get(id).cloned();
            out.push(RiskFactor {
                kind: FactorKind::Model,
                name: spec.name.clone(),
                description: describe(&spec.description, value.as_ref()),
                value,
                contribution: Some(round4(c)),
            });
        }
    }
    if let Some(r) = rule {
        out.push(RiskFactor {
            kind: FactorKind::Rule,
            name: r.id.clone(),
            description: format!("Matched rule: {}", r.predicate),
            value: None,
            contribution: None,
        });
    }
    out
}
