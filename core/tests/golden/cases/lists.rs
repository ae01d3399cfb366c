//! Cases for value lists of every item type and the default lists.

use super::super::bundles::{DEFAULT, FEEDBACK_AT, LISTS, TEMPORARY_BLOCK_UNTIL};
use super::super::expect::{allowed, authorized, highest_block, list_block, rule_block, rule_review};
use super::super::input::{Eval, anna, carding, test_card};
use super::*;

pub(super) fn shopper() -> Eval {
    anna()
        .id("ch_3QlIstShopper0001")
        .pay("customer", "cus_MiaChen000001")
        .pay("receipt_email", "mia.chen@example.com")
        .pay("billing_details.name", "Mia Chen")
        .card("fingerprint", "Mc4ChEnCard00001")
        .card("bin", "424242")
        .pay("client.ip_address", "192.0.2.130")
}

pub(super) fn lists(t: &mut Table) {
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

pub(super) fn default_lists(t: &mut Table) {
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
