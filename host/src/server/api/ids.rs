//! Object ids: Stripe's prefixes followed by 24 random base-62 characters.

use std::sync::atomic::{AtomicU64, Ordering};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A new id with `prefix` (`ch`, `prv`, `rsl`…): 9 characters that grow with time, then 15
/// random ones. Ids made later sort later, so the store's id index is appended to rather than
/// written at random places (one page per group commit instead of one per payment), and the
/// random part keeps ids unguessable.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}{}", time_part(), random_base62(15))
}

/// Milliseconds since the epoch times 4096 plus a counter, strictly increasing within the
/// process, in 9 base-62 digits (enough until the year 2074).
fn time_part() -> String {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let candidate = millis << 12;
    let mut prev = LAST.load(Ordering::Relaxed);
    let value = loop {
        let next = candidate.max(prev + 1);
        match LAST.compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break next,
            Err(p) => prev = p,
        }
    };
    let mut digits = [b'0'; 9];
    let mut v = value;
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(v % 62) as usize];
        v /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// `n` random base-62 characters from the operating system's generator.
pub fn random_base62(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    // The OS generator failing is not recoverable in any useful way; fall back to the clock so
    // ids stay unique, if predictable.
    if getrandom::fill(&mut bytes).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (t >> ((i % 16) * 8)) as u8 ^ (i as u8).wrapping_mul(31);
        }
    }
    // `% 62` leaves a slight bias toward the first characters: harmless for ids.
    bytes.iter().map(|b| ALPHABET[(*b as usize) % 62] as char).collect()
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_have_prefix_and_length() {
        let a = super::new_id("ch");
        let b = super::new_id("ch");
        assert!(a.starts_with("ch_") && a.len() == 27);
        assert_ne!(a, b);
        assert!(a[..12] < b[..12], "later ids sort later: {a} {b}");
    }
}
