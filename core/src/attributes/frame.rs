//! The per-payment table of attribute values that rules and the model read.

use std::collections::BTreeMap;
use std::sync::Arc;

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

/// Which attributes a [`Frame`] holds and where: built once (per engine), shared by its frames.
///
/// Attribute `id` lives at dense position `slots[id]`; attributes outside the layout are
/// always missing and setting them does nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameLayout {
    /// Dense position of every catalogue attribute, [`FrameLayout::ABSENT`] if not held.
    slots: Vec<u16>,
    /// The attributes held, in dense order.
    ids: Vec<AttrId>,
}

impl FrameLayout {
    const ABSENT: u16 = u16::MAX;

    /// A layout holding `ids` (duplicates kept once) out of a catalogue of `len` attributes.
    pub fn new(len: usize, ids: &[AttrId]) -> Self {
        let mut slots = vec![Self::ABSENT; len];
        let mut held = Vec::with_capacity(ids.len());
        for &id in ids {
            let Some(slot) = slots.get_mut(id.index()) else { continue };
            // Attribute ids are u16 and ABSENT is u16::MAX, so a position always fits and is
            // never mistaken for ABSENT (a catalogue has fewer than u16::MAX attributes).
            if *slot == Self::ABSENT && held.len() < usize::from(Self::ABSENT) {
                *slot = held.len() as u16;
                held.push(id);
            }
        }
        FrameLayout { slots, ids: held }
    }

    /// A layout holding every one of `len` attributes.
    pub fn full(len: usize) -> Self {
        let ids: Vec<AttrId> = (0..len.min(usize::from(Self::ABSENT))).map(|i| AttrId(i as u16)).collect();
        Self::new(len, &ids)
    }

    /// The attributes held, in dense order.
    pub fn ids(&self) -> &[AttrId] {
        &self.ids
    }

    /// The dense position of an attribute, `None` if the layout does not hold it.
    fn position(&self, id: AttrId) -> Option<usize> {
        match self.slots.get(id.index()) {
            Some(&p) if p != Self::ABSENT => Some(usize::from(p)),
            _ => None,
        }
    }
}

/// Attribute values for one payment, indexed by [`AttrId`]. `None` is a missing value.
///
/// Only the attributes of its [`FrameLayout`] are stored (for an engine: what its model and
/// rules read, plus the score attributes); every other attribute reads as missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    layout: Arc<FrameLayout>,
    /// One value per attribute of the layout, in its dense order.
    values: Vec<Option<Value>>,
}

impl Frame {
    /// A frame of `len` missing values.
    pub fn new(len: usize) -> Self {
        Self::with_layout(Arc::new(FrameLayout::full(len)))
    }

    /// A frame of missing values for the attributes of `layout`.
    pub fn with_layout(layout: Arc<FrameLayout>) -> Self {
        let values = vec![None; layout.ids.len()];
        Frame { layout, values }
    }

    /// A frame whose values are `value(id)` for each attribute of `layout`, in its order.
    pub fn from_fn(layout: Arc<FrameLayout>, value: impl FnMut(&AttrId) -> Option<Value>) -> Self {
        let values = layout.ids.iter().map(value).collect();
        Frame { layout, values }
    }

    /// The value of one attribute, `None` if missing.
    pub fn get(&self, id: AttrId) -> Option<&Value> {
        self.values.get(self.layout.position(id)?)?.as_ref()
    }

    /// Sets one attribute's value (nothing happens for an attribute outside the layout).
    pub fn set(&mut self, id: AttrId, value: Option<Value>) {
        if let Some(slot) = self.layout.position(id).and_then(|p| self.values.get_mut(p)) {
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
