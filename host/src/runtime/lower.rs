//! Core → WIT without copying: records that borrow the core's strings and are lowered
//! straight into guest memory. Cloning a payment into owned WIT records first cost about as
//! much as a third of the scoring itself.
//!
//! Each type mirrors a record of `ward:risk/types` field for field; wasmtime type-checks them
//! against the component when its functions are looked up, so a drift fails at load time.

use std::collections::BTreeMap;

use ward_core::payment as p;
use ward_core::{Evaluation, Value};
use wasmtime::component::{ComponentType, Lower};

use super::bindings::wit;

/// `evaluation`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct EvaluationRef<'a> {
    #[component(name = "payment")]
    pub payment: PaymentRef<'a>,
    #[component(name = "context")]
    pub context: Vec<(&'a str, ValueRef<'a>)>,
}

/// `context-value`.
#[derive(ComponentType, Lower)]
#[component(variant)]
pub enum ValueRef<'a> {
    #[component(name = "boolean")]
    Boolean(bool),
    #[component(name = "number")]
    Number(f64),
    #[component(name = "text")]
    Text(&'a str),
}

type Str<'a> = Option<&'a str>;
type Metadata<'a> = Vec<(&'a str, &'a str)>;

/// `payment`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct PaymentRef<'a> {
    #[component(name = "id")]
    id: Str<'a>,
    #[component(name = "livemode")]
    livemode: bool,
    #[component(name = "amount")]
    amount: i64,
    #[component(name = "currency")]
    currency: &'a str,
    #[component(name = "created")]
    created: i64,
    #[component(name = "customer")]
    customer: Str<'a>,
    #[component(name = "customer-details")]
    customer_details: Option<CustomerDetailsRef<'a>>,
    #[component(name = "receipt-email")]
    receipt_email: Str<'a>,
    #[component(name = "description")]
    description: Str<'a>,
    #[component(name = "statement-descriptor")]
    statement_descriptor: Str<'a>,
    #[component(name = "metadata")]
    metadata: Metadata<'a>,
    #[component(name = "billing-details")]
    billing_details: Option<BillingDetailsRef<'a>>,
    #[component(name = "shipping")]
    shipping: Option<ShippingRef<'a>>,
    #[component(name = "payment-method-details")]
    payment_method_details: Option<PaymentMethodDetailsRef<'a>>,
    #[component(name = "client")]
    client: Option<ClientRef<'a>>,
    #[component(name = "destination")]
    destination: Str<'a>,
    #[component(name = "destination-metadata")]
    destination_metadata: Metadata<'a>,
    #[component(name = "transaction-type")]
    transaction_type: Option<wit::TransactionType>,
    #[component(name = "is-checkout")]
    is_checkout: Option<bool>,
    #[component(name = "off-session")]
    off_session: Option<bool>,
    #[component(name = "is-recurring")]
    is_recurring: Option<bool>,
}

/// `customer-details`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct CustomerDetailsRef<'a> {
    #[component(name = "email")]
    email: Str<'a>,
    #[component(name = "name")]
    name: Str<'a>,
    #[component(name = "phone")]
    phone: Str<'a>,
    #[component(name = "description")]
    description: Str<'a>,
    #[component(name = "created")]
    created: Option<i64>,
    #[component(name = "metadata")]
    metadata: Metadata<'a>,
}

/// `address`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct AddressRef<'a> {
    #[component(name = "city")]
    city: Str<'a>,
    #[component(name = "country")]
    country: Str<'a>,
    #[component(name = "line1")]
    line1: Str<'a>,
    #[component(name = "line2")]
    line2: Str<'a>,
    #[component(name = "postal-code")]
    postal_code: Str<'a>,
    #[component(name = "state")]
    state: Str<'a>,
    #[component(name = "latitude")]
    latitude: Option<f64>,
    #[component(name = "longitude")]
    longitude: Option<f64>,
}

/// `billing-details`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct BillingDetailsRef<'a> {
    #[component(name = "address")]
    address: Option<AddressRef<'a>>,
    #[component(name = "email")]
    email: Str<'a>,
    #[component(name = "name")]
    name: Str<'a>,
    #[component(name = "phone")]
    phone: Str<'a>,
}

/// `shipping`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct ShippingRef<'a> {
    #[component(name = "address")]
    address: Option<AddressRef<'a>>,
    #[component(name = "name")]
    name: Str<'a>,
    #[component(name = "phone")]
    phone: Str<'a>,
}

/// `payment-method-details`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct PaymentMethodDetailsRef<'a> {
    #[component(name = "kind")]
    kind: Str<'a>,
    #[component(name = "card")]
    card: Option<CardRef<'a>>,
    #[component(name = "sepa-debit")]
    sepa_debit: Option<BankDebitRef<'a>>,
    #[component(name = "us-bank-account")]
    us_bank_account: Option<BankDebitRef<'a>>,
    #[component(name = "crypto")]
    crypto: Option<CryptoWalletRef<'a>>,
}

/// `bank-debit`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct BankDebitRef<'a> {
    #[component(name = "fingerprint")]
    fingerprint: Str<'a>,
    #[component(name = "bank-code")]
    bank_code: Str<'a>,
    #[component(name = "country")]
    country: Str<'a>,
    #[component(name = "last4")]
    last4: Str<'a>,
}

/// `crypto-wallet`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct CryptoWalletRef<'a> {
    #[component(name = "fingerprint")]
    fingerprint: Str<'a>,
    #[component(name = "network")]
    network: Str<'a>,
}

/// `card`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct CardRef<'a> {
    #[component(name = "number")]
    number: Str<'a>,
    #[component(name = "brand")]
    brand: Str<'a>,
    #[component(name = "country")]
    country: Str<'a>,
    #[component(name = "fingerprint")]
    fingerprint: Str<'a>,
    #[component(name = "funding")]
    funding: Str<'a>,
    #[component(name = "bin")]
    bin: Str<'a>,
    #[component(name = "last4")]
    last4: Str<'a>,
    #[component(name = "exp-month")]
    exp_month: Option<u8>,
    #[component(name = "exp-year")]
    exp_year: Option<u16>,
    #[component(name = "checks")]
    checks: Option<wit::CardChecks>,
    #[component(name = "three-d-secure")]
    three_d_secure: Option<ThreeDSecureRef<'a>>,
    #[component(name = "wallet")]
    wallet: Option<WalletRef<'a>>,
    #[component(name = "three-d-secure-support")]
    three_d_secure_support: Str<'a>,
    #[component(name = "has-cryptogram")]
    has_cryptogram: Option<bool>,
    #[component(name = "is-new-card-on-customer")]
    is_new_card_on_customer: Option<bool>,
}

/// `three-d-secure`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct ThreeDSecureRef<'a> {
    #[component(name = "result")]
    result: Option<wit::ThreeDSecureResult>,
    #[component(name = "result-reason")]
    result_reason: Str<'a>,
    #[component(name = "authentication-flow")]
    authentication_flow: Str<'a>,
    #[component(name = "version")]
    version: Str<'a>,
}

/// `wallet`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct WalletRef<'a> {
    #[component(name = "kind")]
    kind: &'a str,
}

/// `client`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct ClientRef<'a> {
    #[component(name = "ip-address")]
    ip_address: Str<'a>,
    #[component(name = "ip-country")]
    ip_country: Str<'a>,
    #[component(name = "ip-state")]
    ip_state: Str<'a>,
    #[component(name = "ip-address-location")]
    ip_address_location: Option<IpLocationRef<'a>>,
    #[component(name = "is-anonymous-ip")]
    is_anonymous_ip: Option<bool>,
    #[component(name = "ip-address-connection-type")]
    ip_address_connection_type: Str<'a>,
    #[component(name = "isp")]
    isp: Str<'a>,
    #[component(name = "user-agent")]
    user_agent: Str<'a>,
    #[component(name = "browser")]
    browser: Str<'a>,
    #[component(name = "operating-system")]
    operating_system: Str<'a>,
    #[component(name = "browser-signals")]
    browser_signals: Option<BrowserSignalsRef<'a>>,
}

/// `ip-location`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct IpLocationRef<'a> {
    #[component(name = "city")]
    city: Str<'a>,
    #[component(name = "country")]
    country: Str<'a>,
    #[component(name = "latitude")]
    latitude: Option<f64>,
    #[component(name = "longitude")]
    longitude: Option<f64>,
    #[component(name = "region")]
    region: Str<'a>,
}

/// `browser-signals`.
#[derive(ComponentType, Lower)]
#[component(record)]
pub struct BrowserSignalsRef<'a> {
    #[component(name = "time-on-page-ms")]
    time_on_page_ms: Option<f64>,
    #[component(name = "card-number-pasted")]
    card_number_pasted: Option<bool>,
    #[component(name = "typing-speed-cps")]
    typing_speed_cps: Option<f64>,
    #[component(name = "webdriver")]
    webdriver: Option<bool>,
    #[component(name = "timezone")]
    timezone: Str<'a>,
    #[component(name = "timezone-offset-minutes")]
    timezone_offset_minutes: Option<f64>,
    #[component(name = "language")]
    language: Str<'a>,
    #[component(name = "screen-width")]
    screen_width: Option<f64>,
    #[component(name = "screen-height")]
    screen_height: Option<f64>,
}

/// Borrows an evaluation for lowering.
pub fn evaluation(e: &Evaluation) -> EvaluationRef<'_> {
    EvaluationRef { payment: payment(&e.payment), context: context(&e.context) }
}

/// Borrows context pairs, in key order.
pub fn context(c: &BTreeMap<String, Value>) -> Vec<(&str, ValueRef<'_>)> {
    c.iter().map(|(k, v)| (k.as_str(), value(v))).collect()
}

fn value(v: &Value) -> ValueRef<'_> {
    match v {
        Value::Bool(b) => ValueRef::Boolean(*b),
        Value::Num(n) => ValueRef::Number(*n),
        Value::Str(s) => ValueRef::Text(s),
    }
}

fn metadata(m: &BTreeMap<String, String>) -> Metadata<'_> {
    m.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Borrows a payment for lowering.
pub fn payment(x: &p::Payment) -> PaymentRef<'_> {
    PaymentRef {
        id: x.id.as_deref(),
        livemode: x.livemode,
        amount: x.amount,
        currency: &x.currency,
        created: x.created,
        customer: x.customer.as_deref(),
        customer_details: x.customer_details.as_ref().map(|c| CustomerDetailsRef {
            email: c.email.as_deref(),
            name: c.name.as_deref(),
            phone: c.phone.as_deref(),
            description: c.description.as_deref(),
            created: c.created,
            metadata: metadata(&c.metadata),
        }),
        receipt_email: x.receipt_email.as_deref(),
        description: x.description.as_deref(),
        statement_descriptor: x.statement_descriptor.as_deref(),
        metadata: metadata(&x.metadata),
        billing_details: x.billing_details.as_ref().map(|b| BillingDetailsRef {
            address: b.address.as_ref().map(address),
            email: b.email.as_deref(),
            name: b.name.as_deref(),
            phone: b.phone.as_deref(),
        }),
        shipping: x.shipping.as_ref().map(|s| ShippingRef {
            address: s.address.as_ref().map(address),
            name: s.name.as_deref(),
            phone: s.phone.as_deref(),
        }),
        payment_method_details: x.payment_method_details.as_ref().map(|m| PaymentMethodDetailsRef {
            kind: m.kind.as_deref(),
            card: m.card.as_ref().map(card),
            sepa_debit: m.sepa_debit.as_ref().map(bank_debit),
            us_bank_account: m.us_bank_account.as_ref().map(bank_debit),
            crypto: m
                .crypto
                .as_ref()
                .map(|c| CryptoWalletRef { fingerprint: c.fingerprint.as_deref(), network: c.network.as_deref() }),
        }),
        client: x.client.as_ref().map(client),
        destination: x.destination.as_deref(),
        destination_metadata: metadata(&x.destination_metadata),
        transaction_type: x.transaction_type.map(transaction_type),
        is_checkout: x.is_checkout,
        off_session: x.off_session,
        is_recurring: x.is_recurring,
    }
}

fn bank_debit(b: &p::BankDebit) -> BankDebitRef<'_> {
    BankDebitRef {
        fingerprint: b.fingerprint.as_deref(),
        bank_code: b.bank_code.as_deref(),
        country: b.country.as_deref(),
        last4: b.last4.as_deref(),
    }
}

fn address(a: &p::Address) -> AddressRef<'_> {
    AddressRef {
        city: a.city.as_deref(),
        country: a.country.as_deref(),
        line1: a.line1.as_deref(),
        line2: a.line2.as_deref(),
        postal_code: a.postal_code.as_deref(),
        state: a.state.as_deref(),
        latitude: a.latitude,
        longitude: a.longitude,
    }
}

fn card(c: &p::Card) -> CardRef<'_> {
    CardRef {
        number: c.number.as_deref(),
        brand: c.brand.as_deref(),
        country: c.country.as_deref(),
        fingerprint: c.fingerprint.as_deref(),
        funding: c.funding.as_deref(),
        bin: c.bin.as_deref(),
        last4: c.last4.as_deref(),
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        checks: c.checks.as_ref().map(|k| wit::CardChecks {
            address_line1_check: k.address_line1_check.map(check),
            address_postal_code_check: k.address_postal_code_check.map(check),
            cvc_check: k.cvc_check.map(check),
        }),
        three_d_secure: c.three_d_secure.as_ref().map(|t| ThreeDSecureRef {
            result: t.result.map(three_d_secure_result),
            result_reason: t.result_reason.as_deref(),
            authentication_flow: t.authentication_flow.as_deref(),
            version: t.version.as_deref(),
        }),
        wallet: c.wallet.as_ref().map(|w| WalletRef { kind: &w.kind }),
        three_d_secure_support: c.three_d_secure_support.as_deref(),
        has_cryptogram: c.has_cryptogram,
        is_new_card_on_customer: c.is_new_card_on_customer,
    }
}

/// The WIT `transaction-type`.
pub(super) fn transaction_type(t: p::TransactionType) -> wit::TransactionType {
    match t {
        p::TransactionType::Charge => wit::TransactionType::Charge,
        p::TransactionType::PaymentIntent => wit::TransactionType::PaymentIntent,
        p::TransactionType::SetupIntent => wit::TransactionType::SetupIntent,
    }
}

/// The WIT `check-result`.
pub(super) fn check(c: p::CheckResult) -> wit::CheckResult {
    match c {
        p::CheckResult::Pass => wit::CheckResult::Pass,
        p::CheckResult::Fail => wit::CheckResult::Fail,
        p::CheckResult::Unavailable => wit::CheckResult::Unavailable,
        p::CheckResult::Unchecked => wit::CheckResult::Unchecked,
    }
}

/// The WIT `three-d-secure-result`.
pub(super) fn three_d_secure_result(r: p::ThreeDSecureResult) -> wit::ThreeDSecureResult {
    use p::ThreeDSecureResult as C;
    use wit::ThreeDSecureResult as W;
    match r {
        C::AttemptAcknowledged => W::AttemptAcknowledged,
        C::Authenticated => W::Authenticated,
        C::DataShareOnly => W::DataShareOnly,
        C::Exempted => W::Exempted,
        C::Failed => W::Failed,
        C::NotSupported => W::NotSupported,
        C::ProcessingError => W::ProcessingError,
    }
}

fn client(c: &p::Client) -> ClientRef<'_> {
    ClientRef {
        ip_address: c.ip_address.as_deref(),
        ip_country: c.ip_country.as_deref(),
        ip_state: c.ip_state.as_deref(),
        ip_address_location: c.ip_address_location.as_ref().map(|l| IpLocationRef {
            city: l.city.as_deref(),
            country: l.country.as_deref(),
            latitude: l.latitude,
            longitude: l.longitude,
            region: l.region.as_deref(),
        }),
        is_anonymous_ip: c.is_anonymous_ip,
        ip_address_connection_type: c.ip_address_connection_type.as_deref(),
        isp: c.isp.as_deref(),
        user_agent: c.user_agent.as_deref(),
        browser: c.browser.as_deref(),
        operating_system: c.operating_system.as_deref(),
        browser_signals: c.browser_signals.as_ref().map(|b| BrowserSignalsRef {
            time_on_page_ms: b.time_on_page_ms,
            card_number_pasted: b.card_number_pasted,
            typing_speed_cps: b.typing_speed_cps,
            webdriver: b.webdriver,
            timezone: b.timezone.as_deref(),
            timezone_offset_minutes: b.timezone_offset_minutes,
            language: b.language.as_deref(),
            screen_width: b.screen_width,
            screen_height: b.screen_height,
        }),
    }
}
