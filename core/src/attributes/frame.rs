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
/// Attribute `id` lives at dense position `slots[id]`; attributes outside the layout point one
/// past the held ones, at a value that stays missing (so a read needs no extra test), and
/// setting them does nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameLayout {
    /// Dense position of every catalogue attribute, `ids.len()` if not held (shared with
    /// every frame of the layout).
    slots: Arc<[u16]>,
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
        let missing = held.len() as u16;
        for slot in &mut slots {
            if *slot == Self::ABSENT {
                *slot = missing;
            }
        }
        FrameLayout { slots: slots.into(), ids: held }
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
}

/// The dense position of an attribute in a layout's slot table (one past the held attributes
/// if it is not held).
#[inline]
fn position(slots: &[u16], id: AttrId) -> Option<usize> {
    slots.get(id.index()).map(|&p| usize::from(p))
}

/// Attribute values for one payment, indexed by [`AttrId`]. `None` is a missing value.
///
/// Only the attributes of its [`FrameLayout`] are stored (for an engine: what its model and
/// rules read, plus the score attributes); every other attribute reads as missing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// The layout's slot table.
    slots: Arc<[u16]>,
    /// One value per attribute of the layout, in its dense order, then one always missing.
    values: Vec<Option<Value>>,
}

impl Frame {
    /// A frame of `len` missing values.
    pub fn new(len: usize) -> Self {
        Self::with_layout(&FrameLayout::full(len))
    }

    /// A frame of missing values for the attributes of `layout`.
    pub fn with_layout(layout: &FrameLayout) -> Self {
        Frame { slots: layout.slots.clone(), values: vec![None; layout.ids.len() + 1] }
    }

    /// A frame whose values are `value(id)` for each attribute of `layout`, in its order.
    pub fn from_fn(layout: &FrameLayout, value: impl FnMut(&AttrId) -> Option<Value>) -> Self {
        let mut values = Vec::with_capacity(layout.ids.len() + 1);
        values.extend(layout.ids.iter().map(value));
        values.push(None);
        Frame { slots: layout.slots.clone(), values }
    }

    /// The value of one attribute, `None` if missing.
    pub fn get(&self, id: AttrId) -> Option<&Value> {
        self.values.get(position(&self.slots, id)?)?.as_ref()
    }

    /// Sets one attribute's value (nothing happens for an attribute outside the layout).
    pub fn set(&mut self, id: AttrId, value: Option<Value>) {
        let held = self.values.len().saturating_sub(1);
        if let Some(slot) = position(&self.slots, id).filter(|&p| p < held).and_then(|p| self.values.get_mut(p)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_holds_only_its_attributes() {
        let layout = FrameLayout::new(10, &[AttrId(7), AttrId(2), AttrId(7), AttrId(42)]);
        assert_eq!(layout.ids(), &[AttrId(7), AttrId(2)]);
        let mut frame = Frame::with_layout(&layout);
        frame.set(AttrId(2), Some(Value::Num(1.0)));
        frame.set(AttrId(3), Some(Value::Num(2.0)));
        frame.set(AttrId(42), Some(Value::Num(3.0)));
        assert_eq!(frame.get(AttrId(2)), Some(&Value::Num(1.0)));
        assert_eq!(frame.get(AttrId(7)), None);
        assert_eq!(frame.get(AttrId(3)), None);
        assert_eq!(frame.get(AttrId(42)), None);
        let filled = Frame::from_fn(&layout, |id| Some(Value::Num(f64::from(id.0))));
        assert_eq!(filled.get(AttrId(7)), Some(&Value::Num(7.0)));
        assert_eq!(filled.get(AttrId(0)), None);
        assert_eq!(Frame::default().get(AttrId(0)), None);
    }
}
