//! Any bytes given to the payment decoder, and then to the engine, yield an assessment or a
//! Stripe-shaped error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_core::Engine;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    thread_local! {
        static ENGINE: Engine = Engine::from_bundle(ward_core::DEFAULT_BUNDLE).expect("default bundle loads");
    }
    ENGINE.with(|engine| {
        if let Ok(eval) = ward_core::payment::decode_line(text) {
            let _ = engine.score(&eval);
        }
    });
});
