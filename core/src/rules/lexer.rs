//! Splits a rule condition into tokens.

use super::ast::Span;
use super::diagnostic::Problem;
use crate::attributes::MetaScope;

/// One token of a condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// `:name:`
    Attr(String),
    /// `::key::`, `::customer:key::`, `::destination:key::`
    Meta(MetaScope, String),
    /// `'text'` (escapes resolved)
    Str(String),
    /// A number literal, with its source text.
    Num(f64, String),
    /// `@alias`
    ListRef(String),
    /// A bare word: keyword (`AND`, `in`, `is_missing`, …) or an error.
    Word(String),
    /// `=` `!=` `<` `>` `<=` `>=`
    Cmp(&'static str),
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// `!`
    Bang,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
}

impl Tok {
    /// How the token reads in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Attr(n) => format!("attribute `:{n}:`"),
            Tok::Meta(..) => "metadata key".to_owned(),
            Tok::Str(s) => format!("string '{s}'"),
            Tok::Num(_, t) => format!("number {t}"),
            Tok::ListRef(a) => format!("list `@{a}`"),
            Tok::Word(w) => format!("`{w}`"),
            Tok::Cmp(op) => format!("`{op}`"),
            Tok::AndAnd => "`&&`".to_owned(),
            Tok::OrOr => "`||`".to_owned(),
            Tok::Bang => "`!`".to_owned(),
            Tok::LParen => "`(`".to_owned(),
            Tok::RParen => "`)`".to_owned(),
            Tok::Comma => "`,`".to_owned(),
        }
    }
}

fn err(message: impl Into<String>, start: usize, end: usize) -> Problem {
    Problem::error(super::diagnostic::codes::SYNTAX, message, Span::new(start, end))
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Tokenises `text` from byte `start`; spans are byte offsets into `text`.
pub(crate) fn lex(text: &str, start: usize) -> Result<Vec<(Tok, Span)>, Problem> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        let from = i;
        let tok = match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                let body = i + 2;
                let Some(len) = text.get(body..).and_then(|s| s.find("::")) else {
                    return Err(err("metadata key without its closing `::`", from, b.len()));
                };
                let raw = text.get(body..body + len).unwrap_or("");
                i = body + len + 2;
                let (scope, key) = if let Some(k) = raw.strip_prefix("customer:") {
                    (MetaScope::Customer, k)
                } else if let Some(k) = raw.strip_prefix("destination:") {
                    (MetaScope::Destination, k)
                } else {
                    (MetaScope::Payment, raw)
                };
                if key.is_empty() || key.contains(':') {
                    return Err(err("invalid metadata key", from, i));
                }
                Tok::Meta(scope, key.to_owned())
            }
            b':' => {
                let mut j = i + 1;
                while j < b.len() && is_word(b[j]) {
                    j += 1;
                }
                if j == i + 1 || b.get(j) != Some(&b':') {
                    let mut e = err("attribute name without its closing `:`", from, j.max(i + 1));
                    e.help = Some("attributes are written `:name:`".to_owned());
                    return Err(e);
                }
                i = j + 1;
                Tok::Attr(text.get(from + 1..j).unwrap_or("").to_owned())
            }
            b'\'' => {
                let mut s = String::new();
                let mut j = i + 1;
                let mut closed = false;
                while let Some(ch) = text.get(j..).and_then(|r| r.chars().next()) {
                    match ch {
                        '\\' if matches!(b.get(j + 1), Some(b'\'') | Some(b'\\')) => {
                            s.push(b.get(j + 1).map_or('\\', |&x| x as char));
                            j += 2;
                        }
                        '\'' => {
                            j += 1;
                            closed = true;
                            break;
                        }
                        _ => {
                            s.push(ch);
                            j += ch.len_utf8();
                        }
                    }
                }
                if !closed {
                    let mut e = err("string literal without its closing quote", from, from + 1);
                    e.code = super::diagnostic::codes::UNTERMINATED_STRING;
                    return Err(e);
                }
                i = j;
                Tok::Str(s)
            }
            b'"' => {
                let mut e = err("strings are written in single quotes", from, from + 1);
                e.help = Some("write 'text' instead of \"text\"".to_owned());
                return Err(e);
            }
            b'-' | b'0'..=b'9' | b'.' => {
                let mut j = if c == b'-' { i + 1 } else { i };
                let digits = j;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let int_digits = j - digits;
                if b.get(j) == Some(&b'.') {
                    j += 1;
                    let frac = j;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    if j == frac || int_digits == 0 {
                        return Err(err("malformed number", from, j));
                    }
                }
                if int_digits == 0 {
                    return Err(err(format!("unexpected `{}`", c as char), from, from + 1));
                }
                if j < b.len() && (is_word(b[j]) || b[j] == b'.') {
                    let mut k = j;
                    while k < b.len() && (is_word(b[k]) || b[k] == b'.') {
                        k += 1;
                    }
                    return Err(err("malformed number", from, k));
                }
                let src = text.get(from..j).unwrap_or("");
                let n: f64 = src.parse().map_err(|_| err("malformed number", from, j))?;
                if !n.is_finite() {
                    return Err(err("number out of range", from, j));
                }
                i = j;
                Tok::Num(n, src.to_owned())
            }
            b'@' => {
                let mut j = i + 1;
                while j < b.len() && (is_word(b[j]) || b[j] == b'-' || b[j] == b'.') {
                    j += 1;
                }
                if j == i + 1 {
                    return Err(err("`@` must be followed by a list alias", from, from + 1));
                }
                i = j;
                Tok::ListRef(text.get(from + 1..j).unwrap_or("").to_owned())
            }
            b'=' => {
                if b.get(i + 1) == Some(&b'=') {
                    let mut e = err("unknown operator `==`", from, from + 2);
                    e.help = Some("equality is written `=`".to_owned());
                    return Err(e);
                }
                i += 1;
                Tok::Cmp("=")
            }
            b'!' => {
                if b.get(i + 1) == Some(&b'=') {
                    i += 2;
                    Tok::Cmp("!=")
                } else {
                    i += 1;
                    Tok::Bang
                }
            }
            b'<' | b'>' => {
                if c == b'<' && b.get(i + 1) == Some(&b'>') {
                    let mut e = err("unknown operator `<>`", from, from + 2);
                    e.help = Some("inequality is written `!=`".to_owned());
                    return Err(e);
                }
                let eq = b.get(i + 1) == Some(&b'=');
                i += if eq { 2 } else { 1 };
                Tok::Cmp(match (c, eq) {
                    (b'<', false) => "<",
                    (b'<', true) => "<=",
                    (_, false) => ">",
                    (_, true) => ">=",
                })
            }
            b'&' | b'|' => {
                if b.get(i + 1) != Some(&c) {
                    let d = c as char;
                    let mut e = err(format!("unexpected `{d}`"), from, from + 1);
                    e.help = Some(format!("did you mean `{d}{d}`?"));
                    return Err(e);
                }
                i += 2;
                if c == b'&' { Tok::AndAnd } else { Tok::OrOr }
            }
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            _ if is_word(c) => {
                let mut j = i;
                while j < b.len() && is_word(b[j]) {
                    j += 1;
                }
                i = j;
                Tok::Word(text.get(from..j).unwrap_or("").to_owned())
            }
            _ => {
                let ch = text.get(i..).and_then(|r| r.chars().next()).unwrap_or('?');
                return Err(err(format!("unexpected character `{ch}`"), from, from + ch.len_utf8()));
            }
        };
        out.push((tok, Span::new(from, i)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s, 0).unwrap().into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn lexes_every_token_kind() {
        assert_eq!(
            toks(":amount_in_usd: >= 10.5 AND ::Order Id:: != 'a\\'b' || ::customer:tier:: IN @vip"),
            vec![
                Tok::Attr("amount_in_usd".into()),
                Tok::Cmp(">="),
                Tok::Num(10.5, "10.5".into()),
                Tok::Word("AND".into()),
                Tok::Meta(MetaScope::Payment, "Order Id".into()),
                Tok::Cmp("!="),
                Tok::Str("a'b".into()),
                Tok::OrOr,
                Tok::Meta(MetaScope::Customer, "tier".into()),
                Tok::Word("IN".into()),
                Tok::ListRef("vip".into()),
            ]
        );
        assert_eq!(
            toks("!(:x: < -3, ) && ::destination:k:: <= 0 > 1"),
            vec![
                Tok::Bang,
                Tok::LParen,
                Tok::Attr("x".into()),
                Tok::Cmp("<"),
                Tok::Num(-3.0, "-3".into()),
                Tok::Comma,
                Tok::RParen,
                Tok::AndAnd,
                Tok::Meta(MetaScope::Destination, "k".into()),
                Tok::Cmp("<="),
                Tok::Num(0.0, "0".into()),
                Tok::Cmp(">"),
                Tok::Num(1.0, "1".into()),
            ]
        );
    }

    #[test]
    fn spans_are_byte_offsets() {
        let t = lex("if :a: = 'é'", 2).unwrap();
        assert_eq!(t.iter().map(|(_, s)| (s.start, s.end)).collect::<Vec<_>>(), vec![(3, 6), (7, 8), (9, 13)]);
    }

    #[test]
    fn reports_errors_with_spans() {
        let e = lex(":a: = 'open", 0).unwrap_err();
        assert_eq!((e.code, e.span.start, e.span.end), ("unterminated_string", 6, 7));
        let e = lex(":a = 1", 0).unwrap_err();
        assert_eq!((e.span.start, e.span.end), (0, 2));
        for bad in
            ["::open", ":a: == 1", ":a: <> 1", ":a: = \"x\"", "1.", "1x", "-", "@", "a & b", "$", "::customer:::"]
        {
            assert!(lex(bad, 0).is_err(), "{bad}");
        }
    }
}
