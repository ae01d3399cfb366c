//! The margin walk over complete trees: each group of [`LANES`] consecutive trees is padded to
//! the depth of its deepest tree, so a node's children sit at `2i + 1` and `2i + 2` and a walk
//! needs no child pointers, no leaf tests and no loop-exit checks: `depth` steps, then a leaf.
//!
//! A leaf above the full depth becomes a split whose subtrees all end in copies of that leaf, so
//! whichever way the padding splits go the walk reaches the same value. Groups that would pad
//! to more than [`MAX_PADDED_DEPTH`] levels keep the pointer-chasing walk.

use super::ensemble::{DEFAULT_LEFT, Ensemble, LANES, LEAF_BIT, Node, ZERO_MISSING};

/// Deepest group padded to a complete tree (a tree then takes at most 48 KiB).
const MAX_PADDED_DEPTH: u32 = 12;
/// Largest layout (bytes) built for a model.
const MAX_LAYOUT_BYTES: usize = 64 << 20;
/// Inputs are copied into a buffer of this many features (a power of two), so feature
/// lookups need no bounds check; models with more features look them up in place.
const X_BUF: usize = 256;
// `SIDED` walks pick a split's copy of the features by shifting its `DEFAULT_LEFT` bit onto `X_BUF`.
const _: () = assert!(DEFAULT_LEFT as usize >> 23 == X_BUF);

/// Walk variants: no feature is NaN and no split treats zero as missing; some feature may be
/// NaN; some split treats zero as missing; some feature is NaN and each split reads its copy of
/// the features where NaN is already on its default side (see [`MarginLayout::leaf_values`]).
const NO_NAN: u8 = 0;
const NAN: u8 = 1;
const ZERO: u8 = 2;
const SIDED: u8 = 3;

/// One split of a complete tree: the threshold and the feature with its flags, as in [`Node`].
#[derive(Clone, Copy, Debug)]
struct Split {
    threshold: f32,
    feature_flags: u32,
}

/// Where a group of trees lives in the layout.
#[derive(Clone, Copy, Debug)]
struct Group {
    /// Depth the group's trees are padded to.
    depth: u32,
    /// First split and first leaf of the group. The group's [`LANES`] trees are interleaved:
    /// split `i` (breadth-first) of lane `l` is at `split_base + i * LANES + l`, and likewise
    /// for leaves.
    split_base: usize,
    leaf_base: usize,
}

/// The complete-tree layout of an ensemble.
#[derive(Clone, Debug)]
pub(crate) struct MarginLayout {
    /// Per group of [`LANES`] trees (as `roots.chunks(LANES)`): its place, or `None` to use the
    /// pointer walk.
    groups: Vec<Option<Group>>,
    splits: Vec<Split>,
    leaves: Vec<f64>,
    /// Whether any split treats zero as missing (otherwise a cheaper test applies).
    zero_missing: bool,
    /// Whether NaN features can take the `SIDED` walk: no split treats zero as missing, and
    /// every split sends a NaN moved to its default side (`+inf` right, `-inf` left) the way it
    /// sends NaN (not so for a default-left split whose threshold is `-inf` or NaN, where
    /// `-inf < t` does not hold).
    sided: bool,
}

impl MarginLayout {
    /// Builds the layout of a validated ensemble (`None` if it does not validate).
    pub(crate) fn build(ens: &Ensemble) -> Option<MarginLayout> {
        ens.validate().ok()?;
        let zero_missing = ens.nodes.iter().any(|n| n.feature_flags & ZERO_MISSING != 0);
        let mut layout = MarginLayout {
            groups: Vec::new(),
            splits: Vec::new(),
            leaves: Vec::new(),
            zero_missing,
            sided: !zero_missing
                && ens.nodes.iter().all(|n| n.feature_flags & DEFAULT_LEFT == 0 || n.threshold > f32::NEG_INFINITY),
        };
        for roots in ens.roots.chunks(LANES) {
            let depth = roots.iter().map(|&r| tree_depth(ens, r)).max().unwrap_or(0);
            let size = (LANES << depth) * (std::mem::size_of::<Split>() + 8);
            let bytes = layout.splits.len() * std::mem::size_of::<Split>() + layout.leaves.len() * 8;
            if depth > MAX_PADDED_DEPTH || bytes + size > MAX_LAYOUT_BYTES {
                layout.groups.push(None);
                continue;
            }
            let group = Group { depth, split_base: layout.splits.len(), leaf_base: layout.leaves.len() };
            let mut splits = vec![Split { threshold: 0.0, feature_flags: 0 }; (1 << depth) - 1];
            let mut leaves = vec![0.0; 1 << depth];
            let (s, l) = (layout.splits.len(), layout.leaves.len());
            layout.splits.resize(s + splits.len() * LANES, Split { threshold: 0.0, feature_flags: 0 });
            layout.leaves.resize(l + leaves.len() * LANES, 0.0);
            // Lanes past the last tree repeat it (cheaper than a variable lane count).
            for lane in 0..LANES {
                let root = *roots.get(lane).or(roots.last())?;
                fill(ens, root, 0, &mut splits, &mut leaves)?;
                for (i, split) in splits.iter().enumerate() {
                    layout.splits[s + i * LANES + lane] = *split;
                }
                for (i, leaf) in leaves.iter().enumerate() {
                    layout.leaves[l + i * LANES + lane] = *leaf;
                }
            }
            layout.groups.push(Some(group));
        }
        Some(layout)
    }

    /// Whether NaN features can take the one-comparison walk.
    #[cfg(test)]
    pub(crate) fn sided(&self) -> bool {
        self.sided
    }

    /// Leaf values of every tree for `x`, group by group in model order: `each` gets the values
    /// of one group of up to [`LANES`] trees.
    #[inline]
    pub(crate) fn leaf_values(&self, ens: &Ensemble, x: &[f32], mut each: impl FnMut(&[f64])) {
        // Two copies of the features: splits that send NaN right read the first, left the second.
        let mut buf = [f32::NAN; 2 * X_BUF];
        let n = x.len().min(X_BUF);
        buf[..n].copy_from_slice(&x[..n]);
        let wide = ens.n_features as usize > X_BUF;
        let read = (ens.n_features as usize).min(X_BUF);
        // Without NaN among the features the model reads, no split takes its default branch.
        let any_nan = buf[..read].iter().any(|v| v.is_nan());
        // With NaN, each split's copy has it on the split's default side already, so a walk
        // step is one comparison, as without NaN (the results are the same, compare for compare).
        let sided = any_nan && self.sided && !wide;
        if sided {
            let (right, left) = buf.split_at_mut(X_BUF);
            for (r, l) in right[..read].iter_mut().zip(&mut left[..read]) {
                (*r, *l) = if r.is_nan() { (f32::INFINITY, f32::NEG_INFINITY) } else { (*r, *r) };
            }
        }
        let mut values = [0.0; LANES];
        for (roots, group) in ens.roots.chunks(LANES).zip(&self.groups) {
            let n = roots.len();
            match group {
                Some(g) if sided => self.walk::<SIDED>(g, n, &buf, &mut values),
                Some(g) if !wide && !self.zero_missing && !any_nan => self.walk::<NO_NAN>(g, n, &buf, &mut values),
                Some(g) if !wide && !self.zero_missing => self.walk::<NAN>(g, n, &buf, &mut values),
                Some(g) if !wide => self.walk::<ZERO>(g, n, &buf, &mut values),
                _ => ens.pointer_leaf_values(roots, x, &mut values),
            }
            each(&values[..n]);
        }
    }

    /// Walks the trees of group `g` in lockstep.
    #[inline]
    fn walk<const MODE: u8>(&self, g: &Group, n: usize, x: &[f32; 2 * X_BUF], out: &mut [f64; LANES]) {
        let depth = g.depth;
        let per_tree = (1usize << depth) - 1;
        let (Some(splits), Some(leaves)) = (
            self.splits.get(g.split_base..g.split_base + per_tree * LANES),
            self.leaves.get(g.leaf_base..g.leaf_base + (per_tree + 1) * LANES),
        ) else {
            return;
        };
        // Position of each lane's walk in breadth-first order.
        let mut at = [0usize; LANES];
        for _ in 0..depth {
            at = std::array::from_fn(|l| {
                // Always in range: `at < per_tree` after fewer than `depth` steps, and `splits`
                // holds `per_tree` splits per lane (the index check stays as a guard; a clamp
                // on top of it only cost two more instructions per step).
                let s = splits[at[l] * LANES + l];
                // Features are below `X_BUF` (checked by the caller), and the mask drops the flags;
                // `SIDED` reads the second copy for default-left splits (`DEFAULT_LEFT` is bit 31).
                let ff = s.feature_flags as usize;
                let at_x = if MODE == SIDED { (ff & (X_BUF - 1)) | ((ff >> 23) & X_BUF) } else { ff & (X_BUF - 1) };
                let v = x[at_x];
                let left = match MODE {
                    NO_NAN | SIDED => v < s.threshold,
                    // `!(v >= t)` is `v < t` for numbers and true for NaN: one comparison either way.
                    #[allow(clippy::neg_cmp_op_on_partial_ord)] // NaN must compare as "left" here
                    NAN => {
                        if s.feature_flags & DEFAULT_LEFT != 0 {
                            !(v >= s.threshold)
                        } else {
                            v < s.threshold
                        }
                    }
                    _ => {
                        Node { threshold: s.threshold, feature_flags: s.feature_flags, left: 0, right: 0 }.goes_left(v)
                    }
                };
                2 * at[l] + 2 - usize::from(left)
            });
        }
        for (l, o) in out.iter_mut().enumerate().take(n) {
            *o = leaves.get((at[l] - per_tree) * LANES + l).copied().unwrap_or(0.0);
        }
    }
}

/// Depth of the tree at `root` (edges to its deepest leaf).
fn tree_depth(ens: &Ensemble, root: u32) -> u32 {
    let mut deepest = 0;
    let mut stack = vec![(root, 0)];
    while let Some((r, d)) = stack.pop() {
        deepest = deepest.max(d);
        if r & LEAF_BIT == 0
            && let Some(n) = ens.nodes.get(r as usize)
        {
            stack.push((n.left, d + 1));
            stack.push((n.right, d + 1));
        }
    }
    deepest
}

/// Lays out the subtree at `r` as the complete subtree at position `at` of
/// `splits` (breadth-first) with its `2^depth` leaves in `leaves`.
fn fill(ens: &Ensemble, r: u32, at: usize, splits: &mut [Split], leaves: &mut [f64]) -> Option<()> {
    let n_splits = splits.len();
    if at >= n_splits {
        // A leaf position: the subtree must be a leaf by now.
        if r & LEAF_BIT == 0 {
            return None;
        }
        *leaves.get_mut(at - n_splits)? = *ens.leaves.get((r & !LEAF_BIT) as usize)?;
        return Some(());
    }
    if r & LEAF_BIT != 0 {
        // A shallow leaf: a padding split (feature 0) with the leaf on both sides.
        *splits.get_mut(at)? = Split { threshold: 0.0, feature_flags: 0 };
        fill(ens, r, 2 * at + 1, splits, leaves)?;
        return fill(ens, r, 2 * at + 2, splits, leaves);
    }
    let node = ens.nodes.get(r as usize)?;
    *splits.get_mut(at)? = Split { threshold: node.threshold, feature_flags: node.feature_flags };
    fill(ens, node.left, 2 * at + 1, splits, leaves)?;
    fill(ens, node.right, 2 * at + 2, splits, leaves)
}
