//! The tree ensemble in a flat, cache-friendly layout, and the walk that predicts a margin.
//!
//! All trees' split nodes live in one array of 16-byte [`Node`]s, laid out per tree in
//! depth-first preorder so a node's left child is usually the next node. Leaf values live in a
//! separate array; a child reference with [`LEAF_BIT`] set points into it. Per-node statistics
//! needed only for SHAP (covers) are kept in separate arrays so they stay out of the hot path.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::margin_fast::MarginLayout;
use super::shap_fast::ShapTables;

/// Deepest tree Ward accepts. Bounds the SHAP recursion and its scratch space; real boosted
/// trees are far shallower (XGBoost defaults to 6, LightGBM's 31 leaves to at most 30).
pub const MAX_DEPTH: u32 = 128;

/// Tag on a child reference (or tree root) saying it indexes `leaves`, not `nodes`.
pub(crate) const LEAF_BIT: u32 = 1 << 31;
pub(crate) const DEFAULT_LEFT: u32 = 1 << 31;
pub(crate) const ZERO_MISSING: u32 = 1 << 30;
/// Largest feature index plus one that fits beside the two flag bits.
pub(crate) const FEATURE_MASK: u32 = ZERO_MISSING - 1;
/// LightGBM's `kZeroThreshold` (`1e-35f`): values this close to zero count as zero.
const ZERO_BAND: f32 = 1e-35;
/// Trees walked in lockstep by `margin`.
pub(crate) const LANES: usize = 8;
/// A leaf reference no model has (leaf counts are validated below `LEAF_BIT`): where a walk
/// through a corrupted model ends, contributing 0.
const DEAD_END: u32 = u32::MAX;

/// One split: `x[feature] < threshold` goes left, with missing values (NaN, and for
/// zero-as-missing nodes also |x| <= 1e-35) going the default way.
///
/// Both libraries' comparisons reduce to this exactly for `f32` inputs: XGBoost compares
/// `x < split_condition` in f32; a LightGBM `x <= t` in f64 becomes `x < t'` with `t'` the
/// smallest f32 above `t` (see `lightgbm::strict_f32_threshold`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Node {
    pub(crate) threshold: f32,
    /// Feature index in the low 30 bits, then the zero-as-missing and default-left flags.
    pub(crate) feature_flags: u32,
    pub(crate) left: u32,
    pub(crate) right: u32,
}

impl Node {
    pub(crate) fn new(feature: u32, threshold: f32, default_left: bool, zero_missing: bool) -> Node {
        let mut feature_flags = feature & FEATURE_MASK;
        if default_left {
            feature_flags |= DEFAULT_LEFT;
        }
        if zero_missing {
            feature_flags |= ZERO_MISSING;
        }
        Node { threshold, feature_flags, left: 0, right: 0 }
    }

    /// Index of the feature this node splits on.
    #[inline]
    pub(crate) fn feature(&self) -> usize {
        (self.feature_flags & FEATURE_MASK) as usize
    }

    /// Whether feature value `v` takes the left branch.
    #[inline]
    pub(crate) fn goes_left(&self, v: f32) -> bool {
        // Non-short-circuit operators: the data-dependent outcome is computed without
        // branches, which the CPU could not predict anyway.
        let missing = v.is_nan() | ((self.feature_flags & ZERO_MISSING != 0) & (v.abs() <= ZERO_BAND));
        let default_left = self.feature_flags & DEFAULT_LEFT != 0;
        (missing & default_left) | (!missing & (v < self.threshold))
    }

    /// The child reference `v` leads to.
    #[inline]
    pub(crate) fn child(&self, v: f32) -> u32 {
        [self.right, self.left][usize::from(self.goes_left(v))]
    }
}

/// How tree outputs are summed, matching the source library bit for bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Accumulation {
    /// XGBoost: start from the base margin and add each leaf in f32.
    F32,
    /// LightGBM: add each leaf in f64, then the base margin.
    F64,
}

/// A validated tree ensemble (see the module docs for the layout).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Ensemble {
    pub(crate) n_features: u32,
    pub(crate) accumulation: Accumulation,
    /// Added to the sum of the trees (XGBoost's base score as a margin; 0 for LightGBM).
    pub(crate) base_margin: f64,
    /// Deepest leaf, in edges from its root (a single-leaf tree has depth 0).
    pub(crate) max_depth: u32,
    /// Per tree: its root, a node index or `LEAF_BIT | leaf index`.
    pub(crate) roots: Vec<u32>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) leaves: Vec<f64>,
    /// Training cover (hessian sum or row count) of each node and leaf, for TreeSHAP.
    pub(crate) node_cover: Vec<f64>,
    pub(crate) leaf_cover: Vec<f64>,
    /// Per tree: its cover-weighted mean output, the tree's share of the SHAP bias term.
    pub(crate) tree_expected: Vec<f64>,
    /// Faster layouts derived from the above on first use (never serialised).
    #[serde(skip)]
    pub(crate) derived: Derived,
}

/// Layouts derived from an [`Ensemble`] on first use. They take no part in equality or
/// serialisation: they are a pure function of the ensemble's other fields.
#[derive(Clone, Default)]
pub(crate) struct Derived {
    shap: OnceLock<Option<ShapTables>>,
    margin: OnceLock<Option<MarginLayout>>,
}

impl PartialEq for Derived {
    fn eq(&self, _: &Derived) -> bool {
        true
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Derived")
    }
}

impl Ensemble {
    /// Precomputed TreeSHAP tables, built on first use (`None`: use the classic algorithm).
    pub(crate) fn shap_tables(&self) -> Option<&ShapTables> {
        self.derived.shap.get_or_init(|| ShapTables::build(self)).as_ref()
    }

    /// The complete-tree layout for the margin walk, built on first use (`None`: use the
    /// pointer walk).
    pub(crate) fn margin_layout(&self) -> Option<&MarginLayout> {
        self.derived.margin.get_or_init(|| MarginLayout::build(self)).as_ref()
    }
}

impl Ensemble {
    /// Leaf values of the trees rooted at `roots` (at most [`LANES`]) into `out`.
    ///
    /// Walking one tree is a chain of dependent loads (node, then feature, then next node), so
    /// the CPU mostly waits; walking several trees in lockstep overlaps those waits.
    #[inline]
    pub(crate) fn pointer_leaf_values(&self, roots: &[u32], x: &[f32], out: &mut [f64; LANES]) {
        let mut cur = [DEAD_END; LANES];
        let n = roots.len().min(LANES);
        cur[..n].copy_from_slice(&roots[..n]);
        loop {
            let mut active = false;
            for r in cur.iter_mut().take(n) {
                if *r & LEAF_BIT != 0 {
                    continue;
                }
                active = true;
                let next = match self.nodes.get(*r as usize) {
                    Some(node) => node.child(x.get(node.feature()).copied().unwrap_or(f32::NAN)),
                    None => DEAD_END,
                };
                // Validation guarantees children point forward; checking it here as well means
                // even an unvalidated model can only give a wrong number, never loop.
                *r = if next & LEAF_BIT == 0 && next <= *r { DEAD_END } else { next };
            }
            if !active {
                break;
            }
        }
        for (o, r) in out.iter_mut().zip(&cur[..n]) {
            *o = self.leaves.get((r & !LEAF_BIT) as usize).copied().unwrap_or(0.0);
        }
    }

    /// Raw margin (log-odds) for `x`, summed the way the source library sums it: tree by tree,
    /// in model order.
    pub(crate) fn margin(&self, x: &[f32]) -> f64 {
        let f32_sum = self.accumulation == Accumulation::F32;
        let mut acc32 = self.base_margin as f32;
        let mut acc64 = 0.0;
        let mut add = |values: &[f64]| {
            if f32_sum {
                for v in values {
                    acc32 += *v as f32;
                }
            } else {
                for v in values {
                    acc64 += *v;
                }
            }
        };
        if let Some(layout) = self.margin_layout() {
            layout.leaf_values(self, x, &mut add);
        } else {
            let mut values = [0.0; LANES];
            for roots in self.roots.chunks(LANES) {
                self.pointer_leaf_values(roots, x, &mut values);
                add(&values[..roots.len()]);
            }
        }
        if f32_sum { f64::from(acc32) } else { acc64 + self.base_margin }
    }

    /// Cover of the node or leaf a child reference points at (0 if out of range).
    #[inline]
    pub(crate) fn cover(&self, r: u32) -> f64 {
        let v = if r & LEAF_BIT != 0 {
            self.leaf_cover.get((r & !LEAF_BIT) as usize)
        } else {
            self.node_cover.get(r as usize)
        };
        v.copied().unwrap_or(0.0)
    }

    /// Number of split nodes plus leaves.
    pub(crate) fn n_nodes(&self) -> usize {
        self.nodes.len() + self.leaves.len()
    }

    /// Checks every structural invariant the prediction and SHAP walks rely on.
    pub(crate) fn validate(&self) -> Result<(), ModelError> {
        let bad = ModelError::Invalid;
        if self.roots.is_empty() {
            return Err(bad("the ensemble has no trees".into()));
        }
        if self.n_features == 0 || self.n_features > FEATURE_MASK {
            return Err(bad(format!("feature count {} is out of range 1..={FEATURE_MASK}", self.n_features)));
        }
        if self.node_cover.len() != self.nodes.len() || self.leaf_cover.len() != self.leaves.len() {
            return Err(bad("cover arrays do not match the node and leaf arrays".into()));
        }
        if self.tree_expected.len() != self.roots.len() {
            return Err(bad("expected-value array does not match the number of trees".into()));
        }
        if self.nodes.len() >= LEAF_BIT as usize || self.leaves.len() >= LEAF_BIT as usize {
            return Err(bad("too many nodes".into()));
        }
        if !self.base_margin.is_finite() {
            return Err(bad("base margin is not finite".into()));
        }
        let mut node_seen = vec![false; self.nodes.len()];
        let mut leaf_seen = vec![false; self.leaves.len()];
        let mut deepest = 0;
        let mut stack: Vec<(u32, u32, Option<u32>)> = Vec::new();
        for (t, &root) in self.roots.iter().enumerate() {
            if !self.tree_expected[t].is_finite() {
                return Err(bad(format!("tree {t}: expected value is not finite")));
            }
            stack.push((root, 0, None));
            while let Some((r, depth, parent)) = stack.pop() {
                if depth > MAX_DEPTH {
                    return Err(bad(format!("tree {t} is deeper than {MAX_DEPTH}")));
                }
                deepest = deepest.max(depth);
                if r & LEAF_BIT != 0 {
                    let l = (r & !LEAF_BIT) as usize;
                    let (Some(&value), Some(&cover)) = (self.leaves.get(l), self.leaf_cover.get(l)) else {
                        return Err(bad(format!("tree {t}: leaf {l} is out of range")));
                    };
                    if std::mem::replace(&mut leaf_seen[l], true) {
                        return Err(bad(format!("tree {t}: leaf {l} is reached twice")));
                    }
                    if !value.is_finite() || !cover.is_finite() || cover < 0.0 {
                        return Err(bad(format!("tree {t}: leaf {l} has a non-finite value or invalid cover")));
                    }
                    continue;
                }
                let i = r as usize;
                let (Some(node), Some(&cover)) = (self.nodes.get(i), self.node_cover.get(i)) else {
                    return Err(bad(format!("tree {t}: node {i} is out of range")));
                };
                if parent.is_some_and(|p| r <= p) {
                    return Err(bad(format!("tree {t}: node {i} does not come after its parent")));
                }
                if std::mem::replace(&mut node_seen[i], true) {
                    return Err(bad(format!("tree {t}: node {i} is reached twice")));
                }
                if node.feature() >= self.n_features as usize {
                    return Err(bad(format!(
                        "tree {t}: node {i} splits on feature {} but the model has {}",
                        node.feature(),
                        self.n_features
                    )));
                }
                if node.threshold.is_nan() {
                    return Err(bad(format!("tree {t}: node {i} has a NaN threshold")));
                }
                if !cover.is_finite() || cover <= 0.0 {
                    return Err(bad(format!("tree {t}: node {i} has a non-positive or non-finite cover")));
                }
                stack.push((node.right, depth + 1, Some(r)));
                stack.push((node.left, depth + 1, Some(r)));
            }
        }
        if let Some(i) = node_seen.iter().position(|s| !s) {
            return Err(bad(format!("node {i} is not reachable from any tree root")));
        }
        if let Some(l) = leaf_seen.iter().position(|s| !s) {
            return Err(bad(format!("leaf {l} is not reachable from any tree root")));
        }
        if deepest != self.max_depth {
            return Err(bad(format!("recorded depth {} does not match the trees' depth {deepest}", self.max_depth)));
        }
        Ok(())
    }
}

/// One node of a tree as an importer reads it, before layout. Children are indices into the
/// same source tree; the root is index 0.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SourceNode {
    /// An internal node.
    Split {
        feature: u32,
        threshold: f32,
        default_left: bool,
        zero_missing: bool,
        left: usize,
        right: usize,
        cover: f64,
    },
    /// A leaf.
    Leaf { value: f64, cover: f64 },
}

/// Where a freshly laid-out node's reference must be written.
enum Slot {
    Root,
    Left(usize),
    Right(usize),
}

/// Builds an [`Ensemble`] tree by tree.
pub(crate) struct EnsembleBuilder {
    ens: Ensemble,
}

impl EnsembleBuilder {
    pub(crate) fn new(n_features: u32, accumulation: Accumulation, base_margin: f64) -> Self {
        EnsembleBuilder {
            ens: Ensemble {
                n_features,
                accumulation,
                base_margin,
                max_depth: 0,
                roots: Vec::new(),
                nodes: Vec::new(),
                leaves: Vec::new(),
                node_cover: Vec::new(),
                leaf_cover: Vec::new(),
                tree_expected: Vec::new(),
                derived: Derived::default(),
            },
        }
    }

    /// Appends one tree of `n_source` nodes, fetching node `i` with `get(i)`. Only nodes
    /// reachable from the root are read, so pruned (deleted) nodes in the source are skipped.
    /// Errors are plain messages the importer wraps with its own location.
    pub(crate) fn push_tree(
        &mut self,
        n_source: usize,
        get: impl Fn(usize) -> Result<SourceNode, ModelError>,
    ) -> Result<(), ModelError> {
        let ens = &mut self.ens;
        let first_node = ens.nodes.len();
        let mut seen = vec![false; n_source];
        let mut root = 0;
        let mut stack = vec![(0usize, 0u32, Slot::Root)];
        while let Some((i, depth, slot)) = stack.pop() {
            if i >= n_source {
                return Err(ModelError::invalid(format!(
                    "child index {i} is out of range (tree has {n_source} nodes)"
                )));
            }
            if std::mem::replace(&mut seen[i], true) {
                return Err(ModelError::invalid(format!("node {i} is reached twice (cycle or shared node)")));
            }
            if depth > MAX_DEPTH {
                return Err(ModelError::Unsupported(format!("tree is deeper than {MAX_DEPTH} levels")));
            }
            ens.max_depth = ens.max_depth.max(depth);
            let r = match get(i)? {
                SourceNode::Leaf { value, cover } => {
                    let r = u32::try_from(ens.leaves.len()).ok().filter(|&r| r < LEAF_BIT);
                    let r = r.ok_or_else(|| ModelError::Unsupported("too many leaves".into()))?;
                    ens.leaves.push(value);
                    ens.leaf_cover.push(cover);
                    r | LEAF_BIT
                }
                SourceNode::Split { feature, threshold, default_left, zero_missing, left, right, cover } => {
                    let r = u32::try_from(ens.nodes.len()).ok().filter(|&r| r < LEAF_BIT);
                    let r = r.ok_or_else(|| ModelError::Unsupported("too many nodes".into()))?;
                    if feature >= ens.n_features {
                        return Err(ModelError::invalid(format!(
                            "node {i} splits on feature {feature} but the model has {}",
                            ens.n_features
                        )));
                    }
                    ens.nodes.push(Node::new(feature, threshold, default_left, zero_missing));
                    ens.node_cover.push(cover);
                    // Right is pushed first so the left child is laid out immediately after.
                    stack.push((right, depth + 1, Slot::Right(r as usize)));
                    stack.push((left, depth + 1, Slot::Left(r as usize)));
                    r
                }
            };
            match slot {
                Slot::Root => root = r,
                Slot::Left(p) => ens.nodes[p].left = r,
                Slot::Right(p) => ens.nodes[p].right = r,
            }
        }
        ens.roots.push(root);
        let expected = mean_value(ens, root, first_node);
        ens.tree_expected.push(expected);
        Ok(())
    }

    /// Validates and returns the ensemble.
    pub(crate) fn finish(self) -> Result<Ensemble, ModelError> {
        self.ens.validate()?;
        Ok(self.ens)
    }
}

/// Cover-weighted mean output of the tree at `root` whose nodes start at `first_node`: each
/// node's mean is its children's means weighted by their covers over its own cover, as XGBoost's
/// `FillNodeMeanValues` computes it (LightGBM's `ExpectedValue` is the same sum flattened).
fn mean_value(ens: &Ensemble, root: u32, first_node: usize) -> f64 {
    let leaf = |r: u32| ens.leaves.get((r & !LEAF_BIT) as usize).copied().unwrap_or(0.0);
    if root & LEAF_BIT != 0 {
        return leaf(root);
    }
    // Children come after parents, so one backwards pass sees children first.
    let count = ens.nodes.len() - first_node;
    let mut mean = vec![0.0; count];
    for k in (0..count).rev() {
        let node = ens.nodes[first_node + k];
        let side = |r: u32, mean: &[f64]| {
            let m = if r & LEAF_BIT != 0 {
                leaf(r)
            } else {
                (r as usize).checked_sub(first_node).and_then(|k| mean.get(k)).copied().unwrap_or(0.0)
            };
            m * ens.cover(r)
        };
        mean[k] = (side(node.left, &mean) + side(node.right, &mean)) / ens.node_cover[first_node + k];
    }
    mean[0]
}
