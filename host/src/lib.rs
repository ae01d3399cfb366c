//! Ward's host library: the runtimes, the store, velocity and the server the `ward` binary (and
//! its tests and benchmarks) use.

pub mod histogram;
pub mod runtime;
pub mod server;
pub mod store;
pub mod velocity;
