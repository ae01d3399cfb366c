//! Helpers shared by the tests that run `ward serve` as a real process.

#![allow(dead_code)]

pub mod redis;
pub mod server;
