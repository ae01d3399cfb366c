//! Any text given to the rules compiler yields diagnostics or a rule set, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_core::attributes::Catalogue;
use ward_core::lists::{ListSet, defaults::default_lists};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    thread_local! {
        static CTX: (Catalogue, ListSet) = (Catalogue::standard(), ListSet::new(default_lists()).expect("default lists"));
    }
    CTX.with(|(catalogue, lists)| {
        let _ = ward_core::rules::check(text, catalogue, lists);
        let _ = ward_core::rules::RuleSet::compile(text, catalogue, lists);
    });
});
