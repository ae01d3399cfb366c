//! WIT → core: the evaluation a caller sends. Strings and lists move, nothing is cloned.

use std::collections::BTreeMap;

use super::bindings::exports::ward::risk::types as wit;
use ward_core::Value;
use ward_core::payment as core;

/// The core evaluation for a WIT one.
pub fn evaluation(e: wit::Evaluation) -> ward_core::Evaluation {
    ward_core::Evaluation { payment: payment(e.payment), context: context(e.context) }
}

/// A context value.
pub fn value(v: wit::ContextValue) -> Value {
    match v {
        wit::ContextValue::Boolean(b) => Value::Bool(b),
        wit::ContextValue::Number(n) => Value::Num(n),
        wit::ContextValue::Text(s) => Value::Str(s),
    }
}

fn context(c: wit::Context) -> BTreeMap<String, Value> {
    c.into_iter().map(|(k, v)| (k, value(v))).collect()
}

fn metadata(m: wit::Metadata) -> BTreeMap<String, String> {
    m.into_iter().collect()
}

fn payment(p: wit::Payment) -> core::Payment {
    core::Payment {
        id: p.id,
        livemode: p.livemode,
        amount: p.amount,
        currency: p.currency,
        created: p.created,
        customer: p.customer,
        customer_details: p.customer_details.map(customer_details),
        receipt_email: p.receipt_email,
        description: p.description,
        statement_descriptor: p.statement_descriptor,
        metadata: metadata(p.metadata),
        billing_details: p.billing_details.map(billing_details),
        shipping: p.shipping.map(shipping),
        payment_method_details: p.payment_method_details.map(payment_method_details),
        client: p.client.map(client),
        destination: p.destination,
        destination_metadata: metadata(p.destination_metadata),
        transaction_type: p.transaction_type.map(transaction_type),
        is_checkout: p.is_checkout,
        off_session: p.off_session,
        is_recurring: p.is_recurring,
    }
}

fn transaction_type(t: wit::TransactionType) -> core::TransactionType {
    match t {
        wit::TransactionType::Charge => core::TransactionType::Charge,
        wit::TransactionType::PaymentIntent => core::TransactionType::PaymentIntent,
        wit::TransactionType::SetupIntent => core::TransactionType::SetupIntent,
    }
}

fn customer_details(c: wit::CustomerDetails) -> core::CustomerDetails {
    core::CustomerDetails {
        email: c.email,
        name: c.name,
        phone: c.phone,
        description: c.description,
        created: c.created,
        metadata: metadata(c.metadata),
    }
}

fn address(a: wit::Address) -> core::Address {
    core::Address {
        city: a.city,
        country: a.country,
        line1: a.line1,
        line2: a.line2,
        postal_code: a.postal_code,
        state: a.state,
        latitude: a.latitude,
        longitude: a.longitude,
    }
}

fn billing_details(b: wit::BillingDetails) -> core::BillingDetails {
    core::BillingDetails { address: b.address.map(address), email: b.email, name: b.name, phone: b.phone }
}

fn shipping(s: wit::Shipping) -> core::Shipping {
    core::Shipping { address: s.address.map(address), name: s.name, phone: s.phone }
}

fn payment_method_details(p: wit::PaymentMethodDetails) -> core::PaymentMethodDetails {
    core::PaymentMethodDetails {
        kind: p.kind,
        card: p.card.map(card),
        sepa_debit: p.sepa_debit.map(bank_debit),
        us_bank_account: p.us_bank_account.map(bank_debit),
        crypto: p.crypto.map(|c| core::CryptoWallet { fingerprint: c.fingerprint, network: c.network }),
    }
}

fn bank_debit(b: wit::BankDebit) -> core::BankDebit {
    core::BankDebit { fingerprint: b.fingerprint, bank_code: b.bank_code, country: b.country, last4: b.last4 }
}

fn card(c: wit::Card) -> core::Card {
    core::Card {
        number: c.number,
        brand: c.brand,
        country: c.country,
        fingerprint: c.fingerprint,
        funding: c.funding,
        bin: c.bin,
        last4: c.last4,
        exp_month: c.exp_month,
        exp_year: c.exp_year,
        checks: c.checks.map(|k| core::CardChecks {
            address_line1_check: k.address_line1_check.map(check),
            address_postal_code_check: k.address_postal_code_check.map(check),
            cvc_check: k.cvc_check.map(check),
        }),
        three_d_secure: c.three_d_secure.map(|t| core::ThreeDSecure {
            result: t.result.map(three_d_secure_result),
            result_reason: t.result_reason,
            authentication_flow: t.authentication_flow,
            version: t.version,
        }),
        wallet: c.wallet.map(|w| core::Wallet { kind: w.kind }),
        three_d_secure_support: c.three_d_secure_support,
        has_cryptogram: c.has_cryptogram,
        is_new_card_on_customer: c.is_new_card_on_customer,
    }
}

fn check(c: wit::CheckResult) -> core::CheckResult {
    match c {
        wit::CheckResult::Pass => core::CheckResult::Pass,
        wit::CheckResult::Fail => core::CheckResult::Fail,
        wit::CheckResult::Unavailable => core::CheckResult::Unavailable,
        wit::CheckResult::Unchecked => core::CheckResult::Unchecked,
    }
}

fn three_d_secure_result(r: wit::ThreeDSecureResult) -> core::ThreeDSecureResult {
    use core::ThreeDSecureResult as C;
    use wit::ThreeDSecureResult as W;
    match r {
        W::AttemptAcknowledged => C::AttemptAcknowledged,
        W::Authenticated => C::Authenticated,
        W::DataShareOnly => C::DataShareOnly,
        W::Exempted => C::Exempted,
        W::Failed => C::Failed,
        W::NotSupported => C::NotSupported,
        W::ProcessingError => C::ProcessingError,
    }
}

fn client(c: wit::Client) -> core::Client {
    core::Client {
        ip_address: c.ip_address,
        ip_country: c.ip_country,
        ip_state: c.ip_state,
        ip_address_location: c.ip_address_location.map(|l| core::IpLocation {
            city: l.city,
            country: l.country,
            latitude: l.latitude,
            longitude: l.longitude,
            region: l.region,
        }),
        is_anonymous_ip: c.is_anonymous_ip,
        ip_address_connection_type: c.ip_address_connection_type,
        isp: c.isp,
        user_agent: c.user_agent,
        browser: c.browser,
        operating_system: c.operating_system,
        browser_signals: c.browser_signals.map(|b| core::BrowserSignals {
            time_on_page_ms: b.time_on_page_ms,
            card_number_pasted: b.card_number_pasted,
            typing_speed_cps: b.typing_speed_cps,
            webdriver: b.webdriver,
            timezone: b.timezone,
            timezone_offset_minutes: b.timezone_offset_minutes,
            language: b.language,
            screen_width: b.screen_width,
            screen_height: b.screen_height,
        }),
    }
}
