//! The attribute catalogue: every attribute a rule or the model may read, its type, and where
//! its value comes from (derived from the payment, supplied by the caller, or the model's score).

mod catalogue;
mod derive;
mod frame;
mod geo;
mod user_agent;

pub use catalogue::{AttrId, AttrSource, AttrSpec, AttrType, Catalogue};
pub use derive::{DeriveInput, derive_payment_attribute};
pub use frame::{Facts, Frame, MetaScope};
pub use geo::haversine_km;
