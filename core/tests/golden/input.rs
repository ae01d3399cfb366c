//! Building evaluation JSON: realistic base payments and small edits to them.

use serde_json::{Value as Json, json};

/// An evaluation (`{"payment": …, "context": …}`) under construction.
#[derive(Clone, Debug)]
pub struct Eval(pub Json);

impl Eval {
    /// Sets the value at a dotted path under the evaluation (`payment.client.ip_country`),
    /// creating objects on the way.
    pub fn set(mut self, path: &str, v: impl Into<Json>) -> Self {
        let mut at = &mut self.0;
        let parts: Vec<&str> = path.split('.').collect();
        for p in &parts[..parts.len() - 1] {
            let obj = at.as_object_mut().unwrap_or_else(|| panic!("{path}: {p} is not in an object"));
            at = obj.entry((*p).to_owned()).or_insert_with(|| json!({}));
        }
        let last = parts[parts.len() - 1];
        at.as_object_mut().unwrap_or_else(|| panic!("{path}: not an object")).insert(last.to_owned(), v.into());
        self
    }

    /// Sets a field of the payment (`client.ip_country`).
    pub fn pay(self, path: &str, v: impl Into<Json>) -> Self {
        self.set(&format!("payment.{path}"), v)
    }

    /// Sets a card field.
    pub fn card(self, path: &str, v: impl Into<Json>) -> Self {
        self.pay(&format!("payment_method_details.card.{path}"), v)
    }

    /// Sets a context attribute.
    pub fn ctx(self, name: &str, v: impl Into<Json>) -> Self {
        self.set(&format!("context.{name}"), v)
    }

    /// Removes the value at a dotted path (it must exist).
    pub fn del(mut self, path: &str) -> Self {
        let (parent, last) = path.rsplit_once('.').map_or(("", path), |(p, l)| (p, l));
        let mut at = &mut self.0;
        if !parent.is_empty() {
            for p in parent.split('.') {
                at = at.get_mut(p).unwrap_or_else(|| panic!("{path}: no {p}"));
            }
        }
        let removed = at.as_object_mut().and_then(|o| o.remove(last));
        assert!(removed.is_some(), "{path}: nothing to remove");
        self
    }

    /// Removes a field of the payment.
    pub fn undo(self, path: &str) -> Self {
        self.del(&format!("payment.{path}"))
    }

    /// The payment id.
    pub fn id(self, id: &str) -> Self {
        self.pay("id", id)
    }

    /// The JSON text: compact, keys in serde_json's (sorted) order.
    pub fn text(&self) -> String {
        serde_json::to_string(&self.0).expect("JSON")
    }
}

/// 2025-11-25T00:00:00Z.
pub const T0: i64 = 1_764_028_800;

const SAFARI_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const CHROME_WIN: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const CHROME_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
const FIREFOX_ANDROID: &str = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// A returning customer in San Francisco paying with her US Visa credit card.
pub fn anna() -> Eval {
    Eval(json!({
        "payment": {
            "id": "ch_3QaNnaLee0000001", "amount": 4999, "currency": "usd", "created": T0,
            "customer": "cus_AnnaLee00001", "receipt_email": "anna.lee@example.com",
            "description": "Order #1042",
            "billing_details": {"name": "Anna Lee", "address": {"line1": "1 Market St", "city": "San Francisco",
                "state": "CA", "postal_code": "94105", "country": "US"}},
            "payment_method_details": {"type": "card", "card": {"brand": "visa", "country": "US", "funding": "credit",
                "fingerprint": "Xt5EWLLDS7FJjR1c", "bin": "424242", "last4": "4242", "exp_month": 8, "exp_year": 2028,
                "checks": {"cvc_check": "pass", "address_postal_code_check": "pass"}}},
            "client": {"ip_address": "203.0.113.7", "ip_country": "US", "user_agent": SAFARI_MAC}
        },
        "context": {"total_charges_per_card_number_hourly": 0, "total_charges_per_card_number_daily": 1,
            "seconds_since_card_first_seen": 8_640_000, "seconds_since_email_first_seen": 9_000_000,
            "customer_charge_count_30d": 3}
    }))
}

/// A Berlin shopper paying in euros with a German Mastercard debit card through Google Pay,
/// authenticated with 3D Secure; addresses and IP geolocated.
pub fn jonas() -> Eval {
    Eval(json!({
        "payment": {
            "id": "ch_3QjOnasWeber0002", "amount": 8900, "currency": "eur", "created": T0 + 37_800,
            "customer": "cus_JonasWeber01", "receipt_email": "jonas.weber@example.de",
            "description": "Bestellung 55-2031", "statement_descriptor": "WARD SHOP",
            "billing_details": {"name": "Jonas Weber", "email": "jonas.weber@example.de",
                "address": {"line1": "Torstraße 120", "city": "Berlin", "postal_code": "10119", "country": "DE",
                    "latitude": 52.5291, "longitude": 13.4015}},
            "shipping": {"name": "Jonas Weber", "address": {"line1": "Torstraße 120", "city": "Berlin",
                "postal_code": "10119", "country": "DE", "latitude": 52.5291, "longitude": 13.4015}},
            "payment_method_details": {"type": "card", "card": {"brand": "mastercard", "country": "DE",
                "funding": "debit", "fingerprint": "Mc7DeJw0aX2b9QkL", "bin": "520082", "last4": "8210",
                "exp_month": 4, "exp_year": 2029, "three_d_secure_support": "recommended",
                "checks": {"cvc_check": "pass", "address_postal_code_check": "pass", "address_line1_check": "pass"},
                "three_d_secure": {"result": "authenticated", "authentication_flow": "frictionless", "version": "2.2.0"},
                "wallet": {"type": "google_pay"}, "has_cryptogram": true}},
            "client": {"ip_address": "2a02:8108:1140:2a00::1f", "ip_country": "DE", "ip_state": "BE",
                "ip_address_location": {"city": "Berlin", "country": "DE", "latitude": 52.52, "longitude": 13.405},
                "user_agent": CHROME_WIN, "ip_address_connection_type": "cable/dsl", "isp": "Vodafone GmbH"}
        },
        "context": {"total_charges_per_card_number_hourly": 0, "total_charges_per_card_number_daily": 0,
            "seconds_since_card_first_seen": 31_536_000, "seconds_since_email_first_seen": 63_072_000,
            "customer_charge_count_30d": 1, "average_usd_amount_successful_on_customer_all_time": 84.5}
    }))
}

/// A Tokyo customer paying ¥12,800 with a Japanese JCB card.
pub fn yuki() -> Eval {
    Eval(json!({
        "payment": {
            "id": "ch_3QyUkiTanaka0003", "amount": 12800, "currency": "jpy", "created": T0 + 3_600 * 3,
            "customer": "cus_YukiTanaka01", "receipt_email": "yuki.tanaka@example.jp",
            "billing_details": {"name": "Yuki Tanaka", "address": {"line1": "1-1 Marunouchi", "city": "Chiyoda-ku",
                "state": "13", "postal_code": "100-0005", "country": "JP"}},
            "payment_method_details": {"card": {"brand": "jcb", "country": "JP", "funding": "credit",
                "fingerprint": "Jc8TkY0uQ1w2E3r4", "bin": "356600", "last4": "0505", "exp_month": 11, "exp_year": 2027,
                "checks": {"cvc_check": "pass"}}},
            "client": {"ip_address": "198.51.100.200", "ip_country": "JP", "user_agent": IPHONE}
        },
        "context": {"total_charges_per_card_number_daily": 0, "seconds_since_card_first_seen": 15_552_000,
            "seconds_since_email_first_seen": 20_000_000, "efw_count_on_card_all_time": 0,
            "dispute_count_on_card_number_all_time": 0, "merchant_fraud_rate_30d": 0.003}
    }))
}

/// A London customer paying in pounds with Apple Pay on a UK Visa debit card.
pub fn oliver() -> Eval {
    Eval(json!({
        "payment": {
            "id": "pi_3QoLiverGb000004", "amount": 3450, "currency": "gbp", "created": T0 + 3_600 * 18,
            "receipt_email": "oliver.smith@example.co.uk", "transaction_type": "payment_intent", "is_checkout": true,
            "billing_details": {"name": "Oliver Smith", "address": {"city": "London", "postal_code": "SW1A 1AA",
                "country": "GB"}},
            "payment_method_details": {"card": {"brand": "visa", "country": "GB", "funding": "debit",
                "fingerprint": "Ap9GbOs1mK2n3B4v", "bin": "475129", "last4": "0042", "exp_month": 2, "exp_year": 2030,
                "wallet": {"type": "apple_pay"}, "has_cryptogram": true,
                "checks": {"cvc_check": "unchecked", "address_postal_code_check": "pass"}}},
            "client": {"ip_address": "192.0.2.44", "ip_country": "GB", "user_agent": IPHONE,
                "ip_address_connection_type": "cellular"}
        },
        "context": {"seconds_since_card_first_seen": 40_000_000, "seconds_since_email_first_seen": 40_000_000,
            "total_charges_per_email_daily": 1, "efw_count_on_card_all_time": 0,
            "dispute_count_on_card_number_all_time": 0, "merchant_fraud_rate_30d": 0.002}
    }))
}

/// Card testing: $1 on a prepaid Brazilian card from an anonymous Russian IP, a disposable
/// email, a bot browser and heavy velocity.
pub fn carding() -> Eval {
    Eval(json!({
        "payment": {
            "id": "ch_3QcArdTest000005", "amount": 100, "currency": "usd", "created": T0 + 1_200,
            "receipt_email": "qz8841k@mailinator.com",
            "payment_method_details": {"card": {"brand": "visa", "country": "BR", "funding": "prepaid",
                "fingerprint": "Qp0aZ81nLkT2mXwe", "bin": "411111", "last4": "1111", "exp_month": 1, "exp_year": 2026,
                "checks": {"cvc_check": "fail"}}},
            "client": {"ip_address": "198.51.100.23", "ip_country": "RU", "is_anonymous_ip": true,
                "user_agent": "python-requests/2.31.0",
                "browser_signals": {"webdriver": true, "time_on_page_ms": 900, "card_number_pasted": true}}
        },
        "context": {"total_charges_per_card_number_hourly": 9, "total_charges_per_ip_address_hourly": 40,
            "card_count_for_ip_address_daily": 25, "declined_charges_per_card_number_daily": 6}
    }))
}

/// A test-mode checkout with a full card number (Stripe's test cards).
pub fn test_card(number: &str) -> Eval {
    Eval(json!({
        "payment": {
            "id": format!("ch_test_{}", number.replace([' ', '-'], "")), "livemode": false,
            "amount": 2000, "currency": "usd", "created": T0 + 600,
            "receipt_email": "jenny.rosen@example.com",
            "billing_details": {"name": "Jenny Rosen", "address": {"line1": "510 Townsend St", "city": "San Francisco",
                "state": "CA", "postal_code": "94103", "country": "US"}},
            "payment_method_details": {"card": {"number": number, "exp_month": 12, "exp_year": 2030}},
            "client": {"ip_address": "203.0.113.12", "ip_country": "US", "user_agent": CHROME_WIN}
        },
        "context": {"efw_count_on_card_all_time": 0, "dispute_count_on_card_number_all_time": 0,
            "merchant_fraud_rate_30d": 0.002}
    }))
}

/// The least a payment can be: amount, currency and time.
pub fn minimal() -> Eval {
    Eval(json!({"payment": {"amount": 1500, "currency": "usd", "created": T0 + 7_200}}))
}

/// A Linux desktop user agent (for the rule on browser and operating system).
pub fn chrome_linux() -> &'static str {
    CHROME_LINUX
}

/// An Android phone.
pub fn firefox_android() -> &'static str {
    FIREFOX_ANDROID
}
