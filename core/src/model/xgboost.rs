//! Import of XGBoost's JSON model format (`Booster.save_model("model.json")`).
//!
//! Supports `gbtree` boosters with a `binary:logistic` (or `reg:logistic`) objective, numeric
//! splits and scalar leaves: what `XGBClassifier` produces for a binary fraud label.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::ensemble::{Accumulation, Ensemble, EnsembleBuilder, SourceNode};
use super::error::ModelError;

const TREES: &str = "learner.gradient_booster.model.trees";

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(borrow)]
    learner: Learner<'a>,
    #[serde(default)]
    version: Vec<u64>,
}

#[derive(Deserialize)]
struct Learner<'a> {
    #[serde(default)]
    feature_names: Vec<String>,
    #[serde(default)]
    feature_types: Vec<String>,
    #[serde(borrow)]
    gradient_booster: Booster<'a>,
    learner_model_param: LearnerModelParam,
    objective: Objective,
}

#[derive(Deserialize)]
struct Booster<'a> {
    name: String,
    /// Parsed only once `name` says it is a gbtree model.
    #[serde(borrow)]
    model: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GbTreeModel<'a> {
    #[serde(borrow)]
    trees: Vec<Tree<'a>>,
    #[serde(default)]
    tree_info: Vec<i64>,
}

#[derive(Deserialize)]
struct Tree<'a> {
    left_children: Vec<i64>,
    right_children: Vec<i64>,
    split_indices: Vec<i64>,
    /// Kept as raw text so each number is parsed straight to f32, exactly as XGBoost wrote it.
    #[serde(borrow)]
    split_conditions: &'a RawValue,
    #[serde(borrow)]
    sum_hessian: &'a RawValue,
    default_left: Vec<Flag>,
    #[serde(default)]
    split_type: Vec<i64>,
    #[serde(default)]
    tree_param: TreeParam,
}

#[derive(Deserialize, Default)]
struct TreeParam {
    #[serde(default)]
    size_leaf_vector: Option<String>,
}

/// XGBoost writes `default_left` as 0/1; older writers used booleans.
#[derive(Deserialize)]
#[serde(untagged)]
enum Flag {
    Int(i64),
    Bool(bool),
}

impl Flag {
    fn is_set(&self) -> bool {
        match self {
            Flag::Int(i) => *i != 0,
            Flag::Bool(b) => *b,
        }
    }
}

#[derive(Deserialize)]
struct LearnerModelParam {
    base_score: String,
    #[serde(default)]
    num_class: Option<String>,
    num_feature: String,
    #[serde(default)]
    num_target: Option<String>,
}

#[derive(Deserialize)]
struct Objective {
    name: String,
}

/// What the importer extracts: feature names, ensemble, version string and objective.
pub(crate) struct Imported {
    pub(crate) feature_names: Vec<String>,
    pub(crate) ensemble: Ensemble,
    pub(crate) version: String,
    pub(crate) objective: String,
}

fn parse<'a, T: Deserialize<'a>>(text: &'a str, prefix: &str) -> Result<T, ModelError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.path().to_string();
        let path = match (prefix.is_empty(), inner == ".") {
            (true, _) => inner,
            (false, true) => prefix.to_owned(),
            (false, false) => format!("{prefix}.{inner}"),
        };
        ModelError::xgb(path, e.into_inner().to_string())
    })
}

/// Parses a JSON array of numbers into f32s, each rounded once from its decimal text.
fn parse_f32_array(raw: &RawValue, path: &str) -> Result<Vec<f32>, ModelError> {
    let text = raw.get().trim();
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| ModelError::xgb(path, "expected an array of numbers"))?;
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .enumerate()
        .map(|(i, s)| {
            let s = s.trim();
            // Rust would also accept `inf`/`NaN`; JSON numbers start with a digit or '-'.
            let numeric = s.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            s.parse::<f32>()
                .ok()
                .filter(|v| numeric && v.is_finite())
                .ok_or_else(|| ModelError::xgb(format!("{path}[{i}]"), format!("`{s}` is not a finite number")))
        })
        .collect()
}

/// XGBoost ≥ 2 writes `"[5E-1]"` (a vector of one); older versions `"5E-1"`.
fn parse_base_score(text: &str) -> Result<f32, ModelError> {
    const PATH: &str = "learner.learner_model_param.base_score";
    let t = text.trim();
    let t = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(t).trim();
    if t.contains(',') {
        return Err(ModelError::Unsupported(format!("{PATH} has several values (multi-output model)")));
    }
    t.parse::<f32>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| ModelError::xgb(PATH, format!("`{text}` is not a number")))
}

fn parse_count(text: &str, path: &str) -> Result<u64, ModelError> {
    text.trim().parse::<u64>().map_err(|_| ModelError::xgb(path, format!("`{text}` is not a non-negative integer")))
}

/// Imports an XGBoost JSON model.
pub(crate) fn import(text: &str) -> Result<Imported, ModelError> {
    let doc: Document = parse(text, "")?;
    let learner = doc.learner;
    let objective = learner.objective.name;
    if objective != "binary:logistic" && objective != "reg:logistic" {
        return Err(ModelError::Unsupported(format!(
            "learner.objective.name is `{objective}`; Ward needs a binary classifier trained with \
             objective=\"binary:logistic\""
        )));
    }
    let param = learner.learner_model_param;
    for (name, value) in [("num_class", &param.num_class), ("num_target", &param.num_target)] {
        if let Some(v) = value {
            let path = format!("learner.learner_model_param.{name}");
            if parse_count(v, &path)? > 1 {
                return Err(ModelError::Unsupported(format!("{path} is {v}; Ward needs a single binary output")));
            }
        }
    }
    let n_features = parse_count(&param.num_feature, "learner.learner_model_param.num_feature")?;
    let names = learner.feature_names;
    if names.is_empty() {
        return Err(ModelError::xgb(
            "learner.feature_names",
            "the model has no feature names; Ward maps features by name, so train from a DataFrame \
             or pass DMatrix(..., feature_names=[...])",
        ));
    }
    if names.len() as u64 != n_features {
        return Err(ModelError::xgb(
            "learner.feature_names",
            format!("{} names for {n_features} features (learner_model_param.num_feature)", names.len()),
        ));
    }
    if let Some(i) = learner.feature_types.iter().position(|t| t == "c") {
        return Err(ModelError::Unsupported(format!(
            "feature `{}` is categorical (learner.feature_types[{i}]); Ward supports numeric features only",
            names[i]
        )));
    }
    let n_features = u32::try_from(n_features)
        .map_err(|_| ModelError::xgb("learner.learner_model_param.num_feature", "too many features"))?;

    // binary:logistic stores base_score as a probability; the margin starts at its logit,
    // computed in f32 as XGBoost's `ProbToMargin` does.
    let base_score = parse_base_score(&param.base_score)?;
    if !(base_score > 0.0 && base_score < 1.0) {
        return Err(ModelError::xgb(
            "learner.learner_model_param.base_score",
            format!("{base_score} is not a probability in (0, 1) as binary:logistic requires"),
        ));
    }
    let base_margin = -libm::logf(1.0 / base_score - 1.0);

    let booster = learner.gradient_booster;
    if booster.name != "gbtree" {
        return Err(ModelError::Unsupported(format!(
            "learner.gradient_booster.name is `{}`; Ward supports booster=\"gbtree\" only",
            booster.name
        )));
    }
    let model = booster.model.ok_or_else(|| ModelError::xgb("learner.gradient_booster.model", "missing"))?;
    let model: GbTreeModel = parse(model.get(), "learner.gradient_booster.model")?;
    if model.tree_info.iter().any(|&g| g != 0) {
        return Err(ModelError::Unsupported("learner.gradient_booster.model.tree_info: multi-class model".into()));
    }
    if model.trees.is_empty() {
        return Err(ModelError::xgb(TREES, "the model has no trees"));
    }

    let mut builder = EnsembleBuilder::new(n_features, Accumulation::F32, f64::from(base_margin));
    for (t, tree) in model.trees.iter().enumerate() {
        push_tree(&mut builder, tree, &format!("{TREES}[{t}]"), n_features)?;
    }
    let ensemble = builder.finish()?;
    let version = doc.version.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    Ok(Imported { feature_names: names, ensemble, version, objective })
}

fn push_tree(builder: &mut EnsembleBuilder, tree: &Tree, path: &str, n_features: u32) -> Result<(), ModelError> {
    if let Some(size) = &tree.tree_param.size_leaf_vector
        && parse_count(size, &format!("{path}.tree_param.size_leaf_vector"))? > 1
    {
        return Err(ModelError::Unsupported(format!("{path}: vector leaves (multi-output trees)")));
    }
    let conditions = parse_f32_array(tree.split_conditions, &format!("{path}.split_conditions"))?;
    let hessians = parse_f32_array(tree.sum_hessian, &format!("{path}.sum_hessian"))?;
    let n = tree.left_children.len();
    let lengths = [
        ("right_children", tree.right_children.len()),
        ("split_indices", tree.split_indices.len()),
        ("split_conditions", conditions.len()),
        ("sum_hessian", hessians.len()),
        ("default_left", tree.default_left.len()),
    ];
    for (name, len) in lengths {
        if len != n {
            return Err(ModelError::xgb(
                format!("{path}.{name}"),
                format!("has {len} entries but left_children has {n}"),
            ));
        }
    }
    if n == 0 {
        return Err(ModelError::xgb(format!("{path}.left_children"), "the tree has no nodes"));
    }
    let node = |i: usize| -> Result<SourceNode, ModelError> {
        let cover = f64::from(hessians[i]);
        let left = tree.left_children[i];
        if left == -1 {
            return Ok(SourceNode::Leaf { value: f64::from(conditions[i]), cover });
        }
        if tree.split_type.get(i).is_some_and(|&s| s != 0) {
            return Err(ModelError::Unsupported(format!(
                "{path}.split_type[{i}]: categorical split; Ward supports numeric splits only"
            )));
        }
        let child = |c: i64, name: &str| {
            usize::try_from(c).ok().filter(|&c| c < n).ok_or_else(|| {
                ModelError::xgb(format!("{path}.{name}[{i}]"), format!("child {c} is not a node of this tree"))
            })
        };
        let feature = u32::try_from(tree.split_indices[i]).ok().filter(|&f| f < n_features).ok_or_else(|| {
            ModelError::xgb(
                format!("{path}.split_indices[{i}]"),
                format!("feature {} is out of range (model has {n_features})", tree.split_indices[i]),
            )
        })?;
        Ok(SourceNode::Split {
            feature,
            threshold: conditions[i],
            default_left: tree.default_left[i].is_set(),
            zero_missing: false,
            left: child(left, "left_children")?,
            right: child(tree.right_children[i], "right_children")?,
            cover,
        })
    };
    builder.push_tree(n, node).map_err(|e| match e {
        ModelError::Invalid(m) => ModelError::xgb(path.to_owned(), m),
        other => other,
    })
}
