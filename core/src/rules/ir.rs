//! The typed form of a condition: what the type checker produces, the evaluator runs and the lints analyse.

use super::ast::Op;
use crate::attributes::{AttrId, MetaScope};
use crate::lists::ListId;

/// Where a compared value comes from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Src {
    /// A catalogue attribute.
    Attr(AttrId),
    /// A metadata key.
    Meta(MetaScope, Box<str>),
}

/// One test on a payment. Each atom evaluates to true, false or unknown (a value it reads is missing).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Atom {
    /// `is_missing(x)`: never unknown.
    Missing(Src),
    /// A bare boolean attribute.
    Bool(AttrId),
    /// Numeric comparison with a literal (`op` is one of `= != < <= > >=`).
    NumLit { lhs: Src, op: Op, rhs: f64 },
    /// Numeric comparison of two values.
    NumSrc { lhs: Src, op: Op, rhs: Src },
    /// Numeric membership in an inline list (sorted, deduplicated).
    NumIn { lhs: Src, set: Vec<f64> },
    /// String `=`, `!=` or `INCLUDES` with a literal (lower-cased when `fold`).
    StrLit { lhs: Src, op: Op, rhs: Box<str>, fold: bool },
    /// String `=`, `!=` or `INCLUDES` of two values.
    StrSrc { lhs: Src, op: Op, rhs: Src, fold: bool },
    /// String membership in an inline list (normalised, sorted, deduplicated).
    StrIn { lhs: Src, set: Vec<Box<str>>, fold: bool },
    /// `LIKE`: the pattern split at `%` (so one segment means an exact match).
    Like { lhs: Src, segments: Vec<Box<str>>, fold: bool },
    /// Membership in a value list.
    InList { lhs: Src, list: ListId, alias: Box<str> },
}

impl Atom {
    /// Every value source the atom reads.
    pub(crate) fn sources(&self) -> impl Iterator<Item = &Src> {
        let (a, b) = match self {
            Atom::Missing(s)
            | Atom::NumLit { lhs: s, .. }
            | Atom::NumIn { lhs: s, .. }
            | Atom::StrLit { lhs: s, .. }
            | Atom::StrIn { lhs: s, .. }
            | Atom::Like { lhs: s, .. }
            | Atom::InList { lhs: s, .. } => (Some(s), None),
            Atom::NumSrc { lhs, rhs, .. } | Atom::StrSrc { lhs, rhs, .. } => (Some(lhs), Some(rhs)),
            Atom::Bool(_) => (None, None),
        };
        a.into_iter().chain(b)
    }

    /// Every attribute the atom reads.
    pub(crate) fn attrs(&self) -> impl Iterator<Item = AttrId> + '_ {
        let own = if let Atom::Bool(id) = self { Some(*id) } else { None };
        own.into_iter().chain(self.sources().filter_map(|s| if let Src::Attr(id) = s { Some(*id) } else { None }))
    }
}

/// A typed condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TExpr {
    And(Vec<TExpr>),
    Or(Vec<TExpr>),
    Not(Box<TExpr>),
    Atom(Atom),
}

impl TExpr {
    /// Calls `f` on every atom.
    pub(crate) fn for_each_atom<'a>(&'a self, f: &mut impl FnMut(&'a Atom)) {
        match self {
            TExpr::And(v) | TExpr::Or(v) => v.iter().for_each(|e| e.for_each_atom(f)),
            TExpr::Not(e) => e.for_each_atom(f),
            TExpr::Atom(a) => f(a),
        }
    }
}

/// Case-folds a string the way comparisons do (character by character, so it is allocation-free to compare).
pub(crate) fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}
