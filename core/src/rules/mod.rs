//! Radar's rules language: parsed and type-checked once, evaluated for every payment.
//!
//! # Rules file
//!
//! A rules file is UTF-8 text with one rule per line:
//!
//! ```text
//! # Comments start with `#`; blank lines are ignored.
//! big_usd: Block if :amount_in_usd: > 1000 AND :card_country: != :ip_country:
//! Review if :risk_level: = 'elevated'
//! Request 3D Secure if :card_3d_secure_support: = 'required'
//! allow_vips: Allow if ::customer:tier:: = 'vip'
//! ```
//!
//! * An optional id prefix `id:` names the rule; ids are `[a-z0-9_]+` and unique. A rule without one gets the
//!   stable id `rule_` + the first 8 hex digits of the SHA-256 of its predicate (`_2`, `_3`, … are appended
//!   when two rules would get the same id).
//! * The *predicate* (`outcome.rule.predicate`) is the rule text without the id prefix, trimmed.
//! * At most [`MAX_RULES`] rules (Radar's limit).
//!
//! # Language
//!
//! `{Action} if {condition}` with actions `Allow`, `Block`, `Review` and `Request 3D Secure`. Conditions compare
//! `:attribute:`s, metadata (`::key::`, `::customer:key::`, `::destination:key::`), single-quoted strings (`\'`
//! and `\\` escape a quote and a backslash), numbers (`-12.5`), inline lists (`('CA', 'DE')`, `(1, 2)`) and
//! value lists (`@alias`, only after `IN`), with `= != < > <= >= IN INCLUDES LIKE`, combined by
//! `NOT`/`!` > `AND`/`&&` > `OR`/`||` and parentheses. `is_missing(x)` tests absence; a bare boolean attribute is
//! a condition. Keywords are case-insensitive. Typing:
//!
//! * numeric attributes take `= != < > <= >= IN`; strings (case-insensitive strings, countries, states,
//!   case-sensitive strings) take `= != IN INCLUDES LIKE`; booleans are only used bare or negated;
//! * metadata is a case-sensitive string, or a number when compared with a number (metadata that does not parse
//!   as a finite number then makes the comparison unknown);
//! * case-insensitive types compare case-insensitively; two attributes compare case-insensitively only if both
//!   are case-insensitive;
//! * `INCLUDES` is a substring test; in `LIKE` patterns `%` matches any run of characters, `_` is an ordinary
//!   character, and the pattern must match the whole value.
//!
//! # Missing values
//!
//! Conditions use Kleene's three-valued logic. A comparison that reads a missing value (or a NaN, or a value of the
//! wrong type) is *unknown*; `NOT unknown` is unknown, `unknown AND false` is false, `unknown OR true` is true, and a
//! rule fires only when its condition is true. So `:email: != 'a@b.c'` and `NOT :email: = 'a@b.c'` both fail to
//! fire when the email is missing. `is_missing()` is never unknown.
//!
//! # Order
//!
//! Every matching `Request 3D Secure` rule is reported; then the first matching `Allow`, else `Block`, else
//! `Review` rule decides. Within one action rules run in file order, except that rules reading post-authorization
//! attributes (`cvc_check`, `address_zip_check`, `address_line1_check`) run after the others.
//!
//! # Diagnostics
//!
//! Compilation reports errors (see [`codes`]) and warnings, each located by line and column and rendered like
//! rustc by [`Diagnostic::render`]. The lints warn about rules that can never fire, duplicates, and rules shadowed
//! by a rule that runs first; they only warn when they can prove it.

mod ast;
mod diagnostic;
mod eval;
mod file;
mod ir;
mod lexer;
mod lint;
mod matching;
mod parser;
mod ruleset;
mod typecheck;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use diagnostic::{Diagnostic, Severity, codes};
pub use eval::Tri;
pub use file::{RuleSource, default_rule_id, parse_rules_file};
pub use ruleset::{Compiled, Decision, RuleInfo, RuleSet, check};

/// Most rules a rules file may hold.
pub const MAX_RULES: usize = 200;

/// What a rule does when it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Ask for 3D Secure authentication; does not end evaluation.
    RequestThreeDSecure,
    /// Let the payment through, skipping block and review rules.
    Allow,
    /// Reject the payment.
    Block,
    /// Let the payment through and queue it for review.
    Review,
}

impl Action {
    /// The serialized name (`"request_three_d_secure"`, `"allow"`, `"block"`, `"review"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::RequestThreeDSecure => "request_three_d_secure",
            Action::Allow => "allow",
            Action::Block => "block",
            Action::Review => "review",
        }
    }

    /// How the action is written in a rule (`Request 3D Secure`, `Allow`, …).
    pub fn keyword(self) -> &'static str {
        match self {
            Action::RequestThreeDSecure => "Request 3D Secure",
            Action::Allow => "Allow",
            Action::Block => "Block",
            Action::Review => "Review",
        }
    }
}
