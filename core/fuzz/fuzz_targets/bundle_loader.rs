//! Any bytes given to the bundle loader are refused with an error or load, never a panic; a bundle
//! that loads scores a payment without panicking.
//! Half the inputs get a valid header and hash so the fuzzer reaches the payload decoder,
//! the model validator, the list indexer and the rules compiler.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use ward_core::Evaluation;
use ward_core::bundle::{FORMAT_VERSION, MAGIC};

/// A payment that sets most attributes, so a loaded bundle's rules and model read real values.
const PAYMENT: &str = include_str!("../seeds/payment_decoder/example_1.json");

fn load_and_score(bytes: &[u8]) {
    thread_local! {
        static EVAL: Evaluation = ward_core::payment::decode_line(PAYMENT.trim_end()).expect("example payment decodes");
    }
    if let Ok(engine) = ward_core::Engine::from_bundle(bytes) {
        EVAL.with(|eval| {
            let _ = engine.score(eval);
        });
    }
}

fuzz_target!(|data: &[u8]| {
    load_and_score(data);
    let Some((first, payload)) = data.split_first() else { return };
    if first & 1 == 0 {
        return;
    }
    let mut bytes = Vec::with_capacity(52 + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&[0, 0]);
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&Sha256::digest(payload));
    bytes.extend_from_slice(payload);
    load_and_score(&bytes);
});
