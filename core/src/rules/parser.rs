//! Recursive-descent parser: `{Action} if {condition}` into an [`Expr`].
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! rule    = action "if" or EOF
//! action  = "allow" | "block" | "review" | "request" "3d" "secure"
//! or      = and (("OR" | "||") and)*
//! and     = unary (("AND" | "&&") unary)*
//! unary   = ("NOT" | "!") unary | primary
//! primary = "(" or ")" | "is_missing" "(" operand ")" | operand [op rhs]
//! op      = "=" | "!=" | "<" | "<=" | ">" | ">=" | "IN" | "INCLUDES" | "LIKE"
//! rhs     = operand | "(" operand ("," operand)* ")" | "@" alias
//! operand = ":attr:" | "::key::" | "'string'" | number
//! ```

use super::Action;
use super::ast::{Expr, Op, Operand, Rhs, Span};
use super::diagnostic::{Problem, codes};
use super::lexer::{Tok, lex};

/// A parse failure.
pub(crate) type ParseError = Problem;

/// Most tokens one rule may have (keeps every later pass's recursion shallow).
pub(crate) const MAX_TOKENS: usize = 2000;

/// Deepest nesting of parentheses and `NOT`s accepted (keeps recursion bounded).
const MAX_DEPTH: usize = 64;

fn perr(message: impl Into<String>, span: Span) -> ParseError {
    Problem::error(codes::SYNTAX, message, span)
}

fn word_at(text: &str, from: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    (start, i)
}

/// Reads the action and the `if` keyword; returns the action and the byte offset after `if`.
pub(crate) fn parse_action(text: &str) -> Result<(Action, usize), ParseError> {
    let word = |from: usize| {
        let (s, e) = word_at(text, from);
        (text.get(s..e).unwrap_or("").to_ascii_lowercase(), s, e)
    };
    let (first, s, e) = word(0);
    let (action, mut end) = match first.as_str() {
        "allow" => (Action::Allow, e),
        "block" => (Action::Block, e),
        "review" => (Action::Review, e),
        "request" => {
            let (w2, _, e2) = word(e);
            let (w3, _, e3) = word(e2);
            if w2 != "3d" || w3 != "secure" {
                let mut p = perr("expected `Request 3D Secure`", Span::new(s, e3.max(e)));
                p.code = codes::UNKNOWN_ACTION;
                return Err(p);
            }
            (Action::RequestThreeDSecure, e3)
        }
        _ => {
            let shown = if s == e { String::new() } else { format!(" `{}`", text.get(s..e).unwrap_or("")) };
            let mut p = perr(format!("unknown action{shown}"), Span::new(s, e.max(s + 1)));
            p.code = codes::UNKNOWN_ACTION;
            p.help = Some("a rule starts with Allow, Block, Review or Request 3D Secure, then `if`".to_owned());
            return Err(p);
        }
    };
    let (kw, ks, ke) = word(end);
    if kw != "if" {
        let mut p = perr("expected `if` after the action", Span::new(ks, ke.max(ks + 1)));
        p.help = Some(format!("write `{} if <condition>`", action.keyword()));
        return Err(p);
    }
    end = ke;
    Ok((action, end))
}

/// Parses a whole rule (`Block if …`).
pub(crate) fn parse_rule(text: &str) -> Result<(Action, Expr), ParseError> {
    let (action, after_if) = parse_action(text)?;
    let tokens = lex(text, after_if)?;
    if tokens.len() > MAX_TOKENS {
        return Err(perr(format!("rule too long: more than {MAX_TOKENS} tokens"), Span::new(after_if, text.len())));
    }
    let mut p = Parser { toks: tokens, pos: 0, end: text.len(), depth: 0 };
    let expr = p.or()?;
    if let Some((t, s)) = p.peek_full() {
        return Err(perr(format!("unexpected {}", t.describe()), s));
    }
    Ok((action, expr))
}

/// Parses a bare condition (no action).
#[cfg(test)]
pub(crate) fn parse_condition(text: &str) -> Result<Expr, ParseError> {
    let tokens = lex(text, 0)?;
    let mut p = Parser { toks: tokens, pos: 0, end: text.len(), depth: 0 };
    let expr = p.or()?;
    if let Some((t, s)) = p.peek_full() {
        return Err(perr(format!("unexpected {}", t.describe()), s));
    }
    Ok(expr)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    end: usize,
    depth: usize,
}

fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn peek_full(&self) -> Option<(Tok, Span)> {
        self.toks.get(self.pos).cloned()
    }

    fn here(&self) -> Span {
        self.toks.get(self.pos).map_or(Span::new(self.end, self.end), |(_, s)| *s)
    }

    fn bump(&mut self) -> Option<(Tok, Span)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expected(&self, what: &str) -> ParseError {
        match self.peek_full() {
            Some((t, s)) => perr(format!("expected {what}, found {}", t.describe()), s),
            None => perr(format!("expected {what}, found the end of the rule"), self.here()),
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(perr("condition nested too deeply", self.here())) } else { Ok(()) }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.and()?;
        while matches!(self.peek(), Some(t) if *t == Tok::OrOr || is_kw(t, "or")) {
            self.pos += 1;
            let rhs = self.and()?;
            lhs = Expr::Or(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        while matches!(self.peek(), Some(t) if *t == Tok::AndAnd || is_kw(t, "and")) {
            self.pos += 1;
            let rhs = self.unary()?;
            lhs = Expr::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if matches!(self.peek(), Some(t) if *t == Tok::Bang || is_kw(t, "not")) {
            let span = self.here();
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner), span));
        }
        self.primary()
    }

    fn operand(&mut self) -> Result<(Operand, Span), ParseError> {
        let Some((t, s)) = self.peek_full() else { return Err(self.expected("a value")) };
        let o = match t {
            Tok::Attr(n) => Operand::Attr(n),
            Tok::Meta(scope, k) => Operand::Meta(scope, k),
            Tok::Str(v) => Operand::Str(v),
            Tok::Num(n, src) => Operand::Num(n, src),
            Tok::Word(w) if w.eq_ignore_ascii_case("true") || w.eq_ignore_ascii_case("false") => {
                let mut e = perr(format!("`{w}` is not a value"), s);
                e.code = codes::BOOLEAN_USE;
                e.help = Some(
                    "a boolean attribute is a condition by itself: `:is_anonymous_ip:` or `NOT :is_anonymous_ip:`"
                        .to_owned(),
                );
                return Err(e);
            }
            Tok::Word(w) => {
                let mut e = perr(format!("unexpected word `{w}`"), s);
                e.help = Some(format!("attributes are written `:{w}:` and strings `'{w}'`"));
                return Err(e);
            }
            _ => return Err(self.expected("an attribute or a value")),
        };
        self.pos += 1;
        Ok((o, s))
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        match self.peek() {
            Some(Tok::LParen) => {
                self.pos += 1;
                self.enter()?;
                let e = self.or()?;
                self.depth -= 1;
                match self.bump() {
                    Some((Tok::RParen, _)) => Ok(e),
                    Some((t, s)) => Err(perr(format!("expected `)`, found {}", t.describe()), s)),
                    None => Err(perr("expected `)`, found the end of the rule", Span::new(self.end, self.end))),
                }
            }
            Some(t) if is_kw(t, "is_missing") => {
                let start = self.here();
                self.pos += 1;
                if !matches!(self.bump(), Some((Tok::LParen, _))) {
                    self.pos -= 1;
                    return Err(self.expected("`(` after is_missing"));
                }
                let (o, os) = self.operand()?;
                if !matches!(o, Operand::Attr(_) | Operand::Meta(..)) {
                    return Err(perr("is_missing takes an attribute or a metadata key", os));
                }
                match self.bump() {
                    Some((Tok::RParen, end)) => Ok(Expr::Missing(o, start.to(end))),
                    _ => {
                        self.pos -= 1;
                        Err(self.expected("`)`"))
                    }
                }
            }
            Some(Tok::ListRef(a)) => {
                let mut e = perr(format!("the list `@{a}` can only follow IN"), self.here());
                e.code = codes::LIST_POSITION;
                Err(e)
            }
            _ => {
                let (lhs, lhs_span) = self.operand()?;
                let Some((op, op_span)) = self.op() else { return Ok(Expr::Bare(lhs, lhs_span)) };
                let rhs = self.rhs()?;
                Ok(Expr::Cmp { lhs, lhs_span, op, op_span, rhs })
            }
        }
    }

    fn op(&mut self) -> Option<(Op, Span)> {
        let (t, s) = self.peek_full()?;
        let op = match t {
            Tok::Cmp("=") => Op::Eq,
            Tok::Cmp("!=") => Op::Ne,
            Tok::Cmp("<") => Op::Lt,
            Tok::Cmp("<=") => Op::Le,
            Tok::Cmp(">") => Op::Gt,
            Tok::Cmp(">=") => Op::Ge,
            Tok::Word(w) if w.eq_ignore_ascii_case("in") => Op::In,
            Tok::Word(w) if w.eq_ignore_ascii_case("includes") => Op::Includes,
            Tok::Word(w) if w.eq_ignore_ascii_case("like") => Op::Like,
            _ => return None,
        };
        self.pos += 1;
        Some((op, s))
    }

    fn rhs(&mut self) -> Result<Rhs, ParseError> {
        match self.peek_full() {
            Some((Tok::ListRef(a), s)) => {
                self.pos += 1;
                Ok(Rhs::ListRef(a, s))
            }
            Some((Tok::LParen, open)) => {
                self.pos += 1;
                let mut items = vec![self.operand()?];
                loop {
                    match self.bump() {
                        Some((Tok::Comma, _)) => items.push(self.operand()?),
                        Some((Tok::RParen, close)) => return Ok(Rhs::List(items, open.to(close))),
                        _ => {
                            self.pos -= 1;
                            return Err(self.expected("`,` or `)` in the list"));
                        }
                    }
                }
            }
            _ => {
                let (o, s) = self.operand()?;
                Ok(Rhs::One(o, s))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(cond: &str) -> String {
        parse_condition(cond)
            .map(|e| e.to_string())
            .unwrap_or_else(|e| format!("error: {} @{}", e.message, e.span.start))
    }

    #[test]
    fn precedence_not_and_or() {
        assert_eq!(show(":x: OR NOT :y: AND :z:"), "(:x: OR (NOT :y: AND :z:))");
        assert_eq!(show(":a: || :b: && !:c: || :d:"), "((:a: OR (:b: AND NOT :c:)) OR :d:)");
        assert_eq!(show("not (:a: or :b:) and :c:"), "(NOT (:a: OR :b:) AND :c:)");
    }

    #[test]
    fn comparisons_and_lists() {
        assert_eq!(show(":card_country: in ('CA', 'de')"), ":card_country: IN ('CA', 'de')");
        assert_eq!(show(":a: IN (1, -2.5)"), ":a: IN (1, -2.5)");
        assert_eq!(show(":email: in @blocked_emails"), ":email: IN @blocked_emails");
        assert_eq!(show(":a: LIKE '%x%' AND :b: includes 'y'"), "(:a: LIKE '%x%' AND :b: INCLUDES 'y')");
        assert_eq!(
            show("is_missing(::Order Id::) OR is_missing(:email:)"),
            "(is_missing(::Order Id::) OR is_missing(:email:))"
        );
        assert_eq!(show(":card_country: != :ip_country:"), ":card_country: != :ip_country:");
        assert_eq!(show("NOT :x: = 'a\\'b'"), "NOT :x: = 'a\\'b'");
    }

    #[test]
    fn actions() {
        assert_eq!(parse_action("Block if :x:").unwrap().0, Action::Block);
        assert_eq!(parse_action("allow IF :x:").unwrap().0, Action::Allow);
        assert_eq!(parse_action("REVIEW if").unwrap(), (Action::Review, 9));
        assert_eq!(parse_action("Request  3d SECURE if :x:").unwrap().0, Action::RequestThreeDSecure);
        assert_eq!(parse_action("Deny if :x:").unwrap_err().code, codes::UNKNOWN_ACTION);
        assert_eq!(parse_action("Request 3D if :x:").unwrap_err().code, codes::UNKNOWN_ACTION);
        let e = parse_action("Block :x:").unwrap_err();
        assert_eq!((e.message.as_str(), e.span.start), ("expected `if` after the action", 6));
        assert!(parse_action("Blockif :x:").is_err());
    }

    #[test]
    fn errors() {
        assert_eq!(show(":a: = "), "error: expected a value, found the end of the rule @6");
        assert_eq!(show("(:a:"), "error: expected `)`, found the end of the rule @4");
        assert_eq!(show(":a: = 1 :b:"), "error: unexpected attribute `:b:` @8");
        assert_eq!(show(":a: IN (1 2)"), "error: expected `,` or `)` in the list, found number 2 @10");
        assert_eq!(show("@list"), "error: the list `@list` can only follow IN @0");
        assert_eq!(show(":a: = true"), "error: `true` is not a value @6");
        assert_eq!(show("amount > 1"), "error: unexpected word `amount` @0");
        assert_eq!(show(""), "error: expected a value, found the end of the rule @0");
        assert_eq!(show("is_missing('x')"), "error: is_missing takes an attribute or a metadata key @11");
        assert!(show(&"(".repeat(200)).starts_with("error: condition nested too deeply"));
        assert!(show(&"NOT ".repeat(200)).starts_with("error: condition nested too deeply"));
    }
}
