//! Any bytes given to the bundle loader are refused with an error or load, never a panic.
//! Half the inputs get a valid header and hash so the fuzzer reaches the payload decoder,
//! the model validator, the list indexer and the rules compiler.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use ward_core::bundle::{FORMAT_VERSION, MAGIC};

fuzz_target!(|data: &[u8]| {
    let _ = ward_core::Engine::from_bundle(data);
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
    let _ = ward_core::Engine::from_bundle(&bytes);
});
