//! The parsed (untyped) form of a rule condition, and a printer for it.

use std::fmt;

use crate::attributes::MetaScope;

/// A byte range in the rule text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub(crate) fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Includes,
    Like,
}

impl Op {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "IN",
            Op::Includes => "INCLUDES",
            Op::Like => "LIKE",
        }
    }

    pub(crate) fn is_ordering(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }
}

/// A single value in a condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Operand {
    /// `:name:`
    Attr(String),
    /// `::key::` and scoped forms.
    Meta(MetaScope, String),
    /// `'text'`
    Str(String),
    /// A number, with its source text.
    Num(f64, String),
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Rhs {
    /// A single value.
    One(Operand, Span),
    /// `(a, b, …)`
    List(Vec<(Operand, Span)>, Span),
    /// `@alias`
    ListRef(String, Span),
}

impl Rhs {
    pub(crate) fn span(&self) -> Span {
        match self {
            Rhs::One(_, s) | Rhs::List(_, s) | Rhs::ListRef(_, s) => *s,
        }
    }
}

/// A condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>, Span),
    /// `is_missing(x)`
    Missing(Operand, Span),
    /// A bare operand used as a condition (booleans).
    Bare(Operand, Span),
    /// `lhs op rhs`
    Cmp {
        lhs: Operand,
        lhs_span: Span,
        op: Op,
        op_span: Span,
        rhs: Rhs,
    },
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Attr(n) => write!(f, ":{n}:"),
            Operand::Meta(MetaScope::Payment, k) => write!(f, "::{k}::"),
            Operand::Meta(MetaScope::Customer, k) => write!(f, "::customer:{k}::"),
            Operand::Meta(MetaScope::Destination, k) => write!(f, "::destination:{k}::"),
            Operand::Str(s) => f.write_str(&quote(s)),
            Operand::Num(_, t) => f.write_str(t),
        }
    }
}

impl fmt::Display for Rhs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rhs::One(o, _) => write!(f, "{o}"),
            Rhs::ListRef(a, _) => write!(f, "@{a}"),
            Rhs::List(items, _) => {
                f.write_str("(")?;
                for (i, (o, _)) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{o}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Prints fully parenthesised, so the output parses back to the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Or(a, b) => write!(f, "({a} OR {b})"),
            Expr::And(a, b) => write!(f, "({a} AND {b})"),
            Expr::Not(e, _) => write!(f, "NOT {e}"),
            Expr::Missing(o, _) => write!(f, "is_missing({o})"),
            Expr::Bare(o, _) => write!(f, "{o}"),
            Expr::Cmp { lhs, op, rhs, .. } => write!(f, "{lhs} {} {rhs}", op.as_str()),
        }
    }
}
