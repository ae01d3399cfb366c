//! A deliberately hostile plugin for the sandbox tests.
//!
//! It misbehaves in the way the payment's `metadata["ward_test_mode"]` names, so one artifact
//! covers every case: `ok` (default) answers properly, `loop` never returns, `memory` asks for
//! a gigabyte, `recurse` overflows the stack, `trap` panics (a trap under `panic = "abort"`),
//! `unreachable` executes `unreachable`, `huge-string` builds a 100 MB string, `wide-list`
//! returns a million entries, `long-name` returns a 1 MiB attribute name, `unknown-name`
//! returns an attribute the engine does not know, `error` returns an error message, and `echo`
//! returns everything it received, printed (for the host's lowering tests).

wit_bindgen::generate!({ world: "plugin", path: "../../../wit" });

use exports::ward::risk::signals::{Guest, PaymentView};
use exports::ward::risk::types::ContextValue;
use std::hint::black_box;

struct Hostile;

type Signals = Vec<(String, ContextValue)>;

impl Guest for Hostile {
    fn signals(view: PaymentView) -> Result<Signals, String> {
        let mode = view.payment.metadata.iter().find(|(k, _)| k == "ward_test_mode").map(|(_, v)| v.clone());
        match mode.as_deref().unwrap_or("ok") {
            "loop" => spin(),
            "memory" => Ok(vec![("account_risk_score".to_owned(), ContextValue::Number(gigabyte() as f64))]),
            "recurse" => Ok(vec![("account_risk_score".to_owned(), ContextValue::Number(recurse(u64::MAX) as f64))]),
            "trap" => panic!("hostile plugin panics"),
            "unreachable" => unreachable_instruction(),
            "huge-string" => Ok(vec![("account_risk_level".to_owned(), ContextValue::Text("x".repeat(100 << 20)))]),
            "wide-list" => Ok(wide_list()),
            "long-name" => Ok(vec![("n".repeat(1 << 20), ContextValue::Boolean(true))]),
            "unknown-name" => Ok(vec![("no_such_attribute".to_owned(), ContextValue::Boolean(true))]),
            "error" => Err("upstream reputation service unavailable".to_owned()),
            "echo" => Ok(vec![("echo".to_owned(), ContextValue::Text(format!("{view:?}")))]),
            _ => Ok(vec![("account_risk_score".to_owned(), ContextValue::Number(42.0))]),
        }
    }
}

/// Executes wasm's `unreachable` (the crate also builds natively, where it aborts).
fn unreachable_instruction() -> ! {
    #[cfg(target_family = "wasm")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_family = "wasm"))]
    std::process::abort();
}

/// Never returns: only the host's deadline stops it.
fn spin() -> ! {
    let mut i = 0u64;
    loop {
        i = black_box(i.wrapping_add(1));
    }
}

/// Touches every byte of a 1 GiB buffer, so the allocation cannot be optimised away.
fn gigabyte() -> usize {
    let mut v = vec![0u8; 1 << 30];
    for i in (0..v.len()).step_by(4096) {
        v[i] = black_box(1);
    }
    black_box(&v).iter().step_by(4096).map(|b| usize::from(*b)).sum()
}

/// Recursion the optimiser cannot turn into a loop: it ends only when the wasm stack does.
#[inline(never)]
fn recurse(n: u64) -> u64 {
    if black_box(n) == 0 { 0 } else { black_box(recurse(black_box(n - 1))).wrapping_add(1) }
}

/// A million entries with empty (allocation-free) names: about 50 MB in the guest, and far more
/// for a host that lifts them blindly.
fn wide_list() -> Signals {
    (0..1_000_000).map(|_| (String::new(), ContextValue::Number(1.0))).collect()
}

export!(Hostile);
