//! The per-payment table of attribute values that rules and the model read.

use std::collections::BTreeMap;

use super::AttrId;
use crate::value::Value;

/// Which metadata map a `::key::` reference reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetaScope {
    /// `::key::`: the payment's metadata.
    Payment,
    /// `::customer:key::`: the customer's metadata.
    Customer,
    /// `::destination:key::`: the connected account's metadata.
    Destination,
}

/// Attribute values for one payment, indexed by [`AttrId`]. `None` is a missing value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    values: Vec<Option<Value>>,
}

impl Frame {
    /// A frame of `len` missing values.
    pub fn new(len: usize) -> Self {
        Frame { values: vec![None; len] }
    }

    /// The value of one attribute, `None` if missing.
    pub fn get(&self, id: AttrId) -> Option<&Value> {
        self.values.get(id.index())?.as_ref()
    }

    /// Sets one attribute's value.
    pub fn set(&mut self, id: AttrId, value: Option<Value>) {
        if let Some(slot) = self.values.get_mut(id.index()) {
            *slot = value;
        }
    }
}

/// Everything a rule can read about one payment: the attribute frame and the metadata maps.
#[derive(Clone, Copy, Debug)]
pub struct Facts<'a> {
    /// Attribute values.
    pub frame: &'a Frame,
    /// `::key::`
    pub payment_metadata: &'a BTreeMap<String, String>,
    /// `::customer:key::`
    pub customer_metadata: &'a BTreeMap<String, String>,
    /// `::destination:key::`
    pub destination_metadata: &'a BTreeMap<String, String>,
    /// Evaluation time (the payment's `created`), for list items that expire.
    pub now: i64,
}

impl<'a> Facts<'a> {
    /// The value of a metadata key, `None` if missing.
    pub fn metadata(&self, scope: MetaScope, key: &str) -> Option<&'a str> {
        let map = match scope {
            MetaScope::Payment => self.payment_metadata,
            MetaScope::Customer => self.customer_metadata,
            MetaScope::Destination => self.destination_metadata,
        };
        map.get(key).map(String::as_str)
    }
}
