//! The table of attributes derived from the payment: name, type, meaning and how each is computed.

use super::AttrType;
use super::derive::{Derive, DeriveInput, PaymentAttr, PaymentAttrSpec};
use super::geo::haversine_km;
use super::user_agent::{browser_family, os_family};
use crate::payment::{Address, CheckResult, ThreeDSecureResult};
use crate::value::Value;

fn s(v: Option<&str>) -> Option<Value> {
    v.filter(|x| !x.is_empty()).map(Value::from)
}

fn upper(v: Option<&str>) -> Option<Value> {
    v.filter(|x| !x.is_empty()).map(|x| Value::Str(x.to_ascii_uppercase()))
}

fn b(v: Option<bool>) -> Option<Value> {
    v.map(Value::Bool)
}

fn addr_full(a: Option<&Address>) -> Option<Value> {
    let a = a?;
    let parts: Vec<&str> = [&a.line1, &a.line2, &a.city, &a.state, &a.postal_code, &a.country]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| Value::Str(parts.join(", ")))
}

fn coords(a: Option<&Address>) -> Option<(f64, f64)> {
    let a = a?;
    Some((a.latitude?, a.longitude?))
}

fn ip_coords(d: &DeriveInput<'_>) -> Option<(f64, f64)> {
    let l = d.payment.client.as_ref()?.ip_address_location.as_ref()?;
    Some((l.latitude?, l.longitude?))
}

fn distance(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> Option<Value> {
    let (a, b) = (a?, b?);
    Some(Value::Num(haversine_km(a.0, a.1, b.0, b.1)))
}

/// Whether two codes differ once upper-cased (compared without upper-casing copies).
fn mismatch(a: Option<&str>, b: Option<&str>) -> Option<Value> {
    Some(Value::Bool(!a?.eq_ignore_ascii_case(b?)))
}

/// The domain of the email as written (any case), `None` if there is none.
fn email_domain_raw<'a>(d: &DeriveInput<'a>) -> Option<&'a str> {
    let (_, domain) = d.email?.rsplit_once('@')?;
    (!domain.is_empty()).then_some(domain)
}

fn email_domain(d: &DeriveInput<'_>) -> Option<String> {
    email_domain_raw(d).map(str::to_ascii_lowercase)
}

/// Radar spells card brands its own way in rules.
fn radar_brand(brand: &str) -> &'static str {
    match brand.to_ascii_lowercase().as_str() {
        "visa" => "visa",
        "mastercard" | "mc" => "mc",
        "amex" | "american express" => "amex",
        "discover" | "dscvr" => "dscvr",
        "diners" | "diners club" => "diners",
        "interac" => "interac",
        "jcb" => "jcb",
        "unionpay" | "cup" => "cup",
        _ => "unknown",
    }
}

/// Months from the payment's month to the card's expiry month (negative once expired).
fn months_to_expiry(d: &DeriveInput<'_>) -> Option<Value> {
    let card = d.card?;
    let (m, y) = (card.exp_month? as i64, card.exp_year? as i64);
    let (py, pm) = year_month(d.payment.created);
    Some(Value::Num(((y - py) * 12 + (m - pm)) as f64))
}

/// Civil year and month of a Unix time (UTC), without a clock or a date library.
pub(super) fn year_month(unix: i64) -> (i64, i64) {
    let days = unix.div_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

const DISPOSABLE_DOMAINS: &[&str] = &[
    "10minutemail.com",
    "20minutemail.com",
    "33mail.com",
    "dispostable.com",
    "emailondeck.com",
    "fakeinbox.com",
    "getairmail.com",
    "getnada.com",
    "guerrillamail.com",
    "guerrillamail.net",
    "guerrillamailblock.com",
    "mailcatch.com",
    "maildrop.cc",
    "mailinator.com",
    "mailnesia.com",
    "mintemail.com",
    "mohmal.com",
    "mytemp.email",
    "sharklasers.com",
    "spamgourmet.com",
    "temp-mail.org",
    "tempail.com",
    "tempmail.com",
    "tempmailo.com",
    "tempr.email",
    "throwawaymail.com",
    "trashmail.com",
    "yopmail.com",
    "yopmail.net",
    "moakt.com",
];

const WALLETS: &[&str] = &[
    "android_pay",
    "amex_express_checkout",
    "apple_pay",
    "masterpass",
    "samsung_pay",
    "visa_checkout",
    "meta_pay",
    "amazon_pay",
    "revolut_pay",
    "demo_pay",
    "link",
    "unknown",
    "none",
];
const CHECKS: &[&str] = &["pass", "fail", "unavailable", "unchecked", "not_provided"];

/// Every attribute derived from the payment, in catalogue order.
pub static PAYMENT_ATTRIBUTES: &[PaymentAttrSpec] = &build_table();

const fn build_table() -> [PaymentAttrSpec; TABLE.len()] {
    let mut out = [TABLE[0]; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        out[i] = TABLE[i];
        out[i].attr = PaymentAttr(i as u16);
        i += 1;
    }
    out
}

#[allow(non_snake_case)]
const fn F(f: fn(&DeriveInput<'_>) -> Option<Value>) -> Derive {
    Derive::Fn(f)
}

const fn spec(
    name: &'static str,
    ty: AttrType,
    values: &'static [&'static str],
    description: &'static str,
    derive: Derive,
) -> PaymentAttrSpec {
    PaymentAttrSpec { name, ty, values, description, derive, attr: PaymentAttr(0) }
}

use AttrType::{
    Boolean as Bool, CaseInsensitiveString as Ci, CaseSensitiveString as Cs, Country, Numeric as Num, State,
};

const fn amount(code: &'static str, name: &'static str, description: &'static str) -> PaymentAttrSpec {
    spec(name, Num, &[], description, Derive::AmountIn(code))
}

const TABLE: &[PaymentAttrSpec] = &[
    amount("aed", "amount_in_aed", "Amount in AED"),
    amount("ars", "amount_in_ars", "Amount in ARS"),
    amount("aud", "amount_in_aud", "Amount in AUD"),
    amount("brl", "amount_in_brl", "Amount in BRL"),
    amount("cad", "amount_in_cad", "Amount in CAD"),
    amount("chf", "amount_in_chf", "Amount in CHF"),
    amount("clp", "amount_in_clp", "Amount in CLP"),
    amount("cop", "amount_in_cop", "Amount in COP"),
    amount("czk", "amount_in_czk", "Amount in CZK"),
    amount("dkk", "amount_in_dkk", "Amount in DKK"),
    amount("eur", "amount_in_eur", "Amount in EUR"),
    amount("gbp", "amount_in_gbp", "Amount in GBP"),
    amount("hkd", "amount_in_hkd", "Amount in HKD"),
    amount("huf", "amount_in_huf", "Amount in HUF"),
    amount("idr", "amount_in_idr", "Amount in IDR"),
    amount("ils", "amount_in_ils", "Amount in ILS"),
    amount("inr", "amount_in_inr", "Amount in INR"),
    amount("jpy", "amount_in_jpy", "Amount in JPY"),
    amount("khr", "amount_in_khr", "Amount in KHR"),
    amount("krw", "amount_in_krw", "Amount in KRW"),
    amount("mxn", "amount_in_mxn", "Amount in MXN"),
    amount("myr", "amount_in_myr", "Amount in MYR"),
    amount("nok", "amount_in_nok", "Amount in NOK"),
    amount("nzd", "amount_in_nzd", "Amount in NZD"),
    amount("php", "amount_in_php", "Amount in PHP"),
    amount("pln", "amount_in_pln", "Amount in PLN"),
    amount("ron", "amount_in_ron", "Amount in RON"),
    amount("rub", "amount_in_rub", "Amount in RUB"),
    amount("sek", "amount_in_sek", "Amount in SEK"),
    amount("sgd", "amount_in_sgd", "Amount in SGD"),
    amount("thb", "amount_in_thb", "Amount in THB"),
    amount("try", "amount_in_try", "Amount in TRY"),
    amount("twd", "amount_in_twd", "Amount in TWD"),
    amount("usd", "amount_in_usd", "Amount in USD"),
    spec(
        "currency",
        Ci,
        &[],
        "Currency of the payment",
        F(|d| {
            upper(Some(&d.payment.currency)).map(|v| match v {
                Value::Str(s) => Value::Str(s.to_ascii_lowercase()),
                o => o,
            })
        }),
    ),
    spec("card_bin", Ci, &[], "First six digits of the card number", F(|d| d.card_bin().map(Value::Str))),
    spec(
        "card_brand",
        Ci,
        &["amex", "visa", "mc", "dscvr", "diners", "interac", "jcb", "cup", "unknown"],
        "Card brand",
        F(|d| d.card_brand().map(|b| Value::from(radar_brand(b)))),
    ),
    spec("card_country", Country, &[], "Country the card was issued in", F(|d| d.card_country().map(Value::Str))),
    spec("card_fingerprint", Cs, &[], "Fingerprint of the card number", F(|d| d.card_fingerprint().map(Value::Str))),
    spec(
        "card_funding",
        Ci,
        &["credit", "debit", "prepaid", "unknown"],
        "Card funding type",
        F(|d| s(d.card?.funding.as_deref())),
    ),
    spec(
        "card_3d_secure_support",
        Ci,
        &["required", "recommended", "optional", "not_supported"],
        "3D Secure support of the card",
        F(|d| s(d.card?.three_d_secure_support.as_deref())),
    ),
    spec(
        "cardholder_name",
        Ci,
        &[],
        "Name on the card (billing name)",
        F(|d| s(d.payment.billing_details.as_ref()?.name.as_deref())),
    ),
    spec("charge_description", Ci, &[], "Description of the charge", F(|d| s(d.payment.description.as_deref()))),
    spec("statement_descriptor", Ci, &[], "Statement descriptor", F(|d| s(d.payment.statement_descriptor.as_deref()))),
    spec(
        "is_new_card_on_customer",
        Bool,
        &[],
        "The card is new on this customer",
        F(|d| b(d.card?.is_new_card_on_customer)),
    ),
    spec("cvc_check", Cs, CHECKS, "Issuer CVC check", F(|d| d.check(|c| c.cvc_check))),
    spec("address_zip_check", Cs, CHECKS, "Issuer postal code check", F(|d| d.check(|c| c.address_postal_code_check))),
    spec("address_line1_check", Cs, CHECKS, "Issuer address line 1 check", F(|d| d.check(|c| c.address_line1_check))),
    spec(
        "is_3d_secure",
        Bool,
        &[],
        "3D Secure ran on the payment",
        F(|d| d.card.map(|_| Value::Bool(d.three_ds().is_some()))),
    ),
    spec(
        "is_3d_secure_authenticated",
        Bool,
        &[],
        "The cardholder authenticated with 3D Secure",
        F(|d| d.card.map(|_| Value::Bool(d.three_ds() == Some(ThreeDSecureResult::Authenticated)))),
    ),
    spec(
        "has_liability_shift",
        Bool,
        &[],
        "Liability for fraud shifted to the issuer",
        F(|d| {
            d.card.map(|_| {
                Value::Bool(matches!(
                    d.three_ds(),
                    Some(ThreeDSecureResult::Authenticated | ThreeDSecureResult::AttemptAcknowledged)
                ))
            })
        }),
    ),
    spec(
        "has_cryptogram",
        Bool,
        &[],
        "A wallet or network cryptogram came with the card",
        F(|d| b(d.card?.has_cryptogram)),
    ),
    spec(
        "digital_wallet",
        Ci,
        WALLETS,
        "Wallet the card came from",
        F(|d| d.card.map(|c| Value::from(c.wallet.as_ref().map_or("none", |w| w.kind.as_str())))),
    ),
    spec("billing_address", Ci, &[], "The whole billing address", F(|d| addr_full(d.payment.billing_address()))),
    spec(
        "billing_address_line1",
        Ci,
        &[],
        "Billing address line 1",
        F(|d| s(d.payment.billing_address()?.line1.as_deref())),
    ),
    spec(
        "billing_address_line2",
        Ci,
        &[],
        "Billing address line 2",
        F(|d| s(d.payment.billing_address()?.line2.as_deref())),
    ),
    spec(
        "billing_address_postal_code",
        Ci,
        &[],
        "Billing postal code",
        F(|d| s(d.payment.billing_address()?.postal_code.as_deref())),
    ),
    spec("billing_address_city", Ci, &[], "Billing city", F(|d| s(d.payment.billing_address()?.city.as_deref()))),
    spec(
        "billing_address_state",
        State,
        &[],
        "Billing state",
        F(|d| upper(d.payment.billing_address()?.state.as_deref())),
    ),
    spec(
        "billing_address_country",
        Country,
        &[],
        "Billing country",
        F(|d| upper(d.payment.billing_address()?.country.as_deref())),
    ),
    spec("shipping_address", Ci, &[], "The whole shipping address", F(|d| addr_full(d.payment.shipping_address()))),
    spec(
        "shipping_address_line1",
        Ci,
        &[],
        "Shipping address line 1",
        F(|d| s(d.payment.shipping_address()?.line1.as_deref())),
    ),
    spec(
        "shipping_address_line2",
        Ci,
        &[],
        "Shipping address line 2",
        F(|d| s(d.payment.shipping_address()?.line2.as_deref())),
    ),
    spec(
        "shipping_address_postal_code",
        Ci,
        &[],
        "Shipping postal code",
        F(|d| s(d.payment.shipping_address()?.postal_code.as_deref())),
    ),
    spec("shipping_address_city", Ci, &[], "Shipping city", F(|d| s(d.payment.shipping_address()?.city.as_deref()))),
    spec(
        "shipping_address_state",
        State,
        &[],
        "Shipping state",
        F(|d| upper(d.payment.shipping_address()?.state.as_deref())),
    ),
    spec(
        "shipping_address_country",
        Country,
        &[],
        "Shipping country",
        F(|d| upper(d.payment.shipping_address()?.country.as_deref())),
    ),
    spec(
        "distance_between_billing_and_shipping_address",
        Num,
        &[],
        "Kilometres between billing and shipping address",
        F(|d| distance(coords(d.payment.billing_address()), coords(d.payment.shipping_address()))),
    ),
    spec(
        "distance_between_ip_and_billing_address",
        Num,
        &[],
        "Kilometres between the IP location and the billing address",
        F(|d| distance(ip_coords(d), coords(d.payment.billing_address()))),
    ),
    spec(
        "distance_between_ip_and_shipping_address",
        Num,
        &[],
        "Kilometres between the IP location and the shipping address",
        F(|d| distance(ip_coords(d), coords(d.payment.shipping_address()))),
    ),
    spec("ip_address", Ci, &[], "Client IP address", F(|d| s(d.payment.client.as_ref()?.ip_address.as_deref()))),
    spec("ip_country", Country, &[], "Country of the client IP", F(|d| d.ip_country().map(Value::Str))),
    spec(
        "ip_state",
        State,
        &[],
        "Region of the client IP",
        F(|d| upper(d.payment.client.as_ref()?.ip_state.as_deref())),
    ),
    spec(
        "ip_address_connection_type",
        Ci,
        &["cable/dsl", "cellular", "corporate", "dialup"],
        "Connection type of the client IP",
        F(|d| s(d.payment.client.as_ref()?.ip_address_connection_type.as_deref())),
    ),
    spec(
        "is_anonymous_ip",
        Bool,
        &[],
        "The IP is a proxy, VPN or Tor exit",
        F(|d| b(d.payment.client.as_ref()?.is_anonymous_ip)),
    ),
    spec("isp", Ci, &[], "Internet service provider of the IP", F(|d| s(d.payment.client.as_ref()?.isp.as_deref()))),
    spec("user_agent", Ci, &[], "Client user agent", F(|d| s(d.payment.client.as_ref()?.user_agent.as_deref()))),
    spec(
        "browser",
        Ci,
        &[],
        "Browser family",
        F(|d| {
            let c = d.payment.client.as_ref()?;
            s(c.browser.as_deref().or_else(|| browser_family(c.user_agent.as_deref()?)))
        }),
    ),
    spec(
        "operating_system",
        Ci,
        &[],
        "Operating system family",
        F(|d| {
            let c = d.payment.client.as_ref()?;
            s(c.operating_system.as_deref().or_else(|| os_family(c.user_agent.as_deref()?)))
        }),
    ),
    spec("email", Ci, &[], "Email of the payment (receipt, billing, then customer)", F(|d| s(d.email))),
    spec("email_domain", Ci, &[], "Domain of the email", F(|d| email_domain(d).map(Value::Str))),
    spec(
        "is_disposable_email",
        Bool,
        &[],
        "The email domain is a disposable-email service",
        // The list is lower case, so a case-insensitive match is a match of the lower-cased domain.
        F(|d| {
            email_domain_raw(d).map(|dom| Value::Bool(DISPOSABLE_DOMAINS.iter().any(|x| x.eq_ignore_ascii_case(dom))))
        }),
    ),
    spec("customer", Cs, &[], "Customer id", F(|d| s(d.payment.customer.as_deref()))),
    spec("destination", Cs, &[], "Connected account receiving the funds", F(|d| s(d.payment.destination.as_deref()))),
    spec(
        "transaction_type",
        Ci,
        &["charge", "payment_intent", "setup_intent"],
        "Kind of transaction",
        F(|d| {
            d.payment.transaction_type.map(|t| {
                Value::from(match t {
                    crate::payment::TransactionType::Charge => "charge",
                    crate::payment::TransactionType::PaymentIntent => "payment_intent",
                    crate::payment::TransactionType::SetupIntent => "setup_intent",
                })
            })
        }),
    ),
    spec(
        "payment_method_type",
        Ci,
        &[],
        "Payment method type (card, sepa_debit, ...)",
        F(|d| s(d.payment.payment_method_type())),
    ),
    spec("is_checkout", Bool, &[], "Created through Checkout", F(|d| b(d.payment.is_checkout))),
    spec("is_off_session", Bool, &[], "The customer was not present", F(|d| b(d.payment.off_session))),
    spec("is_recurring", Bool, &[], "Part of a recurring series", F(|d| b(d.payment.is_recurring))),
    spec(
        "hours_since_customer_was_created",
        Num,
        &[],
        "Hours since the customer was created",
        F(|d| since_customer(d, 3600.0)),
    ),
    spec(
        "minutes_since_customer_was_created",
        Num,
        &[],
        "Minutes since the customer was created",
        F(|d| since_customer(d, 60.0)),
    ),
    spec(
        "seconds_since_customer_was_created",
        Num,
        &[],
        "Seconds since the customer was created",
        F(|d| since_customer(d, 1.0)),
    ),
    // Ward's extensions: signals the default model reads, open to rules too.
    spec(
        "card_ip_country_mismatch",
        Bool,
        &[],
        "Card country differs from IP country",
        F(|d| mismatch(d.card_country_raw(), d.ip_country_raw())),
    ),
    spec(
        "billing_ip_country_mismatch",
        Bool,
        &[],
        "Billing country differs from IP country",
        F(|d| mismatch(d.payment.billing_address().and_then(|a| a.country.as_deref()), d.ip_country_raw())),
    ),
    spec(
        "billing_shipping_country_mismatch",
        Bool,
        &[],
        "Billing country differs from shipping country",
        F(|d| {
            mismatch(
                d.payment.billing_address().and_then(|a| a.country.as_deref()),
                d.payment.shipping_address().and_then(|a| a.country.as_deref()),
            )
        }),
    ),
    spec(
        "cvc_check_failed",
        Bool,
        &[],
        "The issuer's CVC check failed",
        F(|d| d.card.map(|c| Value::Bool(c.checks.as_ref().and_then(|k| k.cvc_check) == Some(CheckResult::Fail)))),
    ),
    spec(
        "address_zip_check_failed",
        Bool,
        &[],
        "The issuer's postal code check failed",
        F(|d| {
            d.card.map(|c| {
                Value::Bool(c.checks.as_ref().and_then(|k| k.address_postal_code_check) == Some(CheckResult::Fail))
            })
        }),
    ),
    spec(
        "is_prepaid_card",
        Bool,
        &[],
        "The card is prepaid",
        F(|d| d.card?.funding.as_deref().map(|f| Value::Bool(f.eq_ignore_ascii_case("prepaid")))),
    ),
    spec(
        "sepa_debit_fingerprint",
        Cs,
        &[],
        "Fingerprint of the SEPA debit account",
        F(|d| s(d.bank(|m| &m.sepa_debit)?.fingerprint.as_deref())),
    ),
    spec(
        "sepa_debit_bank_code",
        Ci,
        &[],
        "Bank code of the SEPA debit account",
        F(|d| s(d.bank(|m| &m.sepa_debit)?.bank_code.as_deref())),
    ),
    spec(
        "sepa_debit_country",
        Country,
        &[],
        "Country of the SEPA debit account",
        F(|d| upper(d.bank(|m| &m.sepa_debit)?.country.as_deref())),
    ),
    spec(
        "us_bank_account_fingerprint",
        Cs,
        &[],
        "Fingerprint of the US bank account",
        F(|d| s(d.bank(|m| &m.us_bank_account)?.fingerprint.as_deref())),
    ),
    spec(
        "crypto_fingerprint",
        Cs,
        &[],
        "Fingerprint of the paying crypto wallet",
        F(|d| s(d.payment.payment_method_details.as_ref()?.crypto.as_ref()?.fingerprint.as_deref())),
    ),
    spec("card_expires_in_months", Num, &[], "Months until the card expires", F(months_to_expiry)),
    spec(
        "hour_of_day",
        Num,
        &[],
        "Hour of the day the payment was created (UTC)",
        F(|d| Some(Value::Num(d.payment.created.rem_euclid(86_400).div_euclid(3600) as f64))),
    ),
    spec(
        "email_digit_count",
        Num,
        &[],
        "Digits in the local part of the email",
        F(|d| {
            let (local, _) = d.email?.rsplit_once('@')?;
            Some(Value::Num(local.bytes().filter(u8::is_ascii_digit).count() as f64))
        }),
    ),
    spec(
        "is_round_amount",
        Bool,
        &[],
        "The amount is a whole multiple of 10 major units",
        F(|d| {
            let cur = d.currencies.get(&d.payment.currency)?;
            let unit = 10i64.checked_pow(u32::from(cur.exponent) + 1)?;
            Some(Value::Bool(d.payment.amount > 0 && d.payment.amount % unit == 0))
        }),
    ),
    spec(
        "is_webdriver",
        Bool,
        &[],
        "The checkout page saw navigator.webdriver (advisory)",
        F(|d| b(d.payment.client.as_ref()?.browser_signals.as_ref()?.webdriver)),
    ),
    spec(
        "is_card_number_pasted",
        Bool,
        &[],
        "The card number was pasted on the checkout page (advisory)",
        F(|d| b(d.payment.client.as_ref()?.browser_signals.as_ref()?.card_number_pasted)),
    ),
    spec(
        "checkout_seconds_on_page",
        Num,
        &[],
        "Seconds the buyer spent on the checkout page (advisory)",
        F(|d| d.payment.client.as_ref()?.browser_signals.as_ref()?.time_on_page_ms.map(|ms| Value::Num(ms / 1000.0))),
    ),
];

fn since_customer(d: &DeriveInput<'_>, unit: f64) -> Option<Value> {
    let created = d.payment.customer_details.as_ref()?.created?;
    Some(Value::Num((d.payment.created.saturating_sub(created) as f64 / unit).floor()))
}
