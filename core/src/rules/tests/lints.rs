//! Lint tests.

use super::*;

fn warnings(text: &str) -> Vec<(&'static str, u32)> {
    let p = Pay::new();
    let l = lists();
    let c = RuleSet::compile(text, p.cat, &l).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    c.warnings.iter().map(|d| (d.code, d.line)).collect()
}

fn never(cond: &str) -> bool {
    warnings(&format!("Block if {cond}")).contains(&(codes::NEVER_FIRES, 1))
}

#[test]
fn contradictions() {
    for cond in [
        ":amount_in_usd: > 100 AND :amount_in_usd: < 50",
        ":amount_in_usd: >= 100 AND :amount_in_usd: < 100",
        ":amount_in_usd: = 1 AND :amount_in_usd: = 2",
        ":amount_in_usd: IN (1, 2) AND :amount_in_usd: > 5",
        ":amount_in_usd: = 3 AND :amount_in_usd: != 3",
        ":amount_in_usd: >= 3 AND :amount_in_usd: <= 3 AND :amount_in_usd: != 3",
        ":is_anonymous_ip: AND NOT :is_anonymous_ip:",
        ":email: INCLUDES 'x' AND NOT :email: INCLUDES 'x'",
        ":card_country: != :ip_country: AND NOT :card_country: != :ip_country:",
        "is_missing(:email:) AND :email: = 'a'",
        "is_missing(:email:) AND NOT is_missing(:email:)",
        ":card_count_for_email_daily: > 25",
        ":card_count_for_email_daily: < 0",
        ":card_country: = 'US' AND :card_country: = 'ca'",
        ":card_country: IN ('US', 'CA') AND NOT :card_country: IN ('ca', 'us')",
        ":card_brand: LIKE 'master%'",
        ":card_funding: INCLUDES 'z'",
        "(:amount_in_usd: > 100 OR :amount_in_usd: > 200) AND :amount_in_usd: < 50",
        "NOT (:amount_in_usd: <= 100 OR :amount_in_usd: >= 50)",
        "::n:: > 5 AND ::n:: < 1",
    ] {
        assert!(never(cond), "{cond}");
    }
}

#[test]
fn satisfiable_conditions_are_not_flagged() {
    for cond in [
        ":amount_in_usd: > 100 AND :amount_in_usd: < 150",
        ":amount_in_usd: >= 100 AND :amount_in_usd: <= 100",
        ":card_count_for_email_daily: >= 25",
        ":is_anonymous_ip: OR NOT :is_anonymous_ip:",
        ":email: != 'a' AND :email: != 'b'",
        "is_missing(:email:) OR :email: = 'a'",
        ":card_brand: LIKE 'v%'",
        "NOT :card_brand: LIKE 'v%'",
        "::n:: = 'x' AND ::n:: > 5",
        ":amount_in_usd: > :amount_in_eur: AND :amount_in_eur: > :amount_in_usd:",
    ] {
        assert!(!never(cond), "{cond}");
    }
}

#[test]
fn never_fires_points_at_the_condition() {
    let p = Pay::new();
    let l = lists();
    let text = "x: Review if :amount_in_usd: > 2 AND :amount_in_usd: < 1";
    let c = RuleSet::compile(text, p.cat, &l).unwrap();
    let w = &c.warnings[0];
    assert_eq!((w.code, w.line, w.column, w.length), (codes::NEVER_FIRES, 1, 14, 43));
    assert_eq!(w.help.as_deref(), Some("no value of `:amount_in_usd:` satisfies every comparison"));
    assert_eq!(
        w.render(text),
        "warning[never_fires]: this rule can never match\n \
         --> line 1, column 14\n  \
         |\n\
         1 | x: Review if :amount_in_usd: > 2 AND :amount_in_usd: < 1\n  \
         |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  \
         = help: no value of `:amount_in_usd:` satisfies every comparison\n"
    );
}

#[test]
fn duplicates() {
    assert_eq!(warnings("Block if :amount_in_usd: > 10\nBlock if :amount_in_usd:>10"), [(codes::DUPLICATE_RULE, 2)]);
    assert_eq!(warnings("Block if :amount_in_usd: > 1 OR :is_3d_secure:"), []);
    // Equivalent, written differently.
    assert_eq!(
        warnings("Review if :card_country: IN ('US')\nReview if :card_country: = 'us'"),
        [(codes::DUPLICATE_RULE, 2)]
    );
    assert_eq!(
        warnings("Review if :is_anonymous_ip: AND :email: = 'a'\nReview if :email: = 'A' AND :is_anonymous_ip:"),
        [(codes::DUPLICATE_RULE, 2)]
    );
    assert_eq!(
        warnings("Request 3D Secure if :amount_in_usd: > 10\nRequest 3D Secure if :amount_in_usd: > 10"),
        [(codes::DUPLICATE_RULE, 2)]
    );
    // A post-authorization rule runs after the others of its action, wherever it is written.
    assert_eq!(
        warnings("Block if :amount_in_usd: > 1 AND :cvc_check: = 'fail'\nBlock if :amount_in_usd: > 1"),
        [(codes::SHADOWED_RULE, 1)]
    );
}

#[test]
fn shadowing() {
    // Allow shadows block: identical and weaker conditions.
    assert_eq!(warnings("Block if :amount_in_usd: > 500\nAllow if :amount_in_usd: > 100"), [(codes::SHADOWED_RULE, 1)]);
    assert_eq!(
        warnings("Block if :card_country: = 'US' AND :is_anonymous_ip:\nAllow if :card_country: IN ('us', 'ca')"),
        [(codes::SHADOWED_RULE, 1)]
    );
    assert_eq!(warnings("Block if :email: LIKE '%.ru'\nAllow if :email: LIKE '%.ru'"), [(codes::SHADOWED_RULE, 1)]);
    assert_eq!(warnings("Block if :email: = 'x@y.ru'\nAllow if :email: LIKE '%.ru'"), [(codes::SHADOWED_RULE, 1)]);
    assert_eq!(
        warnings("Review if :amount_in_usd: > 500\nBlock if :amount_in_usd: >= 500"),
        [(codes::SHADOWED_RULE, 1)]
    );
    assert_eq!(warnings("Block if :amount_in_usd: > 100\nBlock if :amount_in_usd: > 500"), [(codes::SHADOWED_RULE, 2)]);
    assert_eq!(
        warnings(
            "Block if (:amount_in_usd: > 500 OR :is_anonymous_ip:) AND :email: = 'a'\nAllow if :is_anonymous_ip: OR :amount_in_usd: > 400"
        ),
        [(codes::SHADOWED_RULE, 1)]
    );
    // Not provable, or not true: no warning.
    for text in [
        "Block if :amount_in_usd: > 100\nAllow if :amount_in_usd: > 500",
        "Block if :email: != 'a'\nAllow if :email: != 'b'",
        "Block if :is_anonymous_ip: OR :amount_in_usd: > 5\nAllow if :is_anonymous_ip:",
        "Block if :email: INCLUDES 'x'\nAllow if :email: INCLUDES 'xy'",
        "Allow if :amount_in_usd: > 100\nRequest 3D Secure if :amount_in_usd: > 500",
        "Request 3D Secure if :amount_in_usd: > 100\nBlock if :amount_in_usd: > 500",
        "Block if :amount_in_usd: > 100\nAllow if ::x:: > 100",
    ] {
        assert_eq!(warnings(text), [], "{text}");
    }
    // NOT x < 50 is true exactly when x is present and >= 50, which > 100 implies; allow runs first.
    assert_eq!(
        warnings("Block if :amount_in_usd: > 100\nAllow if NOT :amount_in_usd: < 50"),
        [(codes::SHADOWED_RULE, 1)]
    );
    assert_eq!(
        warnings("Allow if NOT :amount_in_usd: < 50\nBlock if :amount_in_usd: > 100"),
        [(codes::SHADOWED_RULE, 2)]
    );
    assert_eq!(warnings("Allow if NOT is_missing(:email:)\nBlock if :email: = 'a'"), [(codes::SHADOWED_RULE, 2)]);
}

#[test]
fn never_firing_rules_are_not_also_reported_as_shadowed() {
    assert_eq!(
        warnings("Allow if :amount_in_usd: > 1\nBlock if :amount_in_usd: > 5 AND :amount_in_usd: < 2"),
        [(codes::NEVER_FIRES, 2)]
    );
}

#[test]
fn huge_conditions_are_skipped() {
    let clause = |i: usize| format!("(:amount_in_usd: = {i} OR :amount_in_eur: = {i})");
    let cond: Vec<String> = (0..12).map(clause).collect();
    assert_eq!(warnings(&format!("Block if {}", cond.join(" AND "))), []);
}

/// 200 rules whose normal forms are large and never imply one another used to cost minutes of
/// pairwise proofs at every bundle load; the lints now stop at a fixed budget.
#[test]
fn pairwise_lints_stay_within_budget_on_adversarial_rules() {
    let pre: Vec<String> = "ijklmnop".chars().enumerate().map(|(i, c)| format!("::{c}{i}::>1")).collect();
    let forks: Vec<String> = "bcdefgh".chars().map(|c| format!("(::{c}::>1||::{c}::<0)")).collect();
    let text: String = (0..200)
        .map(|k| format!("Block if {}&&(::a::>5||::z::={k})&&{}\n", pre.join("&&"), forks.join("&&")))
        .collect();
    let cat = Catalogue::standard();
    let compiled = RuleSet::compile(&text, &cat, &lists()).expect("the rules are valid");
    assert_eq!(compiled.rules.rules().len(), 200);
    assert!(compiled.warnings.is_empty(), "{:?}", compiled.warnings.first());
}
