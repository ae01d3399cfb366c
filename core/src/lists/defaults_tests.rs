use super::*;
use crate::lists::ListSet;

#[test]
fn eighteen_empty_lists_with_fixed_ids() {
    let lists = default_lists();
    assert_eq!(lists.len(), 18);
    assert!(lists.iter().all(|l| l.items.is_empty()));
    assert_eq!(lists[0].alias, "default_allow_card_bin");
    assert_eq!(lists[1].alias, "default_block_card_bin");
    let email = lists.iter().find(|l| l.alias == "default_block_email").unwrap();
    assert_eq!(email.id, "rsl_default_block_email");
    assert_eq!(email.item_type, ItemType::Email);
    assert_eq!(email.name, "Default block list (email)");
    assert_eq!(default_lists(), lists);
    let set = ListSet::new(lists).unwrap();
    assert_eq!(set.len(), 18);
}

#[test]
fn categories_match_radar() {
    let got: Vec<_> = DEFAULT_CATEGORIES.iter().map(|c| (c.category, c.attribute, c.item_type)).collect();
    assert_eq!(
        got,
        [
            ("card_bin", "card_bin", ItemType::CardBin),
            ("card_country", "card_country", ItemType::Country),
            ("card_fingerprint", "card_fingerprint", ItemType::CardFingerprint),
            ("charge_description", "charge_description", ItemType::String),
            ("client_ip_country", "ip_country", ItemType::Country),
            ("client_ip_address", "ip_address", ItemType::IpAddress),
            ("customer_id", "customer", ItemType::CustomerId),
            ("email", "email", ItemType::Email),
            ("email_domain", "email_domain", ItemType::String),
        ]
    );
}

#[test]
fn category_attributes_are_in_the_catalogue() {
    let catalogue = crate::attributes::Catalogue::standard();
    for c in DEFAULT_CATEGORIES {
        assert!(catalogue.get(c.attribute).is_some(), "{}", c.attribute);
    }
}

#[test]
fn aliases() {
    assert_eq!(default_alias("email", DefaultKind::Block), "default_block_email");
    assert_eq!(default_alias("card_bin", DefaultKind::Allow), "default_allow_card_bin");
    assert_eq!(default_id("email", DefaultKind::Allow), "rsl_default_allow_email");
    let (c, k) = parse_default_alias("default_allow_client_ip_address").unwrap();
    assert_eq!((c.attribute, k), ("ip_address", DefaultKind::Allow));
    for not_default in ["default_block_", "default_block_nope", "default_email", "block_email", "default_allowemail"] {
        assert!(parse_default_alias(not_default).is_none(), "{not_default}");
    }
    for l in default_lists() {
        assert!(parse_default_alias(&l.alias).is_some());
        assert_eq!(crate::lists::validate_alias(&l.alias), Ok(()));
    }
}

#[test]
fn with_defaults_keeps_user_lists_and_items() {
    let mine = ValueList::new("rsl_mine", "default_block_email", "Mine", ItemType::Email)
        .with_items([ListItem::new("fraud@example.com")]);
    let other = ValueList::new("rsl_other", "vip", "VIPs", ItemType::CustomerId);
    let all = with_defaults(vec![mine.clone(), other.clone()]);
    assert_eq!(all.len(), 19);
    assert_eq!(all[0], mine);
    assert_eq!(all[1], other);
    assert_eq!(all.iter().filter(|l| l.alias == "default_block_email").count(), 1);
    assert_eq!(with_defaults(all.clone()), all);
    assert!(ListSet::new(all).is_ok());
    assert_eq!(with_defaults(Vec::new()), default_lists());
}

#[test]
fn feedback() {
    let now = 1_700_000_000;
    assert_eq!(
        feedback_items(DefaultKind::Block, Some("Xt5EWLLDS7FJjR1c"), Some("Fraud@Example.com"), now),
        [
            ("default_block_card_fingerprint".to_owned(), ListItem::new("Xt5EWLLDS7FJjR1c")),
            ("default_block_email".to_owned(), ListItem::new("fraud@example.com")),
        ]
    );
    let expiry = now + 30 * 86_400;
    assert_eq!(
        feedback_items(DefaultKind::Allow, Some("fp"), Some("ok@example.com"), now),
        [
            ("default_allow_card_fingerprint".to_owned(), ListItem::expiring("fp", expiry)),
            ("default_allow_email".to_owned(), ListItem::expiring("ok@example.com", expiry)),
        ]
    );
    assert_eq!(feedback_items(DefaultKind::Block, None, Some("not an email"), now), []);
    assert_eq!(feedback_items(DefaultKind::Allow, Some("fp"), None, i64::MAX)[0].1.expires_at, Some(i64::MAX));
}
