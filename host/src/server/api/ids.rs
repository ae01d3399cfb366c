//! Object ids: Stripe's prefixes followed by 24 random base-62 characters.

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A new id with `prefix` (`ch`, `prv`, `rsl`…).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_base62(24))
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
    }
}
