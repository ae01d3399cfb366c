//! Placeholder: filled in by the lists work.
