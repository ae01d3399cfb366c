//! The case table: every golden vector, by name, with the bundle it is scored with, its input
//! and what its output must mean. Split by theme: `rules.rs`, `lists.rs`, `inputs.rs`.

mod inputs;
mod lists;
mod rules;

use inputs::{context, currencies, invalid_input, missing};
use lists::{default_lists, lists};
use rules::{no_builtins, no_model, rules, thresholds};

use serde_json::{Value as Json, json};

use super::bundles::{DEFAULT, NO_BUILTINS, NO_MODEL, RULES, THRESHOLDS};
use super::expect::{
    Check, Expect, allowed, authorized, elevated_review, highest_block, issuer_declined, not_assessed, rule_block,
    rule_review,
};
use super::input::{Eval, T0, anna, carding, jonas, minimal, oliver, test_card, yuki};

/// One golden vector, before it is scored.
pub struct Case {
    /// Unique; `category/what`.
    pub name: String,
    /// The bundle's name (its file is `<bundle>.bundle`).
    pub bundle: &'static str,
    /// The evaluation JSON text, exactly as scored.
    pub input: String,
    /// What the output must mean.
    pub expect: Expect,
}

/// Every Stripe test card the engine simulates (`ward_core::payment::test_cards`).
pub const TEST_CARDS: [&str; 19] = [
    "4100000000000019",
    "4000000000004954",
    "4000000000009235",
    "4000000000000101",
    "4000000000000036",
    "4000058400307872",
    "4000058400306072",
    "4000000000000028",
    "4000000000000010",
    "4000000000000044",
    "4000000000000002",
    "4000000000009995",
    "4000000000009987",
    "4000000000009979",
    "4000000000006975",
    "4000000000000127",
    "4000000000000069",
    "4000000000000119",
    "4242424242424241",
];

/// Custom rules that by design never fire (the coverage check skips them).
pub const NEVER_FIRES: &[&str] = &["review_email_card_spread"];

#[derive(Default)]
pub(super) struct Table(Vec<Case>);

impl Table {
    pub(super) fn add(&mut self, name: &str, bundle: &'static str, e: Eval, expect: Expect) {
        self.raw(name, bundle, &e.text(), expect);
    }

    pub(super) fn raw(&mut self, name: &str, bundle: &'static str, input: &str, expect: Expect) {
        self.0.push(Case { name: name.to_owned(), bundle, input: input.to_owned(), expect });
    }
}

/// Every case, in file order.
pub fn all() -> Vec<Case> {
    let mut t = Table::default();
    model(&mut t);
    test_cards(&mut t);
    thresholds(&mut t);
    no_model(&mut t);
    rules(&mut t);
    lists(&mut t);
    default_lists(&mut t);
    no_builtins(&mut t);
    currencies(&mut t);
    context(&mut t);
    missing(&mut t);
    invalid_input(&mut t);
    t.0
}

// Variations of Anna's payment the default model scores across the levels.
pub(super) fn ip_abroad(e: Eval) -> Eval {
    e.pay("client.ip_country", "RU")
}
pub(super) fn anonymous_ip(e: Eval) -> Eval {
    e.pay("client.is_anonymous_ip", true)
}
pub(super) fn busy_ip(e: Eval) -> Eval {
    e.ctx("total_charges_per_ip_address_hourly", 40)
}
pub(super) fn busy_card(e: Eval) -> Eval {
    e.ctx("total_charges_per_card_number_hourly", 9)
}
pub(super) fn new_card(e: Eval) -> Eval {
    e.ctx("seconds_since_card_first_seen", 60)
}
pub(super) fn new_email(e: Eval) -> Eval {
    e.ctx("seconds_since_email_first_seen", 120)
}
pub(super) fn fraud_warnings(e: Eval) -> Eval {
    e.ctx("efw_count_on_card_all_time", 2)
}
pub(super) fn disputed(e: Eval) -> Eval {
    e.ctx("dispute_count_on_card_number_all_time", 1)
}
pub(super) fn disposable_email(e: Eval) -> Eval {
    e.pay("receipt_email", "qz8841k@mailinator.com")
}
pub(super) fn cvc_failed(e: Eval) -> Eval {
    e.card("checks.cvc_check", "fail")
}
pub(super) fn zip_failed(e: Eval) -> Eval {
    e.card("checks.address_postal_code_check", "fail")
}
pub(super) fn large(e: Eval) -> Eval {
    e.pay("amount", 250_000)
}
pub(super) fn at_night(e: Eval) -> Eval {
    e.pay("created", T0 + 3 * 3600)
}

fn model(t: &mut Table) {
    let d = DEFAULT;
    t.add(
        "model/normal_us_returning_customer",
        d,
        anna(),
        authorized("normal").score(4).no_model_factors().at("/risk_factors", json!([])),
    );
    t.add("model/normal_de_google_pay_3ds", d, jonas(), authorized("normal").no_model_factors());
    t.add("model/normal_jp_jcb_jpy", d, yuki(), authorized("normal"));
    t.add("model/normal_gb_apple_pay_payment_intent", d, oliver(), authorized("normal"));
    t.add("model/normal_without_payment_id", d, anna().undo("id"), authorized("normal").at("/payment", Json::Null));
    t.add(
        "model/normal_livemode_tokenised_card",
        d,
        anna().pay("livemode", true).id("ch_3QlIveMode0000001"),
        authorized("normal").at("/livemode", json!(true)),
    );
    t.add("model/normal_ip_abroad", d, ip_abroad(anna()), authorized("normal").score(54));
    t.add(
        "model/normal_score_64_just_below_elevated",
        d,
        at_night(disputed(ip_abroad(anna()))),
        authorized("normal").score(64),
    );
    t.add(
        "model/elevated_score_65_threshold",
        d,
        busy_card(ip_abroad(anna())),
        elevated_review()
            .score(65)
            .factor("model", "billing_ip_country_mismatch")
            .factor("model", "total_charges_per_card_number_hourly"),
    );
    t.add(
        "model/elevated_early_fraud_warnings",
        d,
        fraud_warnings(anna()),
        elevated_review().score(69).model_factors(3).factor_value("efw_count_on_card_all_time", json!(2.0)),
    );
    t.add(
        "model/elevated_new_card_from_abroad",
        d,
        new_card(ip_abroad(anna())),
        elevated_review()
            .model_factors(3)
            .factor("model", "card_ip_country_mismatch")
            .factor_value("seconds_since_card_first_seen", json!(60.0)),
    );
    t.add(
        "model/elevated_new_disposable_email",
        d,
        new_email(disposable_email(anna())),
        elevated_review().model_factors(3).factor_value("is_disposable_email", json!(true)),
    );
    t.add(
        "model/elevated_score_74_just_below_highest",
        d,
        large(fraud_warnings(anna())),
        elevated_review().score(74).factor("model", "amount_in_usd"),
    );
    t.add(
        "model/highest_score_75_threshold",
        d,
        cvc_failed(fraud_warnings(anna())),
        highest_block().score(75).factor_value("cvc_check_failed", json!(true)),
    );
    t.add(
        "model/highest_ip_velocity_abroad",
        d,
        busy_ip(ip_abroad(anna())),
        highest_block().model_factors(5).factor_value("total_charges_per_ip_address_hourly", json!(40.0)),
    );
    t.add(
        "model/highest_fraud_warnings_abroad",
        d,
        fraud_warnings(ip_abroad(anna())),
        highest_block().score(90).model_factors(5),
    );
    t.add("model/highest_card_testing", d, carding(), highest_block().model_factors(5));
    t.add(
        "model/highest_card_testing_no_browser_signals",
        d,
        carding().undo("client.browser_signals"),
        highest_block().model_factors(3),
    );
    t.add(
        "model/normal_without_any_context",
        d,
        test_card("4242424242424242").del("context"),
        authorized("normal").score(16),
    );
    t.add(
        "model/not_assessed_non_card_payment",
        d,
        anna().undo("payment_method_details").pay("payment_method_details.type", "sepa_debit"),
        not_assessed().at("/risk_factors", json!([])),
    );
    t.add("model/not_assessed_minimal_payment", d, minimal(), not_assessed().at("/payment", Json::Null));
}

pub(super) fn forced(e: Expect, level: &'static str, score: u8) -> Expect {
    e.level(level).score(score).factor("test_card", "test_card").no_model_factors().at("/fraud_probability", Json::Null)
}

fn test_cards(t: &mut Table) {
    let d = DEFAULT;
    t.add(
        "test_card/4100000000000019_always_blocked",
        d,
        test_card("4100000000000019"),
        forced(highest_block(), "highest", 95),
    );
    t.add(
        "test_card/4000000000004954_highest_risk",
        d,
        test_card("4000000000004954"),
        forced(highest_block(), "highest", 85),
    );
    t.add(
        "test_card/4000000000009235_elevated_risk",
        d,
        test_card("4000000000009235"),
        forced(elevated_review(), "elevated", 70),
    );
    t.add(
        "test_card/4000000000000101_cvc_check_fails",
        d,
        test_card("4000000000000101"),
        authorized("normal").no_factor("test_card"),
    );
    t.add(
        "test_card/4000000000000036_postal_check_fails",
        d,
        test_card("4000000000000036"),
        authorized("normal").no_factor("test_card"),
    );
    t.add(
        "test_card/4000058400307872_cvc_fails_elevated",
        d,
        test_card("4000058400307872"),
        forced(elevated_review(), "elevated", 70),
    );
    t.add(
        "test_card/4000058400306072_postal_fails_elevated",
        d,
        test_card("4000058400306072"),
        forced(elevated_review(), "elevated", 70),
    );
    t.add(
        "test_card/4000000000000028_line1_check_fails",
        d,
        test_card("4000000000000028"),
        authorized("normal").no_factor("test_card"),
    );
    t.add(
        "test_card/4000000000000010_line1_and_postal_fail",
        d,
        test_card("4000000000000010"),
        authorized("normal").no_factor("test_card"),
    );
    t.add(
        "test_card/4000000000000044_checks_unavailable",
        d,
        test_card("4000000000000044"),
        authorized("normal").no_factor("test_card"),
    );
    for (number, code) in [
        ("4000000000000002", "generic_decline"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000009987", "lost_card"),
        ("4000000000009979", "stolen_card"),
        ("4000000000006975", "card_velocity_exceeded"),
        ("4000000000000127", "incorrect_cvc"),
        ("4000000000000069", "expired_card"),
        ("4000000000000119", "processing_error"),
        ("4242424242424241", "incorrect_number"),
    ] {
        t.add(
            &format!("test_card/{number}_issuer_declines_{code}"),
            d,
            test_card(number),
            issuer_declined(code).level("normal").at("/risk_factors", json!([])),
        );
    }
    t.add(
        "test_card/number_with_spaces",
        d,
        test_card("4000 0000 0000 9235"),
        forced(elevated_review(), "elevated", 70),
    );
    t.add("test_card/number_with_dashes", d, test_card("4100-0000-0000-0019"), forced(highest_block(), "highest", 95));
    t.add("test_card/4242424242424242_visa_succeeds", d, test_card("4242424242424242"), authorized("normal"));
    t.add("test_card/5555555555554444_mastercard_succeeds", d, test_card("5555555555554444"), authorized("normal"));
    t.add("test_card/378282246310005_amex_succeeds", d, test_card("378282246310005"), authorized("normal"));
    t.add(
        "test_card/livemode_card_details_are_not_simulated",
        d,
        anna()
            .pay("livemode", true)
            .id("ch_3QlIveBlockBin001")
            .card("bin", "410000")
            .card("last4", "0019")
            .card("fingerprint", "Lv0TestLooking01"),
        authorized("normal").no_factor("test_card"),
    );
    t.add(
        "test_card/issuer_decline_card_blocked_first_when_risk_is_highest",
        d,
        carding().card("number", "4000000000000002").undo("payment_method_details.card.bin"),
        highest_block().model_factors(3),
    );
    t.add(
        "test_card/4100000000000019_blocked_despite_allow_rule",
        RULES,
        test_card("4100000000000019").pay("customer_details.metadata.segment", "staff"),
        forced(highest_block(), "highest", 95).no_factor("allow_staff"),
    );
    t.add(
        "test_card/4000000000009235_allowed_by_rule",
        RULES,
        test_card("4000000000009235").pay("customer_details.metadata.segment", "staff"),
        allowed("allow_staff").level("elevated").score(70).factor("test_card", "test_card"),
    );
    t.add(
        "test_card/issuer_decline_after_review_rule",
        RULES,
        test_card("4000000000009995").ctx("seconds_since_card_first_seen", 300),
        issuer_declined("insufficient_funds").no_factor("review_new_card"),
    );
    t.add(
        "test_card/issuer_decline_after_allow_rule",
        RULES,
        test_card("4000000000009987").pay("customer_details.metadata.segment", "staff"),
        issuer_declined("lost_card"),
    );
    t.add(
        "test_card/issuer_decline_keeps_3ds_request",
        RULES,
        test_card("4000000000000002").pay("client.is_anonymous_ip", true),
        issuer_declined("generic_decline").three_ds(&["3ds_anonymous_ip"]),
    );
    t.add(
        "test_card/4000000000000101_cvc_fail_feeds_post_auth_rule",
        RULES,
        test_card("4000000000000101").pay("amount", 25_000),
        rule_block("block_cvc_fail"),
    );
    t.add(
        "test_card/4000000000000036_postal_fail_feeds_post_auth_rule",
        RULES,
        test_card("4000000000000036"),
        rule_review("review_zip_fail"),
    );
    t.add(
        "test_card/4000000000009235_without_model_sets_the_score_rules_read",
        NO_MODEL,
        test_card("4000000000009235"),
        forced(rule_review("review_risky_score"), "elevated", 70),
    );
    t.add(
        "test_card/4100000000000019_without_model",
        NO_MODEL,
        test_card("4100000000000019"),
        forced(highest_block(), "highest", 95),
    );
    t.add(
        "test_card/issuer_decline_without_model",
        NO_MODEL,
        test_card("4000000000009979"),
        issuer_declined("stolen_card").level("not_assessed").and(Check::Score(None)),
    );
    t.add(
        "test_card/4000000000009235_highest_under_strict_thresholds",
        THRESHOLDS,
        test_card("4000000000009235"),
        forced(highest_block(), "highest", 70),
    );
    t.add(
        "test_card/4100000000000019_blocked_with_builtins_off",
        NO_BUILTINS,
        test_card("4100000000000019"),
        forced(highest_block(), "highest", 95),
    );
    t.add(
        "test_card/4000000000004954_not_blocked_with_builtins_off",
        NO_BUILTINS,
        test_card("4000000000004954"),
        authorized("highest").score(85).factor("test_card", "test_card"),
    );
}
