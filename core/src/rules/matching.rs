//! String and number tests shared by the evaluator and the lints. Allocation-free for ASCII values.
//!
//! Case-insensitive tests compare the value, folded character by character, with a literal folded the same way
//! at compile time ([`super::ir::fold`]).

use std::cmp::Ordering;

use super::ast::Op;
use super::ir::fold;

/// Byte equality, lower-casing `a`'s ASCII letters first when `lower`. Written so it is not turned into a
/// `memcmp` call (slow for the short strings rules compare).
#[inline]
fn bytes_eq(a: &[u8], b: &[u8], lower: bool) -> bool {
    a.len() == b.len()
        && if lower {
            a.iter().zip(b).fold(true, |acc, (x, y)| acc & (x.to_ascii_lowercase() == *y))
        } else {
            a.iter().zip(b).fold(true, |acc, (x, y)| acc & (x == y))
        }
}

fn has_prefix(h: &[u8], p: &[u8], lower: bool) -> bool {
    h.get(..p.len()).is_some_and(|x| bytes_eq(x, p, lower))
}

fn has_suffix(h: &[u8], s: &[u8], lower: bool) -> bool {
    h.len().checked_sub(s.len()).and_then(|at| h.get(at..)).is_some_and(|x| bytes_eq(x, s, lower))
}

/// Position of `needle` in `hay` (byte search; valid for UTF-8 since it is self-synchronising).
fn find(hay: &[u8], needle: &[u8], lower: bool) -> Option<usize> {
    let Some(&first) = needle.first() else { return Some(0) };
    let starts = |b: u8| (if lower { b.to_ascii_lowercase() } else { b }) == first;
    hay.windows(needle.len()).position(|w| w.first().is_some_and(|b| starts(*b)) && bytes_eq(w, needle, lower))
}

/// Whether `value` equals the (already folded, when `ci`) literal.
pub(crate) fn str_eq(value: &str, lit: &str, ci: bool) -> bool {
    if !ci {
        return bytes_eq(value.as_bytes(), lit.as_bytes(), false);
    }
    if value.is_ascii() {
        return value.len() == lit.len() && value.bytes().zip(lit.bytes()).all(|(a, b)| a.to_ascii_lowercase() == b);
    }
    value.chars().flat_map(char::to_lowercase).eq(lit.chars())
}

/// Orders a value (folded on the fly when `ci`) against a stored, already folded item.
pub(crate) fn str_cmp(value: &str, item: &str, ci: bool) -> Ordering {
    if !ci {
        value.cmp(item)
    } else if value.is_ascii() {
        let (a, b) = (value.as_bytes(), item.as_bytes());
        for (x, y) in a.iter().zip(b) {
            let x = x.to_ascii_lowercase();
            if x != *y {
                return x.cmp(y);
            }
        }
        a.len().cmp(&b.len())
    } else {
        value.chars().flat_map(char::to_lowercase).cmp(item.chars())
    }
}

/// Whether two values are equal, both folded when `ci`.
pub(crate) fn str_eq2(a: &str, b: &str, ci: bool) -> bool {
    if !ci {
        bytes_eq(a.as_bytes(), b.as_bytes(), false)
    } else if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
    }
}

/// Runs `f` on the value's bytes and whether they still need lower-casing: ASCII values are lower-cased on the
/// fly, other values are folded into a new string first.
fn with_folded<R>(value: &str, ci: bool, f: impl FnOnce(&[u8], bool) -> R) -> R {
    if !ci {
        f(value.as_bytes(), false)
    } else if value.is_ascii() {
        f(value.as_bytes(), true)
    } else {
        f(fold(value).as_bytes(), false)
    }
}

/// Whether `value` contains the (folded when `ci`) needle.
pub(crate) fn includes(value: &str, needle: &str, ci: bool) -> bool {
    with_folded(value, ci, |hay, lower| find(hay, needle.as_bytes(), lower).is_some())
}

/// Whether `value` contains `needle`, both folded when `ci`.
pub(crate) fn includes2(value: &str, needle: &str, ci: bool) -> bool {
    if ci { includes(value, &fold(needle), true) } else { find(value.as_bytes(), needle.as_bytes(), false).is_some() }
}

/// `LIKE`: `segments` is the pattern split at `%`; the match is anchored at both ends.
pub(crate) fn like(value: &str, segments: &[Box<str>], ci: bool) -> bool {
    with_folded(value, ci, |hay, lower| {
        let Some((first, rest)) = segments.split_first() else { return hay.is_empty() };
        let Some((last, middle)) = rest.split_last() else { return bytes_eq(hay, first.as_bytes(), lower) };
        if !has_prefix(hay, first.as_bytes(), lower) {
            return false;
        }
        let mut tail = hay.get(first.len()..).unwrap_or(&[]);
        for seg in middle {
            match find(tail, seg.as_bytes(), lower) {
                Some(at) => tail = tail.get(at + seg.len()..).unwrap_or(&[]),
                None => return false,
            }
        }
        has_suffix(tail, last.as_bytes(), lower)
    })
}

/// A numeric comparison (`op` is `= != < <= > >=`).
pub(crate) fn num_cmp(a: f64, op: Op, b: f64) -> bool {
    match op {
        Op::Eq => a == b,
        Op::Ne => a != b,
        Op::Lt => a < b,
        Op::Le => a <= b,
        Op::Gt => a > b,
        Op::Ge => a >= b,
        Op::In | Op::Includes | Op::Like => false,
    }
}

/// Reads metadata as a number: it must parse in full as a finite decimal.
pub(crate) fn meta_number(s: &str) -> Option<f64> {
    let n: f64 = s.parse().ok()?;
    n.is_finite().then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<Box<str>> {
        p.split('%').map(Box::from).collect()
    }

    #[test]
    fn like_patterns() {
        let cases = [
            ("%", "", true),
            ("%", "anything", true),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("a%", "abc", true),
            ("%c", "abc", true),
            ("%b%", "abc", true),
            ("a%c", "ac", true),
            ("a%c", "abbc", true),
            ("a%b%c", "abc", true),
            ("a%b%c", "acb", false),
            ("ab%ba", "aba", false),
            ("%.ru", "x@mail.ru", true),
            ("%.ru", "x@mail.ru.com", false),
            ("a_c", "abc", false),
            ("a_c", "a_c", true),
            ("%%", "", true),
        ];
        for (p, v, want) in cases {
            assert_eq!(like(v, &segs(p), false), want, "{v} LIKE {p}");
        }
        assert!(like("X@MAIL.RU", &segs("%.ru"), true));
        assert!(!like("X@MAIL.RU", &segs("%.ru"), false));
        assert!(like("ÉCOLE", &segs(&fold("éc%")), true));
    }

    #[test]
    fn equality_and_order_fold_case() {
        assert!(str_eq("HighEST", "highest", true));
        assert!(!str_eq("HighEST", "highest", false));
        assert!(str_eq("ÄBC", &fold("äbc"), true));
        assert!(!str_eq("ab", "abc", true));
        assert_eq!(str_cmp("B", "a", true), Ordering::Greater);
        assert_eq!(str_cmp("A", "a", true), Ordering::Equal);
        assert!(str_eq2("Ça", "çA", true));
        assert!(!str_eq2("Ça", "çA", false));
    }

    #[test]
    fn substring() {
        assert!(includes("Hello World", "o w", true));
        assert!(!includes("Hello World", "o w", false));
        assert!(includes("abc", "", false));
        assert!(!includes("ab", "abc", false));
        assert!(includes2("MAIL.example.COM", "Example", true));
        assert!(includes2("Ünïcode", "ÏC", true));
        assert!(!includes2("MAIL.example.COM", "Example", false));
    }

    #[test]
    fn metadata_numbers() {
        assert_eq!(meta_number("12.5"), Some(12.5));
        assert_eq!(meta_number("-3"), Some(-3.0));
        assert_eq!(meta_number("abc"), None);
        assert_eq!(meta_number("inf"), None);
        assert_eq!(meta_number("NaN"), None);
        assert_eq!(meta_number(""), None);
    }
}
