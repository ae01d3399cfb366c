//! Attributes derived from the payment itself.

use super::AttrType;
pub use super::table::PAYMENT_ATTRIBUTES;
use crate::currency::CurrencyTable;
use crate::payment::{Card, CheckResult, Payment, ThreeDSecureResult, derive_from_number};
use crate::value::Value;

/// A payment attribute, as an index into [`PAYMENT_ATTRIBUTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PaymentAttr(pub u16);

/// How one payment attribute is computed.
#[derive(Clone, Copy, Debug)]
pub enum Derive {
    /// A function of the payment.
    Fn(fn(&DeriveInput<'_>) -> Option<Value>),
    /// The amount converted to this currency, in major units.
    AmountIn(&'static str),
}

/// A payment attribute's name, type and derivation.
#[derive(Clone, Copy, Debug)]
pub struct PaymentAttrSpec {
    /// Name as rules write it.
    pub name: &'static str,
    /// Value type.
    pub ty: AttrType,
    /// Enumerated values, if any.
    pub values: &'static [&'static str],
    /// What it means.
    pub description: &'static str,
    /// How it is computed.
    pub derive: Derive,
    /// Its index.
    pub attr: PaymentAttr,
}

/// One payment, with the pieces several attributes share computed once.
#[derive(Debug)]
pub struct DeriveInput<'a> {
    /// The payment.
    pub payment: &'a Payment,
    /// The bundle's currency table.
    pub currencies: &'a CurrencyTable,
    pub(super) card: Option<&'a Card>,
    pub(super) number: Option<crate::payment::DerivedCard>,
    pub(super) email: Option<&'a str>,
}

impl<'a> DeriveInput<'a> {
    /// Prepares a payment for derivation.
    pub fn new(payment: &'a Payment, currencies: &'a CurrencyTable) -> Self {
        let card = payment.card();
        let number = card.and_then(|c| c.number.as_deref()).and_then(derive_from_number);
        DeriveInput { payment, currencies, card, number, email: payment.email() }
    }

    pub(super) fn card_bin(&self) -> Option<String> {
        self.card?.bin.clone().or_else(|| self.number.as_ref().map(|n| n.bin.clone()))
    }

    pub(super) fn card_fingerprint(&self) -> Option<String> {
        self.card?.fingerprint.clone().or_else(|| self.number.as_ref().map(|n| n.fingerprint.clone()))
    }

    pub(super) fn card_brand(&self) -> Option<&str> {
        self.card?.brand.as_deref().or(self.number.as_ref().map(|n| n.brand))
    }

    /// The card country as given (any case).
    pub(super) fn card_country_raw(&self) -> Option<&'a str> {
        self.card?.country.as_deref().or(self.number.as_ref().map(|_| "US"))
    }

    pub(super) fn card_country(&self) -> Option<String> {
        self.card_country_raw().map(str::to_ascii_uppercase)
    }

    /// The IP country as given (any case).
    pub(super) fn ip_country_raw(&self) -> Option<&'a str> {
        let client = self.payment.client.as_ref()?;
        let located = || client.ip_address_location.as_ref().and_then(|l| l.country.as_deref());
        client.ip_country.as_deref().or_else(located)
    }

    pub(super) fn ip_country(&self) -> Option<String> {
        self.ip_country_raw().map(str::to_ascii_uppercase)
    }

    pub(super) fn check(&self, pick: fn(&crate::payment::CardChecks) -> Option<CheckResult>) -> Option<Value> {
        let card = self.card?;
        let v = card.checks.as_ref().and_then(pick).map_or("not_provided", CheckResult::as_str);
        Some(Value::from(v))
    }

    pub(super) fn bank(
        &self,
        pick: fn(&crate::payment::PaymentMethodDetails) -> &Option<crate::payment::BankDebit>,
    ) -> Option<&'a crate::payment::BankDebit> {
        pick(self.payment.payment_method_details.as_ref()?).as_ref()
    }

    pub(super) fn three_ds(&self) -> Option<ThreeDSecureResult> {
        self.card?.three_d_secure.as_ref()?.result
    }
}

/// Computes one payment attribute.
pub fn derive_payment_attribute(attr: PaymentAttr, input: &DeriveInput<'_>) -> Option<Value> {
    let spec = PAYMENT_ATTRIBUTES.get(attr.0 as usize)?;
    match spec.derive {
        Derive::Fn(f) => f(input),
        Derive::AmountIn(to) => {
            let p = input.payment;
            input.currencies.convert(p.amount, &p.currency, to).map(Value::Num)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::table::year_month;
    use super::*;
    use crate::payment::decode_payment;

    fn get(p: &Payment, name: &str) -> Option<Value> {
        let t = CurrencyTable::standard();
        let input = DeriveInput::new(p, &t);
        let spec = PAYMENT_ATTRIBUTES.iter().find(|s| s.name == name).expect(name);
        derive_payment_attribute(spec.attr, &input)
    }

    #[test]
    fn table_indices_match_positions() {
        for (i, s) in PAYMENT_ATTRIBUTES.iter().enumerate() {
            assert_eq!(s.attr.0 as usize, i);
        }
    }

    #[test]
    fn derives_the_common_attributes() {
        let p = decode_payment(
            r#"{"amount": 250000, "currency": "eur", "created": 1764000000, "receipt_email": "Jo123@Mailinator.com",
                "payment_method_details": {"card": {"number": "4242424242424242", "country": "gb", "exp_month": 12, "exp_year": 2026}},
                "client": {"ip_country": "ng", "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"}}"#,
        )
        .unwrap();
        assert_eq!(get(&p, "card_country"), Some(Value::from("GB")));
        assert_eq!(get(&p, "ip_country"), Some(Value::from("NG")));
        assert_eq!(get(&p, "card_ip_country_mismatch"), Some(Value::Bool(true)));
        assert_eq!(get(&p, "card_bin"), Some(Value::from("424242")));
        assert_eq!(get(&p, "card_brand"), Some(Value::from("visa")));
        assert_eq!(get(&p, "email_domain"), Some(Value::from("mailinator.com")));
        assert_eq!(get(&p, "is_disposable_email"), Some(Value::Bool(true)));
        assert_eq!(get(&p, "email_digit_count"), Some(Value::Num(3.0)));
        assert_eq!(get(&p, "amount_in_eur"), Some(Value::Num(2500.0)));
        assert_eq!(get(&p, "browser"), Some(Value::from("Chrome")));
        assert_eq!(get(&p, "operating_system"), Some(Value::from("Windows")));
        assert_eq!(get(&p, "cvc_check"), Some(Value::from("not_provided")));
        assert_eq!(get(&p, "is_3d_secure"), Some(Value::Bool(false)));
        assert_eq!(get(&p, "card_expires_in_months"), Some(Value::Num(13.0)));
        assert_eq!(get(&p, "is_round_amount"), Some(Value::Bool(true)));
    }

    #[test]
    fn missing_is_missing() {
        let p = decode_payment(r#"{"amount": 100, "currency": "usd", "created": 0}"#).unwrap();
        for name in ["card_country", "ip_country", "email", "card_ip_country_mismatch", "is_3d_secure", "cvc_check"] {
            assert_eq!(get(&p, name), None, "{name}");
        }
        assert_eq!(get(&p, "amount_in_usd"), Some(Value::Num(1.0)));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(951_782_400), (2000, 2)); // 2000-02-29
        assert_eq!(year_month(1_764_000_000), (2025, 11));
        assert_eq!(year_month(-1), (1969, 12));
    }
}
