//! The scoring path: payment → attributes → model → rules → outcome.

use std::borrow::Cow;

use super::Engine;
use super::decide::{Decided, ModelResult, decide};
use crate::assessment::Assessment;
use crate::attributes::{Facts, Frame, fill_frame_in};
use crate::error::StripeError;
use crate::model::ScoreScale;
use crate::outcome::RiskLevel;
use crate::payment::{
    CardChecks, CheckResult, Evaluation, Payment, TestCardBehavior, decode_evaluation, test_card_behavior,
};
use crate::value::Value;

impl Engine {
    /// Decodes an evaluation from JSON, scores it, and returns the assessment as JSON.
    /// The output bytes are the same on every target for the same input and bundle.
    pub fn score_json(&self, json: &str) -> Result<String, StripeError> {
        let eval = decode_evaluation(json)?;
        let assessment = self.score(&eval)?;
        serde_json::to_string(&assessment).map_err(|e| {
            StripeError::invalid_request("serialization_failed", format!("could not encode the assessment: {e}"))
        })
    }

    /// Scores one payment. Fails only on invalid input (a Stripe-shaped error naming the field).
    pub fn score(&self, eval: &Evaluation) -> Result<Assessment, StripeError> {
        let payment = &eval.payment;
        let test_card = test_behavior(payment);
        let effective = with_test_checks(payment, test_card);
        let mut frame = fill_frame_in(&self.catalogue, &self.layout, &effective, &eval.context, &self.currencies)?;
        let mut features = Vec::new();
        let model = if payment.card().is_some() {
            self.run_model(&frame, test_card, &mut features)
        } else {
            // Radar assesses card payments only; others are `not_assessed`, as in Stripe.
            ModelResult { score: None, level: RiskLevel::NotAssessed, probability: None, forced: false }
        };
        self.set_score_attributes(&mut frame, &model);
        let empty = Default::default();
        let facts = Facts {
            frame: &frame,
            payment_metadata: &payment.metadata,
            customer_metadata: payment.customer_details.as_ref().map_or(&empty, |c| &c.metadata),
            destination_metadata: &payment.destination_metadata,
            now: payment.created,
        };
        let decision = self.rules.evaluate(&facts, &self.lists);
        let decided = Decided { engine: self, frame: &frame, features: &features, model: &model, test_card };
        Ok(decide(&decided, &decision, payment))
    }

    fn run_model(&self, frame: &Frame, test_card: Option<TestCardBehavior>, features: &mut Vec<f32>) -> ModelResult {
        let forced = match test_card {
            Some(TestCardBehavior::AlwaysBlock) => Some(crate::payment::test_cards::TEST_BLOCK_SCORE),
            Some(TestCardBehavior::RiskScore(s)) => Some(s),
            Some(TestCardBehavior::Checks { elevated: true, .. }) => {
                Some(crate::payment::test_cards::TEST_ELEVATED_SCORE)
            }
            _ => None,
        };
        if let Some(score) = forced {
            return ModelResult {
                score: Some(score),
                level: self.thresholds.level(score),
                probability: None,
                forced: true,
            };
        }
        let Some((model, map)) = &self.model else {
            return ModelResult { score: None, level: RiskLevel::NotAssessed, probability: None, forced: false };
        };
        map.fill(frame, features);
        let margin = model.margin(features);
        let probability = model.probability(margin);
        if !probability.is_finite() {
            return ModelResult { score: None, level: RiskLevel::Unknown, probability: None, forced: false };
        }
        let score = ScoreScale::standard().risk_score(probability);
        let rounded = libm::round(probability * 1e6) / 1e6;
        ModelResult {
            score: Some(score),
            level: self.thresholds.level(score),
            probability: Some(rounded),
            forced: false,
        }
    }

    fn set_score_attributes(&self, frame: &mut Frame, model: &ModelResult) {
        if let Some(id) = self.risk_score {
            frame.set(id, model.score.map(|s| Value::Num(f64::from(s))));
        }
        if let Some(id) = self.risk_level {
            frame.set(id, Some(Value::from(model.level.as_str())));
        }
    }
}

/// Stripe's test cards act only in test mode, and only on a raw number.
fn test_behavior(payment: &Payment) -> Option<TestCardBehavior> {
    if payment.livemode {
        return None;
    }
    test_card_behavior(payment.card()?.number.as_deref()?)
}

/// The check-failure test cards behave as if the issuer reported those checks.
fn with_test_checks(payment: &Payment, test_card: Option<TestCardBehavior>) -> Cow<'_, Payment> {
    let Some(TestCardBehavior::Checks { cvc_fail, postal_fail, line1_fail, unavailable, .. }) = test_card else {
        return Cow::Borrowed(payment);
    };
    let mut p = payment.clone();
    if let Some(card) = p.payment_method_details.as_mut().and_then(|d| d.card.as_mut()) {
        let checks = card.checks.get_or_insert_with(CardChecks::default);
        let pick = |fail: bool| if fail { CheckResult::Fail } else { CheckResult::Pass };
        if unavailable {
            checks.address_line1_check = Some(CheckResult::Unavailable);
            checks.address_postal_code_check = Some(CheckResult::Unavailable);
        } else {
            checks.address_line1_check = Some(pick(line1_fail));
            checks.address_postal_code_check = Some(pick(postal_fail));
        }
        checks.cvc_check = Some(pick(cvc_fail));
    }
    Cow::Owned(p)
}
