//! Property tests: robustness, precedence, three-valued logic, printer round trip, lint soundness.

use proptest::prelude::*;

use super::*;
use crate::rules::parser::{parse_condition, parse_rule};

/// Small conditions over a few attributes with tiny domains, so they can be checked exhaustively.
fn leaf() -> impl Strategy<Value = String> {
    let ops = prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]);
    let num = prop::sample::select(vec!["0", "1", "2", "2.5", "3", "5"]);
    let counter = prop::sample::select(vec!["0", "24", "25", "26"]);
    let country = prop::sample::select(vec!["us", "CA", "de"]);
    let eq = prop::sample::select(vec!["=", "!="]);
    let pattern = prop::sample::select(vec!["u%", "%a", "%", "d_", "US"]);
    prop_oneof![
        (ops.clone(), num.clone()).prop_map(|(o, n)| format!(":amount_in_usd: {o} {n}")),
        (num.clone(), num).prop_map(|(a, b)| format!(":amount_in_usd: IN ({a}, {b})")),
        (ops, counter).prop_map(|(o, n)| format!(":card_count_for_email_daily: {o} {n}")),
        Just(":is_anonymous_ip:".to_owned()),
        (eq, country.clone()).prop_map(|(o, c)| format!(":card_country: {o} '{c}'")),
        (country.clone(), country).prop_map(|(a, b)| format!(":card_country: IN ('{a}', '{b}')")),
        pattern.prop_map(|p| format!(":card_country: LIKE '{p}'")),
        Just("is_missing(:amount_in_usd:)".to_owned()),
        Just("is_missing(:card_country:)".to_owned()),
    ]
}

fn cond() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} AND {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
            inner.clone().prop_map(|a| format!("NOT {a}")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

static PAYMENTS: std::sync::LazyLock<Vec<Pay>> = std::sync::LazyLock::new(all_payments);

fn payments() -> &'static [Pay] {
    &PAYMENTS
}

/// Every payment over the tiny domains.
fn all_payments() -> Vec<Pay> {
    let amounts = [None, Some(0.0), Some(1.0), Some(2.0), Some(2.5), Some(3.0), Some(4.0), Some(5.0), Some(6.0)];
    let counters = [None, Some(0.0), Some(24.0), Some(25.0)];
    let bools = [None, Some(true), Some(false)];
    let countries = [None, Some("US"), Some("ca"), Some("DE"), Some("fr")];
    let mut out = Vec::new();
    for a in amounts {
        for c in counters {
            for b in bools {
                for k in countries {
                    let mut p = Pay::new();
                    let mut put = |name: &str, v: Option<Value>| {
                        let id = p.cat.lookup(name).unwrap();
                        p.frame.set(id, v);
                    };
                    put("amount_in_usd", a.map(Value::Num));
                    put("card_count_for_email_daily", c.map(Value::Num));
                    put("is_anonymous_ip", b.map(Value::Bool));
                    put("card_country", k.map(Value::from));
                    out.push(p);
                }
            }
        }
    }
    out
}

fn compile(text: &str) -> Compiled {
    let p = Pay::new();
    RuleSet::compile(text, p.cat, &lists()).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parser_and_checker_never_panic(s in "\\PC{0,80}") {
        let _ = parse_rule(&s);
        let p = Pay::new();
        let _ = check(&s, p.cat, &lists());
    }

    #[test]
    fn token_soup_never_panics(words in prop::collection::vec(prop::sample::select(vec![
        "Block", "if", ":amount_in_usd:", ":email:", "::k::", "'x'", "1", "-2.5", "(", ")", ",", "AND", "or", "NOT",
        "!", "&&", "||", "=", "!=", "<", ">=", "IN", "INCLUDES", "LIKE", "@blocked_emails", "is_missing", ":is_3d_secure:",
        "'%'", "\n", "id:", "#", ":card_country:", "'us'",
    ]), 0..30)) {
        let text = words.join(" ");
        let p = Pay::new();
        let l = lists();
        let _ = check(&text, p.cat, &l);
        if let Ok(c) = RuleSet::compile(&text, p.cat, &l) {
            let _ = c.rules.evaluate(&Pay::new().set("email", "é").meta("k", "1").facts(), &l);
        }
    }

    #[test]
    fn print_parse_round_trip(c in cond()) {
        let once = parse_condition(&c).unwrap().to_string();
        let twice = parse_condition(&once).unwrap().to_string();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn precedence_not_and_or(x in leaf(), y in leaf(), z in leaf()) {
        let set = compile(&format!("Block if {x} OR NOT {y} AND {z}\nBlock if {x} OR ((NOT {y}) AND {z})")).rules;
        let l = lists();
        for p in payments().iter().step_by(7) {
            prop_assert_eq!(set.evaluate_rule(0, &p.facts(), &l), set.evaluate_rule(1, &p.facts(), &l));
        }
    }

    /// Kleene's De Morgan laws hold, but the two-valued reading does not: a rule and its negation can both fail
    /// to fire, so `NOT c` is not "c did not fire".
    #[test]
    fn three_valued_negation(a in leaf(), b in leaf()) {
        let set = compile(&format!(
            "Block if NOT ({a} AND {b})\nBlock if NOT {a} OR NOT {b}\nBlock if {a} AND {b}\nBlock if {a} OR NOT {a}"
        )).rules;
        let l = lists();
        for p in payments().iter().step_by(5) {
            let f = p.facts();
            let t = |i| set.evaluate_rule(i, &f, &l).unwrap();
            prop_assert_eq!(t(0), t(1));
            prop_assert_eq!(t(0), t(2).negate());
            if t(2) == Tri::Unknown {
                // Neither the condition nor its negation fires.
                prop_assert!(t(0) != Tri::True);
            }
            let excluded_middle = t(3);
            prop_assert!(excluded_middle != Tri::False);
        }
    }

    #[test]
    fn never_fires_is_sound(c in cond()) {
        let compiled = compile(&format!("Block if {c}"));
        if compiled.warnings.iter().any(|w| w.code == codes::NEVER_FIRES) {
            let l = lists();
            for p in payments() {
                prop_assert!(compiled.rules.evaluate_rule(0, &p.facts(), &l) != Some(Tri::True), "{}", c);
            }
        }
    }

    #[test]
    fn shadowing_and_duplicates_are_sound(h in cond(), lo in cond(), same in any::<bool>()) {
        let text = if same { format!("Block if {h}\nBlock if {lo}") } else { format!("Allow if {h}\nBlock if {lo}") };
        let compiled = compile(&text);
        let flagged = compiled.warnings.iter().any(|w| {
            (w.code == codes::SHADOWED_RULE || w.code == codes::DUPLICATE_RULE) && w.line == 2
        });
        if flagged {
            let l = lists();
            for p in payments() {
                let f = p.facts();
                if compiled.rules.evaluate_rule(1, &f, &l) == Some(Tri::True) {
                    prop_assert_eq!(compiled.rules.evaluate_rule(0, &f, &l), Some(Tri::True), "{}", text);
                }
            }
        }
    }

    #[test]
    fn identical_rules_are_flagged(c in cond()) {
        let compiled = compile(&format!("Block if {c}\nBlock if {c}"));
        let codes: Vec<_> = compiled.warnings.iter().map(|w| w.code).collect();
        prop_assert!(
            codes.contains(&codes::DUPLICATE_RULE) || codes.contains(&codes::NEVER_FIRES) || c.len() > 150,
            "{} {:?}", c, codes
        );
    }
}
