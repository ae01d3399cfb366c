//! Splits a rules file into rules: ids, actions and predicates.

use sha2::{Digest, Sha256};

use super::Action;
use super::MAX_RULES;
use super::diagnostic::{Diagnostic, codes};
use super::parser::parse_action;

/// One rule as written in the file, before its condition is compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSource {
    /// The rule id: the explicit prefix, or `rule_` + 8 hex digits of the predicate's SHA-256.
    pub id: String,
    /// What the rule does when it matches.
    pub action: Action,
    /// The rule text without the id prefix, trimmed (`Block if :amount_in_usd: > 1000`).
    pub predicate: String,
    /// 1-based line of the rule in the file.
    pub line: u32,
    /// 1-based column (in characters) where the predicate starts.
    pub column: u32,
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The id a rule without an explicit one gets: `rule_` + the first 8 hex digits of SHA-256(predicate).
pub fn default_rule_id(predicate: &str) -> String {
    let digest = Sha256::digest(predicate.as_bytes());
    let mut id = String::from("rule_");
    for b in digest.iter().take(4) {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// Splits `line` into an optional id prefix and the rest, with the byte offset of the rest.
fn split_id(line: &str) -> Option<(&str, usize)> {
    let colon = line.find(':')?;
    let head = line.get(..colon)?;
    let word = head.trim_start();
    // An id prefix is a single word directly followed by `:`; `Block if :x: …` and `Block :x:` are not ids.
    let is_action = ["allow", "block", "review", "request"].iter().any(|a| word.eq_ignore_ascii_case(a));
    let single = !word.is_empty() && !word.contains(char::is_whitespace);
    (single && (valid_id(word) || !is_action)).then_some((word, colon + 1))
}

/// Splits a rules file into rules. Errors: malformed or duplicate ids, unknown actions, more than 200 rules.
pub fn parse_rules_file(text: &str) -> Result<Vec<RuleSource>, Vec<Diagnostic>> {
    let (rules, errors) = split(text);
    if errors.is_empty() { Ok(rules) } else { Err(errors) }
}

/// Like [`parse_rules_file`], but returns the rules that could be read along with the errors.
pub(crate) fn split(text: &str) -> (Vec<RuleSource>, Vec<Diagnostic>) {
    let mut rules: Vec<RuleSource> = Vec::new();
    let mut errors = Vec::new();
    let mut explicit: Vec<(String, u32)> = Vec::new();
    let mut count = 0usize;
    for (n, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        count += 1;
        let lead = line.len() - trimmed.len();
        let col_of = |byte: usize| 1 + line.get(..byte).map_or(0, |s| s.chars().count()) as u32;
        if count == MAX_RULES + 1 {
            errors.push(Diagnostic::error(
                codes::TOO_MANY_RULES,
                format!("a rules file holds at most {MAX_RULES} rules"),
                line_no,
                col_of(lead),
                trimmed.trim_end().chars().count() as u32,
            ));
        }
        let (id, rest_at) = match split_id(trimmed) {
            Some((word, after)) => {
                let word_at = lead + (trimmed.len() - trimmed.trim_start().len());
                if !valid_id(word) {
                    errors.push(
                        Diagnostic::error(
                            codes::INVALID_RULE_ID,
                            format!("invalid rule id `{word}`"),
                            line_no,
                            col_of(word_at),
                            word.chars().count() as u32,
                        )
                        .with_help("rule ids use lower-case letters, digits and `_`"),
                    );
                    continue;
                }
                if let Some((_, first)) = explicit.iter().find(|(i, _)| i == word) {
                    errors.push(
                        Diagnostic::error(
                            codes::DUPLICATE_RULE_ID,
                            format!("rule id `{word}` is already used on line {first}"),
                            line_no,
                            col_of(word_at),
                            word.chars().count() as u32,
                        )
                        .with_rule(word),
                    );
                    continue;
                }
                explicit.push((word.to_owned(), line_no));
                (Some(word.to_owned()), lead + after)
            }
            None => (None, lead),
        };
        let rest = line.get(rest_at..).unwrap_or("");
        let pred_at = rest_at + (rest.len() - rest.trim_start().len());
        let predicate = rest.trim();
        let column = col_of(pred_at);
        match parse_action(predicate) {
            Ok((action, _)) => rules.push(RuleSource {
                id: id.unwrap_or_default(),
                action,
                predicate: predicate.to_owned(),
                line: line_no,
                column,
            }),
            Err(p) => errors.push(p.locate(predicate, line_no, column, id.as_deref())),
        }
    }
    // Default ids, made unique against explicit ids and each other (identical predicates get `_2`, `_3`, …).
    let mut taken: Vec<String> = explicit.into_iter().map(|(i, _)| i).collect();
    for r in rules.iter_mut().filter(|r| r.id.is_empty()) {
        let base = default_rule_id(&r.predicate);
        let mut id = base.clone();
        let mut k = 2;
        while taken.contains(&id) {
            id = format!("{base}_{k}");
            k += 1;
        }
        taken.push(id.clone());
        r.id = id;
    }
    (rules, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_ids_and_comments() {
        let text =
            "# header\n\n  big: Block if :amount_in_usd: > 1000\r\nReview if :risk_level: = 'elevated'\n   # note\n";
        let rules = parse_rules_file(text).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].id, "big");
        assert_eq!(rules[0].predicate, "Block if :amount_in_usd: > 1000");
        assert_eq!((rules[0].line, rules[0].column), (3, 8));
        assert_eq!(rules[1].id, default_rule_id("Review if :risk_level: = 'elevated'"));
        assert_eq!(rules[1].action, Action::Review);
        assert_eq!((rules[1].line, rules[1].column), (4, 1));
    }

    #[test]
    fn default_ids_are_stable_sha256_prefixes() {
        // SHA-256("Block if :is_anonymous_ip:") starts with these 4 bytes.
        let digest = Sha256::digest(b"Block if :is_anonymous_ip:");
        let want = format!("rule_{:02x}{:02x}{:02x}{:02x}", digest[0], digest[1], digest[2], digest[3]);
        assert_eq!(default_rule_id("Block if :is_anonymous_ip:"), want);
        assert_eq!(want.len(), 13);
        let rules = parse_rules_file("Block if :is_anonymous_ip:\nBlock if :is_anonymous_ip:").unwrap();
        assert_eq!(rules[1].id, format!("{want}_2"));
    }

    #[test]
    fn id_errors() {
        let e = parse_rules_file("a: Block if :x:\n  a: Review if :y:\nBad-Id: Allow if :z:").unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!((e[0].code, e[0].line, e[0].column, e[0].length), (codes::DUPLICATE_RULE_ID, 2, 3, 1));
        assert_eq!((e[1].code, e[1].line, e[1].column, e[1].length), (codes::INVALID_RULE_ID, 3, 1, 6));
    }

    #[test]
    fn action_errors_are_located() {
        let e = parse_rules_file("x: Deny if :a:").unwrap_err();
        assert_eq!((e[0].code, e[0].line, e[0].column, e[0].length), (codes::UNKNOWN_ACTION, 1, 4, 4));
        assert_eq!(e[0].rule_id.as_deref(), Some("x"));
    }

    #[test]
    fn rule_limit() {
        let text: String = (0..201).map(|i| format!("Block if :amount_in_usd: > {i}\n")).collect();
        let e = parse_rules_file(&text).unwrap_err();
        assert_eq!((e.len(), e[0].code, e[0].line), (1, codes::TOO_MANY_RULES, 201));
        let text: String = (0..200).map(|i| format!("Block if :amount_in_usd: > {i}\n")).collect();
        assert_eq!(parse_rules_file(&text).unwrap().len(), 200);
    }
}
