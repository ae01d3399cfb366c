//! "Did you mean …?" hints: edit distances between a misspelt name and the names it may mean.
//!
//! A hint is computed for every unknown name a request sends, so a candidate is dropped as soon
//! as it cannot come within the limit: by length first, then by row of the distance table.

/// Levenshtein distance between two strings, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    within(a, b, usize::MAX).unwrap_or(usize::MAX)
}

/// The Levenshtein distance between `a` and `b` if it is at most `limit`.
pub fn within(a: &str, b: &str, limit: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        bounded(a.as_bytes(), b.as_bytes(), limit)
    } else {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        bounded(&a, &b, limit)
    }
}

/// The candidate closest to `word` within `limit` edits (ties: the alphabetically first).
pub fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>, limit: usize) -> Option<&'c str> {
    candidates.filter_map(|c| within(word, c, limit).map(|d| (d, c))).min().map(|(_, c)| c)
}

fn bounded<T: PartialEq>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut best = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
            best = best.min(cur[j + 1]);
        }
        // Distances never shrink from one row to the next: past the limit, it stays past it.
        if best > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("flaw", "lawn"), 2);
        assert_eq!(edit_distance("café", "cafe"), 1);
        assert_eq!(within("kitten", "sitting", 2), None);
        assert_eq!(within("kitten", "sitting", 3), Some(3));
        assert_eq!(within("a", "abcdef", 4), None);
    }

    /// The bounded distance agrees with the full one on every pair of a small alphabet's words.
    #[test]
    fn bounded_agrees_with_unbounded() {
        let words = ["", "a", "ab", "ba", "abc", "acb", "bca", "aab", "abab", "baba", "abcab", "cc"];
        for a in words {
            for b in words {
                let d = edit_distance(a, b);
                for limit in 0..6 {
                    assert_eq!(within(a, b, limit), (d <= limit).then_some(d), "{a:?} {b:?} {limit}");
                }
            }
        }
    }

    #[test]
    fn nearest_picks_the_closest_within_the_limit() {
        let names = ["amount_in_usd", "email", "card_country"];
        assert_eq!(nearest("amount_usd", names.into_iter(), 3), Some("amount_in_usd"));
        assert_eq!(nearest("card_contry", names.into_iter(), 3), Some("card_country"));
        assert_eq!(nearest("zzzzzz", names.into_iter(), 3), None);
    }
}
