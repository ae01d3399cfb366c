use super::*;
use crate::Value;
use crate::lists::ListItem;

fn list(alias: &str, ty: ItemType, values: &[&str]) -> ValueList {
    ValueList::new(format!("rsl_{alias}"), alias, alias, ty).with_items(values.iter().map(|v| ListItem::new(*v)))
}

fn s(v: &str) -> Value {
    Value::from(v)
}

#[test]
fn resolves_aliases_in_order() {
    let set = ListSet::new(vec![list("b", ItemType::Email, &[]), list("a", ItemType::Country, &[])]).unwrap();
    assert_eq!(set.resolve("b"), Some(ListId(0)));
    assert_eq!(set.resolve("a"), Some(ListId(1)));
    assert_eq!(set.resolve("@a"), None);
    assert_eq!(set.resolve("A"), None);
    assert_eq!(set.item_type(ListId(1)), ItemType::Country);
    let aliases: Vec<_> = set.lists().iter().map(|l| l.alias.as_str()).collect();
    assert_eq!(aliases, ["b", "a"]);
    assert_eq!(set.len(), 2);
}

#[test]
fn unknown_ids_never_panic() {
    for set in [ListSet::empty(), ListSet::new(vec![list("a", ItemType::Country, &["CA"])]).unwrap()] {
        for id in [ListId(1), ListId(7), ListId(u32::MAX)] {
            assert_eq!(set.item_type(id), ItemType::String);
            assert!(!set.contains(id, &s("CA"), 0));
            assert_eq!(set.get(id), None);
        }
    }
    assert!(ListSet::empty().is_empty());
    assert_eq!(ListSet::empty().resolve("a"), None);
}

#[test]
fn stores_canonical_values() {
    let set = ListSet::new(vec![list("c", ItemType::Country, &["ca", " de "])]).unwrap();
    let values: Vec<_> = set.lists()[0].items.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(values, ["CA", "DE"]);
}

#[test]
fn probes_are_normalised() {
    let set = ListSet::new(vec![
        list("emails", ItemType::Email, &["jenny@example.com"]),
        list("ips", ItemType::IpAddress, &["2001:db8::1", "10.0.0.0/8"]),
        list("bins", ItemType::CardBin, &["424242"]),
    ])
    .unwrap();
    let id = |a| set.resolve(a).unwrap();
    assert!(set.contains(id("emails"), &s(" Jenny@EXAMPLE.com"), 0));
    assert!(!set.contains(id("emails"), &s("jenny@example.org"), 0));
    assert!(set.contains(id("ips"), &s("2001:DB8:0::1"), 0));
    assert!(set.contains(id("ips"), &s("::ffff:10.2.3.4"), 0));
    assert!(set.contains(id("ips"), &s("10.0.0.0/8"), 0));
    assert!(!set.contains(id("ips"), &s("10.0.0.0/16"), 0));
    assert!(!set.contains(id("ips"), &s("11.0.0.1"), 0));
    assert!(!set.contains(id("ips"), &s("not an ip"), 0));
    // Numbers compare in decimal form; booleans and non-finite numbers are never members.
    assert!(set.contains(id("bins"), &Value::Num(424242.0), 0));
    assert!(!set.contains(id("bins"), &Value::Num(424242.5), 0));
    assert!(!set.contains(id("bins"), &Value::Num(f64::NAN), 0));
    assert!(!set.contains(id("bins"), &Value::Bool(true), 0));
}

#[test]
fn expiry_is_exclusive() {
    let mut l = list("e", ItemType::String, &[]);
    l.items = vec![ListItem::expiring("soon", 100), ListItem::expiring("again", 100), ListItem::new("again")];
    let set = ListSet::new(vec![l]).unwrap();
    assert!(set.contains(ListId(0), &s("soon"), 99));
    assert!(!set.contains(ListId(0), &s("soon"), 100));
    assert!(!set.contains(ListId(0), &s("soon"), 101));
    // One expired copy does not hide a live one.
    assert!(set.contains(ListId(0), &s("again"), 1_000));
}

#[test]
fn merge_expiry_keeps_the_longest() {
    assert_eq!(merge_expiry(Some(1), Some(5)), Some(5));
    assert_eq!(merge_expiry(None, Some(5)), None);
    assert_eq!(merge_expiry(Some(5), None), None);
}

#[test]
fn item_limit() {
    let values: Vec<String> = (0..MAX_ITEMS).map(|i| format!("v{i}")).collect();
    let mut l = list("big", ItemType::String, &[]);
    l.items = values.iter().map(ListItem::new).collect();
    let set = ListSet::new(vec![l.clone()]).unwrap();
    assert!(set.contains(ListId(0), &s("V49999"), 0));
    l.items.push(ListItem::new("one more"));
    assert_eq!(
        ListSet::new(vec![l]).unwrap_err(),
        ListError::TooManyItems { alias: "big".into(), count: 50_001, limit: 50_000 }
    );
}

#[test]
fn header_errors() {
    let err = |lists| ListSet::new(lists).unwrap_err();
    assert_eq!(
        err(vec![list("a", ItemType::Email, &[]), list("a", ItemType::Country, &[])]),
        ListError::DuplicateAlias { alias: "a".into() }
    );
    let mut twin = list("b", ItemType::Email, &[]);
    twin.id = "rsl_a".into();
    assert_eq!(
        err(vec![list("a", ItemType::Email, &[]), twin]),
        ListError::DuplicateId { id: "rsl_a".into(), alias: "b".into() }
    );
    let mut no_id = list("a", ItemType::Email, &[]);
    no_id.id.clear();
    assert_eq!(err(vec![no_id]), ListError::EmptyId { alias: "a".into() });
    let mut long_name = list("a", ItemType::Email, &[]);
    long_name.name = "n".repeat(101);
    assert_eq!(err(vec![long_name]), ListError::NameTooLong { alias: "a".into(), len: 101, limit: 100 });
    assert!(matches!(err(vec![list("bad alias", ItemType::Email, &[])]), ListError::InvalidAlias { .. }));
    assert!(matches!(err(vec![list(&"a".repeat(101), ItemType::Email, &[])]), ListError::AliasTooLong { .. }));
    assert_eq!(
        err(vec![list("default_block_email", ItemType::String, &[])]),
        ListError::DefaultListType {
            alias: "default_block_email".into(),
            expected: ItemType::Email,
            found: ItemType::String
        }
    );
}

#[test]
fn item_errors_name_list_and_position() {
    let e = ListSet::new(vec![list("countries", ItemType::Country, &["CA", "Canada"])]).unwrap_err();
    let ListError::InvalidItem { alias, index, error } = &e else { panic!("{e:?}") };
    assert_eq!((alias.as_str(), *index), ("countries", 1));
    assert!(matches!(**error, ListError::InvalidValue { item_type: ItemType::Country, .. }));
    let long = "x".repeat(801);
    let e = ListSet::new(vec![list("s", ItemType::String, &[&long])]).unwrap_err();
    assert!(matches!(e, ListError::InvalidItem { ref error, .. } if matches!(**error, ListError::ValueTooLong { .. })));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn any_item_type() -> impl Strategy<Value = ItemType> {
        (0..12usize).prop_map(|i| ItemType::ALL[i])
    }

    fn raw_value() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{1,30}",
            "[ ]?[A-Za-z0-9._+]{1,10}@[A-Za-z0-9.-]{1,10}[ ]?",
            "[A-Za-z]{2}",
            "[0-9]{6,8}",
            any::<core::net::Ipv4Addr>().prop_map(|a| a.to_string()),
            any::<core::net::Ipv6Addr>().prop_map(|a| a.to_string()),
            (any::<core::net::Ipv4Addr>(), 0u8..=32).prop_map(|(a, l)| format!("{a}/{l}")),
            (any::<core::net::Ipv6Addr>(), 0u8..=128).prop_map(|(a, l)| format!("{a}/{l}")),
            "acct_[A-Za-z0-9]{1,16}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn a_normalised_member_is_always_found(ty in any_item_type(), raw in raw_value(), now in any::<i64>()) {
            if let Ok(canonical) = ty.normalize(&raw) {
                let set = ListSet::new(vec![list("l", ty, &[&raw])]).unwrap();
                prop_assert!(set.contains(ListId(0), &s(&canonical), now));
                prop_assert!(set.contains(ListId(0), &s(&raw), now));
            }
        }

        #[test]
        fn emails_match_in_any_case(local in "[A-Za-z0-9.+]{1,12}", domain in "[A-Za-z0-9.-]{1,12}") {
            let email = format!("{local}@{domain}");
            let set = ListSet::new(vec![list("l", ItemType::Email, &[&email.to_lowercase()])]).unwrap();
            prop_assert!(set.contains(ListId(0), &s(&email.to_uppercase()), 0));
            prop_assert!(set.contains(ListId(0), &s(&email), 0));
        }

        #[test]
        fn countries_match_in_any_case(code in "[A-Za-z]{2}") {
            let set = ListSet::new(vec![list("l", ItemType::Country, &[&code])]).unwrap();
            prop_assert!(set.contains(ListId(0), &s(&code.to_ascii_lowercase()), 0));
            prop_assert!(set.contains(ListId(0), &s(&code.to_ascii_uppercase()), 0));
        }

        #[test]
        fn ipv4_ranges_match_by_prefix(net in any::<u32>(), len in 0u8..=32, probe in any::<u32>()) {
            let range = format!("{}/{len}", core::net::Ipv4Addr::from(net));
            let set = ListSet::new(vec![list("l", ItemType::IpAddress, &[&range])]).unwrap();
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            let addr = core::net::Ipv4Addr::from(probe).to_string();
            prop_assert_eq!(set.contains(ListId(0), &s(&addr), 0), probe & mask == net & mask);
        }

        #[test]
        fn ipv6_ranges_match_by_prefix(net in any::<u128>(), len in 0u8..=128, probe in any::<u128>(), keep in 0u32..=128) {
            // Share a random number of leading bits so that matches are common.
            let keep_mask = u128::MAX.checked_shl(128 - keep).unwrap_or(0);
            let probe = (net & keep_mask) | (probe & !keep_mask);
            let range = format!("{}/{len}", core::net::Ipv6Addr::from(net));
            let set = ListSet::new(vec![list("l", ItemType::IpAddress, &[&range])]).unwrap();
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            let addr = core::net::Ipv6Addr::from(probe).to_string();
            prop_assert_eq!(set.contains(ListId(0), &s(&addr), 0), probe & mask == net & mask);
        }
    }
}
