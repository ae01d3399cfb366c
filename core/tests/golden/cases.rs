//! The case table: every golden vector, by name, with the bundle it is scored with, its input
//! and what its output must mean.

use serde_json::{Value as Json, json};
use ward_core::rules::default_rule_id;

use super::bundles::{DEFAULT, FEEDBACK_AT, LISTS, NO_BUILTINS, NO_MODEL, RULES, TEMPORARY_BLOCK_UNTIL, THRESHOLDS};
use super::expect::{
    Check, Expect, allowed, authorized, elevated_review, highest_block, invalid, issuer_declined, list_block,
    not_assessed, rule_block, rule_review,
};
use super::input::{Eval, T0, anna, carding, chrome_linux, firefox_android, jonas, minimal, oliver, test_card, yuki};

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
pub const TEST_CARDS: [&str; 16] = [
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
];

/// Custom rules that by design never fire (the coverage check skips them).
pub const NEVER_FIRES: &[&str] = &["review_email_card_spread"];

#[derive(Default)]
struct Table(Vec<Case>);

impl Table {
    fn add(&mut self, name: &str, bundle: &'static str, e: Eval, expect: Expect) {
        self.raw(name, bundle, &e.text(), expect);
    }

    fn raw(&mut self, name: &str, bundle: &'static str, input: &str, expect: Expect) {
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
fn ip_abroad(e: Eval) -> Eval {
    e.pay("client.ip_country", "RU")
}
fn anonymous_ip(e: Eval) -> Eval {
    e.pay("client.is_anonymous_ip", true)
}
fn busy_ip(e: Eval) -> Eval {
    e.ctx("total_charges_per_ip_address_hourly", 40)
}
fn busy_card(e: Eval) -> Eval {
    e.ctx("total_charges_per_card_number_hourly", 9)
}
fn new_card(e: Eval) -> Eval {
    e.ctx("seconds_since_card_first_seen", 60)
}
fn new_email(e: Eval) -> Eval {
    e.ctx("seconds_since_email_first_seen", 120)
}
fn fraud_warnings(e: Eval) -> Eval {
    e.ctx("efw_count_on_card_all_time", 2)
}
fn disputed(e: Eval) -> Eval {
    e.ctx("dispute_count_on_card_number_all_time", 1)
}
fn disposable_email(e: Eval) -> Eval {
    e.pay("receipt_email", "qz8841k@mailinator.com")
}
fn cvc_failed(e: Eval) -> Eval {
    e.card("checks.cvc_check", "fail")
}
fn zip_failed(e: Eval) -> Eval {
    e.card("checks.address_postal_code_check", "fail")
}
fn large(e: Eval) -> Eval {
    e.pay("amount", 250_000)
}
fn at_night(e: Eval) -> Eval {
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

fn forced(e: Expect, level: &'static str, score: u8) -> Expect {
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

fn thresholds(t: &mut Table) {
    let b = THRESHOLDS;
    t.add("thresholds/normal_score_4", b, anna(), authorized("normal").score(4));
    t.add("thresholds/normal_score_49", b, disputed(busy_ip(zip_failed(anna()))), authorized("normal").score(49));
    t.add(
        "thresholds/elevated_score_50",
        b,
        busy_ip(zip_failed(anonymous_ip(anna()))),
        elevated_review().score(50).model_factors(1),
    );
    t.add("thresholds/elevated_score_54", b, ip_abroad(anna()), elevated_review().score(54).model_factors(1));
    t.add("thresholds/elevated_score_59", b, cvc_failed(ip_abroad(anna())), elevated_review().score(59));
    t.add(
        "thresholds/highest_score_60",
        b,
        cvc_failed(anonymous_ip(ip_abroad(anna()))),
        highest_block().score(60).model_factors(1),
    );
    t.add("thresholds/highest_score_69", b, fraud_warnings(anna()), highest_block().score(69));
    t.add(
        "thresholds/4000000000004954_highest",
        b,
        test_card("4000000000004954"),
        forced(highest_block(), "highest", 85),
    );
    t.add("thresholds/normal_de", b, jonas(), authorized("normal"));
}

fn no_model(t: &mut Table) {
    let b = NO_MODEL;
    t.add("no_model/not_assessed", b, anna(), not_assessed().no_model_factors().at("/risk_factors", json!([])));
    t.add("no_model/not_assessed_minimal_payment", b, minimal(), not_assessed().at("/payment", Json::Null));
    t.add("no_model/not_assessed_card_testing", b, carding(), not_assessed().at("/risk_factors", json!([])));
    t.add(
        "no_model/block_rule_decides",
        b,
        anna().pay("amount", 1_250_000),
        rule_block("block_huge_amount").level("not_assessed").and(Check::Score(None)),
    );
    t.add(
        "no_model/allow_rule_decides",
        b,
        anna().pay("customer", "cus_Regular0042").pay("amount", 1_250_000),
        allowed("allow_regular_customer").level("not_assessed"),
    );
    t.add(
        "no_model/review_on_not_assessed_level",
        b,
        anna().pay("amount", 250_000),
        rule_review("review_unscored_large").level("not_assessed"),
    );
    t.add(
        "no_model/review_at_exactly_10000_usd",
        b,
        anna().pay("amount", 1_000_000),
        rule_review("review_unscored_large"),
    );
    t.add("no_model/block_above_10000_usd", b, anna().pay("amount", 1_000_001), rule_block("block_huge_amount"));
}

/// The id the rules bundle's one rule without an explicit id gets.
fn default_id_rule() -> &'static str {
    let predicate = "Review if :browser: = 'Chrome' AND :operating_system: INCLUDES 'linux' AND \
                     :ip_address_connection_type: = 'corporate'";
    Box::leak(default_rule_id(predicate).into_boxed_str())
}

fn rules(t: &mut Table) {
    let r = RULES;
    t.add("rules/no_rule_matches", r, anna(), authorized("normal").three_ds(&[]));
    // Request 3D Secure: reported, never decides.
    t.add(
        "rules/3ds_requested_payment_still_authorized",
        r,
        anonymous_ip(anna()),
        authorized("normal").three_ds(&["3ds_anonymous_ip"]).no_factor("3ds_anonymous_ip"),
    );
    t.add(
        "rules/3ds_two_requests_then_review",
        r,
        anonymous_ip(jonas())
            .undo("payment_method_details.card.three_d_secure")
            .pay("amount", 64_900)
            .card("three_d_secure_support", "required")
            .pay("description", "Gift card bundle"),
        rule_review("review_gift_description").three_ds(&["3ds_anonymous_ip", "3ds_large_eur"]),
    );
    t.add(
        "rules/3ds_request_then_block",
        r,
        anonymous_ip(anna()).pay("metadata.order_type", "gift_card").pay("client.ip_country", "CA"),
        rule_block("block_gift_card_mismatch").three_ds(&["3ds_anonymous_ip"]),
    );
    t.add("rules/3ds_not_requested_after_authentication", r, anonymous_ip(jonas()), authorized("normal").three_ds(&[]));
    t.add("rules/3ds_not_requested_without_card", r, anonymous_ip(minimal()), not_assessed().three_ds(&[]));
    t.add(
        "rules/3ds_large_eur_only",
        r,
        jonas().pay("amount", 50_000).card("three_d_secure_support", "required"),
        authorized("normal").three_ds(&["3ds_large_eur"]),
    );
    // Allow beats block, block beats review.
    t.add(
        "rules/allow_customer_metadata",
        r,
        anna().pay("customer_details", json!({"email": "anna.lee@example.com", "metadata": {"segment": "staff"}})),
        allowed("allow_staff").level("normal"),
    );
    t.add(
        "rules/allow_beats_block",
        r,
        anna()
            .pay("customer_details.metadata.segment", "staff")
            .pay("metadata.order_type", "gift_card")
            .pay("client.ip_country", "MX"),
        allowed("allow_staff").no_factor("block_gift_card_mismatch"),
    );
    t.add(
        "rules/allow_beats_highest_risk",
        r,
        carding().pay("customer_details.metadata.segment", "staff"),
        allowed("allow_staff").level("highest").model_factors(3),
    );
    t.add(
        "rules/allow_destination_metadata",
        r,
        anna()
            .pay("destination", "acct_1PlatformSell01")
            .pay("destination_metadata", json!({"tier": "trusted", "region": "us-west"}))
            .pay("description", "Gift card for a friend"),
        allowed("allow_trusted_platform"),
    );
    t.add(
        "rules/allow_destination_metadata_amount_too_high",
        r,
        anna()
            .pay("destination", "acct_1PlatformSell01")
            .pay("destination_metadata", json!({"tier": "trusted"}))
            .pay("amount", 250_000),
        authorized("normal").no_factor("allow_trusted_platform"),
    );
    t.add(
        "rules/allow_recurring_known_card",
        r,
        fraud_warnings(anna()).pay("is_recurring", true).pay("off_session", true),
        allowed("allow_known_subscriber").level("elevated").model_factors(1),
    );
    t.add(
        "rules/allow_recurring_card_age_missing",
        r,
        fraud_warnings(anna()).pay("is_recurring", true).del("context.seconds_since_card_first_seen"),
        highest_block().no_factor("allow_known_subscriber"),
    );
    t.add(
        "rules/block_beats_review",
        r,
        anna()
            .pay("metadata.order_type", "gift_card")
            .pay("client.ip_country", "GB")
            .pay("description", "Gift card x3"),
        rule_block("block_gift_card_mismatch"),
    );
    t.add(
        "rules/custom_block_before_builtin_block",
        r,
        carding().pay("metadata.order_type", "gift_card"),
        rule_block("block_gift_card_mismatch").level("highest").model_factors(3).no_factor("block_if_high_risk"),
    );
    t.add(
        "rules/custom_block_on_risk_score",
        r,
        fraud_warnings(anna()).pay("metadata.channel", "kiosk"),
        rule_block("block_kiosk_risk").level("elevated"),
    );
    t.add(
        "rules/risk_score_rule_below_threshold",
        r,
        ip_abroad(anna()).pay("metadata.channel", "kiosk"),
        authorized("normal").score(54),
    );
    t.add(
        "rules/custom_review_before_builtin_review",
        r,
        fraud_warnings(anna()).pay("description", "E-gift card"),
        rule_review("review_gift_description").level("elevated").model_factors(1),
    );
    t.add(
        "rules/block_large_foreign_card",
        r,
        anna().pay("amount", 600_000).card("country", "GB"),
        rule_block("block_large_foreign"),
    );
    t.add(
        "rules/block_large_foreign_billing_country_missing",
        r,
        anna().pay("amount", 600_000).card("country", "GB").del("payment.billing_details.address.country"),
        authorized("normal").no_factor("block_large_foreign"),
    );
    t.add(
        "rules/block_card_testing_velocity",
        r,
        anna().pay("amount", 100).ctx("total_charges_per_card_number_hourly", 14),
        rule_block("block_card_testing"),
    );
    t.add(
        "rules/block_ip_card_farm_at_25",
        r,
        anna().ctx("card_count_for_ip_address_daily", 25),
        rule_block("block_ip_card_farm"),
    );
    t.add(
        "rules/block_ip_card_farm_capped_40",
        r,
        anna().ctx("card_count_for_ip_address_daily", 40),
        rule_block("block_ip_card_farm"),
    );
    t.add(
        "rules/block_ip_card_farm_below_at_24",
        r,
        anna().ctx("card_count_for_ip_address_daily", 24),
        authorized("normal"),
    );
    t.add(
        "rules/block_region_lock_foreign_card",
        r,
        anna().pay("metadata.region_lock", "us_only").card("country", "CA"),
        rule_block("block_region_lock"),
    );
    t.add(
        "rules/block_region_lock_card_country_missing",
        r,
        anna().pay("metadata.region_lock", "us_only").undo("payment_method_details.card.country"),
        authorized("normal").no_factor("block_region_lock"),
    );
    t.add(
        "rules/block_region_lock_domestic_card",
        r,
        anna().pay("metadata.region_lock", "us_only"),
        authorized("normal"),
    );
    t.add(
        "rules/post_auth_block_runs_after_other_blocks",
        r,
        anna().pay("amount", 600_000).card("country", "GB").card("checks.cvc_check", "fail"),
        rule_block("block_large_foreign").no_factor("block_cvc_fail"),
    );
    t.add("rules/post_auth_block_cvc_fail", r, cvc_failed(anna()).pay("amount", 25_000), rule_block("block_cvc_fail"));
    t.add(
        "rules/post_auth_block_cvc_fail_small_amount",
        r,
        cvc_failed(anna()),
        authorized("normal").no_factor("block_cvc_fail"),
    );
    t.add(
        "rules/post_auth_review_zip_fail",
        r,
        anna().card("checks.address_postal_code_check", "fail"),
        rule_review("review_zip_fail"),
    );
    t.add(
        "rules/builtin_review_runs_before_post_auth_review",
        r,
        zip_failed(fraud_warnings(anna())),
        elevated_review().no_factor("review_zip_fail"),
    );
    t.add(
        "rules/post_auth_review_runs_after_other_reviews",
        r,
        anna().card("checks.address_postal_code_check", "fail").pay("description", "Gift card"),
        rule_review("review_gift_description"),
    );
    t.add(
        "rules/review_missing_email_is_missing",
        r,
        anna().undo("receipt_email").pay("amount", 40_000),
        rule_review("review_no_email_large"),
    );
    t.add(
        "rules/review_missing_email_present_via_billing",
        r,
        anna().undo("receipt_email").pay("amount", 40_000).pay("billing_details.email", "anna.lee@example.com"),
        authorized("normal").no_factor("review_no_email_large"),
    );
    t.add("rules/review_new_card", r, anna().ctx("seconds_since_card_first_seen", 600), rule_review("review_new_card"));
    t.add(
        "rules/review_new_card_context_missing",
        r,
        anna().del("context.seconds_since_card_first_seen"),
        authorized("normal").no_factor("review_new_card"),
    );
    t.add(
        "rules/review_like_is_case_insensitive",
        r,
        anna().pay("description", "Two GIFT CARDS for the holidays"),
        rule_review("review_gift_description"),
    );
    t.add(
        "rules/review_account_risk_context",
        r,
        anna().ctx("account_risk_level", "elevated"),
        rule_review("review_account_risk"),
    );
    t.add(
        "rules/review_account_risk_context_normal",
        r,
        anna().ctx("account_risk_level", "normal"),
        authorized("normal"),
    );
    t.add(
        "rules/review_new_customer",
        r,
        anna().pay("amount", 60_000).pay("customer_details", json!({"created": T0 - 3 * 3600, "name": "Anna Lee"})),
        rule_review("review_new_customer"),
    );
    t.add(
        "rules/review_numeric_metadata",
        r,
        anna().pay("metadata", json!({"loyalty_points": "250000", "order_id": "1042"})),
        rule_review("review_loyalty_redemption"),
    );
    t.add(
        "rules/numeric_metadata_not_a_number",
        r,
        anna().pay("metadata.loyalty_points", "lots"),
        authorized("normal").no_factor("review_loyalty_redemption"),
    );
    t.add("rules/numeric_metadata_at_bound", r, anna().pay("metadata.loyalty_points", "100000"), authorized("normal"));
    t.add(
        "rules/metadata_is_case_sensitive",
        r,
        anna().pay("metadata.order_type", "Gift_Card").pay("client.ip_country", "CA"),
        authorized("normal").no_factor("block_gift_card_mismatch"),
    );
    t.add(
        "rules/metadata_missing_key",
        r,
        anna().pay("metadata.note", "leave at the door").pay("client.ip_country", "CA"),
        authorized("normal").no_factor("block_gift_card_mismatch"),
    );
    t.add(
        "rules/review_boolean_context_false",
        r,
        anna().pay("metadata.role", "admin").ctx("is_my_login_ip", false),
        rule_review("review_admin_elsewhere"),
    );
    t.add(
        "rules/boolean_context_true",
        r,
        anna().pay("metadata.role", "admin").ctx("is_my_login_ip", true),
        authorized("normal"),
    );
    t.add(
        "rules/not_of_missing_boolean_context",
        r,
        anna().pay("metadata.role", "admin"),
        authorized("normal").no_factor("review_admin_elsewhere"),
    );
    t.add(
        "rules/bounded_counter_capped_at_25",
        r,
        anna().ctx("card_count_for_email_weekly", 40),
        authorized("normal").no_factor("review_email_card_spread"),
    );
    t.add("rules/review_amount_in_jpy_from_usd", r, anna().pay("amount", 650_000), rule_review("review_large_jpy"));
    t.add(
        "rules/review_rule_with_default_id",
        r,
        anna().pay("client.user_agent", chrome_linux()).pay("client.ip_address_connection_type", "corporate"),
        rule_review(default_id_rule()),
    );
    t.add(
        "rules/default_id_rule_other_os",
        r,
        anna().pay("client.user_agent", firefox_android()).pay("client.ip_address_connection_type", "corporate"),
        authorized("normal"),
    );
}

/// A plain US payment for the lists bundle, matching none of its lists.
fn shopper() -> Eval {
    anna()
        .id("ch_3QlIstShopper0001")
        .pay("customer", "cus_MiaChen000001")
        .pay("receipt_email", "mia.chen@example.com")
        .pay("billing_details.name", "Mia Chen")
        .card("fingerprint", "Mc4ChEnCard00001")
        .card("bin", "424242")
        .pay("client.ip_address", "192.0.2.130")
}

fn lists(t: &mut Table) {
    let l = LISTS;
    t.add("lists/no_list_matches", l, shopper(), authorized("normal"));
    // card_bin
    t.add("lists/card_bin_member", l, shopper().card("bin", "411111"), rule_review("review_risky_bins"));
    t.add("lists/card_bin_8_digits_member", l, shopper().card("bin", "53998712"), rule_review("review_risky_bins"));
    t.add("lists/card_bin_non_member", l, shopper().card("bin", "411112"), authorized("normal"));
    t.add(
        "lists/card_bin_from_test_number",
        l,
        test_card("4111111111111111").pay("customer", "cus_MiaChen000001").pay("client.ip_address", "192.0.2.130"),
        rule_review("review_risky_bins"),
    );
    // card_fingerprint
    t.add(
        "lists/card_fingerprint_member",
        l,
        shopper().card("fingerprint", "Qp0aZ81nLkT2mXwe"),
        rule_block("block_stolen_cards"),
    );
    t.add(
        "lists/card_fingerprint_is_case_sensitive",
        l,
        shopper().card("fingerprint", "qp0az81nlkt2mxwe"),
        authorized("normal"),
    );
    t.add(
        "lists/card_fingerprint_expiring_item_live",
        l,
        shopper().card("fingerprint", "Hd7TmpBlk0000001").pay("created", TEMPORARY_BLOCK_UNTIL - 1),
        rule_block("block_temporary_cards"),
    );
    t.add(
        "lists/card_fingerprint_expiring_item_at_expiry",
        l,
        shopper().card("fingerprint", "Hd7TmpBlk0000001").pay("created", TEMPORARY_BLOCK_UNTIL),
        authorized("normal"),
    );
    // case_sensitive_string (metadata)
    t.add(
        "lists/case_sensitive_string_member",
        l,
        shopper().pay("metadata.promo_code", "SPRING-VIP").card("fingerprint", "Qp0aZ81nLkT2mXwe"),
        allowed("allow_vip_promo").no_factor("block_stolen_cards"),
    );
    t.add(
        "lists/case_sensitive_string_other_case",
        l,
        shopper().pay("metadata.promo_code", "spring-vip"),
        authorized("normal"),
    );
    t.add(
        "lists/case_sensitive_string_surrounding_space",
        l,
        shopper().pay("metadata.promo_code", " SPRING-VIP "),
        allowed("allow_vip_promo"),
    );
    // country
    t.add(
        "lists/country_ip_lower_case_member",
        l,
        shopper().pay("client.ip_country", "kp"),
        rule_block("block_embargoed"),
    );
    t.add(
        "lists/country_billing_member",
        l,
        shopper().pay("billing_details.address.country", "sy"),
        rule_block("block_embargoed"),
    );
    t.add(
        "lists/country_member_before_default_list",
        l,
        shopper().pay("client.ip_country", "IR"),
        rule_block("block_embargoed"),
    );
    t.add(
        "lists/country_non_member",
        l,
        shopper().pay("client.ip_country", "FR"),
        authorized("normal").no_factor("block_embargoed"),
    );
    t.add(
        "lists/country_not_in_with_card_country",
        l,
        shopper().card("country", "NG").pay("client.ip_country", "NG"),
        rule_review("review_unsupported_country"),
    );
    t.add(
        "lists/country_not_in_with_card_country_missing",
        l,
        shopper().undo("payment_method_details.card.country"),
        authorized("normal").no_factor("review_unsupported_country"),
    );
    // crypto_fingerprint (metadata)
    t.add(
        "lists/crypto_fingerprint_member",
        l,
        shopper().pay("metadata.crypto_wallet", "cwf_9Lk2PqXzR4"),
        rule_review("review_flagged_wallets"),
    );
    t.add(
        "lists/crypto_fingerprint_non_member",
        l,
        shopper().pay("metadata.crypto_wallet", "cwf_9lk2pqxzr4"),
        authorized("normal"),
    );
    // customer_id
    t.add(
        "lists/customer_id_member",
        l,
        shopper().pay("customer", "cus_PxVip0001").pay("receipt_email", "chargeback.king@example.com"),
        allowed("allow_vip_customers").no_factor("block_fraud_emails"),
    );
    t.add("lists/customer_id_non_member", l, shopper().pay("customer", "cus_pxvip0001"), authorized("normal"));
    // email
    t.add(
        "lists/email_upper_case_member",
        l,
        shopper().pay("receipt_email", "CHARGEBACK.KING@EXAMPLE.COM"),
        rule_block("block_fraud_emails"),
    );
    t.add(
        "lists/email_from_billing_details",
        l,
        shopper().undo("receipt_email").pay("billing_details.email", "Chargeback.King@example.com"),
        rule_block("block_fraud_emails"),
    );
    t.add(
        "lists/email_from_customer_details",
        l,
        shopper().undo("receipt_email").pay("customer_details.email", "chargeback.king@example.com"),
        rule_block("block_fraud_emails"),
    );
    t.add(
        "lists/email_non_member",
        l,
        shopper().pay("receipt_email", "chargeback.queen@example.com"),
        authorized("normal"),
    );
    // ip_address
    t.add(
        "lists/ip_v4_in_cidr",
        l,
        shopper().pay("client.ip_address", "203.0.113.50"),
        rule_block("block_bad_networks"),
    );
    t.add(
        "lists/ip_v4_exact",
        l,
        shopper().pay("client.ip_address", "198.51.100.77"),
        rule_block("block_bad_networks"),
    );
    t.add("lists/ip_v4_neighbour", l, shopper().pay("client.ip_address", "198.51.100.78"), authorized("normal"));
    t.add("lists/ip_v4_outside_cidr", l, shopper().pay("client.ip_address", "203.0.114.1"), authorized("normal"));
    t.add(
        "lists/ip_v4_mapped_v6_in_cidr",
        l,
        shopper().pay("client.ip_address", "::ffff:203.0.113.9"),
        rule_block("block_bad_networks"),
    );
    t.add(
        "lists/ip_v6_in_cidr",
        l,
        shopper().pay("client.ip_address", "2001:db8:bad:1::5"),
        rule_block("block_bad_networks"),
    );
    t.add(
        "lists/ip_v6_exact_other_spelling",
        l,
        shopper().pay("client.ip_address", "2001:DB8:0000:0000:0000:0000:0000:0001"),
        rule_block("block_bad_networks"),
    );
    t.add("lists/ip_v6_outside_cidr", l, shopper().pay("client.ip_address", "2001:db8:bae::1"), authorized("normal"));
    t.add("lists/ip_not_an_address", l, shopper().pay("client.ip_address", "unknown"), authorized("normal"));
    // string
    t.add(
        "lists/string_member_other_case",
        l,
        shopper().pay("description", "GIFT CARD"),
        rule_review("review_risky_descriptions"),
    );
    t.add("lists/string_is_whole_value", l, shopper().pay("description", "Gift card for mom"), authorized("normal"));
    t.add("lists/string_holds_number", l, shopper().pay("amount", 133_700), rule_review("review_watched_amounts"));
    t.add(
        "lists/string_holds_fractional_number",
        l,
        shopper().pay("amount", 50),
        rule_review("review_watched_amounts"),
    );
    t.add("lists/string_number_non_member", l, shopper().pay("amount", 133_701), authorized("normal"));
    // sepa_debit_fingerprint and us_bank_account_fingerprint (metadata)
    t.add(
        "lists/sepa_debit_fingerprint_member",
        l,
        shopper().pay("metadata.sepa_fingerprint", "sdf_7QmZx21Lp"),
        rule_block("block_sepa_mandates"),
    );
    t.add(
        "lists/sepa_debit_fingerprint_non_member",
        l,
        shopper().pay("metadata.sepa_fingerprint", "sdf_7QmZx21Lq"),
        authorized("normal"),
    );
    t.add(
        "lists/us_bank_account_fingerprint_member",
        l,
        shopper().pay("metadata.bank_fingerprint", "ubf_Ab12Cd34"),
        rule_block("block_bank_accounts"),
    );
    t.add(
        "lists/us_bank_account_fingerprint_non_member",
        l,
        shopper().pay("metadata.bank_fingerprint", "UBF_AB12CD34"),
        authorized("normal"),
    );
    // account
    t.add(
        "lists/account_member",
        l,
        shopper().pay("destination", "acct_1TrustedPlat01").pay("description", "Gift Card"),
        allowed("allow_trusted_platforms"),
    );
    t.add("lists/account_non_member", l, shopper().pay("destination", "acct_1OtherPlatf01"), authorized("normal"));
}

fn default_lists(t: &mut Table) {
    let l = LISTS;
    let expiry = FEEDBACK_AT + 30 * 24 * 3600;
    t.add(
        "defaults/block_email_from_fraud_feedback",
        l,
        shopper().pay("receipt_email", "refund.fraud@example.net"),
        list_block(),
    );
    t.add(
        "defaults/block_email_upper_case",
        l,
        shopper().pay("receipt_email", "REFUND.FRAUD@EXAMPLE.NET"),
        list_block(),
    );
    t.add(
        "defaults/block_card_fingerprint_from_fraud_feedback",
        l,
        shopper().card("fingerprint", "Fr4udCardFp00001"),
        list_block(),
    );
    t.add(
        "defaults/allow_card_fingerprint_from_safe_feedback",
        l,
        carding().card("fingerprint", "Saf3CardFp000001").pay("created", expiry - 1),
        allowed("allow_if_in_default_allow_lists").level("highest"),
    );
    t.add(
        "defaults/allow_card_fingerprint_expired_after_30_days",
        l,
        carding().card("fingerprint", "Saf3CardFp000001").pay("created", expiry),
        highest_block().no_factor("allow_if_in_default_allow_lists"),
    );
    t.add(
        "defaults/allow_email_from_safe_feedback",
        l,
        shopper().pay("receipt_email", "Trusted.Buyer@example.org").pay("metadata.sepa_fingerprint", "sdf_7QmZx21Lp"),
        allowed("allow_if_in_default_allow_lists"),
    );
    t.add(
        "defaults/allow_customer_beats_block_email",
        l,
        shopper().pay("customer", "cus_LongTimeGood").pay("receipt_email", "refund.fraud@example.net"),
        allowed("allow_if_in_default_allow_lists"),
    );
    t.add(
        "defaults/allow_card_bin",
        l,
        test_card("2223003122003222").pay("receipt_email", "refund.fraud@example.net"),
        allowed("allow_if_in_default_allow_lists"),
    );
    t.add("defaults/block_card_bin", l, shopper().card("bin", "535353"), list_block());
    t.add("defaults/block_card_country", l, shopper().card("country", "KP"), list_block());
    t.add(
        "defaults/block_charge_description",
        l,
        shopper().pay("description", "TEST ORDER - DO NOT SHIP"),
        list_block(),
    );
    t.add("defaults/block_client_ip_country", l, shopper().pay("client.ip_country", "ve"), list_block());
    t.add("defaults/block_client_ip_address_cidr", l, shopper().pay("client.ip_address", "192.0.2.100"), list_block());
    t.add("defaults/block_customer_id", l, shopper().pay("customer", "cus_Banned0007"), list_block());
    t.add(
        "defaults/block_email_domain",
        l,
        shopper().pay("receipt_email", "new.account@FraudMail.example"),
        list_block(),
    );
    t.add(
        "defaults/user_block_rule_before_default_block_list",
        l,
        shopper().pay("receipt_email", "refund.fraud@example.net").card("fingerprint", "Qp0aZ81nLkT2mXwe"),
        rule_block("block_stolen_cards"),
    );
    t.add(
        "defaults/empty_in_default_bundle",
        DEFAULT,
        anna().pay("receipt_email", "refund.fraud@example.net"),
        authorized("normal"),
    );
}

fn no_builtins(t: &mut Table) {
    let b = NO_BUILTINS;
    t.add(
        "no_builtins/highest_score_authorized",
        b,
        cvc_failed(fraud_warnings(anna())),
        authorized("highest").score(75).model_factors(5).no_factor("block_if_high_risk"),
    );
    t.add(
        "no_builtins/elevated_score_authorized",
        b,
        fraud_warnings(anna()),
        authorized("elevated").model_factors(1).no_factor("review_if_elevated_risk"),
    );
    t.add("no_builtins/normal_score", b, anna(), authorized("normal").at("/risk_factors", json!([])));
    t.add(
        "no_builtins/block_on_score_90",
        b,
        carding(),
        rule_block("block_score_90").level("highest").model_factors(5),
    );
    t.add(
        "no_builtins/review_on_score_80",
        b,
        large(fraud_warnings(anonymous_ip(anna()))),
        rule_review("review_score_80").level("highest").score(80),
    );
    t.add(
        "no_builtins/default_block_list_not_applied",
        b,
        anna().pay("receipt_email", "refund.fraud@example.net"),
        authorized("normal"),
    );
}

fn currencies(t: &mut Table) {
    let d = DEFAULT;
    t.add("currency/usd_two_decimals", d, anna().pay("amount", 12_999), authorized("normal"));
    t.add("currency/eur_two_decimals", d, jonas().pay("amount", 129_900), authorized("normal"));
    t.add("currency/gbp_two_decimals", d, oliver().pay("amount", 100_000), authorized("normal"));
    t.add("currency/jpy_zero_decimals", d, yuki().pay("amount", 158_000), authorized("normal"));
    t.add("currency/jpy_round_amount", d, yuki().pay("amount", 10_000), authorized("normal"));
    t.add(
        "currency/krw_zero_decimals",
        d,
        yuki()
            .pay("currency", "krw")
            .pay("amount", 89_000)
            .pay("client.ip_country", "KR")
            .card("country", "KR")
            .pay("billing_details.address", json!({"city": "Seoul", "postal_code": "04524", "country": "KR"})),
        authorized("normal"),
    );
    t.add(
        "currency/clp_zero_decimals",
        d,
        anna()
            .pay("currency", "clp")
            .pay("amount", 45_990)
            .card("country", "CL")
            .pay("client.ip_country", "CL")
            .pay("billing_details.address", json!({"city": "Santiago", "postal_code": "8320000", "country": "CL"})),
        authorized("normal"),
    );
    t.add("currency/upper_case_code", d, anna().pay("currency", "USD"), authorized("normal").score(4));
    t.add(
        "currency/not_in_table_three_decimals",
        d,
        anna().pay("currency", "kwd").pay("amount", 15_250),
        authorized("normal"),
    );
    t.add(
        "currency/zero_amount_setup_intent",
        d,
        anna().pay("amount", 0).pay("transaction_type", "setup_intent"),
        authorized("normal"),
    );
    t.add(
        "currency/jpy_converted_for_rules",
        NO_MODEL,
        yuki().pay("amount", 1_600_000),
        rule_block("block_huge_amount"),
    );
    t.add(
        "currency/jpy_converted_below_limit",
        NO_MODEL,
        yuki().pay("amount", 1_500_000),
        rule_review("review_unscored_large"),
    );
    t.add(
        "currency/krw_converted_for_rules",
        NO_MODEL,
        yuki().pay("currency", "krw").pay("amount", 15_000_000),
        rule_block("block_huge_amount"),
    );
    t.add(
        "currency/unknown_currency_amount_missing_for_rules",
        NO_MODEL,
        anna().pay("currency", "xof").pay("amount", 9_000_000),
        not_assessed(),
    );
    t.add("currency/jpy_payment_in_jpy_rule", RULES, yuki().pay("amount", 1_000_000), rule_review("review_large_jpy"));
}

fn context(t: &mut Table) {
    let d = DEFAULT;
    t.add("context/none_supplied", d, anna().del("context"), authorized("normal"));
    t.add("context/empty_object", d, anna().set("context", json!({})), authorized("normal"));
    t.add(
        "context/attribute_the_bundle_does_not_read",
        d,
        anna().ctx("total_charges_per_customer_weekly", 2).ctx("merchant_charge_count_7d", 1450),
        authorized("normal").score(4),
    );
    t.add("context/bounded_counter_at_cap", d, carding().ctx("card_count_for_email_weekly", 25), highest_block());
    t.add(
        "context/bounded_counter_over_cap_scores_the_same",
        d,
        carding().ctx("card_count_for_email_weekly", 4000),
        highest_block(),
    );
    t.add(
        "context/bounded_counter_capped_in_risk_factor",
        d,
        anna().ctx("efw_count_on_card_all_time", 40),
        elevated_review().factor_value("efw_count_on_card_all_time", json!(25.0)),
    );
    t.add(
        "context/unbounded_counter_not_capped",
        d,
        ip_abroad(anna()).ctx("total_charges_per_ip_address_hourly", 400),
        elevated_review().factor_value("total_charges_per_ip_address_hourly", json!(400.0)),
    );
    t.add(
        "context/fractional_values",
        d,
        anna().ctx("merchant_fraud_rate_30d", 0.0125).ctx("average_usd_amount_successful_on_customer_all_time", 49.99),
        authorized("normal"),
    );
    t.add(
        "context/history_signals_of_a_fraudster",
        d,
        anna().ctx("dispute_count_on_card_number_all_time", 3).ctx("efw_count_on_card_all_time", 2),
        elevated_review().score(73).factor_value("efw_count_on_card_all_time", json!(2.0)),
    );
    t.add(
        "context/enumerated_and_boolean_attributes",
        RULES,
        anna().ctx("account_risk_level", "highest").ctx("is_my_login_ip", true),
        rule_review("review_account_risk"),
    );
}

fn missing(t: &mut Table) {
    t.add("missing/minimal_payment_rules_bundle", RULES, minimal(), not_assessed().three_ds(&[]));
    t.add("missing/minimal_payment_lists_bundle", LISTS, minimal(), not_assessed());
    t.add(
        "missing/minimal_payment_no_builtins",
        NO_BUILTINS,
        minimal(),
        not_assessed().at("/outcome/rule", Json::Null),
    );
    t.add("missing/no_card_details", DEFAULT, anna().undo("payment_method_details"), not_assessed());
    t.add("missing/no_client", DEFAULT, anna().undo("client"), authorized("normal"));
    t.add(
        "missing/ip_country_missing_comparison_false",
        RULES,
        anna().undo("client.ip_country").pay("metadata.order_type", "gift_card"),
        authorized("normal").no_factor("block_gift_card_mismatch"),
    );
    t.add(
        "missing/empty_email_is_missing",
        RULES,
        anna().pay("receipt_email", "").pay("amount", 40_000),
        rule_review("review_no_email_large"),
    );
    t.add(
        "missing/explicit_nulls",
        DEFAULT,
        anna().pay("customer", Json::Null).pay("description", Json::Null).card("three_d_secure", Json::Null),
        authorized("normal"),
    );
}

fn invalid_input(t: &mut Table) {
    let d = DEFAULT;
    let unknown = |p| invalid("parameter_unknown", Some(p));
    let bad = |p| invalid("parameter_invalid", Some(p));
    let need = |p| invalid("parameter_missing", Some(p));
    t.add("invalid/unknown_top_level_field", d, anna().set("contxt", json!({})), unknown("contxt"));
    t.add(
        "invalid/unknown_payment_field",
        d,
        anna().pay("reciept_email", "anna.lee@example.com"),
        unknown("payment[reciept_email]"),
    );
    t.add(
        "invalid/unknown_card_field",
        d,
        anna().card("cuntry", "US"),
        unknown("payment[payment_method_details][card][cuntry]"),
    );
    t.add(
        "invalid/unknown_checks_field",
        d,
        anna().card("checks.cvc", "pass"),
        unknown("payment[payment_method_details][card][checks][cvc]"),
    );
    t.add(
        "invalid/unknown_address_field",
        d,
        anna().pay("billing_details.address.zip", "94105"),
        unknown("payment[billing_details][address][zip]"),
    );
    t.add(
        "invalid/unknown_browser_signal",
        d,
        anna().pay("client.browser_signals.mouse_moves", 12),
        unknown("payment[client][browser_signals][mouse_moves]"),
    );
    t.add("invalid/amount_is_a_string", d, anna().pay("amount", "49.99"), bad("payment[amount]"));
    t.add("invalid/amount_is_fractional", d, anna().pay("amount", 49.99), bad("payment[amount]"));
    t.add(
        "invalid/created_is_a_date_string",
        d,
        anna().pay("created", "2025-11-25T00:00:00Z"),
        bad("payment[created]"),
    );
    t.add("invalid/livemode_is_a_string", d, anna().pay("livemode", "false"), bad("payment[livemode]"));
    t.add(
        "invalid/metadata_value_is_a_number",
        d,
        anna().pay("metadata.order_id", 1042),
        bad("payment[metadata][order_id]"),
    );
    t.add(
        "invalid/exp_month_13",
        d,
        anna().card("exp_month", 13),
        invalid("invalid_expiry_month", Some("payment[payment_method_details][card][exp_month]")),
    );
    t.add(
        "invalid/exp_month_out_of_range_integer",
        d,
        anna().card("exp_month", 300),
        bad("payment[payment_method_details][card][exp_month]"),
    );
    t.add(
        "invalid/cvc_check_unknown_value",
        d,
        anna().card("checks.cvc_check", "passed"),
        bad("payment[payment_method_details][card][checks][cvc_check]"),
    );
    t.add(
        "invalid/three_d_secure_result_unknown_value",
        d,
        anna().card("three_d_secure.result", "ok"),
        bad("payment[payment_method_details][card][three_d_secure][result]"),
    );
    t.add(
        "invalid/transaction_type_unknown",
        d,
        anna().pay("transaction_type", "refund"),
        bad("payment[transaction_type]"),
    );
    t.add(
        "invalid/wallet_without_type",
        d,
        anna().card("wallet", json!({})),
        need("payment[payment_method_details][card][wallet][type]"),
    );
    t.add("invalid/missing_amount", d, anna().undo("amount"), need("payment[amount]"));
    t.add("invalid/missing_currency", d, anna().undo("currency"), need("payment[currency]"));
    t.add("invalid/missing_created", d, anna().undo("created"), need("payment[created]"));
    t.add("invalid/missing_payment", d, Eval(json!({"context": {}})), need("payment"));
    t.add("invalid/amount_is_null", d, anna().pay("amount", Json::Null), bad("payment[amount]"));
    t.add(
        "invalid/negative_amount",
        d,
        anna().pay("amount", -500),
        invalid("parameter_invalid_integer", Some("payment[amount]")),
    );
    t.add("invalid/currency_not_three_letters", d, anna().pay("currency", "usdollar"), bad("payment[currency]"));
    t.add("invalid/currency_with_digits", d, anna().pay("currency", "us1"), bad("payment[currency]"));
    t.add(
        "invalid/card_country_three_letters",
        d,
        anna().card("country", "USA"),
        bad("payment[payment_method_details][card][country]"),
    );
    t.add(
        "invalid/card_bin_too_short",
        d,
        anna().card("bin", "4242"),
        bad("payment[payment_method_details][card][bin]"),
    );
    t.add(
        "invalid/card_last4_not_digits",
        d,
        anna().card("last4", "42a2"),
        bad("payment[payment_method_details][card][last4]"),
    );
    t.add(
        "invalid/live_card_number",
        d,
        test_card("4242424242424242").pay("livemode", true),
        bad("payment[payment_method_details][card][number]").message_has("test mode"),
    );
    t.add(
        "invalid/card_number_not_a_number",
        d,
        test_card("4242 4242 abcd 4242"),
        invalid("invalid_number", Some("payment[payment_method_details][card][number]")),
    );
    t.add(
        "invalid/card_number_too_short",
        d,
        test_card("42424242"),
        invalid("invalid_number", Some("payment[payment_method_details][card][number]")),
    );
    t.add(
        "invalid/context_unknown_attribute_suggests",
        d,
        anna().ctx("total_charges_per_card_number_hourli", 3),
        unknown("context[total_charges_per_card_number_hourli]").message_has("total_charges_per_card_number_hourly"),
    );
    t.add(
        "invalid/context_unknown_attribute",
        d,
        anna().ctx("device_trust_score", 0.9),
        unknown("context[device_trust_score]"),
    );
    t.add(
        "invalid/context_derived_attribute",
        d,
        anna().ctx("card_country", "US"),
        bad("context[card_country]").message_has("derived"),
    );
    t.add(
        "invalid/context_counter_as_string",
        d,
        anna().ctx("total_charges_per_card_number_daily", "3"),
        bad("context[total_charges_per_card_number_daily]"),
    );
    t.add(
        "invalid/context_negative_counter",
        d,
        anna().ctx("card_count_for_email_weekly", -1),
        bad("context[card_count_for_email_weekly]"),
    );
    t.add(
        "invalid/context_enum_value",
        d,
        anna().ctx("account_risk_level", "severe"),
        bad("context[account_risk_level]").message_has("elevated"),
    );
    t.add("invalid/context_boolean_as_number", d, anna().ctx("is_my_login_ip", 1), bad("context[is_my_login_ip]"));
    t.add(
        "invalid/context_error_in_other_bundle",
        NO_MODEL,
        anna().ctx("seconds_since_card_first_seen", "yesterday"),
        bad("context[seconds_since_card_first_seen]"),
    );
    t.add("invalid/bare_payment_without_wrapper", d, Eval(anna().0["payment"].clone()), unknown("amount"));
    t.raw(
        "invalid/bad_json_truncated",
        d,
        r#"{"payment": {"amount": 4999, "currency": "usd""#,
        invalid("invalid_json", None),
    );
    t.raw("invalid/bad_json_empty", d, "", invalid("invalid_json", None));
    t.raw("invalid/bad_json_not_json", d, "amount=4999&currency=usd", invalid("invalid_json", None));
    t.raw(
        "invalid/bad_json_trailing_comma",
        d,
        r#"{"payment": {"amount": 4999, "currency": "usd", "created": 1764028800,}}"#,
        invalid("invalid_json", None),
    );
    let one = r#"{"payment": {"amount": 4999, "currency": "usd", "created": 1764028800}}"#;
    t.raw("invalid/trailing_object", d, &format!("{one} {{}}"), invalid("invalid_json", None));
    t.raw("invalid/trailing_garbage", d, &format!("{one}garbage"), invalid("invalid_json", None));
    t.raw("invalid/array_of_evaluations", d, &format!("[{one}]"), invalid("invalid_json", None));
    t.raw("invalid/positional_array", d, r#"[[null,false,4999,"usd",1764028800]]"#, invalid("invalid_json", None));
    t.raw(
        "invalid/duplicate_amount",
        d,
        r#"{"payment": {"amount": 4999, "amount": 5999, "currency": "usd", "created": 1764028800}}"#,
        invalid("parameter_duplicate", Some("payment[amount]")),
    );
    t.add(
        "invalid/context_value_is_a_list",
        d,
        anna().ctx("card_count_for_email_weekly", json!([1])),
        bad("context[card_count_for_email_weekly]").message_has("a boolean, a number or a string"),
    );
    t.add(
        "context/null_value_is_missing",
        d,
        anna().ctx("total_charges_per_card_number_hourly", Json::Null),
        authorized("normal"),
    );
    t.add(
        "format/customer_created_at_the_dawn_of_time",
        d,
        anna().pay("customer_details", json!({"created": i64::MIN})),
        authorized("normal"),
    );
    let pretty = serde_json::to_string_pretty(&anna().0).expect("JSON");
    t.raw("format/pretty_printed_input", d, &pretty, authorized("normal").score(4));
    let a = anna().0;
    let reordered = format!("{{ \"payment\" : {}, \"context\" : {} }}", a["payment"], a["context"]);
    t.raw("format/payment_before_context_with_spaces", d, &reordered, authorized("normal").score(4));
}
