//! The manifest: what a bundle reads, so a caller can fetch exactly that.

use serde::{Deserialize, Serialize};

use crate::attributes::{AttrId, AttrSource, Catalogue};
use crate::model::Model;
use crate::rules::RuleSet;

/// What a bundle needs from the caller and what it reads from the payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The bundle id.
    pub bundle: String,
    /// Context attributes the caller should supply (velocity, history, account state), sorted.
    pub context: Vec<String>,
    /// Attributes the engine derives from the payment, sorted.
    pub payment: Vec<String>,
    /// Features the model reads, in model order.
    pub model_features: Vec<String>,
    /// Value lists the rules reference, sorted.
    pub lists: Vec<String>,
}

impl Manifest {
    pub(super) fn new(
        bundle: &str,
        catalogue: &Catalogue,
        needed: &[AttrId],
        rules: &RuleSet,
        model: Option<&Model>,
    ) -> Self {
        let names = |want: fn(AttrSource) -> bool| {
            let mut v: Vec<String> = needed
                .iter()
                .map(|id| catalogue.spec(*id))
                .filter(|s| want(s.source))
                .map(|s| s.name.clone())
                .collect();
            v.sort();
            v
        };
        let mut lists: Vec<String> = rules.list_aliases().map(str::to_owned).collect();
        lists.sort();
        lists.dedup();
        Manifest {
            bundle: bundle.to_owned(),
            context: names(|s| s == AttrSource::Context),
            payment: names(|s| matches!(s, AttrSource::Payment(_))),
            model_features: model.map(|m| m.feature_names.clone()).unwrap_or_default(),
            lists,
        }
    }
}
