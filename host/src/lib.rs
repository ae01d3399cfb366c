//! Ward's host library: the runtimes, the store and the server the `ward` binary (and its tests
//! and benchmarks) use.

pub mod runtime;
pub mod store;
