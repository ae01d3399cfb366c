//! Lowering evaluations into guest memory in one write.
//!
//! wasmtime's derived lowering stores a record field by field, and every store looks the
//! guest's memory up again (`LowerContext::get`): about a hundred lookups for a payment, 6% of
//! the component's time on a typical payment. Here a payment's bytes are laid out in a host
//! buffer instead, strings and lists are allocated in the guest as the canonical ABI requires
//! (one `realloc` each), and everything is copied into guest memory at the end with one lookup.
//! A field left `None` costs nothing: the buffer starts zeroed, and a zero discriminant is
//! `none`.
//!
//! Offsets come from the field types' canonical ABI sizes and alignments as wasmtime computes
//! them for the borrowed records of [`super::lower`], which are also what type-checks
//! [`Staged`] against the component.

use std::collections::BTreeMap;
use std::mem::MaybeUninit;

use wasmtime::component::__internal::{InstanceType, InterfaceType, LowerContext};
use wasmtime::component::{ComponentType, Lower};

use ward_core::payment as p;
use ward_core::{Evaluation, Value};

use super::bindings::wit;
use super::lower::{
    self, AddressRef, BankDebitRef, BillingDetailsRef, BrowserSignalsRef, CardRef, ClientRef, CryptoWalletRef,
    CustomerDetailsRef, EvaluationRef, IpLocationRef, PaymentMethodDetailsRef, PaymentRef, ShippingRef,
    ThreeDSecureRef, ValueRef, WalletRef,
};

/// An evaluation lowered by [`Stage`]: the component sees an `evaluation` record.
#[derive(Clone, Copy)]
pub struct Staged<'a>(pub &'a Evaluation);

// SAFETY: the same canonical type as `EvaluationRef` (its ABI, flat form and type check), and
// `linear_lower_to_memory` writes exactly that type's bytes.
unsafe impl ComponentType for Staged<'_> {
    type Lower = <EvaluationRef<'static> as ComponentType>::Lower;
    const ABI: wasmtime::component::__internal::CanonicalAbiInfo = <EvaluationRef<'static> as ComponentType>::ABI;

    fn typecheck(ty: &InterfaceType, types: &InstanceType<'_>) -> wasmtime::Result<()> {
        EvaluationRef::typecheck(ty, types)
    }
}

// SAFETY: see `ComponentType` above.
unsafe impl Lower for Staged<'_> {
    fn linear_lower_to_flat<T>(
        &self,
        cx: &mut LowerContext<'_, T>,
        ty: InterfaceType,
        dst: &mut MaybeUninit<Self::Lower>,
    ) -> wasmtime::Result<()> {
        // Records this large are passed in memory; the flat form is here for completeness.
        lower::evaluation(self.0).linear_lower_to_flat(cx, ty, dst)
    }

    fn linear_lower_to_memory<T>(
        &self,
        cx: &mut LowerContext<'_, T>,
        _ty: InterfaceType,
        offset: usize,
    ) -> wasmtime::Result<()> {
        let mut stage = Stage::new(cx);
        stage.evaluation(offset, self.0)?;
        stage.finish()
    }

    fn linear_store_list_to_memory<T>(
        cx: &mut LowerContext<'_, T>,
        _ty: InterfaceType,
        offset: usize,
        items: &[Self],
    ) -> wasmtime::Result<()> {
        // A whole batch in one copy.
        let mut stage = Stage::new(cx);
        for (i, item) in items.iter().enumerate() {
            stage.evaluation(offset + i * Self::SIZE32, item.0)?;
        }
        stage.finish()
    }
}

/// Offsets of a record's fields from their (size, alignment), as the canonical ABI lays them out.
const fn offsets<const N: usize>(fields: [(usize, u32); N]) -> [usize; N] {
    let mut out = [0; N];
    let mut at: usize = 0;
    let mut i = 0;
    while i < N {
        let align = fields[i].1 as usize;
        at = at.div_ceil(align) * align;
        out[i] = at;
        at += fields[i].0;
        i += 1;
    }
    out
}

/// A type's canonical ABI (size, alignment).
const fn abi<T: ComponentType>() -> (usize, u32) {
    (T::SIZE32, T::ALIGN32)
}

/// The field offsets of a record whose fields have these types.
macro_rules! layout {
    ($($t:ty),* $(,)?) => {
        offsets([$(abi::<$t>()),*])
    };
}

/// Where the payload of an `option<T>` starts (after its one-byte discriminant, aligned).
const fn payload<T: ComponentType>() -> usize {
    T::ALIGN32 as usize
}

type S = Option<&'static str>;
type Metadata = Vec<(&'static str, &'static str)>;

const EVALUATION: [usize; 2] = layout!(PaymentRef<'static>, Vec<(&'static str, ValueRef<'static>)>);
const PAYMENT: [usize; 21] = layout!(
    S,
    bool,
    i64,
    &'static str,
    i64,
    S,
    Option<CustomerDetailsRef<'static>>,
    S,
    S,
    S,
    Metadata,
    Option<BillingDetailsRef<'static>>,
    Option<ShippingRef<'static>>,
    Option<PaymentMethodDetailsRef<'static>>,
    Option<ClientRef<'static>>,
    S,
    Metadata,
    Option<wit::TransactionType>,
    Option<bool>,
    Option<bool>,
    Option<bool>,
);
const CUSTOMER: [usize; 6] = layout!(S, S, S, S, Option<i64>, Metadata);
const ADDRESS: [usize; 8] = layout!(S, S, S, S, S, S, Option<f64>, Option<f64>);
const BILLING: [usize; 4] = layout!(Option<AddressRef<'static>>, S, S, S);
const SHIPPING: [usize; 3] = layout!(Option<AddressRef<'static>>, S, S);
const METHOD: [usize; 5] = layout!(
    S,
    Option<CardRef<'static>>,
    Option<BankDebitRef<'static>>,
    Option<BankDebitRef<'static>>,
    Option<CryptoWalletRef<'static>>,
);
const BANK_DEBIT: [usize; 4] = layout!(S, S, S, S);
const CRYPTO: [usize; 2] = layout!(S, S);
const CARD: [usize; 15] = layout!(
    S,
    S,
    S,
    S,
    S,
    S,
    S,
    Option<u8>,
    Option<u16>,
    Option<wit::CardChecks>,
    Option<ThreeDSecureRef<'static>>,
    Option<WalletRef<'static>>,
    S,
    Option<bool>,
    Option<bool>,
);
const CHECKS: [usize; 3] = layout!(Option<wit::CheckResult>, Option<wit::CheckResult>, Option<wit::CheckResult>);
const THREE_DS: [usize; 4] = layout!(Option<wit::ThreeDSecureResult>, S, S, S);
const CLIENT: [usize; 11] =
    layout!(S, S, S, Option<IpLocationRef<'static>>, Option<bool>, S, S, S, S, S, Option<BrowserSignalsRef<'static>>,);
const IP_LOCATION: [usize; 5] = layout!(S, S, Option<f64>, Option<f64>, S);
const SIGNALS: [usize; 9] =
    layout!(Option<f64>, Option<bool>, Option<f64>, Option<bool>, S, Option<f64>, S, Option<f64>, Option<f64>,);
/// `tuple<string, context-value>` and `tuple<string, string>`.
const CONTEXT_PAIR: [usize; 2] = layout!(&'static str, ValueRef<'static>);
const METADATA_PAIR: [usize; 2] = layout!(&'static str, &'static str);
/// `context-value`'s payload, after its discriminant.
const VALUE_PAYLOAD: usize = <ValueRef<'static> as ComponentType>::ALIGN32 as usize;

/// Bytes staged for guest memory, and the strings to copy there.
struct Stage<'a, 'c, 'm, T: 'static> {
    cx: &'c mut LowerContext<'m, T>,
    /// Staged regions, back to back; `regions` says where each goes.
    bytes: Vec<u8>,
    /// (guest offset, start in `bytes`, length).
    regions: Vec<(usize, usize, usize)>,
    /// (guest offset, bytes).
    strings: Vec<(usize, &'a [u8])>,
    /// Where the region being written starts in `bytes` (minus its guest offset).
    base: usize,
    guest: usize,
}

impl<'a, 'c, 'm, T: 'static> Stage<'a, 'c, 'm, T> {
    fn new(cx: &'c mut LowerContext<'m, T>) -> Self {
        Stage { cx, bytes: Vec::with_capacity(1024), regions: Vec::new(), strings: Vec::new(), base: 0, guest: 0 }
    }

    /// Starts staging `size` bytes for guest offset `guest`; later writes use guest offsets.
    fn region(&mut self, guest: usize, size: usize) {
        let start = self.bytes.len();
        self.bytes.resize(start + size, 0);
        self.regions.push((guest, start, size));
        self.base = start;
        self.guest = guest;
    }

    /// Writes `b` at guest offset `at` of the current region.
    fn put(&mut self, at: usize, b: &[u8]) {
        // Offsets come from the layouts above, within the region by construction.
        let start = self.base + at.saturating_sub(self.guest);
        if let Some(dst) = self.bytes.get_mut(start..start + b.len()) {
            dst.copy_from_slice(b);
        }
    }

    fn u32(&mut self, at: usize, v: usize) -> wasmtime::Result<()> {
        let v = u32::try_from(v).map_err(|_| wasmtime::format_err!("offset beyond 32-bit memory"))?;
        self.put(at, &v.to_le_bytes());
        Ok(())
    }

    /// Guest memory for `size` bytes. Called for empty strings and lists too, as the canonical
    /// ABI does: a plugin's language may free whatever pointer it was given.
    fn alloc(&mut self, align: u32, size: usize) -> wasmtime::Result<usize> {
        self.cx.realloc(0, 0, align, size)
    }

    fn string(&mut self, at: usize, s: &'a str) -> wasmtime::Result<()> {
        let ptr = self.alloc(1, s.len())?;
        if !s.is_empty() {
            self.strings.push((ptr, s.as_bytes()));
        }
        self.u32(at, ptr)?;
        self.u32(at + 4, s.len())
    }

    fn opt_str(&mut self, at: usize, s: &'a Option<String>) -> wasmtime::Result<()> {
        self.opt(at, payload::<&str>(), s, |st, at, s| st.string(at, s))
    }

    fn opt_f64(&mut self, at: usize, v: Option<f64>) {
        if let Some(v) = v {
            self.put(at, &[1]);
            self.put(at + payload::<f64>(), &v.to_le_bytes());
        }
    }

    fn opt_bool(&mut self, at: usize, v: Option<bool>) {
        if let Some(v) = v {
            self.put(at, &[1, u8::from(v)]);
        }
    }

    /// A one-byte enum case (or `u8`) in an option.
    fn opt_u8(&mut self, at: usize, v: Option<u8>) {
        if let Some(v) = v {
            self.put(at, &[1, v]);
        }
    }

    /// An optional nested record: its discriminant, then `f` writes it at its payload offset.
    fn opt<V>(
        &mut self,
        at: usize,
        payload: usize,
        v: &'a Option<V>,
        f: impl FnOnce(&mut Self, usize, &'a V) -> wasmtime::Result<()>,
    ) -> wasmtime::Result<()> {
        match v {
            Some(v) => {
                self.put(at, &[1]);
                f(self, at + payload, v)
            }
            None => Ok(()),
        }
    }

    /// A list of elements of `size` bytes: allocates it, stages it, and has `each` write
    /// element `i` at its offset; the region being written before is resumed after.
    fn list<I>(
        &mut self,
        at: usize,
        (size, align): (usize, u32),
        items: I,
        mut each: impl FnMut(&mut Self, usize, I::Item) -> wasmtime::Result<()>,
    ) -> wasmtime::Result<()>
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
    {
        let items = items.into_iter();
        let n = items.len();
        let bytes = n.checked_mul(size).ok_or_else(|| wasmtime::format_err!("list too large"))?;
        let ptr = self.alloc(align, bytes)?;
        self.u32(at, ptr)?;
        self.u32(at + 4, n)?;
        if n == 0 {
            return Ok(());
        }
        let (base, guest) = (self.base, self.guest);
        self.region(ptr, bytes);
        let (list_base, list_guest) = (self.base, self.guest);
        for (i, item) in items.enumerate() {
            // A nested list moves the current region; come back to this one.
            (self.base, self.guest) = (list_base, list_guest);
            each(self, ptr + i * size, item)?;
        }
        (self.base, self.guest) = (base, guest);
        Ok(())
    }

    fn metadata(&mut self, at: usize, m: &'a BTreeMap<String, String>) -> wasmtime::Result<()> {
        self.list(at, abi::<(&str, &str)>(), m, |st, at, (k, v)| {
            st.string(at + METADATA_PAIR[0], k)?;
            st.string(at + METADATA_PAIR[1], v)
        })
    }

    fn evaluation(&mut self, at: usize, e: &'a Evaluation) -> wasmtime::Result<()> {
        self.region(at, abi::<EvaluationRef<'static>>().0);
        self.payment(at + EVALUATION[0], &e.payment)?;
        let pair = abi::<(&str, ValueRef<'static>)>();
        self.list(at + EVALUATION[1], pair, &e.context, |st, at, (k, v)| {
            st.string(at + CONTEXT_PAIR[0], k)?;
            st.value(at + CONTEXT_PAIR[1], v)
        })
    }

    fn value(&mut self, at: usize, v: &'a Value) -> wasmtime::Result<()> {
        let data = at + VALUE_PAYLOAD;
        match v {
            // Case 0 is the zeroed discriminant already there.
            Value::Bool(b) => self.put(data, &[u8::from(*b)]),
            Value::Num(n) => {
                self.put(at, &[1]);
                self.put(data, &n.to_le_bytes());
            }
            Value::Str(s) => {
                self.put(at, &[2]);
                self.string(data, s)?;
            }
        }
        Ok(())
    }

    fn payment(&mut self, at: usize, x: &'a p::Payment) -> wasmtime::Result<()> {
        let f = PAYMENT.map(|o| at + o);
        self.opt_str(f[0], &x.id)?;
        self.put(f[1], &[u8::from(x.livemode)]);
        self.put(f[2], &x.amount.to_le_bytes());
        self.string(f[3], &x.currency)?;
        self.put(f[4], &x.created.to_le_bytes());
        self.opt_str(f[5], &x.customer)?;
        self.opt(f[6], payload::<CustomerDetailsRef>(), &x.customer_details, |st, at, c| {
            let f = CUSTOMER.map(|o| at + o);
            st.opt_str(f[0], &c.email)?;
            st.opt_str(f[1], &c.name)?;
            st.opt_str(f[2], &c.phone)?;
            st.opt_str(f[3], &c.description)?;
            if let Some(created) = c.created {
                st.put(f[4], &[1]);
                st.put(f[4] + payload::<i64>(), &created.to_le_bytes());
            }
            st.metadata(f[5], &c.metadata)
        })?;
        self.opt_str(f[7], &x.receipt_email)?;
        self.opt_str(f[8], &x.description)?;
        self.opt_str(f[9], &x.statement_descriptor)?;
        self.metadata(f[10], &x.metadata)?;
        self.opt(f[11], payload::<BillingDetailsRef>(), &x.billing_details, |st, at, b| {
            let f = BILLING.map(|o| at + o);
            st.opt(f[0], payload::<AddressRef>(), &b.address, Self::address)?;
            st.opt_str(f[1], &b.email)?;
            st.opt_str(f[2], &b.name)?;
            st.opt_str(f[3], &b.phone)
        })?;
        self.opt(f[12], payload::<ShippingRef>(), &x.shipping, |st, at, s| {
            let f = SHIPPING.map(|o| at + o);
            st.opt(f[0], payload::<AddressRef>(), &s.address, Self::address)?;
            st.opt_str(f[1], &s.name)?;
            st.opt_str(f[2], &s.phone)
        })?;
        self.opt(f[13], payload::<PaymentMethodDetailsRef>(), &x.payment_method_details, Self::method)?;
        self.opt(f[14], payload::<ClientRef>(), &x.client, Self::client)?;
        self.opt_str(f[15], &x.destination)?;
        self.metadata(f[16], &x.destination_metadata)?;
        self.opt_u8(f[17], x.transaction_type.map(|t| lower::transaction_type(t) as u8));
        self.opt_bool(f[18], x.is_checkout);
        self.opt_bool(f[19], x.off_session);
        self.opt_bool(f[20], x.is_recurring);
        Ok(())
    }

    fn address(&mut self, at: usize, a: &'a p::Address) -> wasmtime::Result<()> {
        let f = ADDRESS.map(|o| at + o);
        self.opt_str(f[0], &a.city)?;
        self.opt_str(f[1], &a.country)?;
        self.opt_str(f[2], &a.line1)?;
        self.opt_str(f[3], &a.line2)?;
        self.opt_str(f[4], &a.postal_code)?;
        self.opt_str(f[5], &a.state)?;
        self.opt_f64(f[6], a.latitude);
        self.opt_f64(f[7], a.longitude);
        Ok(())
    }

    fn method(&mut self, at: usize, m: &'a p::PaymentMethodDetails) -> wasmtime::Result<()> {
        let f = METHOD.map(|o| at + o);
        self.opt_str(f[0], &m.kind)?;
        self.opt(f[1], payload::<CardRef>(), &m.card, Self::card)?;
        self.opt(f[2], payload::<BankDebitRef>(), &m.sepa_debit, Self::bank_debit)?;
        self.opt(f[3], payload::<BankDebitRef>(), &m.us_bank_account, Self::bank_debit)?;
        self.opt(f[4], payload::<CryptoWalletRef>(), &m.crypto, |st, at, c| {
            st.opt_str(at + CRYPTO[0], &c.fingerprint)?;
            st.opt_str(at + CRYPTO[1], &c.network)
        })
    }

    fn bank_debit(&mut self, at: usize, b: &'a p::BankDebit) -> wasmtime::Result<()> {
        let f = BANK_DEBIT.map(|o| at + o);
        self.opt_str(f[0], &b.fingerprint)?;
        self.opt_str(f[1], &b.bank_code)?;
        self.opt_str(f[2], &b.country)?;
        self.opt_str(f[3], &b.last4)
    }

    fn card(&mut self, at: usize, c: &'a p::Card) -> wasmtime::Result<()> {
        let f = CARD.map(|o| at + o);
        self.opt_str(f[0], &c.number)?;
        self.opt_str(f[1], &c.brand)?;
        self.opt_str(f[2], &c.country)?;
        self.opt_str(f[3], &c.fingerprint)?;
        self.opt_str(f[4], &c.funding)?;
        self.opt_str(f[5], &c.bin)?;
        self.opt_str(f[6], &c.last4)?;
        self.opt_u8(f[7], c.exp_month);
        if let Some(year) = c.exp_year {
            self.put(f[8], &[1]);
            self.put(f[8] + payload::<u16>(), &year.to_le_bytes());
        }
        self.opt(f[9], payload::<wit::CardChecks>(), &c.checks, |st, at, k| {
            let check = |c: Option<p::CheckResult>| c.map(|c| lower::check(c) as u8);
            st.opt_u8(at + CHECKS[0], check(k.address_line1_check));
            st.opt_u8(at + CHECKS[1], check(k.address_postal_code_check));
            st.opt_u8(at + CHECKS[2], check(k.cvc_check));
            Ok(())
        })?;
        self.opt(f[10], payload::<ThreeDSecureRef>(), &c.three_d_secure, |st, at, t| {
            let f = THREE_DS.map(|o| at + o);
            st.opt_u8(f[0], t.result.map(|r| lower::three_d_secure_result(r) as u8));
            st.opt_str(f[1], &t.result_reason)?;
            st.opt_str(f[2], &t.authentication_flow)?;
            st.opt_str(f[3], &t.version)
        })?;
        self.opt(f[11], payload::<WalletRef>(), &c.wallet, |st, at, w| st.string(at, &w.kind))?;
        self.opt_str(f[12], &c.three_d_secure_support)?;
        self.opt_bool(f[13], c.has_cryptogram);
        self.opt_bool(f[14], c.is_new_card_on_customer);
        Ok(())
    }

    fn client(&mut self, at: usize, c: &'a p::Client) -> wasmtime::Result<()> {
        let f = CLIENT.map(|o| at + o);
        self.opt_str(f[0], &c.ip_address)?;
        self.opt_str(f[1], &c.ip_country)?;
        self.opt_str(f[2], &c.ip_state)?;
        self.opt(f[3], payload::<IpLocationRef>(), &c.ip_address_location, |st, at, l| {
            let f = IP_LOCATION.map(|o| at + o);
            st.opt_str(f[0], &l.city)?;
            st.opt_str(f[1], &l.country)?;
            st.opt_f64(f[2], l.latitude);
            st.opt_f64(f[3], l.longitude);
            st.opt_str(f[4], &l.region)
        })?;
        self.opt_bool(f[4], c.is_anonymous_ip);
        self.opt_str(f[5], &c.ip_address_connection_type)?;
        self.opt_str(f[6], &c.isp)?;
        self.opt_str(f[7], &c.user_agent)?;
        self.opt_str(f[8], &c.browser)?;
        self.opt_str(f[9], &c.operating_system)?;
        self.opt(f[10], payload::<BrowserSignalsRef>(), &c.browser_signals, |st, at, b| {
            let f = SIGNALS.map(|o| at + o);
            st.opt_f64(f[0], b.time_on_page_ms);
            st.opt_bool(f[1], b.card_number_pasted);
            st.opt_f64(f[2], b.typing_speed_cps);
            st.opt_bool(f[3], b.webdriver);
            st.opt_str(f[4], &b.timezone)?;
            st.opt_f64(f[5], b.timezone_offset_minutes);
            st.opt_str(f[6], &b.language)?;
            st.opt_f64(f[7], b.screen_width);
            st.opt_f64(f[8], b.screen_height);
            Ok(())
        })
    }

    /// Copies every staged region and string into guest memory.
    fn finish(self) -> wasmtime::Result<()> {
        let mem = self.cx.as_slice_mut();
        let out_of_bounds = || wasmtime::format_err!("lowered value beyond the guest's memory");
        for &(guest, start, len) in &self.regions {
            let dst = mem.get_mut(guest..guest + len).ok_or_else(out_of_bounds)?;
            dst.copy_from_slice(&self.bytes[start..start + len]);
        }
        for &(guest, s) in &self.strings {
            mem.get_mut(guest..guest + s.len()).ok_or_else(out_of_bounds)?.copy_from_slice(s);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use wasmtime::component::{Component, Linker, TypedFunc};
    use wasmtime::{Config, Engine, Store};

    use super::*;
    use crate::runtime::plugin_path;

    /// Every field set, each list non-empty, each context-value case.
    const FULL: &str = r#"{"payment": {"id": "ch_1", "livemode": false, "amount": 123456, "currency": "eur",
        "created": 1764028800, "customer": "cus_1",
        "customer_details": {"email": "a@b.co", "name": "Ann", "phone": "+1555", "description": "vip",
            "created": 1700000000, "metadata": {"k1": "v1", "k2": "v2"}},
        "receipt_email": "r@b.co", "description": "order 7", "statement_descriptor": "SHOP",
        "metadata": {"ward_test_mode": "echo", "order": "7"},
        "billing_details": {"address": {"city": "Paris", "country": "FR", "line1": "1 rue", "line2": "bis",
            "postal_code": "75001", "state": "IDF", "latitude": 48.85, "longitude": 2.35},
            "email": "b@b.co", "name": "Bill", "phone": "+33"},
        "shipping": {"address": {"city": "Lyon", "country": "FR", "latitude": -45.5}, "name": "Sam", "phone": "+34"},
        "payment_method_details": {"type": "card",
            "card": {"number": "4242424242424242", "brand": "visa", "country": "DE", "fingerprint": "fp1",
                "funding": "debit", "bin": "424242", "last4": "4242", "exp_month": 12, "exp_year": 2031,
                "checks": {"address_line1_check": "fail", "address_postal_code_check": "unavailable",
                    "cvc_check": "unchecked"},
                "three_d_secure": {"result": "processing_error", "result_reason": "abandoned",
                    "authentication_flow": "challenge", "version": "2.2.0"},
                "wallet": {"type": "apple_pay"}, "three_d_secure_support": "optional",
                "has_cryptogram": true, "is_new_card_on_customer": false},
            "sepa_debit": {"fingerprint": "s1", "bank_code": "370400", "country": "DE", "last4": "3000"},
            "us_bank_account": {"fingerprint": "u1", "bank_code": "110000", "country": "US", "last4": "6789"},
            "crypto": {"fingerprint": "c1", "network": "solana"}},
        "client": {"ip_address": "203.0.113.9", "ip_country": "US", "ip_state": "CA",
            "ip_address_location": {"city": "SF", "country": "US", "latitude": 37.7, "longitude": -122.4,
                "region": "CA"},
            "is_anonymous_ip": true, "ip_address_connection_type": "corporate", "isp": "Acme",
            "user_agent": "Mozilla/5.0", "browser": "Safari", "operating_system": "macOS",
            "browser_signals": {"time_on_page_ms": 1234.5, "card_number_pasted": true, "typing_speed_cps": 7.25,
                "webdriver": false, "timezone": "Europe/Paris", "timezone_offset_minutes": -60,
                "language": "fr-FR", "screen_width": 1920, "screen_height": 1080}},
        "destination": "acct_1", "destination_metadata": {"risk": "high"},
        "transaction_type": "setup_intent", "is_checkout": true, "off_session": false, "is_recurring": true},
        "context": {"a_flag": true, "b_count": 3.5, "c_text": "ü-text", "d_empty": ""}}"#;

    /// Nothing optional set.
    const BARE: &str = r#"{"payment": {"amount": 0, "currency": "usd", "created": -5, "livemode": true, "metadata": {"ward_test_mode": "echo"}}}"#;

    type Answer = (Result<Vec<(String, wit::ContextValue)>, String>,);

    /// What the hostile plugin's `echo` mode printed of the evaluation, lowered by `lower` as
    /// the reference and by [`Staged`].
    fn echoes(json: &str) -> (String, String) {
        let evaluation = ward_core::payment::decode_line(json).expect("test evaluation");
        let engine = Engine::new(Config::new().wasm_component_model(true)).expect("engine");
        let wasm = std::fs::read(plugin_path("hostile")).expect("hostile plugin (tests/build-component.sh)");
        let component = Component::new(&engine, wasm).expect("plugin");
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &component).expect("instance");
        let iface = component.get_export_index(None, "ward:risk/signals@0.1.0").expect("signals interface");
        let index = component.get_export_index(Some(&iface), "signals").expect("signals");
        let func = instance.get_func(&mut store, index).expect("signals");
        let text = |answer: Answer| match answer.0.expect("plugin answered").pop() {
            Some((_, wit::ContextValue::Text(t))) => t,
            other => panic!("unexpected answer {other:?}"),
        };
        let reference: TypedFunc<(&EvaluationRef<'_>,), Answer> = func.typed(&store).expect("typed");
        let want = text(reference.call(&mut store, (&lower::evaluation(&evaluation),)).expect("call"));
        let staged: TypedFunc<(&Staged<'_>,), Answer> = func.typed(&store).expect("typed");
        let got = text(staged.call(&mut store, (&Staged(&evaluation),)).expect("call"));
        (want, got)
    }

    #[test]
    fn staged_lowering_writes_what_the_derived_one_does() {
        for json in [FULL, BARE] {
            let (want, got) = echoes(json);
            assert_eq!(got, want);
            assert!(want.contains("ward_test_mode"), "{want}");
        }
        // The full payment did arrive whole (the derived lowering is the reference, but a
        // field it dropped would go unnoticed above).
        let (full, _) = echoes(FULL);
        for needle in ["apple_pay", "solana", "6789", "-45.5", "1234.5", "SetupIntent", "ProcessingError", "ü-text"] {
            assert!(full.contains(needle), "{needle} missing from {full}");
        }
    }
}
