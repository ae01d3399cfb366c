//! Tests across the rules modules: compiling and evaluating whole rule sets.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::*;
use crate::attributes::{Catalogue, Facts, Frame};
use crate::lists::{ItemType, ListSet};
use crate::value::Value;

mod lints;
mod props;

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(Catalogue::standard);

/// A payment built by hand.
pub(crate) struct Pay {
    pub cat: &'static Catalogue,
    pub frame: Frame,
    pub meta: BTreeMap<String, String>,
    pub customer: BTreeMap<String, String>,
    pub destination: BTreeMap<String, String>,
}

impl Pay {
    pub(crate) fn new() -> Self {
        let cat = &*CATALOGUE;
        let frame = Frame::new(cat.len());
        Pay { cat, frame, meta: BTreeMap::new(), customer: BTreeMap::new(), destination: BTreeMap::new() }
    }

    pub(crate) fn set(mut self, name: &str, v: impl Into<Value>) -> Self {
        let id = self.cat.lookup(name).unwrap_or_else(|| panic!("no attribute {name}"));
        self.frame.set(id, Some(v.into()));
        self
    }

    pub(crate) fn meta(mut self, k: &str, v: &str) -> Self {
        self.meta.insert(k.into(), v.into());
        self
    }

    pub(crate) fn facts(&self) -> Facts<'_> {
        Facts {
            frame: &self.frame,
            payment_metadata: &self.meta,
            customer_metadata: &self.customer,
            destination_metadata: &self.destination,
            now: 0,
        }
    }
}

pub(crate) fn lists() -> ListSet {
    ListSet::from_simple(vec![
        ("blocked_emails".into(), ItemType::Email, vec!["Bad@Example.com".into()]),
        ("fps".into(), ItemType::CardFingerprint, vec!["AbC123".into()]),
    ])
    .expect("valid test lists")
}

/// Compiles a single condition as `Block if …` and evaluates it.
pub(crate) fn truth(cond: &str, pay: &Pay) -> Tri {
    let l = lists();
    let set =
        RuleSet::compile(&format!("Block if {cond}"), pay.cat, &l).unwrap_or_else(|e| panic!("{cond}: {e:?}")).rules;
    set.evaluate_rule(0, &pay.facts(), &l).unwrap_or(Tri::Unknown)
}

#[test]
fn three_valued_connectives() {
    use Tri::*;
    assert_eq!(Unknown.negate(), Unknown);
    assert_eq!(Unknown.and(False), False);
    assert_eq!(Unknown.and(True), Unknown);
    assert_eq!(Unknown.or(True), True);
    assert_eq!(Unknown.or(False), Unknown);
}

#[test]
fn missing_values_are_unknown() {
    let p = Pay::new();
    assert_eq!(truth(":email: = 'a@b.c'", &p), Tri::Unknown);
    assert_eq!(truth(":email: != 'a@b.c'", &p), Tri::Unknown);
    assert_eq!(truth("NOT :email: = 'a@b.c'", &p), Tri::Unknown);
    assert_eq!(truth(":amount_in_usd: > 5 OR is_missing(:amount_in_usd:)", &p), Tri::True);
    assert_eq!(truth(":amount_in_usd: > 5 AND is_missing(:amount_in_usd:)", &p), Tri::Unknown);
    assert_eq!(truth("NOT is_missing(:email:)", &p), Tri::False);
    assert_eq!(truth(":is_anonymous_ip:", &p), Tri::Unknown);
}

#[test]
fn nan_and_wrong_types_count_as_missing() {
    let p = Pay::new().set("amount_in_usd", f64::NAN).set("email", 3.0).set("is_anonymous_ip", "yes");
    assert_eq!(truth(":amount_in_usd: != 1", &p), Tri::Unknown);
    assert_eq!(truth(":amount_in_usd: IN (1, 2)", &p), Tri::Unknown);
    assert_eq!(truth(":email: = 'x'", &p), Tri::Unknown);
    assert_eq!(truth(":is_anonymous_ip:", &p), Tri::Unknown);
}

#[test]
fn evaluates_every_atom_kind() {
    let p = Pay::new()
        .set("amount_in_usd", 150.0)
        .set("amount_in_eur", 140.0)
        .set("card_country", "us")
        .set("ip_country", "US")
        .set("email", "Bad@EXAMPLE.com")
        .set("card_fingerprint", "AbC123")
        .set("is_anonymous_ip", true)
        .meta("Order Total", "99.5")
        .meta("tier", "Gold");
    for (cond, want) in [
        (":amount_in_usd: > :amount_in_eur:", Tri::True),
        (":amount_in_usd: > ::Order Total::", Tri::True),
        (":amount_in_usd: IN (150, 1)", Tri::True),
        (":card_country: = :ip_country:", Tri::True),
        (":card_country: IN ('CA', 'US')", Tri::True),
        (":email: INCLUDES 'example'", Tri::True),
        (":email: LIKE 'bad@%.COM'", Tri::True),
        (":email: IN @blocked_emails", Tri::True),
        (":card_fingerprint: IN @fps", Tri::True),
        (":card_fingerprint: = 'abc123'", Tri::False),
        (":card_fingerprint: LIKE 'AbC%'", Tri::True),
        ("::tier:: = 'gold'", Tri::False),
        ("::tier:: = 'Gold'", Tri::True),
        ("::tier:: IN @blocked_emails", Tri::False),
        ("::tier:: > 5", Tri::Unknown),
        ("::Order Total:: >= 99.5", Tri::True),
        ("::Order Total:: IN (99.5)", Tri::True),
        ("::nope:: = 'x'", Tri::Unknown),
        ("is_missing(::nope::)", Tri::True),
        (":is_anonymous_ip: AND NOT :card_country: = 'CA'", Tri::True),
        (":email: = ::tier::", Tri::False),
    ] {
        assert_eq!(truth(cond, &p), want, "{cond}");
    }
}

#[test]
fn action_order_and_decision() {
    let text = "\
r3ds: Request 3D Secure if :amount_in_usd: > 10
r3ds2: Request 3D Secure if :amount_in_usd: > 20
rev: Review if :amount_in_usd: > 0
blk_cvc: Block if :cvc_check: = 'fail'
blk: Block if :amount_in_usd: > 100
alw: Allow if :email: = 'vip@example.com'";
    let p = Pay::new();
    let l = lists();
    let c = RuleSet::compile(text, p.cat, &l).unwrap();
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let set = c.rules;
    let ids: Vec<&str> = set.evaluation_order().map(|i| set.rules()[i].id.as_str()).collect();
    assert_eq!(ids, ["r3ds", "r3ds2", "alw", "blk", "blk_cvc", "rev"]);
    let run = |pay: &Pay| {
        let d = set.evaluate(&pay.facts(), &l);
        let three: Vec<&str> = d.three_d_secure.iter().map(|&i| set.rules()[i].id.as_str()).collect();
        (three.join(","), d.decided.map(|i| set.rules()[i].id.clone()).unwrap_or_default())
    };
    let p = Pay::new().set("amount_in_usd", 500.0).set("cvc_check", "fail");
    assert_eq!(run(&p), ("r3ds,r3ds2".into(), "blk".into()));
    let p = Pay::new().set("amount_in_usd", 50.0).set("cvc_check", "fail");
    assert_eq!(run(&p), ("r3ds,r3ds2".into(), "blk_cvc".into()));
    let p = Pay::new().set("amount_in_usd", 15.0).set("email", "VIP@example.com");
    assert_eq!(run(&p), ("r3ds".into(), "alw".into()));
    let p = Pay::new().set("amount_in_usd", 5.0);
    assert_eq!(run(&p), (String::new(), "rev".into()));
    assert_eq!(run(&Pay::new()), (String::new(), String::new()));
    let d = set.evaluate(&Pay::new().set("amount_in_usd", 5.0).facts(), &l);
    assert_eq!(d.action(&set), Some(Action::Review));
}

#[test]
fn manifest_attributes_and_lists() {
    let p = Pay::new();
    let l = lists();
    let text = "Block if :email: IN @blocked_emails OR :card_country: = 'US'\nReview if :email: = 'x' AND ::k:: = 'v'\nAllow if :card_fingerprint: IN @fps";
    let set = RuleSet::compile(text, p.cat, &l).unwrap().rules;
    let mut want: Vec<_> =
        ["email", "card_country", "card_fingerprint"].iter().map(|n| p.cat.lookup(n).unwrap()).collect();
    want.sort();
    assert_eq!(set.attributes().collect::<Vec<_>>(), want);
    assert_eq!(set.list_aliases().collect::<Vec<_>>(), ["blocked_emails", "fps"]);
    assert_eq!(set.rules()[1].predicate, "Review if :email: = 'x' AND ::k:: = 'v'");
}

#[test]
fn compile_errors_are_located_in_the_file() {
    let p = Pay::new();
    let l = lists();
    let text = "# comment\nok: Block if :amount_in_usd: > 1\n  bad: Review if :ip_country: = 'Canada'";
    let errs = RuleSet::compile(text, p.cat, &l).unwrap_err();
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!((e.code, e.line, e.column, e.length), (codes::INVALID_COUNTRY, 3, 33, 8));
    assert_eq!(e.rule_id.as_deref(), Some("bad"));
    assert_eq!(
        e.render(text),
        "error[invalid_country]: 'Canada' is not a two-letter country code\n \
         --> line 3, column 33\n  \
         |\n\
         3 |   bad: Review if :ip_country: = 'Canada'\n  \
         |                                 ^^^^^^^^\n  \
         = help: countries are ISO 3166-1 alpha-2 codes, like 'CA' or 'DE'\n"
    );
}

#[test]
fn check_reports_everything() {
    let p = Pay::new();
    let l = lists();
    let text = "Deny if :x:\nBlock if :amount_usd: > 1\nBlock if :amount_in_usd: > 100 AND :amount_in_usd: < 50";
    let d = check(text, p.cat, &l);
    let codes: Vec<_> = d.iter().map(|d| (d.code, d.line)).collect();
    assert_eq!(codes, [(codes::UNKNOWN_ACTION, 1), (codes::UNKNOWN_ATTRIBUTE, 2), (codes::NEVER_FIRES, 3)]);
    assert_eq!(d[1].help.as_deref(), Some("did you mean `:amount_in_usd:`?"));
}

#[test]
fn non_ascii_values_never_panic() {
    let p = Pay::new().set("email", "ÄÖÜ@bücher.DE").set("card_fingerprint", "ü").meta("k", "ß");
    assert_eq!(truth(":email: LIKE '%@BÜCHER.de'", &p), Tri::True);
    assert_eq!(truth(":email: INCLUDES 'öü@'", &p), Tri::True);
    assert_eq!(truth(":email: IN ('äöü@bücher.de')", &p), Tri::True);
    assert_eq!(truth(":email: = 'äöü@bücher.de'", &p), Tri::True);
    assert_eq!(truth(":card_fingerprint: LIKE '%'", &p), Tri::True);
    assert_eq!(truth("::k:: INCLUDES 'ß'", &p), Tri::True);
    assert_eq!(truth(":email: INCLUDES :card_fingerprint:", &p), Tri::True);
}
