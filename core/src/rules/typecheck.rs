//! Checks a parsed condition against the attribute catalogue and the value lists, producing a [`TExpr`].
//!
//! Operand typing (Radar's table, plus metadata which works as a string or a number):
//!
//! | left side | operators | right side |
//! |---|---|---|
//! | numeric attribute | `= != < <= > >=`, `IN` | number, numeric attribute, metadata; `(numbers)`, `@list` |
//! | string, country, state | `= != IN INCLUDES LIKE` | string, string attribute, metadata; `('strings')`, `@list` |
//! | metadata | all of the above | a number makes it numeric (non-numeric metadata is then unknown); anything else is a case-sensitive string comparison |
//! | boolean | none: used bare or negated | |
//!
//! Comparing two string values is case-insensitive only when both sides are case-insensitive types.

use super::ast::{Expr, Op, Operand, Rhs, Span};
use super::diagnostic::{Problem, codes};
use super::ir::{Atom, Src, TExpr, fold};
use crate::attributes::{AttrType, Catalogue};
use crate::lists::{ItemType, ListSet};

/// The type of a value source, as far as operators are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Num,
    /// A string attribute; `fold` when compared case-insensitively.
    Str {
        fold: bool,
    },
    Bool,
    Meta,
}

/// Type-checks conditions, collecting problems.
pub(crate) struct Checker<'a> {
    cat: &'a Catalogue,
    lists: &'a ListSet,
    /// Errors and warnings found so far.
    pub problems: Vec<Problem>,
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(2);
    crate::suggest::nearest(word, candidates, limit)
}

fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Whether a list of this item type can sensibly hold values of this attribute.
fn list_fits(item: ItemType, attr: Option<(&str, AttrType)>) -> bool {
    let Some((name, ty)) = attr else { return true };
    match item {
        ItemType::String | ItemType::CaseSensitiveString => ty.is_string() || ty.is_numeric(),
        ItemType::Country => ty == AttrType::Country,
        ItemType::CardBin => name == "card_bin",
        ItemType::CardFingerprint => name == "card_fingerprint",
        ItemType::CryptoFingerprint => name == "crypto_fingerprint",
        ItemType::CustomerId => name == "customer",
        ItemType::Email => name == "email",
        ItemType::IpAddress => name == "ip_address",
        ItemType::SepaDebitFingerprint => name == "sepa_debit_fingerprint",
        ItemType::UsBankAccountFingerprint => name == "us_bank_account_fingerprint",
        ItemType::Account => name == "destination",
    }
}

impl<'a> Checker<'a> {
    /// A checker over a catalogue and list set.
    pub(crate) fn new(cat: &'a Catalogue, lists: &'a ListSet) -> Self {
        Checker { cat, lists, problems: Vec::new() }
    }

    fn error(&mut self, code: &'static str, message: impl Into<String>, span: Span, help: Option<String>) {
        let mut p = Problem::error(code, message, span);
        p.help = help;
        self.problems.push(p);
    }

    /// Checks a condition; `None` when it has errors (recorded in `problems`).
    pub(crate) fn check(&mut self, e: &Expr) -> Option<TExpr> {
        match e {
            Expr::And(..) | Expr::Or(..) => {
                let is_and = matches!(e, Expr::And(..));
                let mut parts = Vec::new();
                self.flatten(e, is_and, &mut parts);
                let mut out = Vec::with_capacity(parts.len());
                let mut ok = true;
                for p in parts {
                    match self.check(p) {
                        Some(t) => out.push(t),
                        None => ok = false,
                    }
                }
                ok.then_some(if is_and { TExpr::And(out) } else { TExpr::Or(out) })
            }
            Expr::Not(inner, _) => self.check(inner).map(|t| TExpr::Not(Box::new(t))),
            Expr::Missing(o, span) => self.source(o, *span).map(|(s, _)| TExpr::Atom(Atom::Missing(s))),
            Expr::Bare(o, span) => {
                let (src, kind) = self.source(o, *span)?;
                match (src, kind) {
                    (Src::Attr(id), Kind::Bool) => Some(TExpr::Atom(Atom::Bool(id))),
                    _ => {
                        self.error(
                            codes::BOOLEAN_USE,
                            format!("`{o}` is not a boolean attribute, so it cannot be a condition by itself"),
                            *span,
                            Some(format!("compare it with a value, e.g. `{o} = '…'`")),
                        );
                        None
                    }
                }
            }
            Expr::Cmp { lhs, lhs_span, op, op_span, rhs } => {
                self.comparison(lhs, *lhs_span, *op, *op_span, rhs).map(TExpr::Atom)
            }
        }
    }

    fn flatten<'e>(&self, e: &'e Expr, is_and: bool, out: &mut Vec<&'e Expr>) {
        match e {
            Expr::And(a, b) if is_and => {
                self.flatten(a, is_and, out);
                self.flatten(b, is_and, out);
            }
            Expr::Or(a, b) if !is_and => {
                self.flatten(a, is_and, out);
                self.flatten(b, is_and, out);
            }
            _ => out.push(e),
        }
    }

    /// Resolves an attribute or metadata operand; literals are an error here.
    fn source(&mut self, o: &Operand, span: Span) -> Option<(Src, Kind)> {
        match o {
            Operand::Attr(name) => {
                let Some(id) = self.cat.lookup(name) else {
                    let hint = nearest(name, self.cat.iter().map(|(_, s)| s.name.as_str()))
                        .map(|n| format!("did you mean `:{n}:`?"));
                    self.error(codes::UNKNOWN_ATTRIBUTE, format!("unknown attribute `:{name}:`"), span, hint);
                    return None;
                };
                let kind = match self.cat.spec(id).ty {
                    AttrType::Numeric | AttrType::BoundedNumeric => Kind::Num,
                    AttrType::Boolean => Kind::Bool,
                    AttrType::CaseSensitiveString => Kind::Str { fold: false },
                    AttrType::CaseInsensitiveString | AttrType::Country | AttrType::State => Kind::Str { fold: true },
                };
                Some((Src::Attr(id), kind))
            }
            Operand::Meta(scope, key) => Some((Src::Meta(*scope, key.as_str().into()), Kind::Meta)),
            Operand::Str(_) | Operand::Num(..) => {
                self.error(
                    codes::VALUE_TYPE,
                    format!("expected an attribute or a metadata key, found the value {o}"),
                    span,
                    Some("a comparison starts with the attribute: `:card_country: = 'US'`".to_owned()),
                );
                None
            }
        }
    }

    fn comparison(&mut self, lhs: &Operand, lhs_span: Span, op: Op, op_span: Span, rhs: &Rhs) -> Option<Atom> {
        let (src, kind) = self.source(lhs, lhs_span)?;
        let whole = lhs_span.to(rhs.span());
        if kind == Kind::Bool {
            self.error(
                codes::BOOLEAN_USE,
                format!("the boolean attribute `{lhs}` cannot be compared with a value"),
                whole,
                Some(format!("use it as a condition by itself: `{lhs}` or `NOT {lhs}`")),
            );
            return None;
        }
        // Operator against the left side's type.
        let allowed = match kind {
            Kind::Num => !matches!(op, Op::Includes | Op::Like),
            Kind::Str { .. } => !op.is_ordering(),
            Kind::Meta | Kind::Bool => true,
        };
        if !allowed {
            let (what, ops) =
                if kind == Kind::Num { ("numeric", "= != < > <= >= IN") } else { ("string", "= != IN INCLUDES LIKE") };
            self.error(
                codes::OPERATOR_TYPE,
                format!("`{}` does not apply to the {what} attribute `{lhs}`", op.as_str()),
                op_span,
                Some(format!("{what} attributes take {ops}")),
            );
            return None;
        }
        match (op, rhs) {
            (Op::In, Rhs::ListRef(alias, span)) => self.list_ref(src, kind, lhs, alias, *span),
            (Op::In, Rhs::List(items, span)) => self.inline_list(src, kind, lhs, items, *span),
            (Op::In, Rhs::One(_, span)) => {
                self.error(
                    codes::LIST_POSITION,
                    "IN takes a list: `('a', 'b')` or `@alias`",
                    *span,
                    Some(format!("for a single value write `{lhs} = …`")),
                );
                None
            }
            (_, Rhs::ListRef(..) | Rhs::List(..)) => {
                self.error(
                    codes::LIST_POSITION,
                    format!("a list can only follow IN, not `{}`", op.as_str()),
                    rhs.span(),
                    None,
                );
                None
            }
            (_, Rhs::One(value, span)) => self.single(src, kind, lhs, op, op_span, value, *span),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn single(
        &mut self,
        src: Src,
        kind: Kind,
        lhs: &Operand,
        op: Op,
        op_span: Span,
        value: &Operand,
        span: Span,
    ) -> Option<Atom> {
        match value {
            Operand::Num(n, text) => match kind {
                Kind::Num | Kind::Meta if op != Op::Includes && op != Op::Like => {
                    Some(Atom::NumLit { lhs: src, op, rhs: *n })
                }
                Kind::Meta => {
                    self.error(
                        codes::VALUE_TYPE,
                        format!("{} takes a quoted string", op.as_str()),
                        span,
                        Some(format!("write '{text}'")),
                    );
                    None
                }
                _ => {
                    self.error(
                        codes::VALUE_TYPE,
                        format!("`{lhs}` is a string attribute, but {text} is a number"),
                        span,
                        Some(format!("quote it: '{text}'")),
                    );
                    None
                }
            },
            Operand::Str(s) => {
                if kind == Kind::Num {
                    self.error(
                        codes::VALUE_TYPE,
                        format!("`{lhs}` is numeric, but {value} is a string"),
                        span,
                        Some("write a number, like 1000 or 99.5".to_owned()),
                    );
                    return None;
                }
                if op.is_ordering() {
                    self.error(
                        codes::OPERATOR_TYPE,
                        format!("`{}` compares numbers, but {value} is a string", op.as_str()),
                        op_span,
                        Some("strings take = != IN INCLUDES LIKE".to_owned()),
                    );
                    return None;
                }
                let fold_it = matches!(kind, Kind::Str { fold: true });
                if matches!(op, Op::Eq | Op::Ne) && !self.literal_ok(&src, s, span) {
                    return None;
                }
                let text = if fold_it { fold(s) } else { s.clone() };
                if op == Op::Like {
                    let segments = text.split('%').map(Box::from).collect();
                    return Some(Atom::Like { lhs: src, segments, fold: fold_it });
                }
                Some(Atom::StrLit { lhs: src, op, rhs: text.into(), fold: fold_it })
            }
            Operand::Attr(_) | Operand::Meta(..) => {
                let (rsrc, rkind) = self.source(value, span)?;
                if op == Op::Like {
                    self.error(
                        codes::VALUE_TYPE,
                        "LIKE takes a quoted pattern",
                        span,
                        Some("write `LIKE 'prefix%'`".to_owned()),
                    );
                    return None;
                }
                let numeric = match (kind, rkind) {
                    (_, Kind::Bool) => {
                        self.error(
                            codes::BOOLEAN_USE,
                            format!("the boolean attribute `{value}` cannot be compared"),
                            span,
                            None,
                        );
                        return None;
                    }
                    (Kind::Num, Kind::Num | Kind::Meta) | (Kind::Meta, Kind::Num) => true,
                    (Kind::Str { .. } | Kind::Meta, Kind::Str { .. } | Kind::Meta) => false,
                    _ => {
                        self.error(
                            codes::VALUE_TYPE,
                            format!("cannot compare `{lhs}` with `{value}`: one is numeric and the other a string"),
                            span,
                            None,
                        );
                        return None;
                    }
                };
                if numeric {
                    if op == Op::Includes {
                        self.error(codes::OPERATOR_TYPE, "INCLUDES does not apply to numbers", op_span, None);
                        return None;
                    }
                    return Some(Atom::NumSrc { lhs: src, op, rhs: rsrc });
                }
                if op.is_ordering() {
                    self.error(
                        codes::OPERATOR_TYPE,
                        format!("`{}` does not apply to strings", op.as_str()),
                        op_span,
                        None,
                    );
                    return None;
                }
                let fold_it = matches!((kind, rkind), (Kind::Str { fold: true }, Kind::Str { fold: true }));
                Some(Atom::StrSrc { lhs: src, op, rhs: rsrc, fold: fold_it })
            }
        }
    }

    /// Checks a string literal compared for equality with `src`: countries and enumerated values.
    fn literal_ok(&mut self, src: &Src, s: &str, span: Span) -> bool {
        let Src::Attr(id) = src else { return true };
        let spec = self.cat.spec(*id);
        if spec.ty == AttrType::Country && !is_country_code(s) {
            self.error(
                codes::INVALID_COUNTRY,
                format!("'{s}' is not a two-letter country code"),
                span,
                Some("countries are ISO 3166-1 alpha-2 codes, like 'CA' or 'DE'".to_owned()),
            );
            return false;
        }
        if spec.values.is_empty() {
            return true;
        }
        let found = if spec.ty == AttrType::CaseSensitiveString {
            spec.values.contains(&s)
        } else {
            let f = fold(s);
            spec.values.iter().any(|v| fold(v) == f)
        };
        if !found {
            let hint = match nearest(s, spec.values.iter().copied()) {
                Some(v) => format!("did you mean '{v}'?"),
                None => format!("expected one of: {}", spec.values.join(", ")),
            };
            let name = spec.name.clone();
            self.error(codes::UNKNOWN_ENUM_VALUE, format!("`:{name}:` is never '{s}'"), span, Some(hint));
        }
        found
    }

    fn inline_list(
        &mut self,
        src: Src,
        kind: Kind,
        lhs: &Operand,
        items: &[(Operand, Span)],
        span: Span,
    ) -> Option<Atom> {
        let all_num = items.iter().all(|(o, _)| matches!(o, Operand::Num(..)));
        let all_str = items.iter().all(|(o, _)| matches!(o, Operand::Str(_)));
        if !all_num && !all_str {
            let bad = items.iter().find(|(o, _)| matches!(o, Operand::Attr(_) | Operand::Meta(..)));
            let (msg, at) = match bad {
                Some((o, s)) => (format!("a list holds literal values, not `{o}`"), *s),
                None => ("a list must hold only numbers or only strings".to_owned(), span),
            };
            self.error(codes::VALUE_TYPE, msg, at, None);
            return None;
        }
        if all_num {
            if !matches!(kind, Kind::Num | Kind::Meta) {
                self.error(
                    codes::VALUE_TYPE,
                    format!("`{lhs}` is a string attribute, but the list holds numbers"),
                    span,
                    Some("quote the values: ('1', '2')".to_owned()),
                );
                return None;
            }
            let mut set: Vec<f64> =
                items.iter().filter_map(|(o, _)| if let Operand::Num(n, _) = o { Some(*n) } else { None }).collect();
            set.sort_by(f64::total_cmp);
            set.dedup();
            return Some(Atom::NumIn { lhs: src, set });
        }
        if kind == Kind::Num {
            self.error(codes::VALUE_TYPE, format!("`{lhs}` is numeric, but the list holds strings"), span, None);
            return None;
        }
        let fold_it = matches!(kind, Kind::Str { fold: true });
        let mut ok = true;
        let mut set: Vec<Box<str>> = Vec::with_capacity(items.len());
        for (o, s) in items {
            if let Operand::Str(v) = o {
                ok &= self.literal_ok(&src, v, *s);
                set.push(if fold_it { fold(v).into() } else { v.as_str().into() });
            }
        }
        set.sort();
        set.dedup();
        ok.then_some(Atom::StrIn { lhs: src, set, fold: fold_it })
    }

    fn list_ref(&mut self, src: Src, kind: Kind, lhs: &Operand, alias: &str, span: Span) -> Option<Atom> {
        let Some(list) = self.lists.resolve(alias) else {
            self.error(codes::UNKNOWN_LIST, format!("no value list has the alias `@{alias}`"), span, None);
            return None;
        };
        let item = self.lists.item_type(list);
        let attr = match &src {
            Src::Attr(id) => Some((self.cat.spec(*id).name.as_str(), self.cat.spec(*id).ty)),
            Src::Meta(..) => None,
        };
        if !list_fits(item, attr) {
            let what = if kind == Kind::Num { "a numeric attribute" } else { "this attribute" };
            self.problems.push(
                Problem::warning(
                    codes::LIST_ITEM_TYPE,
                    format!("`@{alias}` holds {} items, which do not fit {what} `{lhs}`", item.as_str()),
                    span,
                )
                .help("the rule only matches if the list's values are written the way this attribute is"),
            );
        }
        Some(Atom::InList { lhs: src, list, alias: alias.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::parser::parse_condition;

    fn lists() -> ListSet {
        ListSet::from_simple(vec![
            ("bad_emails".into(), ItemType::Email, vec!["a@b.c".into()]),
            ("vip_countries".into(), ItemType::Country, vec!["us".into()]),
        ])
        .expect("valid test lists")
    }

    fn check(cond: &str) -> Result<TExpr, Vec<(&'static str, String, usize)>> {
        let cat = Catalogue::standard();
        let l = lists();
        let e = parse_condition(cond).map_err(|p| vec![(p.code, p.message, p.span.start)])?;
        let mut c = Checker::new(&cat, &l);
        let t = c.check(&e);
        let errs: Vec<_> = c.problems.into_iter().map(|p| (p.code, p.message, p.span.start)).collect();
        match t {
            Some(t) if errs.is_empty() => Ok(t),
            _ => Err(errs),
        }
    }

    fn code(cond: &str) -> &'static str {
        check(cond).err().and_then(|e| e.first().map(|x| x.0)).unwrap_or("ok")
    }

    #[test]
    fn accepts_well_typed_conditions() {
        for ok in [
            ":amount_in_usd: > 1000.00",
            ":card_country: != :ip_country:",
            ":is_anonymous_ip: AND NOT :is_3d_secure:",
            ":card_country: IN ('CA', 'de')",
            ":risk_score: IN (1, 2)",
            ":email: IN @bad_emails",
            "::Order Total:: > 100 OR ::tier:: = 'gold' OR ::customer:x:: LIKE 'a%'",
            "is_missing(:email:) OR is_missing(::k::)",
            ":email: INCLUDES 'test' AND :email_domain: LIKE '%.ru'",
            ":risk_level: = 'Highest'",
            ":cvc_check: = 'fail'",
            ":amount_in_usd: > ::limit::",
            ":email: = ::email::",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
    }

    #[test]
    fn documented_invalid_examples() {
        assert_eq!(code(":risk_level: < 'highest'"), codes::OPERATOR_TYPE);
        assert_eq!(code(":ip_country: = 'Canada'"), codes::INVALID_COUNTRY);
        assert_eq!(code(":amount_in_usd: >= 'one thousand'"), codes::VALUE_TYPE);
        assert_eq!(code(":is_anonymous_ip: = 'true'"), codes::BOOLEAN_USE);
    }

    #[test]
    fn other_errors() {
        assert_eq!(code(":amount_usd: > 1"), codes::UNKNOWN_ATTRIBUTE);
        assert_eq!(code(":card_country: = 12"), codes::VALUE_TYPE);
        assert_eq!(code(":amount_in_usd: LIKE '1%'"), codes::OPERATOR_TYPE);
        assert_eq!(code(":card_brand: = 'mastercard'"), codes::UNKNOWN_ENUM_VALUE);
        assert_eq!(code(":cvc_check: = 'FAIL'"), codes::UNKNOWN_ENUM_VALUE);
        assert_eq!(code(":card_funding: IN ('credit', 'gift')"), codes::UNKNOWN_ENUM_VALUE);
        assert_eq!(code(":email: IN @nope"), codes::UNKNOWN_LIST);
        assert_eq!(code(":email: = @bad_emails"), codes::LIST_POSITION);
        assert_eq!(code(":email: IN 'x'"), codes::LIST_POSITION);
        assert_eq!(code(":email: = ('x')"), codes::LIST_POSITION);
        assert_eq!(code(":card_country:"), codes::BOOLEAN_USE);
        assert_eq!(code("::flag::"), codes::BOOLEAN_USE);
        assert_eq!(code("'US' = :card_country:"), codes::VALUE_TYPE);
        assert_eq!(code(":amount_in_usd: = :email:"), codes::VALUE_TYPE);
        assert_eq!(code(":card_country: IN ('US', 1)"), codes::VALUE_TYPE);
        assert_eq!(code(":card_country: IN (1, 2)"), codes::VALUE_TYPE);
        assert_eq!(code(":amount_in_usd: IN ('1')"), codes::VALUE_TYPE);
        assert_eq!(code(":card_country: IN (:ip_country:)"), codes::VALUE_TYPE);
        assert_eq!(code("::k:: < 'x'"), codes::OPERATOR_TYPE);
        assert_eq!(code("::k:: LIKE 5"), codes::VALUE_TYPE);
        assert_eq!(code(":email: LIKE :email_domain:"), codes::VALUE_TYPE);
        assert_eq!(code(":card_country: = :is_3d_secure:"), codes::BOOLEAN_USE);
    }

    #[test]
    fn collects_every_error_with_positions() {
        let e = check(":amount_usd: > 1 AND :ip_country: = 'Canada'").unwrap_err();
        assert_eq!(
            e,
            vec![
                (codes::UNKNOWN_ATTRIBUTE, "unknown attribute `:amount_usd:`".to_owned(), 0),
                (codes::INVALID_COUNTRY, "'Canada' is not a two-letter country code".to_owned(), 36),
            ]
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(nearest("amount_usd", ["amount_in_usd", "email"].into_iter()), Some("amount_in_usd"));
        assert_eq!(nearest("zzzzzz", ["amount_in_usd", "email"].into_iter()), None);
    }

    #[test]
    fn list_item_type_mismatch_is_a_warning() {
        let cat = Catalogue::standard();
        let l = lists();
        let e = parse_condition(":email: IN @vip_countries").unwrap();
        let mut c = Checker::new(&cat, &l);
        assert!(c.check(&e).is_some());
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].code, codes::LIST_ITEM_TYPE);
        assert_eq!(c.problems[0].severity, crate::rules::Severity::Warning);
    }

    #[test]
    fn normalises_literals() {
        let t = check(":card_country: IN ('US', 'ca', 'us')").unwrap();
        let TExpr::Atom(Atom::StrIn { set, fold, .. }) = t else { panic!() };
        assert!(fold);
        assert_eq!(set, vec!["ca".into(), "us".into()]);
        let t = check(":card_fingerprint: LIKE 'Ab%cD'").unwrap();
        let TExpr::Atom(Atom::Like { segments, fold, .. }) = t else { panic!() };
        assert!(!fold);
        assert_eq!(segments, vec!["Ab".into(), "cD".into()]);
    }
}
