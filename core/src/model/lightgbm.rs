//! Import of LightGBM's text model format (`Booster.save_model("model.txt")`).
//!
//! Supports `objective=binary` with `sigmoid:1`, numerical splits with every missing-value
//! mode (None, Zero, NaN) and constant leaves. Leaf values in the file already include the
//! learning rate (`shrinkage`) and the initial score, so the margin is their plain sum.

use super::ensemble::{Accumulation, Ensemble, EnsembleBuilder, SourceNode};
use super::error::ModelError;

/// A `key=value` line and where it was.
struct Entry<'a> {
    line: usize,
    key: &'a str,
    value: &'a str,
}

/// A block of `key=value` lines (the header or one tree).
struct Block<'a> {
    /// Line of the block's first line (`tree` or `Tree=N`), for errors about missing keys.
    line: usize,
    entries: Vec<Entry<'a>>,
}

impl<'a> Block<'a> {
    fn get(&self, key: &str) -> Option<&Entry<'a>> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn require(&self, key: &str, what: &str) -> Result<&Entry<'a>, ModelError> {
        self.get(key).ok_or_else(|| ModelError::lgb(self.line, format!("{what} has no `{key}=` line")))
    }
}

/// What the importer extracts: feature names, ensemble, version string and objective.
pub(crate) struct Imported {
    pub(crate) feature_names: Vec<String>,
    pub(crate) ensemble: Ensemble,
    pub(crate) version: String,
    pub(crate) objective: String,
}

/// The f32 `t'` such that for every non-NaN f32 `x`: `x < t'` exactly when `f64::from(x) <= t`.
///
/// LightGBM compares the feature (read as f64) with `<=` against an f64 threshold; Ward's
/// inputs are f32, so one f32 comparison reproduces that decision for every possible input.
/// `t` must be finite (for `t = +inf` no f32 bound exists, and LightGBM never writes one).
pub(crate) fn strict_f32_threshold(t: f64) -> f32 {
    let nearest = t as f32;
    // If the nearest f32 is <= t it is the largest f32 <= t, and the bound is the next one up;
    // otherwise the nearest f32 is the smallest above t.
    if f64::from(nearest) <= t { nearest.next_up() } else { nearest }
}

fn split_blocks(text: &str) -> Result<(Block<'_>, Vec<Block<'_>>), ModelError> {
    let mut header: Option<Block> = None;
    let mut trees: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut ended = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if i == 0 {
            let l = l.trim_start_matches('\u{feff}');
            if l != "tree" {
                return Err(ModelError::lgb(
                    1,
                    "not a LightGBM text model (the first line should be `tree`); save it with \
                     booster.save_model(\"model.txt\")",
                ));
            }
            header = Some(Block { line, entries: Vec::new() });
            continue;
        }
        if l == "end of trees" {
            ended = true;
            break;
        }
        if l.is_empty() {
            continue;
        }
        if l.starts_with("Tree=") {
            if let Some(block) = current.take() {
                trees.push(block);
            }
            current = Some(Block { line, entries: Vec::new() });
            continue;
        }
        let Some((key, value)) = l.split_once('=') else {
            return Err(ModelError::lgb(line, format!("expected `key=value`, found `{l}`")));
        };
        let entry = Entry { line, key: key.trim(), value: value.trim() };
        match (&mut current, &mut header) {
            (Some(block), _) | (None, Some(block)) => block.entries.push(entry),
            (None, None) => return Err(ModelError::lgb(line, "unexpected line before the header")),
        }
    }
    if let Some(block) = current.take() {
        trees.push(block);
    }
    let header = header.ok_or_else(|| ModelError::lgb(1, "the model text is empty"))?;
    if !ended {
        return Err(ModelError::lgb(
            text.lines().count(),
            "no `end of trees` line: the file is truncated or not a LightGBM model",
        ));
    }
    Ok((header, trees))
}

fn parse_list<T: std::str::FromStr>(entry: &Entry, expected: usize) -> Result<Vec<T>, ModelError> {
    let values: Vec<T> = entry
        .value
        .split_whitespace()
        .map(|s| {
            s.parse::<T>().map_err(|_| ModelError::lgb(entry.line, format!("`{s}` in `{}` is not valid", entry.key)))
        })
        .collect::<Result<_, _>>()?;
    if values.len() != expected {
        return Err(ModelError::lgb(
            entry.line,
            format!("`{}` has {} values, expected {expected}", entry.key, values.len()),
        ));
    }
    Ok(values)
}

fn parse_one<T: std::str::FromStr>(entry: &Entry) -> Result<T, ModelError> {
    entry
        .value
        .parse::<T>()
        .map_err(|_| ModelError::lgb(entry.line, format!("`{}={}` is not valid", entry.key, entry.value)))
}

/// Imports a LightGBM text model.
pub(crate) fn import(text: &str) -> Result<Imported, ModelError> {
    let (header, trees) = split_blocks(text)?;
    let version = header.get("version").map(|e| e.value.to_owned()).unwrap_or_default();
    for key in ["num_class", "num_tree_per_iteration"] {
        if let Some(e) = header.get(key)
            && parse_one::<u32>(e)? != 1
        {
            return Err(ModelError::Unsupported(format!(
                "line {}: `{key}={}`; Ward needs a single binary output",
                e.line, e.value
            )));
        }
    }
    if let Some(e) = header.get("average_output") {
        return Err(ModelError::Unsupported(format!(
            "line {}: random-forest mode (`average_output`) is not supported; use boosting=gbdt",
            e.line
        )));
    }
    let objective = header.require("objective", "the header")?;
    let mut tokens = objective.value.split_whitespace();
    if tokens.next() != Some("binary") {
        return Err(ModelError::Unsupported(format!(
            "line {}: objective is `{}`; Ward needs a binary classifier trained with objective=binary",
            objective.line, objective.value
        )));
    }
    for t in tokens {
        if let Some(s) = t.strip_prefix("sigmoid:")
            && s.parse::<f64>().ok() != Some(1.0)
        {
            return Err(ModelError::Unsupported(format!(
                "line {}: `{t}`; Ward needs the default sigmoid=1 so the raw score is a log-odds margin",
                objective.line
            )));
        }
    }
    let max_idx = header.require("max_feature_idx", "the header")?;
    let n_features =
        parse_one::<u32>(max_idx)?.checked_add(1).ok_or_else(|| ModelError::lgb(max_idx.line, "too many features"))?;
    let Some(names) = header.get("feature_names") else {
        return Err(ModelError::lgb(
            header.line,
            "the header has no `feature_names=` line; Ward maps features by name, so train with \
             named features (a DataFrame or Dataset(feature_name=[...]))",
        ));
    };
    let feature_names: Vec<String> = parse_list(names, n_features as usize)?;
    if trees.is_empty() {
        return Err(ModelError::lgb(header.line, "the model has no trees"));
    }
    let mut builder = EnsembleBuilder::new(n_features, Accumulation::F64, 0.0);
    for tree in &trees {
        push_tree(&mut builder, tree)?;
    }
    let ensemble = builder.finish()?;
    Ok(Imported { feature_names, ensemble, version, objective: objective.value.to_owned() })
}

fn push_tree(builder: &mut EnsembleBuilder, tree: &Block) -> Result<(), ModelError> {
    let what = format!("the tree at line {}", tree.line);
    if let Some(e) = tree.get("is_linear")
        && e.value != "0"
    {
        return Err(ModelError::Unsupported(format!("line {}: linear trees (linear_tree=true)", e.line)));
    }
    if let Some(e) = tree.get("num_cat")
        && e.value != "0"
    {
        return Err(ModelError::Unsupported(format!(
            "line {}: categorical splits; Ward supports numeric features only",
            e.line
        )));
    }
    let n_leaves_entry = tree.require("num_leaves", &what)?;
    let n_leaves: usize = parse_one(n_leaves_entry)?;
    if n_leaves == 0 {
        return Err(ModelError::lgb(n_leaves_entry.line, "a tree needs at least one leaf"));
    }
    let leaf_values: Vec<f64> = parse_list(tree.require("leaf_value", &what)?, n_leaves)?;
    if n_leaves == 1 {
        // Only SHAP reads a lone leaf's count (and never divides by it), so tolerate its absence.
        let cover = match tree.get("leaf_count") {
            Some(e) if !e.value.is_empty() => parse_list::<f64>(e, 1)?[0],
            _ => 0.0,
        };
        let leaf = SourceNode::Leaf { value: leaf_values[0], cover };
        return builder.push_tree(1, |_| Ok(leaf)).map_err(|e| locate(e, tree.line));
    }
    let n_splits = n_leaves - 1;
    let features: Vec<u32> = parse_list(tree.require("split_feature", &what)?, n_splits)?;
    let threshold_entry = tree.require("threshold", &what)?;
    let thresholds: Vec<f64> = parse_list(threshold_entry, n_splits)?;
    let decision_entry = tree.require("decision_type", &what)?;
    let decisions: Vec<u8> = parse_list(decision_entry, n_splits)?;
    let left_entry = tree.require("left_child", &what)?;
    let lefts: Vec<i64> = parse_list(left_entry, n_splits)?;
    let right_entry = tree.require("right_child", &what)?;
    let rights: Vec<i64> = parse_list(right_entry, n_splits)?;
    let leaf_counts: Vec<f64> = parse_list(tree.require("leaf_count", &what)?, n_leaves)?;
    let internal_counts: Vec<f64> = parse_list(tree.require("internal_count", &what)?, n_splits)?;

    // Source numbering: splits 0..n_splits, then leaf k at n_splits + k (LightGBM's `~k`).
    let child = |c: i64, entry: &Entry| -> Result<usize, ModelError> {
        let index = if c >= 0 { usize::try_from(c).ok() } else { usize::try_from(!c).ok().map(|k| k + n_splits) };
        index
            .filter(|&i| if c >= 0 { i < n_splits } else { i < n_splits + n_leaves })
            .ok_or_else(|| ModelError::lgb(entry.line, format!("child {c} in `{}` is out of range", entry.key)))
    };
    let node = |i: usize| -> Result<SourceNode, ModelError> {
        if i >= n_splits {
            let k = i - n_splits;
            return Ok(SourceNode::Leaf { value: leaf_values[k], cover: leaf_counts[k] });
        }
        let d = decisions[i];
        if d & 1 != 0 {
            return Err(ModelError::Unsupported(format!(
                "line {}: split {i} is categorical; Ward supports numeric features only",
                decision_entry.line
            )));
        }
        let t = thresholds[i];
        if !t.is_finite() {
            return Err(ModelError::lgb(threshold_entry.line, format!("threshold of split {i} is not finite")));
        }
        let (default_left, zero_missing) = match (d >> 2) & 3 {
            // None: NaN is read as 0.0 and compared like any value.
            0 => (0.0 <= t, false),
            // Zero: NaN and |x| <= 1e-35 take the default branch.
            1 => (d & 2 != 0, true),
            // NaN: only NaN takes the default branch.
            2 => (d & 2 != 0, false),
            _ => {
                return Err(ModelError::lgb(
                    decision_entry.line,
                    format!("decision_type {d} has an unknown missing type"),
                ));
            }
        };
        Ok(SourceNode::Split {
            feature: features[i],
            threshold: strict_f32_threshold(t),
            default_left,
            zero_missing,
            left: child(lefts[i], left_entry)?,
            right: child(rights[i], right_entry)?,
            cover: internal_counts[i],
        })
    };
    builder.push_tree(n_splits + n_leaves, node).map_err(|e| locate(e, tree.line))
}

/// Puts a structural error from the builder at the tree's line.
fn locate(e: ModelError, line: usize) -> ModelError {
    match e {
        ModelError::Invalid(m) => ModelError::lgb(line, m),
        other => other,
    }
}
