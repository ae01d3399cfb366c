//! The attribute catalogue: every attribute a rule or the model may read, its type, and where
//! its value comes from (derived from the payment, supplied by the caller, or the model's score).

mod catalogue;
mod context;
mod derive;
mod frame;
mod geo;
mod table;
pub mod user_agent;

pub use crate::suggest::edit_distance;
pub use catalogue::{AttrId, AttrSource, AttrSpec, AttrType, Catalogue, RISK_LEVELS};
pub use context::{BOUNDED_MAX, FeatureError, FeatureMap, fill_frame, fill_frame_in, validate_context};
pub use derive::{DeriveInput, derive_payment_attribute};
pub use frame::{Facts, Frame, FrameLayout, MetaScope};
pub use geo::haversine_km;
