//! Context attributes for one payment from its entities' maps, as `ward serve` computes them
//! for every payment: the default bundle's wanted attributes, from maps holding a few dozen
//! earlier payments.
//!
//! Run: `cargo bench -p ward-host --profile host --bench velocity`.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use ward_host::runtime::{NativeScorer, Scorer};
use ward_host::velocity::{FieldMap, Outcome, PaymentEvent, Plan, apply, entities_of, expired_fields, payment_updates};

#[path = "support/mod.rs"]
mod support;

fn bench(c: &mut Criterion) {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let bundle = support::bundle(&workspace);
    let manifest = NativeScorer::new(&bundle).expect("native").manifest().expect("manifest");
    let wanted: BTreeSet<String> = manifest.context.into_iter().collect();
    let evals = support::evaluations(&workspace, 1);
    let payment = &evals[0].payment;
    let entities = entities_of(payment, "acct_bench");
    // 40 earlier payments over the last two days, a few minutes apart.
    let now = 1_764_000_000;
    let paid_at =
        |time: i64| PaymentEvent { time, outcome: Outcome::Authorized, usd_cents: 2_500, entities: &entities };
    let mut maps = HashMap::new();
    for i in 0..40 {
        for (entity, ops) in payment_updates(&paid_at(now - 172_800 + i * 4_000)) {
            apply(maps.entry(entity).or_default(), &ops);
        }
    }
    let plan = Plan::new(Some(&wanted));
    c.bench_function("features/default_bundle", |b| b.iter(|| plan.features(now, &entities, |e| maps.get(e))));
    // The merchant's map after 30 days of payments every 5 minutes (every payment touches it).
    let mut merchant_map = FieldMap::new();
    for i in 0..8_640 {
        let event = paid_at(now - 2_592_000 + i * 300);
        for (_, ops) in payment_updates(&event).into_iter().filter(|(e, _)| *e == entities.merchant) {
            apply(&mut merchant_map, &ops);
            for f in expired_fields(event.time, &merchant_map) {
                merchant_map.remove(&f);
            }
        }
    }
    println!("merchant map: {} fields", merchant_map.len());
    c.bench_function("expired_fields/merchant_30_days", |b| b.iter(|| expired_fields(now, &merchant_map)));
    let all = Plan::new(None);
    c.bench_function("features/all", |b| b.iter(|| all.features(now, &entities, |e| maps.get(e))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
