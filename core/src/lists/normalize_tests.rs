use proptest::prelude::*;

use super::super::{ItemType, ListError};
use super::MAX_VALUE_CHARS;

fn ok(ty: ItemType, cases: &[(&str, &str)]) {
    for (raw, want) in cases {
        assert_eq!(ty.normalize(raw).as_deref(), Ok(*want), "{ty} {raw:?}");
    }
}

fn refused(ty: ItemType, cases: &[&str]) {
    for raw in cases {
        assert!(ty.normalize(raw).is_err(), "{ty} {raw:?} should be refused, got {:?}", ty.normalize(raw));
    }
}

#[test]
fn email() {
    ok(
        ItemType::Email,
        &[
            ("jenny@example.com", "jenny@example.com"),
            ("  Jenny.Rosen@Example.COM\n", "jenny.rosen@example.com"),
            ("a+tag@b", "a+tag@b"),
            ("ÜSER@BÜCHER.DE", "üser@bücher.de"),
        ],
    );
    refused(ItemType::Email, &["", "   ", "jenny", "@example.com", "jenny@", "a@b@c", "jen ny@example.com", "a@b\tc"]);
}

#[test]
fn country() {
    ok(ItemType::Country, &[("CA", "CA"), ("ca", "CA"), (" gB ", "GB")]);
    refused(ItemType::Country, &["C", "CAN", "Canada", "C1", "12", "ÇA", "", "C A"]);
}

#[test]
fn card_bin() {
    ok(ItemType::CardBin, &[("424242", "424242"), ("4242424", "4242424"), (" 42424242 ", "42424242")]);
    refused(ItemType::CardBin, &["42424", "424242424", "4242a2", "4242 42", "+424242", "٤٢٤٢٤٢", "-424242"]);
}

#[test]
fn ip_addresses() {
    ok(
        ItemType::IpAddress,
        &[
            ("10.0.0.1", "10.0.0.1"),
            (" 192.168.1.254 ", "192.168.1.254"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
            ("2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"),
            ("::1", "::1"),
            ("::", "::"),
            ("::ffff:10.0.0.1", "10.0.0.1"),
            ("::FFFF:0a00:0001", "10.0.0.1"),
            ("fe80::1:2", "fe80::1:2"),
        ],
    );
    refused(
        ItemType::IpAddress,
        &["10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1.", "2001:db8:::1", "fe80::1%eth0", "[::1]", "localhost", "1"],
    );
}

#[test]
fn cidr_ranges() {
    ok(
        ItemType::IpAddress,
        &[
            ("10.0.0.0/8", "10.0.0.0/8"),
            ("10.1.2.3/8", "10.0.0.0/8"),
            ("10.0.0.1/32", "10.0.0.1"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("192.168.1.128/25", "192.168.1.128/25"),
            ("2001:DB8::/32", "2001:db8::/32"),
            ("2001:db8:ffff::/32", "2001:db8::/32"),
            ("::1/128", "::1"),
            ("::/0", "::/0"),
            ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
            ("::ffff:10.0.0.1/128", "10.0.0.1"),
            ("::ffff:0:0/96", "0.0.0.0/0"),
            ("::ffff:0:0/95", "::fffe:0:0/95"),
            ("10.0.0.0/008", "10.0.0.0/8"),
        ],
    );
    refused(
        ItemType::IpAddress,
        &[
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0.0/8/8",
            "/8",
            "10.0.0.0/1000",
            "10.0.0.0/ 8",
        ],
    );
}

#[test]
fn strings() {
    ok(ItemType::String, &[("Hello World", "hello world"), ("  ÉTÉ ", "été"), ("ΟΔΟΣ", "οδος")]);
    ok(ItemType::CaseSensitiveString, &[("Hello World", "Hello World"), (" ÉTÉ\t", "ÉTÉ")]);
    refused(ItemType::String, &["", " \n "]);
    refused(ItemType::CaseSensitiveString, &["", "\t"]);
}

#[test]
fn identifiers() {
    for ty in [
        ItemType::CardFingerprint,
        ItemType::CustomerId,
        ItemType::CryptoFingerprint,
        ItemType::SepaDebitFingerprint,
        ItemType::UsBankAccountFingerprint,
    ] {
        ok(ty, &[("Xt5EWLLDS7FJjR1c", "Xt5EWLLDS7FJjR1c"), (" cus_NffrFeUfNV2Hib ", "cus_NffrFeUfNV2Hib")]);
        refused(ty, &["", "a b", "a\u{0}b", "fp\nfp"]);
    }
    ok(ItemType::Account, &[("acct_1032D82eZvKYlo2C", "acct_1032D82eZvKYlo2C"), (" acct_x ", "acct_x")]);
    refused(ItemType::Account, &["", "acct_", "1032D82eZvKYlo2C", "ACCT_1032", "cus_1", "acct_1 2"]);
}

#[test]
fn length_limit_is_800_chars_after_trimming() {
    for ty in [ItemType::String, ItemType::CaseSensitiveString, ItemType::CardFingerprint] {
        let max = "é".repeat(MAX_VALUE_CHARS);
        assert!(ty.normalize(&format!("  {max}  ")).is_ok(), "{ty}");
        assert_eq!(
            ty.normalize(&format!("{max}e")),
            Err(ListError::ValueTooLong { item_type: ty, len: MAX_VALUE_CHARS + 1, limit: MAX_VALUE_CHARS })
        );
    }
    // `İ` lower-cases to two characters, so 800 of them are too long once normalised.
    assert!(matches!(
        ItemType::String.normalize(&"İ".repeat(MAX_VALUE_CHARS)),
        Err(ListError::ValueTooLong { len: 1600, .. })
    ));
    assert!(ItemType::CaseSensitiveString.normalize(&"İ".repeat(MAX_VALUE_CHARS)).is_ok());
}

#[test]
fn errors_name_the_type_and_value() {
    let err = ItemType::Country.normalize("Canada").unwrap_err();
    assert!(matches!(&err, ListError::InvalidValue { item_type: ItemType::Country, value, .. } if value == "Canada"));
    assert!(err.to_string().contains("`CA`"), "{err}");
    let long = format!("{}@", "x".repeat(700));
    let ListError::InvalidValue { value, .. } = ItemType::Email.normalize(&long).unwrap_err() else { panic!() };
    assert!(value.chars().count() < 100);
}

fn any_item_type() -> impl Strategy<Value = ItemType> {
    (0..12usize).prop_map(|i| ItemType::ALL[i])
}

/// Inputs that exercise every type: arbitrary text, and text shaped like each type's values.
fn raw_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \t]{0,2}[A-Za-z0-9._%+-]{1,12}@[A-Za-z0-9.-]{1,12}[ \t]{0,2}",
        "[A-Za-z]{2}",
        "[0-9]{5,9}",
        any::<core::net::Ipv4Addr>().prop_map(|a| a.to_string()),
        any::<core::net::Ipv6Addr>().prop_map(|a| a.to_string()),
        (any::<core::net::Ipv4Addr>(), 0u8..40).prop_map(|(a, l)| format!("{a}/{l}")),
        (any::<core::net::Ipv6Addr>(), 0u8..140).prop_map(|(a, l)| format!("{a}/{l}")),
        (any::<core::net::Ipv4Addr>(), 90u8..=128).prop_map(|(a, l)| format!("{}/{l}", a.to_ipv6_mapped())),
        "acct_[A-Za-z0-9]{0,16}",
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalisation_is_idempotent(ty in any_item_type(), raw in raw_value()) {
        if let Ok(once) = ty.normalize(&raw) {
            prop_assert_eq!(ty.normalize(&once), Ok(once.clone()));
        }
    }

    #[test]
    fn normalisation_never_panics_on_junk(ty in any_item_type(), raw in any::<String>()) {
        let _ = ty.normalize(&raw);
    }

    #[test]
    fn email_case_is_ignored(local in "[A-Za-z0-9.+]{1,16}", domain in "[A-Za-z0-9.-]{1,16}") {
        let raw = format!("{local}@{domain}");
        let a = ItemType::Email.normalize(&raw).unwrap();
        prop_assert_eq!(&a, &ItemType::Email.normalize(&raw.to_uppercase()).unwrap());
        prop_assert_eq!(&a, &ItemType::Email.normalize(&raw.to_lowercase()).unwrap());
    }

    #[test]
    fn country_case_is_ignored(code in "[A-Za-z]{2}") {
        let a = ItemType::Country.normalize(&code).unwrap();
        prop_assert_eq!(&a, &code.to_ascii_uppercase());
        prop_assert_eq!(&a, &ItemType::Country.normalize(&code.to_ascii_lowercase()).unwrap());
    }

    #[test]
    fn ipv4_mapped_ipv6_is_ipv4(a in any::<core::net::Ipv4Addr>()) {
        prop_assert_eq!(ItemType::IpAddress.normalize(&a.to_ipv6_mapped().to_string()), Ok(a.to_string()));
    }
}
