//! The compiled, flat form of conditions and its three-valued evaluator.
//!
//! Conditions live in one arena of [`Node`]s; `AND`/`OR` are n-ary with their operands in a side table, so
//! evaluation is a short recursion over indices. Evaluation never allocates for ASCII values (non-ASCII values
//! compared case-insensitively with `INCLUDES`/`LIKE`, and metadata checked against a value list, are folded or
//! copied first) and never panics.

use super::ast::Op;
use super::ir::{Atom, Src, TExpr};
use super::matching::{includes, includes2, like, meta_number, num_cmp, str_cmp, str_eq, str_eq2};
use crate::attributes::Facts;
use crate::lists::ListSet;
use crate::value::Value;

/// Kleene's three-valued logic: a comparison that reads a missing value is `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Definitely false.
    False,
    /// A value the condition needed was missing.
    Unknown,
    /// Definitely true: the only value that makes a rule fire.
    True,
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    /// `NOT`: unknown stays unknown.
    pub fn negate(self) -> Tri {
        match self {
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
            Tri::True => Tri::False,
        }
    }

    /// `AND`: false wins, then unknown.
    pub fn and(self, other: Tri) -> Tri {
        self.min(other)
    }

    /// `OR`: true wins, then unknown.
    pub fn or(self, other: Tri) -> Tri {
        self.max(other)
    }

    fn rank(self) -> u8 {
        self as u8
    }

    fn min(self, o: Tri) -> Tri {
        if self.rank() <= o.rank() { self } else { o }
    }

    fn max(self, o: Tri) -> Tri {
        if self.rank() >= o.rank() { self } else { o }
    }
}

/// One node of the arena.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    /// All of `kids[start..start + len]`.
    And { start: u32, len: u32 },
    /// Any of `kids[start..start + len]`.
    Or { start: u32, len: u32 },
    /// Negation of another node.
    Not(u32),
    /// A test.
    Atom(Atom),
}

/// All compiled conditions of a rule set.
#[derive(Clone, Debug, Default)]
pub(crate) struct Program {
    nodes: Vec<Node>,
    kids: Vec<u32>,
}

impl Program {
    /// Adds a condition; returns its root node.
    pub(crate) fn add(&mut self, e: &TExpr) -> u32 {
        match e {
            TExpr::And(v) | TExpr::Or(v) => {
                // AND and OR are commutative in Kleene logic, so cheap tests go first to short-circuit sooner.
                let mut parts: Vec<(u32, u32)> = v.iter().map(|x| (cost(x), self.add(x))).collect();
                parts.sort_by_key(|(c, _)| *c);
                let ids: Vec<u32> = parts.into_iter().map(|(_, id)| id).collect();
                let start = self.kids.len() as u32;
                self.kids.extend_from_slice(&ids);
                let len = ids.len() as u32;
                let node = if matches!(e, TExpr::And(_)) { Node::And { start, len } } else { Node::Or { start, len } };
                self.push(node)
            }
            TExpr::Not(inner) => {
                let id = self.add(inner);
                self.push(Node::Not(id))
            }
            TExpr::Atom(a) => self.push(Node::Atom(a.clone())),
        }
    }

    fn push(&mut self, n: Node) -> u32 {
        self.nodes.push(n);
        (self.nodes.len() - 1) as u32
    }

    /// Evaluates the condition rooted at `node`.
    pub(crate) fn eval(&self, node: u32, facts: &Facts<'_>, lists: &ListSet) -> Tri {
        let Some(n) = self.nodes.get(node as usize) else { return Tri::Unknown };
        match n {
            Node::And { start, len } => {
                let mut acc = Tri::True;
                for &k in self.kids(*start, *len) {
                    match self.child(k, facts, lists) {
                        Tri::False => return Tri::False,
                        Tri::Unknown => acc = Tri::Unknown,
                        Tri::True => {}
                    }
                }
                acc
            }
            Node::Or { start, len } => {
                let mut acc = Tri::False;
                for &k in self.kids(*start, *len) {
                    match self.child(k, facts, lists) {
                        Tri::True => return Tri::True,
                        Tri::Unknown => acc = Tri::Unknown,
                        Tri::False => {}
                    }
                }
                acc
            }
            Node::Not(k) => self.child(*k, facts, lists).negate(),
            Node::Atom(a) => atom(a, facts, lists),
        }
    }

    /// Evaluates a child, testing atoms in place rather than through another call.
    #[inline(always)]
    fn child(&self, k: u32, facts: &Facts<'_>, lists: &ListSet) -> Tri {
        match self.nodes.get(k as usize) {
            Some(Node::Atom(a)) => atom(a, facts, lists),
            _ => self.eval(k, facts, lists),
        }
    }

    fn kids(&self, start: u32, len: u32) -> &[u32] {
        let s = start as usize;
        self.kids.get(s..s + len as usize).unwrap_or(&[])
    }
}

/// A rough relative cost of evaluating a condition, used to order `AND`/`OR` operands.
fn cost(e: &TExpr) -> u32 {
    match e {
        TExpr::And(v) | TExpr::Or(v) => v.iter().map(cost).fold(0, u32::saturating_add),
        TExpr::Not(inner) => cost(inner),
        TExpr::Atom(a) => {
            let base = match a {
                Atom::Missing(_) | Atom::Bool(_) | Atom::NumLit { .. } | Atom::NumIn { .. } => 1,
                Atom::StrLit { op: Op::Eq | Op::Ne, .. } | Atom::NumSrc { .. } => 2,
                Atom::StrSrc { op: Op::Eq | Op::Ne, .. } | Atom::StrIn { .. } => 3,
                Atom::StrLit { .. } | Atom::StrSrc { .. } | Atom::Like { .. } => 6,
                Atom::InList { .. } => 10,
            };
            let meta = a.sources().filter(|s| matches!(s, Src::Meta(..))).count() as u32;
            base + 3 * meta
        }
    }
}

/// A value read from the payment.
enum Read<'a> {
    Value(&'a Value),
    Meta(&'a str),
}

fn read<'a>(src: &Src, facts: &Facts<'a>) -> Option<Read<'a>> {
    match src {
        Src::Attr(id) => facts.frame.get(*id).map(Read::Value),
        Src::Meta(scope, key) => facts.metadata(*scope, key).map(Read::Meta),
    }
}

/// The value as a number; NaN counts as missing.
fn num(src: &Src, facts: &Facts<'_>) -> Option<f64> {
    let n = match read(src, facts)? {
        Read::Value(Value::Num(n)) => *n,
        Read::Value(_) => return None,
        Read::Meta(s) => meta_number(s)?,
    };
    (!n.is_nan()).then_some(n)
}

fn text<'a>(src: &Src, facts: &Facts<'a>) -> Option<&'a str> {
    match read(src, facts)? {
        Read::Value(Value::Str(s)) => Some(s),
        Read::Value(_) => None,
        Read::Meta(s) => Some(s),
    }
}

fn known(b: Option<bool>) -> Tri {
    b.map_or(Tri::Unknown, Tri::from_bool)
}

/// Evaluates one atom.
#[inline]
pub(crate) fn atom(a: &Atom, facts: &Facts<'_>, lists: &ListSet) -> Tri {
    match a {
        Atom::Missing(src) => Tri::from_bool(read(src, facts).is_none()),
        Atom::Bool(id) => match facts.frame.get(*id) {
            Some(Value::Bool(b)) => Tri::from_bool(*b),
            _ => Tri::Unknown,
        },
        Atom::NumLit { lhs, op, rhs } => known(num(lhs, facts).map(|v| num_cmp(v, *op, *rhs))),
        Atom::NumSrc { lhs, op, rhs } => {
            known(num(lhs, facts).and_then(|a| num(rhs, facts).map(|b| num_cmp(a, *op, b))))
        }
        Atom::NumIn { lhs, set } => known(num(lhs, facts).map(|v| set.contains(&v))),
        Atom::StrLit { lhs, op, rhs, fold } => known(text(lhs, facts).map(|v| match op {
            Op::Eq => str_eq(v, rhs, *fold),
            Op::Ne => !str_eq(v, rhs, *fold),
            _ => includes(v, rhs, *fold),
        })),
        Atom::StrSrc { lhs, op, rhs, fold } => known(text(lhs, facts).and_then(|a| {
            text(rhs, facts).map(|b| match op {
                Op::Eq => str_eq2(a, b, *fold),
                Op::Ne => !str_eq2(a, b, *fold),
                _ => includes2(a, b, *fold),
            })
        })),
        Atom::StrIn { lhs, set, fold } => known(text(lhs, facts).map(|v| {
            if set.len() <= 8 {
                set.iter().any(|item| str_eq(v, item, *fold))
            } else {
                set.binary_search_by(|item| str_cmp(v, item, *fold).reverse()).is_ok()
            }
        })),
        Atom::Like { lhs, segments, fold } => known(text(lhs, facts).map(|v| like(v, segments, *fold))),
        Atom::InList { lhs, list, .. } => match read(lhs, facts) {
            None => Tri::Unknown,
            Some(Read::Value(Value::Num(n))) if n.is_nan() => Tri::Unknown,
            // An empty list contains nothing: skip normalising the probe (most default lists
            // are empty).
            Some(_) if lists.get(*list).is_some_and(|l| l.items.is_empty()) => Tri::False,
            Some(Read::Value(v)) => Tri::from_bool(lists.contains(*list, v, facts.now)),
            Some(Read::Meta(s)) => Tri::from_bool(lists.contains(*list, &Value::Str(s.to_owned()), facts.now)),
        },
    }
}
