//! Exact path-dependent TreeSHAP in time linear in the number of nodes, by quadrature.
//!
//! Path-dependent TreeSHAP (see `shap.rs`) gives feature `i` a share of each leaf `l` below a
//! split on `i`: with `p_j` the product of the cover ratios of the splits on feature `j` along
//! the leaf's path and `q_j` 1 if `x` takes all of those splits' branches (else 0),
//!
//! ```text
//! phi_i += (q_i - p_i) * v_l * sum_{S ⊆ F\{i}} |S|! (d-1-|S|)! / d! * prod_{j∈S} q_j * prod_{j∉S} p_j
//!        = (q_i - p_i) * v_l * ∫_0^1 prod_{j∈F\{i}} (q_j t + p_j (1 - t)) dt
//! ```
//!
//! (the Shapley weights are Beta integrals, as in Linear TreeSHAP, Yu et al. 2022). The
//! integrand is a polynomial of degree below the tree depth, so Gauss–Legendre quadrature with
//! `K` points is exact for depth up to `2K`. Evaluated at the `K` points, the product over a path
//! is built top-down one factor per edge, the leaf sums `S_c = sum v_l prod_j a_j` are summed
//! bottom-up, and every edge adds `(q - p) * ∫ S_c / a_edge` to its feature (minus the same
//! term for the previous split on that feature on the path, which it supersedes). Because `q` is
//! 0 or 1 and `p` depends only on the model, every division is done once at load time.
//!
//! Results equal the classic algorithm up to float rounding (about 1e-15 relative).

// Loops over the `K` quadrature points index several arrays in step.
#![allow(clippy::needless_range_loop)]

use super::ensemble::{Ensemble, LEAF_BIT, Node};

/// No previous split on the same feature along the path.
const NO_DUP: u32 = u32::MAX;
/// Largest table (bytes) built for a model; bigger models use the classic algorithm.
const MAX_TABLE_BYTES: usize = 64 << 20;
/// `hot` entry of a node below a cold split on its own feature: neither child is taken.
const NEITHER: f64 = 2.0;

/// Precomputed per-split coefficients for the quadrature TreeSHAP.
#[derive(Clone, Debug)]
pub(crate) enum ShapTables {
    /// Trees of depth at most 8: four quadrature points.
    K4(Tables<4>),
    /// Trees of depth at most 16: eight quadrature points.
    K8(Tables<8>),
}

/// The tables for `K` quadrature points. Edge `2 * j + side` (side 0 left, 1 right) of a tree
/// goes from its `j`-th split node to that node's child.
#[derive(Clone, Debug)]
pub(crate) struct Tables<const K: usize> {
    /// Quadrature points `t` in (0, 1) and `u = 1 - t`.
    t: [f64; K],
    u: [f64; K],
    /// Coefficients of a cold (not taken) edge without an earlier split on its feature:
    /// `-w / u`.
    cold: [f64; K],
    /// Per split node of the ensemble (same indices).
    splits: Vec<Split<K>>,
    dups: Vec<Dup<K>>,
    leaves: Vec<f64>,
    /// Per tree: first split node and number of split nodes (0 for a single leaf).
    trees: Vec<(u32, u32)>,
    /// Most split nodes in one tree (scratch size).
    widest: usize,
}

/// A split node with what its two edges need.
#[derive(Clone, Copy, Debug)]
struct Split<const K: usize> {
    node: Node,
    /// The edge into this node, relative to its tree (unused for the root).
    parent_edge: u32,
    /// Index into `dups`, or [`NO_DUP`] if no ancestor splits on the same feature.
    dup: u32,
    /// Per side: product of the cover ratios of the splits on this feature down to the child.
    p: [f64; 2],
    /// Per side: coefficients when the edge is taken, `w (1 - p) / (t + p u)`.
    r_hot: [[f64; K]; 2],
}

/// A split below an earlier split on the same feature: per side, its factors and coefficients
/// in each case, folding in the undoing of the earlier edge's factor.
#[derive(Clone, Copy, Debug)]
struct Dup<const K: usize> {
    /// The earlier edge, relative to its tree.
    prev: u32,
    /// The cover ratios (the factors when the earlier edge is cold).
    ratio: [f64; 2],
    g_hot: [[f64; K]; 2],
    g_cold: [[f64; K]; 2],
    r_hot: [[f64; K]; 2],
    r_cold: [[f64; K]; 2],
}

/// Gauss–Legendre points and weights on [0, 1], by Newton's method on the Legendre polynomial.
fn gauss_legendre<const K: usize>() -> ([f64; K], [f64; K]) {
    let mut t = [0.0; K];
    let mut w = [0.0; K];
    let n = K as f64;
    for i in 0..K {
        let mut z = libm::cos(std::f64::consts::PI * (i as f64 + 0.75) / (n + 0.5));
        let mut dp = 1.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, z);
            for m in 2..=K {
                let m = m as f64;
                let p2 = ((2.0 * m - 1.0) * z * p1 - (m - 1.0) * p0) / m;
                p0 = p1;
                p1 = p2;
            }
            dp = n * (z * p1 - p0) / (z * z - 1.0);
            let dz = p1 / dp;
            z -= dz;
            if dz.abs() <= 1e-16 {
                break;
            }
        }
        t[i] = (1.0 - z) / 2.0;
        w[i] = 1.0 / ((1.0 - z * z) * dp * dp);
    }
    (t, w)
}

impl ShapTables {
    /// Builds the tables for a validated ensemble, or `None` when its trees are too deep or
    /// the tables would be too large.
    pub(crate) fn build(ens: &Ensemble) -> Option<ShapTables> {
        if ens.validate().is_err() {
            return None;
        }
        match ens.max_depth {
            0..=8 => Tables::<4>::build(ens).map(ShapTables::K4),
            9..=16 => Tables::<8>::build(ens).map(ShapTables::K8),
            _ => None,
        }
    }

    /// Adds every tree's feature contributions for `x` to `phi` (one per feature), using
    /// `scratch` (at least [`ShapTables::scratch_len`] values) as working space.
    pub(crate) fn add_contributions(&self, x: &[f32], phi: &mut [f64], scratch: &mut [f64]) {
        match self {
            ShapTables::K4(t) => t.add_contributions(x, phi, scratch),
            ShapTables::K8(t) => t.add_contributions(x, phi, scratch),
        }
    }

    /// Scratch `f64`s [`ShapTables::add_contributions`] needs for `n_features` features.
    pub(crate) fn scratch_len(&self, n_features: usize) -> usize {
        match self {
            ShapTables::K4(t) => t.scratch_len(n_features),
            ShapTables::K8(t) => t.scratch_len(n_features),
        }
    }
}

/// One split on the path while building: feature, edge (relative to the tree) and its `p`.
type PathEntry = (usize, u32, f64);

impl<const K: usize> Tables<K> {
    fn build(ens: &Ensemble) -> Option<Tables<K>> {
        let per_node = std::mem::size_of::<Split<K>>();
        if ens.nodes.len().checked_mul(per_node)? > MAX_TABLE_BYTES {
            return None;
        }
        let (t, w) = gauss_legendre::<K>();
        let u = t.map(|t| 1.0 - t);
        let blank = |node| Split { node, parent_edge: 0, dup: NO_DUP, p: [0.0; 2], r_hot: [[0.0; K]; 2] };
        let mut tables = Tables {
            t,
            u,
            cold: std::array::from_fn(|k| -w[k] / u[k]),
            splits: ens.nodes.iter().map(|&n| blank(n)).collect(),
            dups: Vec::new(),
            leaves: ens.leaves.clone(),
            trees: Vec::with_capacity(ens.roots.len()),
            widest: 0,
        };
        // Split nodes are laid out tree by tree, each tree's root first; `build_node` checks
        // that every tree's nodes lie in its range (validation alone does not promise it).
        for (i, &root) in ens.roots.iter().enumerate() {
            if root & LEAF_BIT != 0 {
                tables.trees.push((0, 0));
                continue;
            }
            let next = ens.roots[i + 1..].iter().find(|&&r| r & LEAF_BIT == 0);
            let end = next.copied().unwrap_or(u32::try_from(ens.nodes.len()).ok()?);
            let count = end.checked_sub(root)?;
            tables.trees.push((root, count));
            tables.widest = tables.widest.max(count as usize);
            tables.build_node(ens, &w, (root, end), root, &mut Vec::new())?;
        }
        if (tables.dups.len() * std::mem::size_of::<Dup<K>>()).saturating_add(ens.nodes.len() * per_node)
            > MAX_TABLE_BYTES
        {
            return None;
        }
        Some(tables)
    }

    /// Fills in split node `r` and those below it, of the tree whose nodes are `range`; `None`
    /// if the tree's nodes are not all in that range.
    fn build_node(
        &mut self,
        ens: &Ensemble,
        w: &[f64; K],
        range: (u32, u32),
        r: u32,
        path: &mut Vec<PathEntry>,
    ) -> Option<()> {
        let root = range.0;
        if r < range.0 || r >= range.1 {
            return None;
        }
        let node = *ens.nodes.get(r as usize)?;
        let feature = node.feature();
        let cover = ens.cover(r);
        let prev = path.iter().rev().find(|e| e.0 == feature).copied();
        let (t, u) = (self.t, self.u);
        let ratio = [node.left, node.right].map(|child| ens.cover(child) / cover);
        let p0 = prev.map_or(1.0, |e| e.2);
        let p = ratio.map(|ratio| p0 * ratio);
        let r_hot = p.map(|p| std::array::from_fn(|k| w[k] * (1.0 - p) / (t[k] + p * u[k])));
        let mut dup = NO_DUP;
        if let Some((_, prev_edge, _)) = prev {
            let a0: [f64; K] = std::array::from_fn(|k| t[k] + p0 * u[k]);
            let undo: [f64; K] = std::array::from_fn(|k| w[k] * (1.0 - p0) / a0[k]);
            dup = u32::try_from(self.dups.len()).ok()?;
            self.dups.push(Dup {
                prev: prev_edge,
                ratio,
                g_hot: p.map(|p| std::array::from_fn(|k| (t[k] + p * u[k]) / a0[k])),
                g_cold: p.map(|p| std::array::from_fn(|k| p * u[k] / a0[k])),
                r_hot: r_hot.map(|r| std::array::from_fn(|k| r[k] - undo[k])),
                r_cold: [0, 1].map(|_| std::array::from_fn(|k| -w[k] / u[k] - undo[k])),
            });
        }
        let split = self.splits.get_mut(r as usize)?;
        split.dup = dup;
        split.p = p;
        split.r_hot = r_hot;
        for (side, child) in [(0u32, node.left), (1, node.right)] {
            if child & LEAF_BIT == 0 {
                let local = 2 * (r - root) + side;
                self.splits.get_mut(child as usize)?.parent_edge = local;
                path.push((feature, local, p[side as usize]));
                self.build_node(ens, w, range, child, path)?;
                path.pop();
            }
        }
        Some(())
    }

    fn scratch_len(&self, n_features: usize) -> usize {
        // Per split node: its leaf sum (K), its edges' path products (2K), which child is taken
        // (1); per feature: two accumulators (2K).
        self.widest * (3 * K + 1) + n_features * 2 * K
    }

    fn add_contributions(&self, x: &[f32], phi: &mut [f64], scratch: &mut [f64]) {
        let (n, f) = (self.widest, phi.len());
        if scratch.len() < self.scratch_len(f) {
            return;
        }
        let (node_s, rest) = scratch.split_at_mut(n * K);
        let (edge_p, rest) = rest.split_at_mut(2 * n * K);
        let (hot, rest) = rest.split_at_mut(n);
        let (acc_hot, rest) = rest.split_at_mut(f * K);
        let acc_cold = &mut rest[..f * K];
        acc_hot.fill(0.0);
        acc_cold.fill(0.0);
        let mut buf = Buffers {
            node_s: node_s.as_chunks_mut::<K>().0,
            edge_p: edge_p.as_chunks_mut::<K>().0,
            hot,
            acc_hot: acc_hot.as_chunks_mut::<K>().0,
            acc_cold: acc_cold.as_chunks_mut::<K>().0,
        };
        for &(first, count) in &self.trees {
            let (first, count) = (first as usize, count as usize);
            if let Some(splits) = self.splits.get(first..first + count) {
                self.tree(x, splits, first, &mut buf);
            }
        }
        for ((p, h), c) in phi.iter_mut().zip(buf.acc_hot.iter()).zip(buf.acc_cold.iter()) {
            let mut sum = 0.0;
            for k in 0..K {
                sum += h[k];
            }
            for k in 0..K {
                sum += c[k] * self.cold[k];
            }
            *p += sum;
        }
    }

    /// One tree's contributions into the accumulators.
    #[inline]
    fn tree(&self, x: &[f32], splits: &[Split<K>], first: usize, buf: &mut Buffers<'_, K>) {
        let count = splits.len();
        if count == 0 || buf.node_s.len() < count || buf.edge_p.len() < 2 * count || buf.hot.len() < count {
            return;
        }
        let (t, u) = (&self.t, &self.u);
        let edge_p = &mut buf.edge_p[..2 * count];
        let hot = &mut buf.hot[..count];
        // Top-down: the product of the path's factors on each edge, and which child is taken.
        for (j, sp) in splits.iter().enumerate() {
            let pn = if j == 0 { [1.0; K] } else { edge_p.get(sp.parent_edge as usize).copied().unwrap_or([0.0; K]) };
            let v = x.get(sp.node.feature()).copied().unwrap_or(f32::NAN);
            let left = sp.node.goes_left(v);
            let (l, r) = if sp.dup == NO_DUP {
                hot[j] = if left { 0.0 } else { 1.0 };
                let pnu = mul(&pn, u);
                let pnt = mul(&pn, t);
                let (ph, pc) = if left { (sp.p[0], sp.p[1]) } else { (sp.p[1], sp.p[0]) };
                let hot_p: [f64; K] = std::array::from_fn(|k| pnt[k] + pnu[k] * ph);
                let cold_p = pnu.map(|v| v * pc);
                if left { (hot_p, cold_p) } else { (cold_p, hot_p) }
            } else if let Some(d) = self.dups.get(sp.dup as usize) {
                let prev = d.prev as usize;
                let q0 = hot.get(prev / 2).is_some_and(|&s| s == (prev % 2) as f64);
                if !q0 {
                    hot[j] = NEITHER;
                    (pn.map(|p| p * d.ratio[0]), pn.map(|p| p * d.ratio[1]))
                } else if left {
                    hot[j] = 0.0;
                    (mul(&pn, &d.g_hot[0]), mul(&pn, &d.g_cold[1]))
                } else {
                    hot[j] = 1.0;
                    (mul(&pn, &d.g_cold[0]), mul(&pn, &d.g_hot[1]))
                }
            } else {
                ([0.0; K], [0.0; K])
            };
            edge_p[2 * j] = l;
            edge_p[2 * j + 1] = r;
        }
        // Bottom-up: each node's leaf sum, and each edge's contribution to its feature.
        for j in (0..count).rev() {
            let sp = &splits[j];
            let node_s = &*buf.node_s;
            let side_sum = |child: u32, p: &[f64; K]| {
                if child & LEAF_BIT != 0 {
                    let value = self.leaves.get((child & !LEAF_BIT) as usize).copied().unwrap_or(0.0);
                    p.map(|p| p * value)
                } else {
                    (child as usize).checked_sub(first).and_then(|c| node_s.get(c)).copied().unwrap_or([0.0; K])
                }
            };
            let s0 = side_sum(sp.node.left, &edge_p[2 * j]);
            let s1 = side_sum(sp.node.right, &edge_p[2 * j + 1]);
            buf.node_s[j] = std::array::from_fn(|k| s0[k] + s1[k]);
            let h = hot[j];
            if h == NEITHER {
                continue;
            }
            let feature = sp.node.feature();
            let (Some(acc_hot), Some(acc_cold)) = (buf.acc_hot.get_mut(feature), buf.acc_cold.get_mut(feature)) else {
                continue;
            };
            let left = h == 0.0;
            // Bitwise selects: a branch or a per-lane compare otherwise (wasm32).
            let mask = if left { u64::MAX } else { 0 };
            let (s_hot, s_cold) = (&select(mask, &s0, &s1), &select(mask, &s1, &s0));
            if sp.dup == NO_DUP {
                let r = if left { &sp.r_hot[0] } else { &sp.r_hot[1] };
                for k in 0..K {
                    acc_hot[k] += s_hot[k] * r[k];
                    acc_cold[k] += s_cold[k];
                }
            } else if let Some(d) = self.dups.get(sp.dup as usize) {
                let (rh, rc) = if left { (&d.r_hot[0], &d.r_cold[1]) } else { (&d.r_hot[1], &d.r_cold[0]) };
                for k in 0..K {
                    acc_hot[k] += s_hot[k] * rh[k];
                    acc_hot[k] += s_cold[k] * rc[k];
                }
            }
        }
    }
}

/// `a` where `mask` is all ones, else `b`, bit for bit.
#[inline]
fn select<const K: usize>(mask: u64, a: &[f64; K], b: &[f64; K]) -> [f64; K] {
    std::array::from_fn(|k| f64::from_bits((a[k].to_bits() & mask) | (b[k].to_bits() & !mask)))
}

/// Elementwise product.
#[inline]
fn mul<const K: usize>(a: &[f64; K], b: &[f64; K]) -> [f64; K] {
    std::array::from_fn(|k| a[k] * b[k])
}

/// Working space for one call, carved out of the caller's buffer.
struct Buffers<'a, const K: usize> {
    /// Per split node: the sum over its leaves of value times path product.
    node_s: &'a mut [[f64; K]],
    /// Per edge: the product of the factors on the path down to it.
    edge_p: &'a mut [[f64; K]],
    /// Per split node: the side `x` takes (0 left, 1 right), or [`NEITHER`].
    hot: &'a mut [f64],
    /// Per feature: the sum of leaf sums times their coefficients, and the sum of cold-edge
    /// leaf sums (whose coefficients are the same everywhere).
    acc_hot: &'a mut [[f64; K]],
    acc_cold: &'a mut [[f64; K]],
}

#[cfg(test)]
mod tests {
    use super::gauss_legendre;

    /// The rule integrates every polynomial of degree below `2K` exactly.
    #[test]
    fn quadrature_is_exact_for_low_degrees() {
        fn check<const K: usize>() {
            let (t, w) = gauss_legendre::<K>();
            for m in 0..2 * K as i32 {
                let got: f64 = t.iter().zip(&w).map(|(t, w)| w * t.powi(m)).sum();
                let want = 1.0 / f64::from(m + 1);
                assert!((got - want).abs() < 1e-15, "K={K} degree {m}: {got} vs {want}");
            }
        }
        check::<4>();
        check::<8>();
    }
}
