//! Host-side bindings of world `ward` (generated from `wit/` at compile time).
//!
//! The plugin world uses the same `ward:risk/types` records, so the plugin host lowers these
//! types too instead of generating a second, incompatible set.

#![allow(missing_docs)]

wasmtime::component::bindgen!({
    world: "ward",
    path: "../wit",
});

pub use exports::ward::risk::types as wit;
