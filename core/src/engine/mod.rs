//! The engine: a bundle loaded once, then scoring payments many times.

mod decide;
mod manifest;
mod score;

pub use manifest::Manifest;

use crate::attributes::{AttrId, AttrSource, Catalogue, FeatureMap};
use crate::bundle::{self, BundleError, BundleSpec, builtin_rules_text};
use crate::currency::CurrencyTable;
use crate::lists::{ListSet, defaults::with_defaults};
use crate::model::Model;
use crate::outcome::Thresholds;
use crate::rules::{Diagnostic, RuleSet};

/// A loaded bundle, ready to score. Immutable and `Sync`: share one across threads.
#[derive(Debug)]
pub struct Engine {
    id: String,
    name: String,
    version: String,
    catalogue: Catalogue,
    model: Option<(Model, FeatureMap)>,
    rules: RuleSet,
    warnings: Vec<Diagnostic>,
    lists: ListSet,
    thresholds: Thresholds,
    currencies: CurrencyTable,
    /// Attributes filled per payment: what the model and the rules read.
    needed: Vec<AttrId>,
    risk_score: Option<AttrId>,
    risk_level: Option<AttrId>,
    manifest: Manifest,
}

impl Engine {
    /// Loads a bundle from its bytes: checks the header and hash, validates the model,
    /// indexes the lists and compiles the rules. Nothing is parsed after this.
    pub fn from_bundle(bytes: &[u8]) -> Result<Engine, BundleError> {
        let (spec, id) = bundle::decode(bytes)?;
        Self::build(spec, id)
    }

    /// Builds an engine straight from a spec (the id is the hash of its encoding).
    pub fn from_spec(spec: BundleSpec) -> Result<Engine, BundleError> {
        let (_, id) = bundle::encode(&spec)?;
        Self::build(spec, id)
    }

    fn build(spec: BundleSpec, id: String) -> Result<Engine, BundleError> {
        spec.thresholds.validate()?;
        let catalogue = Catalogue::standard();
        let model = match spec.model {
            Some(m) => {
                m.validate()?;
                let features = FeatureMap::new(&catalogue, &m.feature_names)?;
                // The fast margin and TreeSHAP layouts are built on first use; build them now so
                // the first payment scored pays nothing extra.
                let missing = vec![f32::NAN; m.n_features()];
                m.margin(&missing);
                m.contributions(&missing, &mut Vec::new());
                Some((m, features))
            }
            None => None,
        };
        let lists = ListSet::new(with_defaults(spec.lists))?;
        let text = format!("{}\n{}", spec.rules.trim_end(), builtin_rules_text(&spec.builtin_rules));
        let compiled = RuleSet::compile(&text, &catalogue, &lists).map_err(BundleError::Rules)?;
        let rules = compiled.rules;
        let mut needed: Vec<AttrId> = rules.attributes().collect();
        if let Some((_, f)) = &model {
            needed.extend_from_slice(f.ids());
        }
        needed.sort_unstable();
        needed.dedup();
        needed.retain(|id| catalogue.spec(*id).source != AttrSource::Score);
        let manifest = Manifest::new(&id, &catalogue, &needed, &rules, model.as_ref().map(|(m, _)| m));
        Ok(Engine {
            risk_score: catalogue.lookup("risk_score"),
            risk_level: catalogue.lookup("risk_level"),
            id,
            name: spec.name,
            version: spec.version,
            catalogue,
            model,
            rules,
            warnings: compiled.warnings,
            lists,
            thresholds: spec.thresholds,
            currencies: spec.currencies,
            needed,
            manifest,
        })
    }

    /// The bundle id (`bndl_…`), reported in every assessment.
    pub fn bundle_id(&self) -> &str {
        &self.id
    }

    /// The bundle's name and version label.
    pub fn bundle_name(&self) -> (&str, &str) {
        (&self.name, &self.version)
    }

    /// What the bundle reads: the context attributes a caller should supply, and more.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Warnings the bundle's rules compiled with (rules that can never fire, shadowing).
    pub fn rule_warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The compiled rules (user rules first, then the built-in ones that are on).
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The value lists, default lists included.
    pub fn lists(&self) -> &ListSet {
        &self.lists
    }

    /// The attributes filled for each payment (what the model and the rules read).
    pub fn needed_attributes(&self) -> &[AttrId] {
        &self.needed
    }

    /// The currency table.
    pub fn currencies(&self) -> &CurrencyTable {
        &self.currencies
    }

    /// The attribute catalogue.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The model, if the bundle has one.
    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref().map(|(m, _)| m)
    }

    /// The thresholds in force.
    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    /// Checks a rules file against this bundle's catalogue and lists: every error and warning,
    /// with line and column.
    pub fn check_rules(&self, text: &str) -> Vec<Diagnostic> {
        crate::rules::check(text, &self.catalogue, &self.lists)
    }
}
