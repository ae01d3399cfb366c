//! Ward's core as WebAssembly. This crate holds no logic of its own: it converts between the
//! host's types and `ward-core`'s types and calls the core.
//!
//! * Feature `js`: a wasm-bindgen module for JavaScript (Node, browsers, edge workers), the
//!   engine of the npm package in `js/`. See `js/scripts/build.sh`.
//! * Feature `component`: the WebAssembly component implementing the `ward:risk` WIT world.
//!
//! The two faces are built separately, never in one build.

#![forbid(unsafe_op_in_unsafe_fn)]

#[cfg(feature = "js")]
pub mod js;
