//! The payment Ward evaluates, in Stripe's field names.
//!
//! Every struct refuses unknown fields, so a typo (`reciept_email`) is an error naming the field
//! rather than a silently missing signal. [`decode_evaluation`] turns JSON into an [`Evaluation`] and maps
//! serde's errors to a Stripe-shaped error whose `param` is the offending path.

mod decode;
pub mod test_cards;

pub use decode::{decode_evaluation, decode_line, decode_payment, decode_payment_value};
pub use test_cards::{DerivedCard, TestCardBehavior, derive_from_number, test_card_behavior};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// A payment plus the context attributes the caller computed for it (velocity counters,
/// time-since values, account state). Missing context is missing, never zero.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// The payment to score.
    pub payment: Payment,
    /// Context attributes by name (`total_charges_per_card_number_hourly`, ...). A `null` value is
    /// the same as leaving the attribute out: missing.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "context_without_nulls")]
    pub context: BTreeMap<String, Value>,
}

/// Reads the context map, dropping `null` values (a caller's way of saying "I don't have it").
fn context_without_nulls<'de, D: serde::Deserializer<'de>>(de: D) -> Result<BTreeMap<String, Value>, D::Error> {
    let raw: BTreeMap<String, Option<Value>> = BTreeMap::deserialize(de)?;
    Ok(raw.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect())
}

/// A payment to evaluate: the fields of a Stripe charge that carry risk signal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// The caller's id for the payment (`ch_...`, `pi_...`), echoed in the assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `false` in test mode, where raw card numbers and Stripe's test cards are accepted.
    #[serde(default)]
    pub livemode: bool,
    /// Amount in the currency's minor unit (cents), as Stripe counts it.
    pub amount: i64,
    /// Three-letter ISO currency code, lower case (`usd`).
    pub currency: String,
    /// Creation time, Unix seconds. The engine has no clock: time is always an input.
    pub created: i64,
    /// Customer id (`cus_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// More about the customer, where the caller has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_details: Option<CustomerDetails>,
    /// Email the receipt goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_email: Option<String>,
    /// Free-text description of the charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Statement descriptor shown on the card statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_descriptor: Option<String>,
    /// Set of key-value pairs (`::key::` in rules).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Billing details of the payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
    /// Shipping information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
    /// How the payment is paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_details: Option<PaymentMethodDetails>,
    /// The buyer's client: IP, device, browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
    /// Connected account the funds go to (`acct_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Metadata of the connected account (`::destination:key::` in rules).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub destination_metadata: BTreeMap<String, String>,
    /// `charge`, `payment_intent` or `setup_intent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_type: Option<TransactionType>,
    /// Created through a Checkout page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_checkout: Option<bool>,
    /// The customer is not present (merchant-initiated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off_session: Option<bool>,
    /// Part of a subscription or other recurring series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_recurring: Option<bool>,
}

/// `transaction_type` values Radar knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    /// A direct charge.
    Charge,
    /// A PaymentIntent confirmation.
    PaymentIntent,
    /// A SetupIntent (saving a card).
    SetupIntent,
}

/// The customer behind the payment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerDetails {
    /// Customer email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Customer name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Customer phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Customer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the customer was created, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// Customer metadata (`::customer:key::` in rules).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

/// A postal address, as Stripe shapes it. `latitude`/`longitude` are Ward's addition: a
/// caller that geocodes addresses lets the engine compute distances.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// City, district, suburb, town or village.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Two-letter country code (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Address line 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Address line 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// ZIP or postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// State, county, province or region (ISO 3166-2 subdivision code without the country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Latitude in degrees, if the caller geocoded the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude in degrees, if the caller geocoded the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// `billing_details` of the payment method.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BillingDetails {
    /// Billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// Shipping information.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Shipping {
    /// Shipping address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Recipient name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Recipient phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `payment_method_details`: how the payment is paid.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodDetails {
    /// Payment method type (`card`, `sepa_debit`, ...). Defaults to `card` when `card` is given.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Card details, for card payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// SEPA Direct Debit details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sepa_debit: Option<BankDebit>,
    /// US bank account (ACH) details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub us_bank_account: Option<BankDebit>,
    /// Crypto wallet details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crypto: Option<CryptoWallet>,
}

/// A bank debit (`sepa_debit`, `us_bank_account`), as Stripe shapes the risk-relevant part.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BankDebit {
    /// Uniquely identifies the bank account (case-sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Bank code (SEPA) or routing number (ACH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// Country of the bank account, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Last four digits of the account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
}

/// A crypto wallet paying.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CryptoWallet {
    /// Uniquely identifies the paying wallet (case-sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Network (`ethereum`, `solana`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
}

/// Card details, as on `payment_method_details.card`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Card {
    /// Test mode only: a full card number, from which `bin`, `last4`, `brand` and
    /// `fingerprint` are derived. Refused in live mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// `amex`, `diners`, `discover`, `jcb`, `mastercard`, `unionpay`, `visa`, `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// Issuing country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Uniquely identifies this card number (case-sensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// `credit`, `debit`, `prepaid` or `unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
    /// The first six digits (issuer identification number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    /// The last four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last4: Option<String>,
    /// Expiry month, 1-12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_month: Option<u8>,
    /// Expiry year, four digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_year: Option<u16>,
    /// Issuer checks (post-authorization signals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<CardChecks>,
    /// 3D Secure result, if authentication ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_d_secure: Option<ThreeDSecure>,
    /// Digital wallet the card came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet: Option<Wallet>,
    /// `required`, `recommended`, `optional` or `not_supported`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_d_secure_support: Option<String>,
    /// The wallet or network provided a cryptogram.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_cryptogram: Option<bool>,
    /// The card was first attached to this customer with this payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_new_card_on_customer: Option<bool>,
}

/// `checks` on a card: `pass`, `fail`, `unavailable` or `unchecked` each.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CardChecks {
    /// Address line 1 check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line1_check: Option<CheckResult>,
    /// Postal code check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_postal_code_check: Option<CheckResult>,
    /// CVC check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvc_check: Option<CheckResult>,
}

/// An issuer check result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The value matched.
    Pass,
    /// The value did not match.
    Fail,
    /// The issuer could not check.
    Unavailable,
    /// The value was provided but not yet checked.
    Unchecked,
}

impl CheckResult {
    /// Stripe's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckResult::Pass => "pass",
            CheckResult::Fail => "fail",
            CheckResult::Unavailable => "unavailable",
            CheckResult::Unchecked => "unchecked",
        }
    }
}

/// 3D Secure outcome on the card.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ThreeDSecure {
    /// `attempt_acknowledged`, `authenticated`, `data_share_only`, `exempted`, `failed`,
    /// `not_supported` or `processing_error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ThreeDSecureResult>,
    /// Why the result is what it is (`abandoned`, `bypassed`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_reason: Option<String>,
    /// `challenge` or `frictionless`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_flow: Option<String>,
    /// Protocol version (`2.2.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `three_d_secure.result`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThreeDSecureResult {
    /// Attempted; the issuer acknowledged the attempt (liability shifts).
    AttemptAcknowledged,
    /// The cardholder authenticated.
    Authenticated,
    /// Data shared without authentication.
    DataShareOnly,
    /// Exempted from authentication.
    Exempted,
    /// Authentication failed.
    Failed,
    /// The card does not support 3DS.
    NotSupported,
    /// An error interrupted authentication.
    ProcessingError,
}

/// The wallet the card was used through.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Wallet {
    /// `apple_pay`, `google_pay`, `samsung_pay`, `masterpass`, `visa_checkout`, `amex_express_checkout`,
    /// `link`, ...
    #[serde(rename = "type")]
    pub kind: String,
}

/// The buyer's client, as the merchant saw it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// IP address (v4 or v6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Country of the IP, ISO 3166-1 alpha-2 (the caller geolocates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_country: Option<String>,
    /// Region of the IP (ISO 3166-2 subdivision without the country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_state: Option<String>,
    /// Geolocation of the IP, shaped like a review's `ip_address_location`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_location: Option<IpLocation>,
    /// Proxy, VPN or Tor exit, if the caller knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_anonymous_ip: Option<bool>,
    /// `cable/dsl`, `cellular`, `corporate` or `dialup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_connection_type: Option<String>,
    /// Internet service provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isp: Option<String>,
    /// The raw user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Browser family (`Chrome`), if known; derived from the user agent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// Operating system (`Windows`), if known; derived from the user agent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_system: Option<String>,
    /// Signals a checkout page collected in the browser (advisory: the page runs on the buyer's machine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_signals: Option<BrowserSignals>,
}

/// Where an IP address is, as Stripe's review `ip_address_location` shapes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IpLocation {
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country, ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Latitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Region code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Behavioural signals a checkout page measured (all optional, all advisory).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BrowserSignals {
    /// Milliseconds between page load and submit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_on_page_ms: Option<f64>,
    /// The card number was pasted rather than typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number_pasted: Option<bool>,
    /// Keystrokes per second while typing the card number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing_speed_cps: Option<f64>,
    /// `navigator.webdriver` was true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webdriver: Option<bool>,
    /// The browser's time zone (IANA name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The browser's time zone offset from UTC in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_offset_minutes: Option<f64>,
    /// `navigator.language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Screen width in CSS pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<f64>,
    /// Screen height in CSS pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<f64>,
}

impl Payment {
    /// The card, if this is a card payment.
    pub fn card(&self) -> Option<&Card> {
        self.payment_method_details.as_ref()?.card.as_ref()
    }

    /// The email Radar's `:email:` reads: receipt email, then billing email, then the customer's.
    pub fn email(&self) -> Option<&str> {
        self.receipt_email
            .as_deref()
            .or_else(|| self.billing_details.as_ref()?.email.as_deref())
            .or_else(|| self.customer_details.as_ref()?.email.as_deref())
            .filter(|e| !e.is_empty())
    }

    /// The billing address, if any.
    pub fn billing_address(&self) -> Option<&Address> {
        self.billing_details.as_ref()?.address.as_ref()
    }

    /// The shipping address, if any.
    pub fn shipping_address(&self) -> Option<&Address> {
        self.shipping.as_ref()?.address.as_ref()
    }

    /// The payment method type: the given one, else `card` when card details are present.
    pub fn payment_method_type(&self) -> Option<&str> {
        let pmd = self.payment_method_details.as_ref()?;
        let inferred = [
            (pmd.card.is_some(), "card"),
            (pmd.sepa_debit.is_some(), "sepa_debit"),
            (pmd.us_bank_account.is_some(), "us_bank_account"),
            (pmd.crypto.is_some(), "crypto"),
        ];
        pmd.kind.as_deref().or(inferred.iter().find(|(present, _)| *present).map(|(_, kind)| *kind))
    }
}
