//! Instruction-count driver for the scoring path, for `valgrind --tool=callgrind`.
//!
//! `cargo run --release -p ward-core --example score_profile -- <full|margin|rules> <N>` scores the
//! benchmark payment N times (same bundle as `benches/score.rs`). Per-call cost is
//! (Ir with N calls - Ir with 0 calls) / N.

use std::collections::BTreeMap;
use std::hint::black_box;

use ward_core::Evaluation;
use ward_core::attributes::{Facts, fill_frame};
use ward_core::model::Model;

#[path = "../benches/fixture.rs"]
mod fixture;
use fixture::{FEATURES, PAYMENT, engine, hundred_rules, synth_xgboost};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("full", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let model = Model::from_xgboost_json(&synth_xgboost(300, 6)).expect("synthetic model imports");
    let full = engine(Some(model.clone()), hundred_rules());
    let eval: Evaluation = ward_core::payment::decode_evaluation(PAYMENT).expect("bench payment decodes");
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
    let x: Vec<f32> = FEATURES.iter().map(|(_, s)| (*s * 0.3) as f32).collect();
    for _ in 0..n {
        match mode {
            "margin" => {
                black_box(model.margin(black_box(&x)));
            }
            "rules" => {
                black_box(full.rules().evaluate(black_box(&facts), full.lists()));
            }
            _ => {
                black_box(full.score(black_box(&eval)).ok());
            }
        }
    }
}
