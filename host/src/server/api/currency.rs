//! Currency codes the API accepts: the active ISO 4217 codes, in lower case as Stripe writes
//! them. The bundle's rate table (`amount_in_usd`) covers fewer; a payment in a currency it lacks
//! is scored without the converted amounts, but a code that is no currency at all is refused.

use super::error::ApiError;

/// Active ISO 4217 codes (plus `std`, which Stripe still accepts for São Tomé), sorted.
const CODES: &[&str] = &[
    "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd", "bif",
    "bmd", "bnd", "bob", "brl", "bsd", "btn", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc",
    "cup", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "ern", "etb", "eur", "fjd", "fkp", "gbp", "gel", "ghs",
    "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "iqd", "irr", "isk", "jmd",
    "jod", "jpy", "kes", "kgs", "khr", "kmf", "kpw", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl",
    "lyd", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mru", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad",
    "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd",
    "rub", "rwf", "sar", "sbd", "scr", "sdg", "sek", "sgd", "shp", "sle", "sll", "sos", "srd", "ssp", "std", "stn",
    "svc", "syp", "szl", "thb", "tjs", "tmt", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "usd", "uyu",
    "uzs", "ves", "vnd", "vuv", "wst", "xaf", "xcd", "xcg", "xof", "xpf", "yer", "zar", "zmw", "zwg",
];

/// `code` in lower case if it is a currency, else a 400 naming `param`.
pub fn check(code: &str, param: &str) -> Result<String, ApiError> {
    let lower = code.to_ascii_lowercase();
    if CODES.binary_search(&lower.as_str()).is_ok() {
        return Ok(lower);
    }
    Err(ApiError::invalid(
        param,
        format!("Invalid currency: {code}. Give a three-letter ISO 4217 code, such as usd, eur or jpy."),
    ))
}

#[cfg(test)]
mod tests {
    use super::{CODES, check};

    #[test]
    fn codes_are_sorted_and_checked_in_any_case() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]), "binary search needs the list sorted");
        assert_eq!(check("USD", "currency").ok().as_deref(), Some("usd"));
        assert_eq!(check("jpy", "currency").ok().as_deref(), Some("jpy"));
        let e = check("zzz", "payment_details[currency]").expect_err("not a currency");
        assert_eq!(e.error.param.as_deref(), Some("payment_details[currency]"));
        assert!(e.error.message.contains("zzz"));
    }
}
