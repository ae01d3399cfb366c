//! The fast layouts (quadrature TreeSHAP, interleaved margin walk) against the plain
//! algorithms, on random ensembles with repeated features, zero covers and missing values.

use super::super::ensemble::{Accumulation, Ensemble, EnsembleBuilder, SourceNode};
use super::{lgb, xgb};

/// A tiny deterministic generator.
pub(super) struct Lcg(pub(super) u64);

impl Lcg {
    pub(super) fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() * n as f64) as usize % n
    }
}

/// How random splits are drawn.
#[derive(Clone, Copy)]
struct Shape {
    /// Share of splits that treat zero as missing.
    zero_missing: f64,
    /// Whether some thresholds are infinite.
    infinite: bool,
}

const USUAL: Shape = Shape { zero_missing: 0.2, infinite: false };

/// Appends a random tree to `nodes` (source order, root first) and returns its cover.
fn random_node(
    rng: &mut Lcg,
    nodes: &mut Vec<SourceNode>,
    (depth, max_depth): (u32, u32),
    features: u32,
    shape: Shape,
) -> usize {
    // Deep trees are mostly chains, so they stay small.
    let early = if max_depth > 8 { 0.45 } else { 0.2 };
    let i = nodes.len();
    let leaf = depth == max_depth || (depth > 0 && rng.next() < early);
    if leaf {
        let cover = if rng.next() < 0.1 { 0.0 } else { 0.1 + rng.next() * 10.0 };
        nodes.push(SourceNode::Leaf { value: rng.next() - 0.5, cover });
        return i;
    }
    nodes.push(SourceNode::Leaf { value: 0.0, cover: 0.0 });
    let left = random_node(rng, nodes, (depth + 1, max_depth), features, shape);
    let right = random_node(rng, nodes, (depth + 1, max_depth), features, shape);
    let cover_of = |n: &SourceNode| match *n {
        SourceNode::Leaf { cover, .. } | SourceNode::Split { cover, .. } => cover,
    };
    let cover = cover_of(&nodes[left]) + cover_of(&nodes[right]);
    nodes[i] = SourceNode::Split {
        feature: rng.below(features as usize) as u32,
        threshold: match rng.below(40) {
            0 if shape.infinite => f32::NEG_INFINITY,
            1 if shape.infinite => f32::INFINITY,
            _ => (rng.next() * 4.0 - 2.0) as f32,
        },
        default_left: rng.next() < 0.5,
        zero_missing: rng.next() < shape.zero_missing,
        left,
        right,
        cover: if cover > 0.0 { cover } else { 1.0 },
    };
    i
}

/// A random ensemble of `trees` trees no deeper than `max_depth`.
pub(super) fn random_ensemble(seed: u64, trees: usize, max_depth: u32, features: u32, f32_sum: bool) -> Ensemble {
    shaped_ensemble(seed, (trees, max_depth), features, f32_sum, USUAL)
}

fn shaped_ensemble(
    seed: u64,
    (trees, max_depth): (usize, u32),
    features: u32,
    f32_sum: bool,
    shape: Shape,
) -> Ensemble {
    let mut rng = Lcg(seed);
    let acc = if f32_sum { Accumulation::F32 } else { Accumulation::F64 };
    let mut b = EnsembleBuilder::new(features, acc, rng.next() - 0.5);
    for _ in 0..trees {
        let mut nodes = Vec::new();
        let depth = 1 + rng.below(max_depth as usize) as u32;
        random_node(&mut rng, &mut nodes, (0, depth), features, shape);
        b.push_tree(nodes.len(), |i| Ok(nodes[i])).expect("random tree is valid");
    }
    b.finish().expect("random ensemble is valid")
}

/// A random input: values around the thresholds, with NaN, zero and infinities.
pub(super) fn random_x(rng: &mut Lcg, n: usize) -> Vec<f32> {
    (0..n)
        .map(|_| match rng.below(10) {
            0 => f32::NAN,
            1 => 0.0,
            2 => f32::INFINITY,
            3 if rng.next() < 0.3 => f32::NEG_INFINITY,
            _ => (rng.next() * 5.0 - 2.5) as f32,
        })
        .collect()
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len());
    for (j, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-12 * (1.0 + w.abs()), "{what}: feature {j}: {g} vs {w}");
    }
}

#[test]
fn quadrature_shap_matches_the_classic_algorithm() {
    let mut rng = Lcg(7);
    let (mut fast, mut classic) = (Vec::new(), Vec::new());
    for seed in 0..40 {
        let depth = [2, 4, 6, 8, 12, 16][seed as usize % 6];
        let features = [1, 3, 5, 16][seed as usize % 4];
        let ens = random_ensemble(seed, 20, depth, features, seed % 2 == 0);
        assert!(ens.shap_tables().is_some(), "tables for depth {depth}");
        for _ in 0..20 {
            let x = random_x(&mut rng, features as usize);
            ens.contributions(&x, &mut fast);
            ens.classic_contributions(&x, &mut classic);
            assert_close(&fast, &classic, &format!("seed {seed}"));
        }
    }
}

#[test]
fn fixture_models_use_the_fast_shap_and_agree() {
    let mut rng = Lcg(11);
    let (mut fast, mut classic) = (Vec::new(), Vec::new());
    for m in [xgb(), lgb()] {
        let ens = &m.ensemble;
        assert!(ens.shap_tables().is_some());
        for _ in 0..200 {
            let x = random_x(&mut rng, m.n_features());
            ens.contributions(&x, &mut fast);
            ens.classic_contributions(&x, &mut classic);
            assert_close(&fast, &classic, &m.info.source);
        }
    }
}

#[test]
fn deep_trees_fall_back_to_the_classic_algorithm() {
    let ens = (0..).map(|seed| random_ensemble(seed, 8, 40, 4, true)).find(|e| e.max_depth > 16).unwrap();
    assert!(ens.shap_tables().is_none());
    let mut rng = Lcg(5);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let x = random_x(&mut rng, 4);
    ens.contributions(&x, &mut a);
    ens.classic_contributions(&x, &mut b);
    assert_eq!(a, b);
}

#[test]
fn complete_tree_margin_matches_the_pointer_walk() {
    margins_match(USUAL);
}

/// Without zero-as-missing splits, NaN takes the one-comparison walk (`SIDED`) unless a
/// default-left split has a threshold of `-inf`; both kinds of ensemble occur here.
#[test]
fn sided_margin_matches_the_pointer_walk() {
    let shape = Shape { zero_missing: 0.0, infinite: true };
    let sided = margins_match(shape);
    assert!(sided > 0 && sided < 60, "{sided} of 60 ensembles took the sided walk");
}

/// Checks `margin` bit for bit on random ensembles of this shape; returns how many of them
/// could take the sided walk.
fn margins_match(shape: Shape) -> usize {
    let mut rng = Lcg(13);
    let mut sided = 0;
    for seed in 0..60 {
        let depth = [1, 3, 6, 8, 12, 14][seed as usize % 6];
        let features = [1, 3, 5, 16, 300][seed as usize % 5];
        let ens = shaped_ensemble(seed, (1 + seed as usize % 23, depth), features, seed % 2 == 0, shape);
        let layout = ens.margin_layout().expect("layout");
        sided += usize::from(layout.sided());
        for _ in 0..30 {
            let len = rng.below(features as usize + 2);
            let x = random_x(&mut rng, len);
            let mut want = 0.0;
            let mut want32 = ens.base_margin as f32;
            let mut values = [0.0; super::super::ensemble::LANES];
            for roots in ens.roots.chunks(values.len()) {
                ens.pointer_leaf_values(roots, &x, &mut values);
                for v in &values[..roots.len()] {
                    want += v;
                    want32 += *v as f32;
                }
            }
            let want = if ens.accumulation == Accumulation::F32 { f64::from(want32) } else { want + ens.base_margin };
            assert_eq!(ens.margin(&x).to_bits(), want.to_bits(), "seed {seed}");
        }
    }
    sided
}
