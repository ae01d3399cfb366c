//! Ward's core as WebAssembly. This crate holds no logic of its own: it converts between the
//! `ward:risk` WIT types and `ward-core`'s types and calls the core.
//!
//! * Feature `component`: the WebAssembly component implementing world `ward` (wit-bindgen).
//!   Built for `wasm32-unknown-unknown` and wrapped with `wasm-tools component new`, it imports
//!   nothing. See `tests/build-component.sh`.
//! * A later `js` feature (wasm-bindgen) will live beside it; the two are built separately.

#![forbid(unsafe_op_in_unsafe_fn)]

#[cfg(feature = "component")]
pub mod component;
