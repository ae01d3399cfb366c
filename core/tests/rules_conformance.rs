//! Conformance of the rules engine with Radar's documented rules semantics
//! (shared/reference/stripe-radar-facts.md §3): operators per type, case rules, missing values, metadata,
//! lists, action order, and the documented invalid examples.

use std::collections::BTreeMap;

use ward_core::Value;
use ward_core::attributes::{Catalogue, Facts, Frame};
use ward_core::lists::{ItemType, ListSet};
use ward_core::rules::{Action, Diagnostic, RuleSet, Severity, Tri, check, codes, parse_rules_file};

/// The only place list sets are built (re-point this when the list constructor changes).
fn lists() -> ListSet {
    let l = |alias: &str, ty: ItemType, items: &[&str]| {
        (alias.to_owned(), ty, items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    };
    ListSet::from_simple(vec![
        l("blocked_emails", ItemType::Email, &["fraud@example.com"]),
        l("blocked_cards", ItemType::CardFingerprint, &["AbC123xyz"]),
        l("blocked_countries", ItemType::Country, &["ng", "RU"]),
        l("vip_customers", ItemType::CustomerId, &["cus_VIP1"]),
        l("bad_ips", ItemType::IpAddress, &["10.0.0.1"]),
        l("bad_bins", ItemType::CardBin, &["424242"]),
        l("order_flags", ItemType::String, &["rush"]),
        l("exact_tags", ItemType::CaseSensitiveString, &["Gold"]),
    ])
    .expect("valid test lists")
}

struct Pay {
    cat: Catalogue,
    frame: Frame,
    meta: [BTreeMap<String, String>; 3],
}

impl Pay {
    fn new() -> Self {
        let cat = Catalogue::standard();
        let frame = Frame::new(cat.len());
        Pay { cat, frame, meta: Default::default() }
    }

    fn with(mut self, name: &str, v: impl Into<Value>) -> Self {
        self.frame.set(self.cat.lookup(name).unwrap(), Some(v.into()));
        self
    }

    fn meta(mut self, scope: usize, k: &str, v: &str) -> Self {
        self.meta[scope].insert(k.into(), v.into());
        self
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            frame: &self.frame,
            payment_metadata: &self.meta[0],
            customer_metadata: &self.meta[1],
            destination_metadata: &self.meta[2],
            now: 1_700_000_000,
        }
    }
}

/// Whether `Block if {cond}` fires on the payment.
fn fires(cond: &str, p: &Pay) -> bool {
    let l = lists();
    let c = RuleSet::compile(&format!("Block if {cond}"), &p.cat, &l).unwrap_or_else(|e| panic!("{cond}: {e:?}"));
    c.rules.evaluate(&p.facts(), &l).decided == Some(0)
}

fn truth(cond: &str, p: &Pay) -> Tri {
    let l = lists();
    let c = RuleSet::compile(&format!("Block if {cond}"), &p.cat, &l).unwrap_or_else(|e| panic!("{cond}: {e:?}"));
    c.rules.evaluate_rule(0, &p.facts(), &l).unwrap()
}

fn errors(text: &str) -> Vec<Diagnostic> {
    let cat = Catalogue::standard();
    RuleSet::compile(text, &cat, &lists()).err().unwrap_or_default()
}

fn first_error(cond: &str) -> &'static str {
    errors(&format!("Block if {cond}")).first().map_or("none", |d| d.code)
}

fn table(p: &Pay, cases: &[(&str, bool)]) {
    for (cond, want) in cases {
        assert_eq!(fires(cond, p), *want, "{cond}");
    }
}

// ---------------------------------------------------------------- operators on every type

#[test]
fn numeric_operators() {
    let p = Pay::new().with("amount_in_usd", 100.0).with("card_count_for_email_daily", 3.0);
    table(
        &p,
        &[
            (":amount_in_usd: = 100", true),
            (":amount_in_usd: = 100.00", true),
            (":amount_in_usd: != 100", false),
            (":amount_in_usd: < 100.01", true),
            (":amount_in_usd: > 99.99", true),
            (":amount_in_usd: <= 100", true),
            (":amount_in_usd: >= 100.5", false),
            (":amount_in_usd: > -1", true),
            (":amount_in_usd: IN (1, 100)", true),
            (":amount_in_usd: IN (1, 2)", false),
            (":card_count_for_email_daily: = 3", true),
            (":card_count_for_email_daily: != 3", false),
            (":card_count_for_email_daily: < 4", true),
            (":card_count_for_email_daily: > 2", true),
            (":card_count_for_email_daily: <= 2", false),
            (":card_count_for_email_daily: >= 3", true),
            (":card_count_for_email_daily: IN (3)", true),
        ],
    );
    assert_eq!(first_error(":amount_in_usd: INCLUDES '1'"), codes::OPERATOR_TYPE);
    assert_eq!(first_error(":amount_in_usd: LIKE '1%'"), codes::OPERATOR_TYPE);
    assert_eq!(first_error(":card_count_for_email_daily: LIKE '1%'"), codes::OPERATOR_TYPE);
}

#[test]
fn case_insensitive_string_operators() {
    let p = Pay::new().with("email", "Fraud@Example.COM").with("risk_level", "Elevated");
    table(
        &p,
        &[
            (":email: = 'fraud@example.com'", true),
            (":email: != 'FRAUD@EXAMPLE.COM'", false),
            (":email: != 'other@example.com'", true),
            (":email: IN ('a@b.c', 'FRAUD@example.com')", true),
            (":email: INCLUDES 'example'", true),
            (":email: INCLUDES 'nope'", false),
            (":email: LIKE '%@EXAMPLE.com'", true),
            (":email: LIKE 'fraud%'", true),
            (":email: LIKE 'example%'", false),
            (":risk_level: = 'elevated'", true),
        ],
    );
    assert_eq!(first_error(":email: < 'x'"), codes::OPERATOR_TYPE);
    assert_eq!(first_error(":email: >= 'x'"), codes::OPERATOR_TYPE);
}

#[test]
fn case_sensitive_string_operators() {
    let p = Pay::new().with("card_fingerprint", "AbC123xyz").with("cvc_check", "fail");
    table(
        &p,
        &[
            (":card_fingerprint: = 'AbC123xyz'", true),
            (":card_fingerprint: = 'abc123xyz'", false),
            (":card_fingerprint: != 'abc123xyz'", true),
            (":card_fingerprint: IN ('abc123xyz')", false),
            (":card_fingerprint: IN ('AbC123xyz')", true),
            (":card_fingerprint: INCLUDES 'C12'", true),
            (":card_fingerprint: INCLUDES 'c12'", false),
            (":card_fingerprint: LIKE 'AbC%'", true),
            (":card_fingerprint: LIKE 'abc%'", false),
            (":cvc_check: = 'fail'", true),
        ],
    );
    // Enumerated case-sensitive attribute: the wrong case is a value it never takes.
    assert_eq!(first_error(":cvc_check: = 'FAIL'"), codes::UNKNOWN_ENUM_VALUE);
}

#[test]
fn country_and_state_operators() {
    let p = Pay::new().with("card_country", "us").with("billing_address_state", "ca");
    table(
        &p,
        &[
            (":card_country: = 'US'", true),
            (":card_country: != 'US'", false),
            (":card_country: != 'CA'", true),
            (":card_country: IN ('CA', 'US')", true),
            (":card_country: IN ('CA', 'DE')", false),
            (":card_country: INCLUDES 'S'", true),
            (":card_country: LIKE 'U%'", true),
            (":billing_address_state: = 'CA'", true),
            (":billing_address_state: != 'ny'", true),
            (":billing_address_state: IN ('NY', 'Ca')", true),
            (":billing_address_state: INCLUDES 'A'", true),
            (":billing_address_state: LIKE '%a'", true),
        ],
    );
    assert_eq!(first_error(":card_country: > 'US'"), codes::OPERATOR_TYPE);
    assert_eq!(first_error(":card_country: IN ('US', 'USA')"), codes::INVALID_COUNTRY);
}

#[test]
fn boolean_attributes() {
    let p = Pay::new().with("is_anonymous_ip", true).with("is_3d_secure", false);
    table(
        &p,
        &[
            (":is_anonymous_ip:", true),
            ("NOT :is_anonymous_ip:", false),
            ("!:is_anonymous_ip:", false),
            (":is_3d_secure:", false),
            ("not :is_3d_secure:", true),
            ("!(:is_3d_secure: OR :is_anonymous_ip:)", false),
        ],
    );
    assert_eq!(first_error(":is_anonymous_ip: = 'true'"), codes::BOOLEAN_USE);
    assert_eq!(first_error(":is_anonymous_ip: = true"), codes::BOOLEAN_USE);
    assert_eq!(first_error(":is_anonymous_ip: != 'false'"), codes::BOOLEAN_USE);
    assert_eq!(first_error(":card_country:"), codes::BOOLEAN_USE);
}

#[test]
fn metadata_strings_are_case_sensitive() {
    let p = Pay::new().meta(0, "Order Id", "AB-1").meta(1, "tier", "Gold").meta(2, "segment", "Risky Sellers");
    table(
        &p,
        &[
            ("::Order Id:: = 'AB-1'", true),
            ("::Order Id:: = 'ab-1'", false),
            ("::Order Id:: != 'ab-1'", true),
            ("::Order Id:: IN ('x', 'AB-1')", true),
            ("::Order Id:: INCLUDES 'B-'", true),
            ("::Order Id:: INCLUDES 'b-'", false),
            ("::Order Id:: LIKE 'AB%'", true),
            ("::Order Id:: LIKE 'ab%'", false),
            ("::order id:: = 'AB-1'", false),
            ("::customer:tier:: = 'Gold'", true),
            ("::customer:tier:: = 'gold'", false),
            ("::destination:segment:: LIKE 'Risky%'", true),
            ("::tier:: = 'Gold'", false),
        ],
    );
}

#[test]
fn metadata_compared_with_numbers() {
    let p = Pay::new().meta(0, "amount", "100").meta(0, "note", "abc").with("amount_in_usd", 150.0);
    table(
        &p,
        &[
            ("::amount:: > 99", true),
            ("::amount:: = 100.0", true),
            ("::amount:: = '100'", true),
            ("::amount:: = '100.0'", false),
            ("::amount:: IN (5, 100)", true),
            ("::amount:: < :amount_in_usd:", true),
            ("::note:: > 5", false),
            ("::note:: != 5", false),
            ("NOT ::note:: = 5", false),
        ],
    );
    assert_eq!(truth("::note:: < 5", &p), Tri::Unknown);
    assert_eq!(first_error("::amount:: < 'x'"), codes::OPERATOR_TYPE);
}

#[test]
fn attribute_to_attribute_comparisons() {
    let p = Pay::new().with("card_country", "US").with("ip_country", "us").with("billing_address_country", "CA");
    table(
        &p,
        &[
            (":card_country: != :ip_country:", false),
            (":card_country: = :ip_country:", true),
            (":card_country: != :billing_address_country:", true),
            (":card_country: != :shipping_address_country:", false),
            ("NOT :card_country: = :shipping_address_country:", false),
        ],
    );
    assert_eq!(first_error(":card_country: = :amount_in_usd:"), codes::VALUE_TYPE);
}

// ---------------------------------------------------------------- missing values

#[test]
fn any_comparison_with_a_missing_value_is_false() {
    let p = Pay::new().with("amount_in_usd", 5.0);
    table(
        &p,
        &[
            (":email: = 'x@y.z'", false),
            (":email: != 'x@y.z'", false),
            ("NOT :email: = 'x@y.z'", false),
            ("NOT (:email: = 'x@y.z')", false),
            (":email: IN ('a', 'b')", false),
            ("NOT :email: IN ('a', 'b')", false),
            (":email: IN @blocked_emails", false),
            ("NOT :email: IN @blocked_emails", false),
            (":email: INCLUDES 'x'", false),
            (":email: LIKE '%'", false),
            (":risk_score: < 101", false),
            (":risk_score: >= 0", false),
            (":is_anonymous_ip:", false),
            ("NOT :is_anonymous_ip:", false),
            ("::missing:: = 'x'", false),
            ("::missing:: != 'x'", false),
            (":card_country: != :ip_country:", false),
            ("is_missing(:email:)", true),
            ("is_missing(::missing::)", true),
            ("NOT is_missing(:email:)", false),
            ("is_missing(:amount_in_usd:)", false),
            ("is_missing(:email:) AND :amount_in_usd: < 10", true),
            ("is_missing(:email:) OR :email: = 'x'", true),
        ],
    );
}

#[test]
fn unknown_combines_by_three_valued_logic() {
    let p = Pay::new().with("amount_in_usd", 5.0);
    assert_eq!(truth(":email: = 'x'", &p), Tri::Unknown);
    // Unknown OR True = True.
    assert!(fires(":email: = 'x' OR :amount_in_usd: = 5", &p));
    // Unknown OR False = Unknown: no fire.
    assert_eq!(truth(":email: = 'x' OR :amount_in_usd: = 6", &p), Tri::Unknown);
    // Unknown AND False = False, so its negation is True and fires.
    assert_eq!(truth(":email: = 'x' AND :amount_in_usd: = 6", &p), Tri::False);
    assert!(fires("NOT (:email: = 'x' AND :amount_in_usd: = 6)", &p));
    // Unknown AND True = Unknown, and NOT Unknown = Unknown.
    assert_eq!(truth("NOT (:email: = 'x' AND :amount_in_usd: = 5)", &p), Tri::Unknown);
    // Excluded middle does not hold for missing values.
    assert!(!fires(":email: = 'x' OR NOT :email: = 'x'", &p));
}

// ---------------------------------------------------------------- lists

#[test]
fn value_lists_of_several_item_types() {
    let p = Pay::new()
        .with("email", "FRAUD@example.com")
        .with("card_fingerprint", "AbC123xyz")
        .with("card_country", "NG")
        .with("customer", "cus_VIP1")
        .with("ip_address", "10.0.0.1")
        .with("card_bin", "424242")
        .meta(0, "flag", "RUSH")
        .meta(0, "tag", "gold");
    table(
        &p,
        &[
            (":email: IN @blocked_emails", true),
            ("NOT :email: IN @blocked_emails", false),
            (":card_fingerprint: IN @blocked_cards", true),
            (":card_country: IN @blocked_countries", true),
            (":ip_country: IN @blocked_countries", false),
            (":customer: IN @vip_customers", true),
            (":ip_address: IN @bad_ips", true),
            (":card_bin: IN @bad_bins", true),
            ("::flag:: IN @order_flags", true),
            ("::tag:: IN @exact_tags", false),
        ],
    );
    let p2 = Pay::new().with("card_fingerprint", "abc123XYZ");
    assert!(!fires(":card_fingerprint: IN @blocked_cards", &p2));
    assert!(fires("NOT :card_fingerprint: IN @blocked_cards", &p2));
}

#[test]
fn list_errors_and_warnings() {
    assert_eq!(first_error(":email: IN @no_such_list"), codes::UNKNOWN_LIST);
    assert_eq!(first_error(":email: = @blocked_emails"), codes::LIST_POSITION);
    assert_eq!(first_error("@blocked_emails IN :email:"), codes::LIST_POSITION);
    let cat = Catalogue::standard();
    let c = RuleSet::compile("Block if :email: IN @blocked_countries", &cat, &lists()).unwrap();
    assert_eq!(c.warnings.len(), 1);
    assert_eq!((c.warnings[0].code, c.warnings[0].severity), (codes::LIST_ITEM_TYPE, Severity::Warning));
    let set = RuleSet::compile(
        "Block if :email: IN @blocked_emails\nReview if :card_country: IN @blocked_countries OR :email: IN @blocked_emails",
        &cat,
        &lists(),
    )
    .unwrap()
    .rules;
    assert_eq!(set.list_aliases().collect::<Vec<_>>(), ["blocked_countries", "blocked_emails"]);
}

#[test]
fn inline_lists() {
    let p = Pay::new().with("card_country", "de").with("risk_score", 70.0).with("card_brand", "visa");
    table(
        &p,
        &[
            (":card_country: IN ('CA', 'DE')", true),
            (":card_country: in ('ca','fr')", false),
            (":risk_score: IN (65, 70, 75)", true),
            (":risk_score: IN (65.5)", false),
            (":card_brand: IN ('amex', 'VISA')", true),
        ],
    );
    assert_eq!(first_error(":card_country: IN ('CA', 1)"), codes::VALUE_TYPE);
    assert_eq!(first_error(":card_brand: IN ('visa', 'mastercard')"), codes::UNKNOWN_ENUM_VALUE);
}

// ---------------------------------------------------------------- grammar

#[test]
fn keywords_any_case_and_symbolic_operators() {
    let p = Pay::new().with("amount_in_usd", 10.0).with("is_anonymous_ip", true).with("card_country", "US");
    table(
        &p,
        &[
            (":amount_in_usd: > 5 and :is_anonymous_ip:", true),
            (":amount_in_usd: > 5 && :is_anonymous_ip:", true),
            (":amount_in_usd: > 50 Or :is_anonymous_ip:", true),
            (":amount_in_usd: > 50 || :is_anonymous_ip:", true),
            (":card_country: iN ('us') AnD NoT :amount_in_usd: > 50", true),
            (":card_country: includes 'u' AND :card_country: like 'u%'", true),
            // NOT > AND > OR: false OR ((NOT true) AND true) = false.
            (":amount_in_usd: > 50 OR NOT :is_anonymous_ip: AND :amount_in_usd: > 5", false),
            ("(:amount_in_usd: > 50 OR NOT :is_anonymous_ip:) AND :amount_in_usd: > 5", false),
            ("NOT (:amount_in_usd: > 50 OR NOT :is_anonymous_ip:)", true),
        ],
    );
    let cat = Catalogue::standard();
    for text in ["allow if :is_anonymous_ip:", "BLOCK IF :is_anonymous_ip:", "request 3d secure if :is_anonymous_ip:"] {
        assert!(RuleSet::compile(text, &cat, &lists()).is_ok(), "{text}");
    }
}

#[test]
fn string_escapes() {
    let p = Pay::new().with("cardholder_name", "O'Brien");
    assert!(fires(":cardholder_name: = 'o\\'brien'", &p));
    assert!(fires(":cardholder_name: INCLUDES '\\''", &p));
}

// ---------------------------------------------------------------- action order

#[test]
fn three_d_secure_does_not_stop_and_allow_beats_block_beats_review() {
    let text = "\
review_all: Review if :amount_in_usd: > 0
block_big: Block if :amount_in_usd: > 100
tds_big: Request 3D Secure if :amount_in_usd: > 50
allow_vip: Allow if ::vip:: = 'yes'
tds_any: Request 3D Secure if :amount_in_usd: > 0";
    let cat = Catalogue::standard();
    let l = lists();
    let set = RuleSet::compile(text, &cat, &l).unwrap().rules;
    let run = |p: &Pay| {
        let d = set.evaluate(&p.facts(), &l);
        let tds: Vec<&str> = d.three_d_secure.iter().map(|&i| set.rules()[i].id.as_str()).collect();
        (tds, d.decided.map(|i| set.rules()[i].id.as_str()), d.action(&set))
    };
    let p = Pay::new().with("amount_in_usd", 500.0).meta(0, "vip", "yes");
    assert_eq!(run(&p), (vec!["tds_big", "tds_any"], Some("allow_vip"), Some(Action::Allow)));
    let p = Pay::new().with("amount_in_usd", 500.0);
    assert_eq!(run(&p), (vec!["tds_big", "tds_any"], Some("block_big"), Some(Action::Block)));
    let p = Pay::new().with("amount_in_usd", 20.0);
    assert_eq!(run(&p), (vec!["tds_any"], Some("review_all"), Some(Action::Review)));
    assert_eq!(run(&Pay::new()), (vec![], None, None));
}

#[test]
fn post_authorization_rules_run_after_the_others_of_their_action() {
    let text = "\
cvc: Block if :cvc_check: = 'fail'
zip: Block if :address_zip_check: = 'fail'
big: Block if :amount_in_usd: > 100
line1: Review if :address_line1_check: = 'fail'
risky: Review if :risk_level: = 'elevated'";
    let cat = Catalogue::standard();
    let l = lists();
    let set = RuleSet::compile(text, &cat, &l).unwrap().rules;
    let order: Vec<&str> = set.evaluation_order().map(|i| set.rules()[i].id.as_str()).collect();
    assert_eq!(order, ["big", "cvc", "zip", "risky", "line1"]);
    let p = Pay::new().with("cvc_check", "fail").with("amount_in_usd", 500.0);
    assert_eq!(set.evaluate(&p.facts(), &l).decided.map(|i| set.rules()[i].id.as_str()), Some("big"));
    let p = Pay::new().with("cvc_check", "fail").with("amount_in_usd", 5.0);
    assert_eq!(set.evaluate(&p.facts(), &l).decided.map(|i| set.rules()[i].id.as_str()), Some("cvc"));
    let p = Pay::new().with("address_line1_check", "fail").with("risk_level", "elevated");
    assert_eq!(set.evaluate(&p.facts(), &l).decided.map(|i| set.rules()[i].id.as_str()), Some("risky"));
    assert!(set.rules()[0].post_auth && !set.rules()[2].post_auth);
}

// ---------------------------------------------------------------- rules file and diagnostics

#[test]
fn documented_invalid_examples_are_located() {
    let text = "\
# Radar's invalid examples, one per line
a: Block if :risk_level: < 'highest'
Block if :ip_country: = 'Canada'
  Review if :amount_in_usd: >= 'one thousand'
Block if :is_anonymous_ip: = 'true'";
    let e = errors(text);
    let got: Vec<_> = e.iter().map(|d| (d.code, d.line, d.column, d.length, d.severity)).collect();
    assert_eq!(
        got,
        [
            (codes::OPERATOR_TYPE, 2, 26, 1, Severity::Error),
            (codes::INVALID_COUNTRY, 3, 25, 8, Severity::Error),
            (codes::VALUE_TYPE, 4, 32, 14, Severity::Error),
            (codes::BOOLEAN_USE, 5, 10, 26, Severity::Error),
        ]
    );
    assert_eq!(e[0].rule_id.as_deref(), Some("a"));
    assert_eq!(
        e[2].render(text),
        "error[value_type]: `:amount_in_usd:` is numeric, but 'one thousand' is a string\n \
         --> line 4, column 32\n  \
         |\n\
         4 |   Review if :amount_in_usd: >= 'one thousand'\n  \
         |                                ^^^^^^^^^^^^^^\n  \
         = help: write a number, like 1000 or 99.5\n"
    );
}

#[test]
fn unknown_attribute_suggests_the_nearest_name() {
    let e = errors("Block if :amount_in_usdd: > 5");
    assert_eq!((e[0].code, e[0].line, e[0].column, e[0].length), (codes::UNKNOWN_ATTRIBUTE, 1, 10, 16));
    assert_eq!(e[0].help.as_deref(), Some("did you mean `:amount_in_usd:`?"));
}

#[test]
fn syntax_errors_are_located() {
    let cases = [
        ("Block if :amount_in_usd: >", codes::SYNTAX, 27),
        ("Block if (:is_3d_secure:", codes::SYNTAX, 25),
        ("Block if :email: = 'open", codes::UNTERMINATED_STRING, 20),
        ("Deny if :is_3d_secure:", codes::UNKNOWN_ACTION, 1),
        ("Block :is_3d_secure:", codes::SYNTAX, 7),
        ("Block if :email: == 'x'", codes::SYNTAX, 18),
    ];
    for (text, code, column) in cases {
        let e = errors(text);
        assert_eq!((e[0].code, e[0].line, e[0].column), (code, 1, column), "{text}");
    }
}

#[test]
fn rule_ids_predicates_and_limits() {
    let rules =
        parse_rules_file("\n# c\nhigh: Block if :risk_level: = 'highest'\nReview if :risk_level: = 'elevated'  \n")
            .unwrap();
    assert_eq!(rules[0].id, "high");
    assert_eq!(rules[0].predicate, "Block if :risk_level: = 'highest'");
    assert_eq!(rules[0].line, 3);
    assert_eq!(rules[1].predicate, "Review if :risk_level: = 'elevated'");
    assert!(rules[1].id.starts_with("rule_") && rules[1].id.len() == 13);
    assert!(rules[1].id[5..].bytes().all(|b| b.is_ascii_hexdigit()));
    let again = parse_rules_file("Review if :risk_level: = 'elevated'").unwrap();
    assert_eq!(again[0].id, rules[1].id);
    let many: String = (0..201).map(|i| format!("Block if :amount_in_usd: > {i}\n")).collect();
    assert_eq!(errors(&many)[0].code, codes::TOO_MANY_RULES);
    assert_eq!(errors("x: Block if :is_3d_secure:\nx: Review if :is_3d_secure:")[0].code, codes::DUPLICATE_RULE_ID);
}

#[test]
fn lints_are_warnings_not_errors() {
    let cat = Catalogue::standard();
    let text = "\
Block if :amount_in_usd: > 100 AND :amount_in_usd: < 50
Block if :card_count_for_email_daily: > 25
Block if :is_anonymous_ip: AND NOT :is_anonymous_ip:
Block if :card_brand: LIKE 'master%'
Review if :email: = 'a@b.c'
Review if :email: = 'A@B.C'
Block if :amount_in_usd: > 1000
Allow if :amount_in_usd: > 500";
    let c = RuleSet::compile(text, &cat, &lists()).unwrap();
    let got: Vec<_> = c.warnings.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(
        got,
        [
            (codes::NEVER_FIRES, 1),
            (codes::NEVER_FIRES, 2),
            (codes::NEVER_FIRES, 3),
            (codes::NEVER_FIRES, 4),
            (codes::DUPLICATE_RULE, 6),
            (codes::SHADOWED_RULE, 7),
        ]
    );
    assert!(c.warnings.iter().all(|d| d.severity == Severity::Warning));
    assert_eq!(check(text, &cat, &lists()).len(), 6);
}

#[test]
fn manifest_lists_every_attribute_read() {
    let cat = Catalogue::standard();
    let text =
        "Block if :card_country: != :ip_country: AND is_missing(:email:)\nReview if ::k:: = 'v' OR :is_anonymous_ip:";
    let set = RuleSet::compile(text, &cat, &lists()).unwrap().rules;
    let mut want: Vec<_> =
        ["card_country", "ip_country", "email", "is_anonymous_ip"].iter().map(|n| cat.lookup(n).unwrap()).collect();
    want.sort();
    assert_eq!(set.attributes().collect::<Vec<_>>(), want);
}

#[test]
fn action_serialization() {
    assert_eq!(serde_json::to_string(&Action::RequestThreeDSecure).unwrap(), "\"request_three_d_secure\"");
    for a in [Action::RequestThreeDSecure, Action::Allow, Action::Block, Action::Review] {
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.as_str()));
    }
}
