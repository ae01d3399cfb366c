//! Lints: warnings about rules that cannot do what they say.
//!
//! Every lint is a proof about when conditions are *true* (three-valued logic: a rule fires only on true); when
//! the analysis cannot decide, it stays silent. A condition is rewritten into disjunctive normal form over
//! literals (a test, or a test required to be false; `NOT` is pushed down, which is valid in Kleene logic), giving
//! up beyond [`MAX_CONJUNCTIONS`] conjunctions. Each conjunction is summarised per value source.
//!
//! * `never_fires`: every conjunction is contradictory. Detected contradictions:
//!   `is_missing(x)` together with any comparison on `x` (or `NOT is_missing(x)`); numeric bounds, equalities and
//!   `IN` sets on one value with nothing in common (`:amount_in_usd: > 100 AND :amount_in_usd: < 50`); a bounded
//!   counter compared outside 0..=25 (`> 25`); string equalities and `IN` sets with nothing in common; a boolean
//!   both true and false; the same test both true and false (`X AND NOT X`); a `LIKE` or `INCLUDES` on an
//!   enumerated attribute that none of its values satisfies (or `NOT` of one that all satisfy).
//! * `duplicate_rule`: two rules with the same action whose conditions imply each other; reported on the one
//!   evaluated later.
//! * `shadowed_rule`: a rule whose condition implies the condition of a rule evaluated before it (an `Allow` rule
//!   before a `Block` rule, `Allow`/`Block` before `Review`, or an earlier rule of the same action), so it never
//!   decides. `Request 3D Secure` rules never shadow or get shadowed (they do not stop evaluation).
//!
//! Implication `C ⇒ literal` is proven when `C` contains the literal itself, or when the literal is a comparison
//! with a constant and the values `C` allows for that source all satisfy it: numeric intervals and sets
//! (`> 200` implies `> 100`, `= 5` implies `IN (1, 5)`), string sets (`= 'us'` implies `IN ('us', 'ca')` and
//! `LIKE 'u%'`), exclusions (`!= 'x'` implies `!= 'x'`), presence (`:x: > 1` implies `NOT is_missing(:x:)`).
//! Attribute-to-attribute comparisons, `INCLUDES` and value lists only match identical literals. The lints
//! trust the catalogue: bounded counters lie in 0..=25 and enumerated attributes take only their listed values.

use std::collections::BTreeMap;

use super::Action;
use super::ast::Op;
use super::diagnostic::{Diagnostic, codes};
use super::ir::{Atom, Src, TExpr};
use super::matching::{includes, like, num_cmp};
use super::parser::parse_action;
use super::ruleset::Checked;
use crate::attributes::{AttrType, Catalogue};

/// Largest normal form analysed; bigger conditions are not linted.
pub(crate) const MAX_CONJUNCTIONS: usize = 256;

/// A test, or the same test required to be false.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lit<'a> {
    atom: &'a Atom,
    neg: bool,
}

impl PartialEq for Lit<'_> {
    fn eq(&self, o: &Self) -> bool {
        self.neg == o.neg && self.atom == o.atom
    }
}

type Dnf<'a> = Vec<Vec<Lit<'a>>>;

/// The condition in disjunctive normal form (of `NOT e` when `neg`), or `None` when too large.
pub(crate) fn dnf(e: &TExpr, neg: bool) -> Option<Dnf<'_>> {
    match e {
        TExpr::Atom(atom) => Some(vec![vec![Lit { atom, neg }]]),
        TExpr::Not(inner) => dnf(inner, !neg),
        TExpr::And(v) | TExpr::Or(v) => {
            let conjunctive = matches!(e, TExpr::And(_)) != neg;
            if conjunctive {
                let mut acc: Dnf<'_> = vec![Vec::new()];
                for child in v {
                    let d = dnf(child, neg)?;
                    if acc.len().saturating_mul(d.len()) > MAX_CONJUNCTIONS {
                        return None;
                    }
                    acc = acc.iter().flat_map(|a| d.iter().map(move |b| [a.as_slice(), b].concat())).collect();
                }
                Some(acc)
            } else {
                let mut acc = Vec::new();
                for child in v {
                    acc.extend(dnf(child, neg)?);
                    if acc.len() > MAX_CONJUNCTIONS {
                        return None;
                    }
                }
                Some(acc)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Bound {
    v: f64,
    incl: bool,
}

#[derive(Clone, Debug, Default)]
struct NumInfo {
    used: bool,
    lo: Option<Bound>,
    hi: Option<Bound>,
    ne: Vec<f64>,
    within: Option<Vec<f64>>,
}

impl NumInfo {
    fn raise(&mut self, b: Bound) {
        match self.lo {
            Some(l) if l.v > b.v || (l.v == b.v && !l.incl) => {}
            _ => self.lo = Some(b),
        }
    }

    fn lower(&mut self, b: Bound) {
        match self.hi {
            Some(h) if h.v < b.v || (h.v == b.v && !h.incl) => {}
            _ => self.hi = Some(b),
        }
    }

    fn restrict(&mut self, set: &[f64]) {
        let next = match self.within.take() {
            Some(w) => w.into_iter().filter(|x| set.contains(x)).collect(),
            None => set.to_vec(),
        };
        self.within = Some(next);
    }

    fn apply(&mut self, op: Op, v: f64) {
        match op {
            Op::Eq => self.restrict(&[v]),
            Op::Ne => self.ne.push(v),
            Op::Lt => self.lower(Bound { v, incl: false }),
            Op::Le => self.lower(Bound { v, incl: true }),
            Op::Gt => self.raise(Bound { v, incl: false }),
            Op::Ge => self.raise(Bound { v, incl: true }),
            Op::In | Op::Includes | Op::Like => {}
        }
    }

    fn admits(&self, x: f64) -> bool {
        let lo_ok = self.lo.is_none_or(|l| x > l.v || (l.incl && x == l.v));
        let hi_ok = self.hi.is_none_or(|h| x < h.v || (h.incl && x == h.v));
        lo_ok && hi_ok && !self.ne.contains(&x)
    }

    /// The finite set of values allowed, if the constraints pin one down.
    fn finite(&self) -> Option<Vec<f64>> {
        if let Some(w) = &self.within {
            return Some(w.iter().copied().filter(|x| self.admits(*x)).collect());
        }
        match (self.lo, self.hi) {
            (Some(l), Some(h)) if l.v == h.v && l.incl && h.incl => {
                Some(if self.ne.contains(&l.v) { Vec::new() } else { vec![l.v] })
            }
            _ => None,
        }
    }

    fn empty(&self) -> bool {
        if let Some(f) = self.finite() {
            return f.is_empty();
        }
        match (self.lo, self.hi) {
            (Some(l), Some(h)) => l.v > h.v || (l.v == h.v && !(l.incl && h.incl)),
            _ => false,
        }
    }

    /// Every allowed value `x` satisfies `x op v`.
    fn entails(&self, op: Op, v: f64) -> bool {
        if let Some(f) = self.finite() {
            return f.iter().all(|x| num_cmp(*x, op, v));
        }
        let outside = self.lo.is_some_and(|l| v < l.v || (v == l.v && !l.incl))
            || self.hi.is_some_and(|h| v > h.v || (v == h.v && !h.incl));
        match op {
            Op::Ne => outside || self.ne.contains(&v),
            Op::Lt => self.hi.is_some_and(|h| h.v < v || (h.v == v && !h.incl)),
            Op::Le => self.hi.is_some_and(|h| h.v <= v),
            Op::Gt => self.lo.is_some_and(|l| l.v > v || (l.v == v && !l.incl)),
            Op::Ge => self.lo.is_some_and(|l| l.v >= v),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct StrInfo {
    used: bool,
    ne: Vec<Box<str>>,
    within: Option<Vec<Box<str>>>,
}

impl StrInfo {
    fn restrict(&mut self, set: &[Box<str>]) {
        let next = match self.within.take() {
            Some(w) => w.into_iter().filter(|x| set.contains(x)).collect(),
            None => set.to_vec(),
        };
        self.within = Some(next);
    }

    fn finite(&self) -> Option<Vec<&str>> {
        self.within.as_ref().map(|w| w.iter().filter(|x| !self.ne.contains(x)).map(|x| &**x).collect())
    }
}

#[derive(Clone, Debug, Default)]
struct Info {
    missing: bool,
    present: bool,
    boolean: Option<bool>,
    bool_conflict: bool,
    num: NumInfo,
    text: StrInfo,
}

/// What one conjunction says about each value source.
struct Summary<'a> {
    lits: &'a [Lit<'a>],
    info: BTreeMap<Src, Info>,
}

fn flip(op: Op) -> Op {
    match op {
        Op::Eq => Op::Ne,
        Op::Ne => Op::Eq,
        Op::Lt => Op::Ge,
        Op::Le => Op::Gt,
        Op::Gt => Op::Le,
        Op::Ge => Op::Lt,
        o => o,
    }
}

impl<'a> Summary<'a> {
    fn new(lits: &'a [Lit<'a>], cat: &Catalogue) -> Self {
        let mut s = Summary { lits, info: BTreeMap::new() };
        for lit in lits {
            s.add(*lit);
        }
        for (src, info) in s.info.iter_mut() {
            if let Src::Attr(id) = src
                && info.num.used
                && cat.spec(*id).ty == AttrType::BoundedNumeric
            {
                info.num.raise(Bound { v: 0.0, incl: true });
                info.num.lower(Bound { v: 25.0, incl: true });
            }
        }
        s
    }

    fn entry(&mut self, src: &Src) -> &mut Info {
        self.info.entry(src.clone()).or_default()
    }

    fn add(&mut self, lit: Lit<'a>) {
        let neg = lit.neg;
        let eff = |op: Op| if neg { flip(op) } else { op };
        match lit.atom {
            Atom::Missing(src) => {
                let i = self.entry(src);
                if neg { i.present = true } else { i.missing = true }
            }
            Atom::Bool(id) => {
                let i = self.entry(&Src::Attr(*id));
                i.present = true;
                if i.boolean.is_some_and(|b| b == neg) {
                    i.bool_conflict = true;
                }
                i.boolean = Some(!neg);
            }
            Atom::NumLit { lhs, op, rhs } => {
                let i = self.entry(lhs);
                i.present = true;
                i.num.used = true;
                i.num.apply(eff(*op), *rhs);
            }
            Atom::NumIn { lhs, set } => {
                let i = self.entry(lhs);
                i.present = true;
                i.num.used = true;
                if neg { i.num.ne.extend_from_slice(set) } else { i.num.restrict(set) }
            }
            Atom::StrLit { lhs, op: op @ (Op::Eq | Op::Ne), rhs, .. } => {
                let i = self.entry(lhs);
                i.present = true;
                i.text.used = true;
                if eff(*op) == Op::Eq {
                    i.text.restrict(std::slice::from_ref(rhs))
                } else {
                    i.text.ne.push(rhs.clone())
                }
            }
            Atom::StrIn { lhs, set, .. } => {
                let i = self.entry(lhs);
                i.present = true;
                i.text.used = true;
                if neg { i.text.ne.extend_from_slice(set) } else { i.text.restrict(set) }
            }
            other => {
                let srcs: Vec<Src> = other.sources().cloned().collect();
                for src in srcs {
                    self.entry(&src).present = true;
                }
            }
        }
    }

    /// Why the conjunction can never be true, if it provably cannot.
    fn contradiction(&self, cat: &Catalogue) -> Option<String> {
        for (src, i) in &self.info {
            let name = describe(src, cat);
            if i.missing && i.present {
                return Some(format!("{name} cannot be both missing and compared"));
            }
            if i.bool_conflict {
                return Some(format!("{name} cannot be both true and false"));
            }
            if i.num.used && i.num.empty() {
                let bounded = matches!(src, Src::Attr(id) if cat.spec(*id).ty == AttrType::BoundedNumeric);
                return Some(if bounded {
                    format!("no value of {name} (a counter between 0 and 25) satisfies every comparison")
                } else {
                    format!("no value of {name} satisfies every comparison")
                });
            }
            if i.text.used && i.text.finite().is_some_and(|f| f.is_empty()) {
                return Some(format!("no value of {name} satisfies every comparison"));
            }
        }
        for (k, a) in self.lits.iter().enumerate() {
            if self.lits.iter().skip(k + 1).any(|b| a.atom == b.atom && a.neg != b.neg) {
                return Some("the same test is required to be both true and false".to_owned());
            }
            if let Some(reason) = enum_never(*a, cat) {
                return Some(reason);
            }
        }
        None
    }

    /// Whether every payment satisfying this conjunction satisfies `lit`.
    fn implies(&self, lit: Lit<'_>) -> bool {
        if self.lits.contains(&lit) {
            return true;
        }
        let neg = lit.neg;
        let info = |src: &Src| self.info.get(src);
        match lit.atom {
            Atom::Missing(src) => info(src).is_some_and(|i| if neg { i.present } else { i.missing }),
            Atom::Bool(id) => info(&Src::Attr(*id)).is_some_and(|i| i.boolean == Some(!neg)),
            Atom::NumLit { lhs, op, rhs } => {
                let op = if neg { flip(*op) } else { *op };
                info(lhs).is_some_and(|i| i.num.used && !i.num.empty() && i.num.entails(op, *rhs))
            }
            Atom::NumIn { lhs, set } => info(lhs).is_some_and(|i| {
                if !i.num.used {
                    return false;
                }
                match i.num.finite() {
                    Some(f) => f.iter().all(|x| set.contains(x) != neg),
                    None => neg && set.iter().all(|v| i.num.entails(Op::Ne, *v)),
                }
            }),
            Atom::StrLit { lhs, op, rhs, .. } => info(lhs).is_some_and(|i| {
                if !i.text.used {
                    return false;
                }
                let holds = |x: &str| match op {
                    Op::Eq => x == &**rhs,
                    Op::Ne => x != &**rhs,
                    _ => includes(x, rhs, false),
                };
                match i.text.finite() {
                    Some(f) => f.iter().all(|x| holds(x) != neg),
                    None => {
                        let excluded = i.text.ne.contains(rhs);
                        excluded && ((*op == Op::Ne && !neg) || (*op == Op::Eq && neg))
                    }
                }
            }),
            Atom::StrIn { lhs, set, .. } => info(lhs).is_some_and(|i| {
                if !i.text.used {
                    return false;
                }
                match i.text.finite() {
                    Some(f) => f.iter().all(|x| set.iter().any(|s| &**s == *x) != neg),
                    None => neg && set.iter().all(|s| i.text.ne.contains(s)),
                }
            }),
            Atom::Like { lhs, segments, .. } => info(lhs).is_some_and(|i| {
                i.text.used && i.text.finite().is_some_and(|f| f.iter().all(|x| like(x, segments, false) != neg))
            }),
            _ => false,
        }
    }
}

fn describe(src: &Src, cat: &Catalogue) -> String {
    match src {
        Src::Attr(id) => format!("`:{}:`", cat.spec(*id).name),
        Src::Meta(_, key) => format!("metadata `{key}`"),
    }
}

/// A `LIKE`/`INCLUDES` test on an enumerated attribute that no listed value can satisfy as required.
fn enum_never(lit: Lit<'_>, cat: &Catalogue) -> Option<String> {
    let (lhs, test) = match lit.atom {
        Atom::Like { lhs, segments, fold } => (lhs, EnumTest::Like(segments, *fold)),
        Atom::StrLit { lhs, op: Op::Includes, rhs, fold } => (lhs, EnumTest::Includes(rhs, *fold)),
        _ => return None,
    };
    let Src::Attr(id) = lhs else { return None };
    let spec = cat.spec(*id);
    if spec.values.is_empty() {
        return None;
    }
    let holds = |v: &&str| match test {
        EnumTest::Like(segments, fold) => like(v, segments, fold),
        EnumTest::Includes(needle, fold) => includes(v, needle, fold),
    };
    let impossible = if lit.neg { spec.values.iter().all(holds) } else { !spec.values.iter().any(holds) };
    impossible.then(|| format!("`:{}:` only takes the values {}", spec.name, spec.values.join(", ")))
}

enum EnumTest<'a> {
    Like(&'a [Box<str>], bool),
    Includes(&'a str, bool),
}

/// A rule prepared for the pairwise lints: its normal form, each conjunction summarised once.
struct Prepared<'a> {
    rule: &'a Checked,
    dnf: Option<&'a Dnf<'a>>,
    /// Each conjunction's summary and, if it is contradictory, why.
    summaries: Vec<(Summary<'a>, Option<String>)>,
    /// Evaluation order key: action, post-auth, file position.
    key: (Action, bool, usize),
    never: bool,
}

/// Most literal implication checks the pairwise lints may spend on one rules file. Lints are
/// proofs offered as warnings; past this budget the remaining pairs are simply not linted, so a
/// large or adversarial rules file still compiles quickly.
pub(crate) const PAIRWISE_BUDGET: u64 = 2_000_000;

/// Whether `a`'s condition implies `b`'s, as far as can be proven within the budget.
fn implies(a: &Prepared<'_>, b: &Prepared<'_>, budget: &mut u64) -> bool {
    let (Some(_), Some(db)) = (a.dnf, b.dnf) else { return false };
    let cost: u64 = db.iter().map(|d| d.len() as u64).sum();
    a.summaries.iter().all(|(s, contradiction)| {
        if contradiction.is_some() {
            return true;
        }
        if *budget < cost {
            *budget = 0;
            return false;
        }
        *budget -= cost;
        db.iter().any(|d| d.iter().all(|l| s.implies(*l)))
    })
}

fn whole_rule(r: &Checked, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::warning(code, message, r.source.line, r.source.column, r.source.predicate.chars().count() as u32)
        .with_rule(&r.source.id)
}

/// Runs every lint over the rules that type-checked.
pub(crate) fn lint(rules: &[Checked], cat: &Catalogue) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let dnfs: Vec<Option<Dnf<'_>>> = rules.iter().map(|r| dnf(&r.expr, false)).collect();
    let mut prepared = Vec::with_capacity(rules.len());
    for (k, (rule, d)) in rules.iter().zip(&dnfs).enumerate() {
        let summaries: Vec<(Summary<'_>, Option<String>)> = d
            .iter()
            .flatten()
            .map(|c| {
                let s = Summary::new(c, cat);
                let reason = s.contradiction(cat);
                (s, reason)
            })
            .collect();
        let never = d.is_some() && summaries.iter().all(|(_, r)| r.is_some());
        if never {
            let reason = summaries.iter().find_map(|(_, r)| r.clone()).unwrap_or_default();
            let pred = &rule.source.predicate;
            let at = parse_action(pred).map_or(0, |(_, end)| {
                let rest = pred.get(end..).unwrap_or("");
                end + (rest.len() - rest.trim_start().len())
            });
            let len = pred.get(at..).map_or(0, |s| s.chars().count()) as u32;
            let col = rule.source.column + pred.get(..at).map_or(0, |s| s.chars().count()) as u32;
            out.push(
                Diagnostic::warning(codes::NEVER_FIRES, "this rule can never match", rule.source.line, col, len)
                    .with_rule(&rule.source.id)
                    .with_help(reason),
            );
        }
        prepared.push(Prepared {
            rule,
            dnf: d.as_ref(),
            summaries,
            key: (rule.source.action, rule.post_auth, k),
            never,
        });
    }
    let mut budget = PAIRWISE_BUDGET;
    for l in &prepared {
        if l.never {
            continue;
        }
        let three_ds = l.rule.source.action == Action::RequestThreeDSecure;
        let mut earlier: Vec<&Prepared<'_>> = prepared
            .iter()
            .filter(|h| !h.never && h.key < l.key)
            .filter(|h| (h.rule.source.action == Action::RequestThreeDSecure) == three_ds)
            .collect();
        earlier.sort_by_key(|h| h.key);
        for h in earlier {
            if !implies(l, h, &mut budget) {
                continue;
            }
            let (hs, ls) = (&h.rule.source, &l.rule.source);
            if hs.action == ls.action && implies(h, l, &mut budget) {
                out.push(whole_rule(
                    l.rule,
                    codes::DUPLICATE_RULE,
                    format!("duplicate of rule `{}` on line {}: same action, equivalent condition", hs.id, hs.line),
                ));
                break;
            }
            if three_ds {
                continue;
            }
            let verb = match hs.action {
                Action::Allow => "allowed",
                Action::Block => "blocked",
                _ => "sent to review",
            };
            out.push(whole_rule(
                l.rule,
                codes::SHADOWED_RULE,
                format!(
                    "this rule never decides: every payment it matches is first {verb} by rule `{}` on line {}",
                    hs.id, hs.line
                ),
            ));
            break;
        }
    }
    out
}
