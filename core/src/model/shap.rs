//! Exact per-feature contributions: path-dependent TreeSHAP (Lundberg, Erion & Lee, 2018).
//!
//! This is the algorithm both XGBoost (`pred_contribs=True`) and LightGBM (`pred_contrib=True`)
//! implement, weighting each branch by the training cover stored in the model, so Ward's
//! explanations match what a data scientist sees in Python. The result has one value per
//! feature plus a bias (the expected margin) and sums to the margin.

use super::ensemble::{Ensemble, LEAF_BIT, MAX_DEPTH};

/// A path element is four f64s: feature index (-1 for the root), zero fraction, one fraction
/// and permutation weight. They live in the caller's output buffer, past the contributions, so a
/// reused buffer makes the whole computation allocation-free.
const STRIDE: usize = 4;
const FEATURE: usize = 0;
const ZERO: usize = 1;
const ONE: usize = 2;
const WEIGHT: usize = 3;

/// Path elements needed for trees of depth `max_depth` (XGBoost's `maxd * (maxd + 1) / 2`
/// with `maxd = depth + 2`: each level copies its parent's path one slot further on).
fn path_capacity(max_depth: u32) -> usize {
    let d = max_depth as usize + 2;
    d * (d + 1) / 2
}

impl Ensemble {
    /// Writes `n_features + 1` SHAP values for `x` into `out` (last = bias), reusing its storage.
    pub(crate) fn contributions(&self, x: &[f32], out: &mut Vec<f64>) {
        let n = self.n_features as usize;
        out.clear();
        if let Some(tables) = self.shap_tables() {
            out.resize(n + 1 + tables.scratch_len(n), 0.0);
            let (phi, scratch) = out.split_at_mut(n + 1);
            tables.add_contributions(x, &mut phi[..n], scratch);
            for t in 0..self.roots.len() {
                phi[n] += self.tree_expected.get(t).copied().unwrap_or(0.0);
            }
            phi[n] += self.base_margin;
            out.truncate(n + 1);
        } else {
            self.classic_contributions(x, out);
        }
    }

    /// [`Ensemble::contributions`] by the classic recursive algorithm.
    pub(crate) fn classic_contributions(&self, x: &[f32], out: &mut Vec<f64>) {
        let n = self.n_features as usize;
        out.clear();
        out.resize(n + 1 + path_capacity(self.max_depth) * STRIDE, 0.0);
        let (phi, scratch) = out.split_at_mut(n + 1);
        let mut walk = Walk { ens: self, x, phi };
        for (t, &root) in self.roots.iter().enumerate() {
            walk.phi[n] += self.tree_expected.get(t).copied().unwrap_or(0.0);
            if root & LEAF_BIT == 0 {
                walk.recurse(scratch, 0, root, 0, 1.0, 1.0, -1.0);
            }
        }
        walk.phi[n] += self.base_margin;
        out.truncate(n + 1);
    }
}

struct Walk<'a> {
    ens: &'a Ensemble,
    x: &'a [f32],
    phi: &'a mut [f64],
}

impl Walk<'_> {
    /// TreeSHAP at child reference `r`, whose parent's path starts at element `parent`.
    #[allow(clippy::too_many_arguments)]
    fn recurse(
        &mut self,
        scratch: &mut [f64],
        parent: usize,
        r: u32,
        mut depth: usize,
        zero_fraction: f64,
        one_fraction: f64,
        feature: f64,
    ) {
        let start = parent + depth + 1;
        // Scratch is sized from the validated depth; this bound keeps an unvalidated model
        // from indexing past it (it then just gets wrong numbers).
        if (start + depth + 1) * STRIDE > scratch.len() {
            return;
        }
        scratch.copy_within(parent * STRIDE..(parent + depth + 1) * STRIDE, start * STRIDE);
        let path = &mut scratch[start * STRIDE..];
        extend(path, depth, zero_fraction, one_fraction, feature);

        if r & LEAF_BIT != 0 {
            let value = self.ens.leaves.get((r & !LEAF_BIT) as usize).copied().unwrap_or(0.0);
            for i in 1..=depth {
                let w = unwound_sum(path, depth, i);
                let el = &path[i * STRIDE..(i + 1) * STRIDE];
                if el[FEATURE] >= 0.0
                    && let Some(p) = self.phi.get_mut(el[FEATURE] as usize)
                {
                    *p += w * (el[ONE] - el[ZERO]) * value;
                }
            }
            return;
        }

        let Some(node) = self.ens.nodes.get(r as usize) else { return };
        let split = node.feature();
        let v = self.x.get(split).copied().unwrap_or(f32::NAN);
        let (hot, cold) = if node.goes_left(v) { (node.left, node.right) } else { (node.right, node.left) };
        let w = self.ens.cover(r);
        let hot_zero = self.ens.cover(hot) / w;
        let cold_zero = self.ens.cover(cold) / w;
        let mut incoming_zero = 1.0;
        let mut incoming_one = 1.0;

        // A feature already on the path is undone here and redone for this split.
        let split_f = split as f64;
        if let Some(k) = (0..=depth).find(|&k| path[k * STRIDE + FEATURE] == split_f) {
            incoming_zero = path[k * STRIDE + ZERO];
            incoming_one = path[k * STRIDE + ONE];
            unwind(path, depth, k);
            depth -= 1;
        }
        self.recurse(scratch, start, hot, depth + 1, hot_zero * incoming_zero, incoming_one, split_f);
        self.recurse(scratch, start, cold, depth + 1, cold_zero * incoming_zero, 0.0, split_f);
    }
}

/// `RECIP[k] = 1 / k`, so the hot loops below multiply instead of divide (a division in a
/// dependent chain costs several times a multiplication).
const RECIP: [f64; MAX_DEPTH as usize + 3] = {
    let mut r = [0.0; MAX_DEPTH as usize + 3];
    let mut k = 1;
    while k < r.len() {
        r[k] = 1.0 / k as f64;
        k += 1;
    }
    r
};

// Path-dependent TreeSHAP only ever uses one-fractions of exactly 0 or 1 (the hot child
// inherits its parent's, the cold child gets 0), which the formulas below rely on.

/// Adds a feature to the path, updating every permutation weight.
fn extend(path: &mut [f64], depth: usize, zero_fraction: f64, one_fraction: f64, feature: f64) {
    let d = depth * STRIDE;
    path[d + FEATURE] = feature;
    path[d + ZERO] = zero_fraction;
    path[d + ONE] = one_fraction;
    path[d + WEIGHT] = if depth == 0 { 1.0 } else { 0.0 };
    let inv = RECIP[depth + 1];
    for i in (0..depth).rev() {
        let wi = path[i * STRIDE + WEIGHT];
        path[(i + 1) * STRIDE + WEIGHT] += one_fraction * wi * (i + 1) as f64 * inv;
        path[i * STRIDE + WEIGHT] = zero_fraction * wi * (depth - i) as f64 * inv;
    }
}

/// Removes element `index` from the path, undoing its effect on the weights.
fn unwind(path: &mut [f64], depth: usize, index: usize) {
    let one = path[index * STRIDE + ONE];
    let zero = path[index * STRIDE + ZERO];
    let mut next_one = path[depth * STRIDE + WEIGHT];
    let denom = (depth + 1) as f64;
    let inv = RECIP[depth + 1];
    for i in (0..depth).rev() {
        let w = &mut path[i * STRIDE + WEIGHT];
        if one != 0.0 {
            let tmp = *w;
            *w = next_one * denom * RECIP[i + 1];
            next_one = tmp - *w * zero * (depth - i) as f64 * inv;
        } else {
            *w = (*w * denom) / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        for field in [FEATURE, ZERO, ONE] {
            path[i * STRIDE + field] = path[(i + 1) * STRIDE + field];
        }
    }
}

/// Total permutation weight of the path with element `index` removed (without modifying it).
fn unwound_sum(path: &[f64], depth: usize, index: usize) -> f64 {
    let one = path[index * STRIDE + ONE];
    let zero = path[index * STRIDE + ZERO];
    let mut total = 0.0;
    if one != 0.0 {
        let mut next_one = path[depth * STRIDE + WEIGHT];
        for i in (0..depth).rev() {
            let tmp = next_one * RECIP[i + 1];
            total += tmp;
            next_one = path[i * STRIDE + WEIGHT] - tmp * zero * (depth - i) as f64;
        }
    } else if zero != 0.0 {
        // Without the guard a zero-cover branch would give 0/0; its weights are all zero.
        for i in (0..depth).rev() {
            total += path[i * STRIDE + WEIGHT] / (zero * (depth - i) as f64);
        }
    }
    total * (depth + 1) as f64
}
