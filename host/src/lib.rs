//! Ward's host library: the runtimes the `ward` binary (and its tests and benchmarks) use.

pub mod runtime;
pub mod velocity;
