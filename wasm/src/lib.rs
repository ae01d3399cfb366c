//! Ward's core as WebAssembly. This crate holds no logic of its own: it converts between the
//! host's types and `ward-core`'s types and calls the core.
//!
//! * Feature `component`: the WebAssembly component implementing world `ward` (wit-bindgen).
//!   Built for `wasm32-unknown-unknown` and wrapped with `wasm-tools component new`, it imports
//!   nothing. See `tests/build-component.sh`.
//! * Feature `js`: a wasm-bindgen module for JavaScript (Node, browsers, edge workers), the
//!   engine of the npm package in `js/`. See `js/scripts/build.sh`.
//!
//! The two faces are separate builds; enabling both is refused.

#![forbid(unsafe_op_in_unsafe_fn)]

#[cfg(all(feature = "component", feature = "js"))]
compile_error!("features `component` and `js` are two separate builds: enable one of them");

#[cfg(feature = "component")]
pub mod component;

#[cfg(feature = "js")]
pub mod js;
