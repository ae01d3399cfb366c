//! Cases for currencies, context, missing values and invalid input.

use serde_json::{Value as Json, json};

use super::super::bundles::{DEFAULT, LISTS, NO_BUILTINS, NO_MODEL, RULES};
use super::super::expect::{
    authorized, elevated_review, highest_block, invalid, not_assessed, rule_block, rule_review,
};
use super::super::input::{Eval, anna, carding, jonas, minimal, oliver, test_card, yuki};
use super::*;

pub(super) fn currencies(t: &mut Table) {
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

pub(super) fn context(t: &mut Table) {
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

pub(super) fn missing(t: &mut Table) {
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

pub(super) fn invalid_input(t: &mut Table) {
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
