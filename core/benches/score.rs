//! Scoring benchmarks: a 300-tree depth-6 model with 100 rules, rules alone, the model alone.
//!
//! `cargo bench -p ward-core --bench score`. The model is synthesised here (full depth-6 trees in
//! XGBoost's JSON format, deterministic pseudo-random splits) so the benchmark needs no fixture.

use std::collections::BTreeMap;

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use ward_core::Evaluation;
use ward_core::attributes::{Facts, fill_frame};
use ward_core::model::Model;

mod fixture;
use fixture::{FEATURES, PAYMENT, engine, hundred_rules, synth_xgboost};

fn benches(c: &mut Criterion) {
    let model = Model::from_xgboost_json(&synth_xgboost(300, 6)).expect("synthetic model imports");
    let full = engine(Some(model.clone()), hundred_rules());
    let eval: Evaluation = ward_core::payment::decode_evaluation(PAYMENT).expect("bench payment decodes");

    let mut g = c.benchmark_group("score");
    g.throughput(Throughput::Elements(1));
    g.bench_function("300 trees x depth 6 + 100 rules", |b| b.iter(|| full.score(black_box(&eval))));
    g.bench_function("from JSON text to JSON text", |b| b.iter(|| full.score_json(black_box(PAYMENT))));
    g.finish();

    let frame = fill_frame(full.catalogue(), full.needed_attributes(), &eval.payment, &eval.context, full.currencies())
        .expect("bench context is valid");
    let empty = BTreeMap::new();
    let facts = Facts {
        frame: &frame,
        payment_metadata: &eval.payment.metadata,
        customer_metadata: &empty,
        destination_metadata: &empty,
        now: eval.payment.created,
    };
    let mut g = c.benchmark_group("parts");
    g.throughput(Throughput::Elements(1));
    g.bench_function("100 rules alone", |b| b.iter(|| full.rules().evaluate(black_box(&facts), full.lists())));
    let x: Vec<f32> = FEATURES.iter().map(|(_, s)| (*s * 0.3) as f32).collect();
    g.bench_function("model margin alone", |b| b.iter(|| model.margin(black_box(&x))));
    let mut out = Vec::new();
    g.bench_function("TreeSHAP contributions", |b| b.iter(|| model.contributions(black_box(&x), &mut out)));
    g.finish();
}

criterion_group!(score, benches);
criterion_main!(score);
