//! Errors and warnings about a rules file, with positions and a rustc-like renderer.

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The rules file cannot be used.
    Error,
    /// The rules file works, but a rule probably does not do what its author meant.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One error or warning, located in the rules file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable machine-readable code (see [`codes`]).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// 1-based line in the rules file.
    pub line: u32,
    /// 1-based column (in characters) where the problem starts.
    pub column: u32,
    /// How many characters the problem spans (at least 1 when rendered).
    pub length: u32,
    /// The rule the diagnostic is about, when it is about one.
    pub rule_id: Option<String>,
    /// An optional hint (`did you mean …`).
    pub help: Option<String>,
}

/// The stable diagnostic codes.
pub mod codes {
    /// Malformed rule text (unexpected token, missing parenthesis, …).
    pub const SYNTAX: &str = "syntax";
    /// A string literal without its closing quote.
    pub const UNTERMINATED_STRING: &str = "unterminated_string";
    /// The rule does not start with `Allow`, `Block`, `Review` or `Request 3D Secure` followed by `if`.
    pub const UNKNOWN_ACTION: &str = "unknown_action";
    /// A rule id prefix that is not `[a-z0-9_]+`.
    pub const INVALID_RULE_ID: &str = "invalid_rule_id";
    /// Two rules with the same explicit id.
    pub const DUPLICATE_RULE_ID: &str = "duplicate_rule_id";
    /// More than [`super::super::MAX_RULES`] rules.
    pub const TOO_MANY_RULES: &str = "too_many_rules";
    /// `:name:` is not in the catalogue.
    pub const UNKNOWN_ATTRIBUTE: &str = "unknown_attribute";
    /// `@alias` names no list.
    pub const UNKNOWN_LIST: &str = "unknown_list";
    /// The operator does not apply to the operand's type.
    pub const OPERATOR_TYPE: &str = "operator_type";
    /// The compared value has the wrong type.
    pub const VALUE_TYPE: &str = "value_type";
    /// A country literal that is not an ISO 3166-1 alpha-2 code.
    pub const INVALID_COUNTRY: &str = "invalid_country";
    /// A value an enumerated attribute never takes.
    pub const UNKNOWN_ENUM_VALUE: &str = "unknown_enum_value";
    /// A boolean attribute compared with a value, or a non-boolean used as a condition.
    pub const BOOLEAN_USE: &str = "boolean_use";
    /// A list (`@alias` or `(…)`) where a single value is expected.
    pub const LIST_POSITION: &str = "list_position";
    /// A list item type that does not fit the attribute (warning).
    pub const LIST_ITEM_TYPE: &str = "list_item_type";
    /// A rule that can never match (warning).
    pub const NEVER_FIRES: &str = "never_fires";
    /// A rule equivalent to an earlier rule with the same action (warning).
    pub const DUPLICATE_RULE: &str = "duplicate_rule";
    /// A rule that can never decide because a rule that runs before it matches whenever it does (warning).
    pub const SHADOWED_RULE: &str = "shadowed_rule";

    /// Every code above, for hosts that map a code received as text back to its constant.
    pub const ALL: &[&str] = &[
        SYNTAX,
        UNTERMINATED_STRING,
        UNKNOWN_ACTION,
        INVALID_RULE_ID,
        DUPLICATE_RULE_ID,
        TOO_MANY_RULES,
        UNKNOWN_ATTRIBUTE,
        UNKNOWN_LIST,
        OPERATOR_TYPE,
        VALUE_TYPE,
        INVALID_COUNTRY,
        UNKNOWN_ENUM_VALUE,
        BOOLEAN_USE,
        LIST_POSITION,
        LIST_ITEM_TYPE,
        NEVER_FIRES,
        DUPLICATE_RULE,
        SHADOWED_RULE,
    ];
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(code: &'static str, message: impl Into<String>, line: u32, column: u32, length: u32) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            line,
            column,
            length,
            rule_id: None,
            help: None,
        }
    }

    /// A warning at a position.
    pub fn warning(code: &'static str, message: impl Into<String>, line: u32, column: u32, length: u32) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message, line, column, length) }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the rule id.
    pub fn with_rule(mut self, id: &str) -> Self {
        self.rule_id = Some(id.to_owned());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as text, with the offending source line and a caret underline:
    ///
    /// ```text
    /// error[unknown_attribute]: unknown attribute `:amount_usd:`
    ///  --> line 1, column 10
    ///   |
    /// 1 | Block if :amount_usd: > 10
    ///   |          ^^^^^^^^^^^^
    ///   = help: did you mean `:amount_in_usd:`?
    /// ```
    pub fn render(&self, source: &str) -> String {
        let mut out = format!("{}[{}]: {}\n", self.severity.as_str(), self.code, self.message);
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        out.push_str(&format!("{pad}--> line {}, column {}\n", self.line, self.column));
        let text =
            source.split('\n').nth((self.line as usize).wrapping_sub(1)).map(|l| l.strip_suffix('\r').unwrap_or(l));
        if let Some(text) = text {
            out.push_str(&format!("{pad} |\n{number} | {text}\n{pad} | "));
            let start = (self.column as usize).saturating_sub(1);
            // Keep tabs so the carets line up under the source text.
            for c in text.chars().take(start) {
                out.push(if c == '\t' { '\t' } else { ' ' });
            }
            let available = text.chars().count().saturating_sub(start);
            let width = (self.length as usize).min(available).max(1);
            out.push_str(&"^".repeat(width));
            out.push('\n');
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// A diagnostic located by byte span within one rule's text, before it is placed in the file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub span: super::ast::Span,
    pub help: Option<String>,
}

impl Problem {
    pub(crate) fn error(code: &'static str, message: impl Into<String>, span: super::ast::Span) -> Self {
        Problem { severity: Severity::Error, code, message: message.into(), span, help: None }
    }

    pub(crate) fn warning(code: &'static str, message: impl Into<String>, span: super::ast::Span) -> Self {
        Problem { severity: Severity::Warning, ..Problem::error(code, message, span) }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Places the problem in the file: `text` is the rule text, starting at `line`:`column` (1-based, characters).
    pub(crate) fn locate(&self, text: &str, line: u32, column: u32, rule_id: Option<&str>) -> Diagnostic {
        let chars = |a: usize, b: usize| {
            let a = a.min(text.len());
            let b = b.clamp(a, text.len());
            text.get(a..b).map_or(0, |s| s.chars().count()) as u32
        };
        Diagnostic {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            line,
            column: column + chars(0, self.span.start),
            length: chars(self.span.start, self.span.end),
            rule_id: rule_id.map(str::to_owned),
            help: self.help.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_line_and_carets() {
        let src = "# rules\nBlock if :amount_usd: > 10\n";
        let d = Diagnostic::error(codes::UNKNOWN_ATTRIBUTE, "unknown attribute `:amount_usd:`", 2, 10, 12)
            .with_help("did you mean `:amount_in_usd:`?");
        assert_eq!(
            d.render(src),
            "error[unknown_attribute]: unknown attribute `:amount_usd:`\n \
             --> line 2, column 10\n  \
             |\n\
             2 | Block if :amount_usd: > 10\n  \
             |          ^^^^^^^^^^^^\n  \
             = help: did you mean `:amount_in_usd:`?\n"
        );
    }

    #[test]
    fn zero_length_and_past_end_still_show_one_caret() {
        let d = Diagnostic::warning(codes::SYNTAX, "x", 1, 9, 0);
        assert_eq!(
            d.render("Block if"),
            "warning[syntax]: x\n --> line 1, column 9\n  |\n1 | Block if\n  |         ^\n"
        );
    }

    #[test]
    fn tabs_are_kept_in_the_underline() {
        let d = Diagnostic::error(codes::SYNTAX, "x", 1, 3, 2);
        assert!(d.render("\tA bc").ends_with("1 | \tA bc\n  | \t ^^\n"));
    }

    #[test]
    fn missing_line_renders_header_only() {
        let d = Diagnostic::error(codes::SYNTAX, "x", 7, 1, 1);
        assert_eq!(d.render(""), "error[syntax]: x\n --> line 7, column 1\n");
    }

    #[test]
    fn serializes_with_snake_case_severity() {
        let d = Diagnostic::error(codes::SYNTAX, "x", 1, 2, 3);
        let j = serde_json::to_value(&d).unwrap();
        assert_eq!(j["severity"], "error");
        assert_eq!(j["code"], "syntax");
    }
}
