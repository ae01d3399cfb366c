//! Cases for thresholds, bundles without a model, custom rules and bundles without built-in rules.

use serde_json::{Value as Json, json};
use ward_core::rules::default_rule_id;

use super::super::bundles::{NO_BUILTINS, NO_MODEL, RULES, THRESHOLDS};
use super::super::expect::{
    Check, allowed, authorized, elevated_review, highest_block, not_assessed, rule_block, rule_review,
};
use super::super::input::{T0, anna, carding, chrome_linux, firefox_android, jonas, minimal, test_card};
use super::*;

pub(super) fn thresholds(t: &mut Table) {
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

pub(super) fn no_model(t: &mut Table) {
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
pub(super) fn default_id_rule() -> &'static str {
    let predicate = "Review if :browser: = 'Chrome' AND :operating_system: INCLUDES 'linux' AND \
                     :ip_address_connection_type: = 'corporate'";
    Box::leak(default_rule_id(predicate).into_boxed_str())
}

pub(super) fn rules(t: &mut Table) {
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
pub(super) fn no_builtins(t: &mut Table) {
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
