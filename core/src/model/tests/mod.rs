//! Unit and property tests for the model runtime.

mod calibration;
mod fast_paths;
mod import;
mod props;
mod validate;

use std::sync::OnceLock;

use super::Model;

pub(super) const XGB_JSON: &str = include_str!("../../../../tests/fixtures/models/xgb_depth5.json");
pub(super) const XGB_PRUNED_JSON: &str = include_str!("../../../../tests/fixtures/models/xgb_exact_depth4.json");
pub(super) const LGB_TEXT: &str = include_str!("../../../../tests/fixtures/models/lgb_default.txt");
pub(super) const LGB_ZERO_TEXT: &str = include_str!("../../../../tests/fixtures/models/lgb_zero_missing.txt");

/// The XGBoost fixture model (parsed once; property tests ask for it many times).
pub(super) fn xgb() -> Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::from_xgboost_json(XGB_JSON).unwrap()).clone()
}

/// The default LightGBM fixture model.
pub(super) fn lgb() -> Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::from_lightgbm_text(LGB_TEXT).unwrap()).clone()
}

/// A tiny LightGBM model text: one tree splitting feature 0 at 0.5, with the given decision
/// type, plus a single-leaf tree.
pub(super) fn tiny_lgb(decision_type: u8) -> String {
    format!(
        "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\nmax_feature_idx=1\n\
         objective=binary sigmoid:1\nfeature_names=a b\nfeature_infos=[0:1] [0:1]\ntree_sizes=1 1\n\n\
         Tree=0\nnum_leaves=2\nnum_cat=0\nsplit_feature=0\nsplit_gain=1\nthreshold=0.5\n\
         decision_type={decision_type}\nleft_child=-1\nright_child=-2\nleaf_value=-1 2\n\
         leaf_weight=1 1\nleaf_count=30 10\ninternal_value=0\ninternal_weight=2\ninternal_count=40\n\
         is_linear=0\nshrinkage=1\n\n\nTree=1\nnum_leaves=1\nnum_cat=0\nsplit_feature=\nsplit_gain=\n\
         threshold=\ndecision_type=\nleft_child=\nright_child=\nleaf_value=0.25\nleaf_weight=\n\
         leaf_count=40\ninternal_value=\ninternal_weight=\ninternal_count=\nis_linear=0\nshrinkage=1\n\n\n\
         end of trees\n\nfeature_importances:\na=1\n"
    )
}
