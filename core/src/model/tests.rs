//! Unit tests for the model runtime.
