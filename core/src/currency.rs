//! Currency table: minor-unit exponents and USD rates, stored in the bundle so that
//! `amount_in_usd` and friends are reproducible from the bundle alone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One currency's conversion facts.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrencyInfo {
    /// Digits after the decimal point in the minor unit (2 for usd, 0 for jpy).
    pub exponent: u8,
    /// US dollars per one major unit.
    pub usd_rate: f64,
}

/// Currencies by lower-case ISO code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrencyTable {
    /// The entries, by lower-case code.
    pub currencies: BTreeMap<String, CurrencyInfo>,
    /// The day the rates were taken (ISO date), for humans.
    pub as_of: String,
}

/// The currencies Radar offers `amount_in_xyz` for, with the rates the default bundle ships.
pub const RADAR_CURRENCIES: &[(&str, u8, f64)] = &[
    ("aed", 2, 0.2723),
    ("ars", 2, 0.00069),
    ("aud", 2, 0.652),
    ("brl", 2, 0.1845),
    ("cad", 2, 0.712),
    ("chf", 2, 1.245),
    ("clp", 0, 0.00106),
    ("cop", 2, 0.000262),
    ("czk", 2, 0.0475),
    ("dkk", 2, 0.1552),
    ("eur", 2, 1.158),
    ("gbp", 2, 1.312),
    ("hkd", 2, 0.1285),
    ("huf", 2, 0.00301),
    ("idr", 2, 0.0000601),
    ("ils", 2, 0.3075),
    ("inr", 2, 0.01128),
    ("jpy", 0, 0.00641),
    ("khr", 2, 0.000249),
    ("krw", 0, 0.000682),
    ("mxn", 2, 0.0541),
    ("myr", 2, 0.2402),
    ("nok", 2, 0.0985),
    ("nzd", 2, 0.5681),
    ("php", 2, 0.01695),
    ("pln", 2, 0.2731),
    ("ron", 2, 0.2276),
    ("rub", 2, 0.01262),
    ("sek", 2, 0.1061),
    ("sgd", 2, 0.7696),
    ("thb", 2, 0.03085),
    ("try", 2, 0.02362),
    ("twd", 2, 0.03215),
    ("usd", 2, 1.0),
];

impl CurrencyTable {
    /// The table the default bundle ships.
    pub fn standard() -> Self {
        let currencies = RADAR_CURRENCIES
            .iter()
            .map(|&(code, exponent, usd_rate)| (code.to_owned(), CurrencyInfo { exponent, usd_rate }))
            .collect();
        CurrencyTable { currencies, as_of: "2026-11-24".into() }
    }

    /// Facts about a currency, by case-insensitive code.
    pub fn get(&self, code: &str) -> Option<&CurrencyInfo> {
        if code.bytes().any(|b| b.is_ascii_uppercase()) {
            self.currencies.get(&code.to_ascii_lowercase())
        } else {
            self.currencies.get(code)
        }
    }

    /// An amount in minor units converted to major units of `to`; `None` if either currency is unknown.
    pub fn convert(&self, amount: i64, from: &str, to: &str) -> Option<f64> {
        let f = self.get(from)?;
        let t = self.get(to)?;
        let major = amount as f64 / pow10(f.exponent);
        if from.eq_ignore_ascii_case(to) {
            return Some(major);
        }
        Some(major * f.usd_rate / t.usd_rate)
    }
}

fn pow10(exp: u8) -> f64 {
    (0..exp).fold(1.0, |acc, _| acc * 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_minor_units() {
        let t = CurrencyTable::standard();
        assert_eq!(t.convert(12345, "usd", "usd"), Some(123.45));
        assert_eq!(t.convert(1000, "jpy", "jpy"), Some(1000.0));
        let eur = t.convert(10000, "eur", "usd").unwrap();
        assert!((eur - 115.8).abs() < 1e-9);
        assert_eq!(t.convert(100, "xxx", "usd"), None);
        assert_eq!(t.convert(100, "USD", "usd"), Some(1.0));
    }
}
