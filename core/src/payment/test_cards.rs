//! Test-mode card numbers: derived card fields and Stripe's documented test-card behaviours.

use sha2::{Digest, Sha256};

/// What a Stripe test card number makes the engine do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestCardBehavior {
    /// `4100000000000019`: risk `highest`, always blocked whatever the rules.
    AlwaysBlock,
    /// Forces a risk score (and so a level) before rules run.
    RiskScore(u8),
    /// Forces issuer check results; `elevated` also forces an elevated score.
    Checks {
        /// CVC check fails.
        cvc_fail: bool,
        /// Postal code check fails.
        postal_fail: bool,
        /// Address line 1 check fails.
        line1_fail: bool,
        /// Postal and line 1 are unavailable.
        unavailable: bool,
        /// The risk score is forced to elevated.
        elevated: bool,
    },
    /// The issuer declines with this decline code after Radar lets the payment through.
    IssuerDecline(&'static str),
}

/// Score given to the test cards that force `highest` and `elevated`.
pub const TEST_HIGHEST_SCORE: u8 = 85;
/// Score given to the test cards that force `elevated`.
pub const TEST_ELEVATED_SCORE: u8 = 70;
/// Score of the always-blocked card.
pub const TEST_BLOCK_SCORE: u8 = 95;

/// Behaviour of a Stripe test card, by number (spaces allowed).
pub fn test_card_behavior(number: &str) -> Option<TestCardBehavior> {
    let checks = |cvc_fail, postal_fail, line1_fail, unavailable, elevated| TestCardBehavior::Checks {
        cvc_fail,
        postal_fail,
        line1_fail,
        unavailable,
        elevated,
    };
    let b = match digits(number)?.as_str() {
        "4100000000000019" => TestCardBehavior::AlwaysBlock,
        "4000000000004954" => TestCardBehavior::RiskScore(TEST_HIGHEST_SCORE),
        "4000000000009235" => TestCardBehavior::RiskScore(TEST_ELEVATED_SCORE),
        "4000000000000101" => checks(true, false, false, false, false),
        "4000000000000036" => checks(false, true, false, false, false),
        "4000058400307872" => checks(true, false, false, false, true),
        "4000058400306072" => checks(false, true, false, false, true),
        "4000000000000028" => checks(false, false, true, false, false),
        "4000000000000010" => checks(false, true, true, false, false),
        "4000000000000044" => checks(false, false, false, true, false),
        "4000000000000002" => TestCardBehavior::IssuerDecline("generic_decline"),
        "4000000000009995" => TestCardBehavior::IssuerDecline("insufficient_funds"),
        "4000000000009987" => TestCardBehavior::IssuerDecline("lost_card"),
        "4000000000009979" => TestCardBehavior::IssuerDecline("stolen_card"),
        "4000000000006975" => TestCardBehavior::IssuerDecline("card_velocity_exceeded"),
        "4000000000000127" => TestCardBehavior::IssuerDecline("incorrect_cvc"),
        "4000000000000069" => TestCardBehavior::IssuerDecline("expired_card"),
        "4000000000000119" => TestCardBehavior::IssuerDecline("processing_error"),
        "4242424242424241" => TestCardBehavior::IssuerDecline("incorrect_number"),
        _ => return None,
    };
    Some(b)
}

/// Card fields derived from a full number in test mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedCard {
    /// First six digits.
    pub bin: String,
    /// Last four digits.
    pub last4: String,
    /// Brand from the number's prefix, in Stripe's spelling.
    pub brand: &'static str,
    /// A stable 16-character fingerprint of the number.
    pub fingerprint: String,
}

/// Derives bin, last4, brand and a fingerprint from a card number.
/// `None` if the number is not 12-19 digits (spaces and dashes allowed).
pub fn derive_from_number(number: &str) -> Option<DerivedCard> {
    let d = digits(number)?;
    Some(DerivedCard {
        bin: d[..6].to_owned(),
        last4: d[d.len() - 4..].to_owned(),
        brand: brand_of(&d),
        fingerprint: fingerprint_of(&d),
    })
}

/// The digits of a card number, or `None` if it is not one.
pub(crate) fn digits(number: &str) -> Option<String> {
    let d: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let ok = (12..=19).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(d)
}

fn brand_of(d: &str) -> &'static str {
    let p2: u32 = d[..2].parse().unwrap_or(0);
    let p4: u32 = d[..4].parse().unwrap_or(0);
    match () {
        _ if d.starts_with('4') => "visa",
        _ if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => "mastercard",
        _ if p2 == 34 || p2 == 37 => "amex",
        _ if d.starts_with("6011") || p2 == 65 || (644..=649).contains(&(p4 / 10)) => "discover",
        _ if p2 == 36 || p2 == 38 || (300..=305).contains(&(p4 / 10)) => "diners",
        _ if p2 == 35 => "jcb",
        _ if p2 == 62 => "unionpay",
        _ => "unknown",
    }
}

/// A fingerprint as Stripe shapes them: 16 alphanumeric characters, stable per number.
fn fingerprint_of(d: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let hash = Sha256::digest(format!("ward-card-fingerprint:{d}").as_bytes());
    hash.iter().take(16).map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_card_fields() {
        let c = derive_from_number("4242 4242 4242 4242").unwrap();
        assert_eq!(c.bin, "424242");
        assert_eq!(c.last4, "4242");
        assert_eq!(c.brand, "visa");
        assert_eq!(c.fingerprint.len(), 16);
        assert_eq!(c.fingerprint, derive_from_number("4242424242424242").unwrap().fingerprint);
        assert_ne!(c.fingerprint, derive_from_number("4000056655665556").unwrap().fingerprint);
    }

    #[test]
    fn brands_by_prefix() {
        assert_eq!(derive_from_number("5555555555554444").unwrap().brand, "mastercard");
        assert_eq!(derive_from_number("2223003122003222").unwrap().brand, "mastercard");
        assert_eq!(derive_from_number("378282246310005").unwrap().brand, "amex");
        assert_eq!(derive_from_number("6011111111111117").unwrap().brand, "discover");
        assert_eq!(derive_from_number("3056930009020004").unwrap().brand, "diners");
        assert_eq!(derive_from_number("3566002020360505").unwrap().brand, "jcb");
        assert_eq!(derive_from_number("6200000000000005").unwrap().brand, "unionpay");
    }

    #[test]
    fn rejects_non_numbers() {
        assert!(derive_from_number("4242").is_none());
        assert!(derive_from_number("4242abcd42424242").is_none());
    }

    #[test]
    fn radar_test_cards() {
        assert_eq!(test_card_behavior("4100000000000019"), Some(TestCardBehavior::AlwaysBlock));
        assert_eq!(test_card_behavior("4000000000004954"), Some(TestCardBehavior::RiskScore(TEST_HIGHEST_SCORE)));
        assert_eq!(test_card_behavior("4242424242424242"), None);
    }
}
