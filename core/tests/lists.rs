//! The value-list API end to end: building a set from a bundle's lists, membership for every
//! item type, limits, and the default lists with fraud feedback.

use ward_core::Value;
use ward_core::lists::defaults::{self, DEFAULT_CATEGORIES, DefaultKind};
use ward_core::lists::{ItemType, ListError, ListId, ListItem, ListSet, MAX_ITEMS, ValueList};

const NOW: i64 = 1_700_000_000;

fn list(alias: &str, ty: ItemType, values: &[&str]) -> ValueList {
    ValueList::new(format!("rsl_{alias}"), alias, format!("List {alias}"), ty)
        .with_items(values.iter().map(|v| ListItem::new(*v)))
}

fn s(v: &str) -> Value {
    Value::from(v)
}

/// For each type: what the list holds, probes that match, probes that do not.
struct Case {
    ty: ItemType,
    items: &'static [&'static str],
    members: &'static [&'static str],
    strangers: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        ty: ItemType::CardBin,
        items: &["424242", "55555555"],
        members: &["424242", " 55555555 "],
        strangers: &["4242424", "555555", "42424x"],
    },
    Case {
        ty: ItemType::CardFingerprint,
        items: &["Xt5EWLLDS7FJjR1c"],
        members: &["Xt5EWLLDS7FJjR1c", " Xt5EWLLDS7FJjR1c"],
        strangers: &["xt5ewllds7fjjr1c", "Xt5EWLLDS7FJjR1"],
    },
    Case {
        ty: ItemType::CaseSensitiveString,
        items: &["Gift Card"],
        members: &["Gift Card", "Gift Card "],
        strangers: &["gift card", "GIFT CARD", "Gift  Card"],
    },
    Case { ty: ItemType::Country, items: &["ng", "RU"], members: &["NG", "ng", "ru", "Ru"], strangers: &["US", "NGA"] },
    Case {
        ty: ItemType::CryptoFingerprint,
        items: &["cfp_ABC123"],
        members: &["cfp_ABC123"],
        strangers: &["cfp_abc123", "cfp ABC123"],
    },
    Case {
        ty: ItemType::CustomerId,
        items: &["cus_NffrFeUfNV2Hib"],
        members: &["cus_NffrFeUfNV2Hib"],
        strangers: &["cus_nffrfeufnv2hib", "cus_other"],
    },
    Case {
        ty: ItemType::Email,
        items: &["Fraud@Example.com"],
        members: &["fraud@example.com", "FRAUD@EXAMPLE.COM", " fraud@Example.com"],
        strangers: &["fraud@example.org", "fraud", "fraud@@example.com"],
    },
    Case {
        ty: ItemType::IpAddress,
        items: &["203.0.113.7", "2001:DB8::1", "10.0.0.0/8", "2001:db8:abcd::/48"],
        members: &["203.0.113.7", "::ffff:203.0.113.7", "2001:db8:0:0::1", "10.20.30.40", "2001:db8:abcd:12::99"],
        strangers: &["203.0.113.8", "11.0.0.0", "2001:db8:abce::", "2001:db8::2", "999.0.0.1"],
    },
    Case {
        ty: ItemType::String,
        items: &["Gift Card", "ÉTÉ"],
        members: &["gift card", "GIFT CARD", "été", "Été"],
        strangers: &["gift cards", "ete"],
    },
    Case { ty: ItemType::SepaDebitFingerprint, items: &["sepaFP1"], members: &["sepaFP1"], strangers: &["sepafp1"] },
    Case { ty: ItemType::UsBankAccountFingerprint, items: &["usbFP1"], members: &["usbFP1"], strangers: &["USBFP1"] },
    Case {
        ty: ItemType::Account,
        items: &["acct_1032D82eZvKYlo2C"],
        members: &["acct_1032D82eZvKYlo2C"],
        strangers: &["acct_1032d82ezvkylo2c", "1032D82eZvKYlo2C"],
    },
];

#[test]
fn every_item_type_end_to_end() {
    assert_eq!(CASES.len(), ItemType::ALL.len());
    let lists = CASES.iter().map(|c| list(c.ty.as_str(), c.ty, c.items)).collect();
    let set = ListSet::new(lists).unwrap();
    for (i, c) in CASES.iter().enumerate() {
        let id = set.resolve(c.ty.as_str()).unwrap();
        assert_eq!(id, ListId(i as u32));
        assert_eq!(set.item_type(id), c.ty);
        assert_eq!(set.get(id).unwrap().item_type, c.ty);
        for m in c.members {
            assert!(set.contains(id, &s(m), NOW), "{} should contain {m:?}", c.ty);
        }
        for x in c.strangers {
            assert!(!set.contains(id, &s(x), NOW), "{} should not contain {x:?}", c.ty);
        }
        // A value of one type is no member of another type's list by accident.
        assert!(!set.contains(id, &Value::Bool(true), NOW));
    }
}

#[test]
fn lists_come_back_in_order_and_canonical() {
    let set = ListSet::new(vec![
        list("zeta", ItemType::IpAddress, &["2001:0DB8::0001", "::ffff:10.0.0.1", "10.9.8.7/8"]),
        list("alpha", ItemType::Email, &[" A@B.C "]),
    ])
    .unwrap();
    let aliases: Vec<_> = set.lists().iter().map(|l| l.alias.as_str()).collect();
    assert_eq!(aliases, ["zeta", "alpha"]);
    let ips: Vec<_> = set.lists()[0].items.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(ips, ["2001:db8::1", "10.0.0.1", "10.0.0.0/8"]);
    assert_eq!(set.lists()[1].items[0].value, "a@b.c");
}

#[test]
fn building_twice_gives_the_same_lists() {
    let lists = defaults::with_defaults(vec![list("ips", ItemType::IpAddress, &["10.0.0.0/8", "::1"])]);
    let a = ListSet::new(lists.clone()).unwrap();
    let b = ListSet::new(a.lists().to_vec()).unwrap();
    assert_eq!(a.lists(), b.lists());
    let bytes = postcard::to_allocvec(a.lists()).unwrap();
    let back: Vec<ValueList> = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back, a.lists());
}

#[test]
fn expired_items_do_not_match() {
    let mut l = list("temp", ItemType::IpAddress, &[]);
    l.items = vec![ListItem::expiring("192.0.2.1", NOW), ListItem::expiring("198.51.100.0/24", NOW + 1)];
    let set = ListSet::new(vec![l]).unwrap();
    let id = set.resolve("temp").unwrap();
    assert!(set.contains(id, &s("192.0.2.1"), NOW - 1));
    assert!(!set.contains(id, &s("192.0.2.1"), NOW));
    assert!(set.contains(id, &s("198.51.100.99"), NOW));
    assert!(!set.contains(id, &s("198.51.100.99"), NOW + 1));
}

#[test]
fn limits() {
    let mut l = list("big", ItemType::CardBin, &[]);
    l.items = (0..MAX_ITEMS).map(|i| ListItem::new(format!("{:06}", 100_000 + i))).collect();
    let set = ListSet::new(vec![l.clone()]).unwrap();
    assert!(set.contains(ListId(0), &s("149999"), NOW));
    l.items.push(ListItem::new("999999"));
    let err = ListSet::new(vec![l]).unwrap_err();
    assert_eq!(err, ListError::TooManyItems { alias: "big".into(), count: 50_001, limit: 50_000 });

    let long_value = "v".repeat(801);
    let err = ListSet::new(vec![list("s", ItemType::String, &[&long_value])]).unwrap_err();
    assert!(err.to_string().contains("800"), "{err}");
    assert!(ListSet::new(vec![list("s", ItemType::String, &[&"v".repeat(800)])]).is_ok());

    let err = ListSet::new(vec![list(&"a".repeat(101), ItemType::String, &[])]).unwrap_err();
    assert!(matches!(err, ListError::AliasTooLong { len: 101, .. }));
    let mut longest = list(&"a".repeat(100), ItemType::String, &[]);
    longest.name = "n".repeat(100);
    assert!(ListSet::new(vec![longest.clone()]).is_ok());
    longest.name.push('n');
    assert!(matches!(ListSet::new(vec![longest]).unwrap_err(), ListError::NameTooLong { len: 101, .. }));
}

#[test]
fn invalid_lists_are_refused_with_actionable_messages() {
    let dup = ListSet::new(vec![list("vip", ItemType::Email, &[]), list("vip", ItemType::CustomerId, &[])]);
    assert_eq!(dup.unwrap_err().to_string(), "list alias `vip` is used by more than one list; aliases must be unique");

    let bad = ListSet::new(vec![list("countries", ItemType::Country, &["CA", "Canada"])]).unwrap_err();
    assert_eq!(
        bad.to_string(),
        "list `@countries`, item 1: `Canada` is not a valid country value: expected a two-letter ISO 3166-1 alpha-2 \
         code such as `CA`"
    );

    let alias = ListSet::new(vec![list("block-list", ItemType::String, &[])]).unwrap_err();
    assert!(alias.to_string().contains("letters, digits and `_`"), "{alias}");
}

#[test]
fn unknown_lists_are_harmless() {
    let set = ListSet::empty();
    assert_eq!(set.resolve("anything"), None);
    assert_eq!(set.item_type(ListId(3)), ItemType::String);
    assert!(!set.contains(ListId(3), &s("x"), NOW));
    assert!(set.lists().is_empty());
    assert!(set.get(ListId(0)).is_none());
}

#[test]
fn default_lists_and_feedback() {
    let user = vec![list("vip_customers", ItemType::CustomerId, &["cus_1"])];
    let mut lists = defaults::with_defaults(user);
    assert_eq!(lists.len(), 19);

    // A refund as fraudulent, then a safe report on another card, as the engine would apply them.
    let mut feedback = defaults::feedback_items(DefaultKind::Block, Some("fpBAD"), Some("Thief@Example.com"), NOW);
    feedback.extend(defaults::feedback_items(DefaultKind::Allow, Some("fpGOOD"), None, NOW));
    for (alias, item) in feedback {
        lists.iter_mut().find(|l| l.alias == alias).unwrap().items.push(item);
    }
    let set = ListSet::new(lists).unwrap();

    let block = |cat: &str| set.resolve(&defaults::default_alias(cat, DefaultKind::Block)).unwrap();
    let allow = |cat: &str| set.resolve(&defaults::default_alias(cat, DefaultKind::Allow)).unwrap();
    assert!(set.contains(block("card_fingerprint"), &s("fpBAD"), NOW + 10 * 365 * 86_400));
    assert!(set.contains(block("email"), &s("thief@example.com"), NOW));
    assert!(!set.contains(allow("card_fingerprint"), &s("fpBAD"), NOW));
    assert!(set.contains(allow("card_fingerprint"), &s("fpGOOD"), NOW + 30 * 86_400 - 1));
    assert!(!set.contains(allow("card_fingerprint"), &s("fpGOOD"), NOW + 30 * 86_400));

    // Each category's lists take values of the attribute they are matched against.
    for c in DEFAULT_CATEGORIES {
        for kind in [DefaultKind::Allow, DefaultKind::Block] {
            let id = set.resolve(&defaults::default_alias(c.category, kind)).unwrap();
            assert_eq!(set.item_type(id), c.item_type, "{}", c.category);
            assert_eq!(set.get(id).unwrap().id, format!("rsl_default_{}_{}", kind.as_str(), c.category));
        }
    }
}
