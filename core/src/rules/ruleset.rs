//! Compiling a rules file into a [`RuleSet`] and evaluating it.

use super::Action;
use super::diagnostic::{Diagnostic, Severity};
use super::eval::{Program, Tri};
use super::file::{RuleSource, split};
use super::ir::TExpr;
use super::lint;
use super::parser::parse_rule;
use super::typecheck::Checker;
use crate::attributes::{AttrId, Catalogue, Facts};
use crate::lists::ListSet;

/// Attributes only known after the issuer answers; rules reading them run after the others of their action.
pub const POST_AUTH_ATTRIBUTES: &[&str] = &["cvc_check", "address_zip_check", "address_line1_check"];

/// A compiled rule, as reported in outcomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// The rule id.
    pub id: String,
    /// What it does.
    pub action: Action,
    /// The rule text (`outcome.rule.predicate`).
    pub predicate: String,
    /// 1-based line in the rules file.
    pub line: u32,
    /// Whether it reads post-authorization attributes (and so runs after the other rules of its action).
    pub post_auth: bool,
}

/// The result of evaluating a rule set on one payment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    /// Every `Request 3D Secure` rule that matched (indices into [`RuleSet::rules`]), in evaluation order.
    pub three_d_secure: Vec<usize>,
    /// The `Allow`, `Block` or `Review` rule that decided, if any (index into [`RuleSet::rules`]).
    pub decided: Option<usize>,
}

impl Decision {
    /// The action of the deciding rule.
    pub fn action(&self, rules: &RuleSet) -> Option<Action> {
        self.decided.and_then(|i| rules.rules.get(i)).map(|r| r.action)
    }
}

/// A successful compilation: the rules and any warnings.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The compiled rules.
    pub rules: RuleSet,
    /// Lint warnings (and list item-type warnings).
    pub warnings: Vec<Diagnostic>,
}

/// A compiled rules file, ready to evaluate.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<RuleInfo>,
    roots: Vec<u32>,
    program: Program,
    /// Rule indices in evaluation order: 3DS rules first, then allow, block, review.
    order: Vec<u32>,
    /// `order[..three_ds]` are the 3DS rules.
    three_ds: usize,
    attributes: Vec<AttrId>,
    aliases: Vec<Box<str>>,
}

/// A rule that type-checked.
pub(crate) struct Checked {
    pub source: RuleSource,
    pub expr: TExpr,
    pub post_auth: bool,
}

/// Parses and type-checks every rule; returns the rules that checked and every diagnostic so far.
fn front_end(text: &str, catalogue: &Catalogue, lists: &ListSet) -> (Vec<Checked>, Vec<Diagnostic>) {
    let (sources, mut diags) = split(text);
    let post: Vec<AttrId> = POST_AUTH_ATTRIBUTES.iter().filter_map(|n| catalogue.lookup(n)).collect();
    let mut checked = Vec::with_capacity(sources.len());
    for source in sources {
        let locate =
            |p: &super::diagnostic::Problem| p.locate(&source.predicate, source.line, source.column, Some(&source.id));
        let expr = match parse_rule(&source.predicate) {
            Ok((_, expr)) => expr,
            Err(p) => {
                diags.push(locate(&p));
                continue;
            }
        };
        let mut checker = Checker::new(catalogue, lists);
        let typed = checker.check(&expr);
        diags.extend(checker.problems.iter().map(locate));
        if let Some(expr) = typed {
            let mut post_auth = false;
            expr.for_each_atom(&mut |a| post_auth |= a.attrs().any(|id| post.contains(&id)));
            checked.push(Checked { source, expr, post_auth });
        }
    }
    (checked, diags)
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| (d.severity, d.line, d.column));
}

/// Every error and warning for a rules file (errors by position, then warnings by position), without building a
/// rule set.
pub fn check(text: &str, catalogue: &Catalogue, lists: &ListSet) -> Vec<Diagnostic> {
    let (checked, mut diags) = front_end(text, catalogue, lists);
    diags.extend(lint::lint(&checked, catalogue));
    sort(&mut diags);
    diags
}

impl RuleSet {
    /// Compiles a rules file. On error, returns every diagnostic: errors by position, then warnings by position.
    pub fn compile(text: &str, catalogue: &Catalogue, lists: &ListSet) -> Result<Compiled, Vec<Diagnostic>> {
        let (checked, mut diags) = front_end(text, catalogue, lists);
        diags.extend(lint::lint(&checked, catalogue));
        sort(&mut diags);
        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(diags);
        }
        let mut set = RuleSet::default();
        let mut attributes = Vec::new();
        let mut aliases: Vec<Box<str>> = Vec::new();
        for c in &checked {
            set.roots.push(set.program.add(&c.expr));
            c.expr.for_each_atom(&mut |a| {
                attributes.extend(a.attrs());
                if let super::ir::Atom::InList { alias, .. } = a {
                    aliases.push(alias.clone());
                }
            });
            set.rules.push(RuleInfo {
                id: c.source.id.clone(),
                action: c.source.action,
                predicate: c.source.predicate.clone(),
                line: c.source.line,
                post_auth: c.post_auth,
            });
        }
        attributes.sort();
        attributes.dedup();
        aliases.sort();
        aliases.dedup();
        set.attributes = attributes;
        set.aliases = aliases;
        for action in [Action::RequestThreeDSecure, Action::Allow, Action::Block, Action::Review] {
            for post in [false, true] {
                let group = set.rules.iter().enumerate().filter(|(_, r)| r.action == action && r.post_auth == post);
                set.order.extend(group.map(|(i, _)| i as u32));
            }
            if action == Action::RequestThreeDSecure {
                set.three_ds = set.order.len();
            }
        }
        Ok(Compiled { rules: set, warnings: diags })
    }

    /// Evaluates every rule in order on one payment. Allocates only when a 3DS rule matches.
    pub fn evaluate(&self, facts: &Facts<'_>, lists: &ListSet) -> Decision {
        let mut decision = Decision::default();
        for (k, &i) in self.order.iter().enumerate() {
            let Some(&root) = self.roots.get(i as usize) else { continue };
            if self.program.eval(root, facts, lists) != Tri::True {
                continue;
            }
            if k < self.three_ds {
                decision.three_d_secure.push(i as usize);
            } else {
                decision.decided = Some(i as usize);
                break;
            }
        }
        decision
    }

    /// The truth value of one rule's condition (for explanations and tests).
    pub fn evaluate_rule(&self, index: usize, facts: &Facts<'_>, lists: &ListSet) -> Option<Tri> {
        self.roots.get(index).map(|&root| self.program.eval(root, facts, lists))
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// Indices into [`RuleSet::rules`] in the order they are evaluated.
    pub fn evaluation_order(&self) -> impl Iterator<Item = usize> + '_ {
        self.order.iter().map(|&i| i as usize)
    }

    /// Every catalogue attribute some rule reads, sorted and deduplicated.
    pub fn attributes(&self) -> impl Iterator<Item = AttrId> + '_ {
        self.attributes.iter().copied()
    }

    /// Every value list alias (without `@`) some rule references, sorted and deduplicated.
    pub fn list_aliases(&self) -> impl Iterator<Item = &str> {
        self.aliases.iter().map(|a| &**a)
    }
}
