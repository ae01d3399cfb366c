//! What a bundle holds.

use serde::{Deserialize, Serialize};

use crate::currency::CurrencyTable;
use crate::lists::ValueList;
use crate::lists::defaults::{DEFAULT_CATEGORIES, DefaultKind, default_alias};
use crate::model::Model;
use crate::outcome::Thresholds;

/// The contents of a bundle, before it is compiled into an engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleSpec {
    /// A name for humans (`default`, `acme-2026-11`).
    pub name: String,
    /// A version label for humans.
    pub version: String,
    /// The scoring model with its calibration; `None` scores nothing (`not_assessed`).
    pub model: Option<Model>,
    /// The user's rules, in Ward's rules-file format. Compiled when the engine loads.
    pub rules: String,
    /// Which of Radar's built-in rules are on.
    pub builtin_rules: BuiltinRules,
    /// The value lists rules can reference, default lists included.
    pub lists: Vec<ValueList>,
    /// Score thresholds for `elevated` and `highest`.
    pub thresholds: Thresholds,
    /// Currency exponents and USD rates for `amount_in_xyz`.
    pub currencies: CurrencyTable,
}

/// Radar's built-in rules, each of which can be turned off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltinRules {
    /// `Block if :risk_level: = 'highest'`.
    pub block_highest: bool,
    /// `Review if :risk_level: = 'elevated'`.
    pub review_elevated: bool,
    /// Allow and block on the default lists that feedback fills.
    pub default_lists: bool,
}

impl Default for BuiltinRules {
    fn default() -> Self {
        BuiltinRules { block_highest: true, review_elevated: true, default_lists: true }
    }
}

/// Ids of the built-in rules.
pub mod rule_ids {
    /// Blocks `highest` risk.
    pub const BLOCK_HIGHEST: &str = "block_if_high_risk";
    /// Reviews `elevated` risk.
    pub const REVIEW_ELEVATED: &str = "review_if_elevated_risk";
    /// Blocks payments on a default block list.
    pub const BLOCK_DEFAULT_LISTS: &str = "block_if_in_default_block_lists";
    /// Allows payments on a default allow list.
    pub const ALLOW_DEFAULT_LISTS: &str = "allow_if_in_default_allow_lists";
}

/// The rules-file text of the built-in rules that are on. It is appended after the user's
/// rules, so the user's line numbers stay as written and, within one action, user rules are
/// reported before built-in ones.
pub fn builtin_rules_text(builtin: &BuiltinRules) -> String {
    let mut text = String::new();
    if builtin.default_lists {
        for (kind, action, id) in [
            (DefaultKind::Allow, "Allow", rule_ids::ALLOW_DEFAULT_LISTS),
            (DefaultKind::Block, "Block", rule_ids::BLOCK_DEFAULT_LISTS),
        ] {
            let conditions: Vec<String> = DEFAULT_CATEGORIES
                .iter()
                .map(|c| format!(":{}: IN @{}", c.attribute, default_alias(c.category, kind)))
                .collect();
            text.push_str(&format!("{id}: {action} if {}\n", conditions.join(" OR ")));
        }
    }
    if builtin.block_highest {
        text.push_str(&format!("{}: Block if :risk_level: = 'highest'\n", rule_ids::BLOCK_HIGHEST));
    }
    if builtin.review_elevated {
        text.push_str(&format!("{}: Review if :risk_level: = 'elevated'\n", rule_ids::REVIEW_ELEVATED));
    }
    text
}

impl BundleSpec {
    /// A bundle with no model (`not_assessed`), the given rules, default lists and thresholds.
    pub fn rules_only(name: &str, rules: &str) -> Self {
        BundleSpec {
            name: name.to_owned(),
            version: "0".to_owned(),
            model: None,
            rules: rules.to_owned(),
            builtin_rules: BuiltinRules::default(),
            lists: crate::lists::defaults::default_lists(),
            thresholds: Thresholds::default(),
            currencies: CurrencyTable::standard(),
        }
    }
}
