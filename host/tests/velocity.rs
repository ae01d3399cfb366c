//! The velocity module against a brute-force recomputation from the raw event list.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ward_core::Value;
use ward_core::attributes::{AttrSource, AttrType, Catalogue};
use ward_core::payment::{decode_payment, derive_from_number};
use ward_host::velocity::{
    EntityKind, EntityRef, FieldMap, LabelEvent, LabelKind, NOT_COMPUTED, Outcome, PaymentEntities, PaymentEvent,
    apply, entities_of, expired_fields, features, label_updates, payment_updates, short_hash,
};

/// SplitMix64: small, deterministic, good enough to shuffle test streams.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// The entity kinds of a raw payment, in `Pay::vals` order: every kind but the merchant.
const KINDS: &[EntityKind] = EntityKind::ALL.split_at(6).0;

/// A raw payment: each entity value is an index (or absent).
#[derive(Clone, Debug)]
struct Pay {
    t: i64,
    outcome: Outcome,
    usd: i64,
    merchant: usize,
    vals: [Option<u64>; 6],
    name: Option<u64>,
    id: String,
}

impl Pay {
    fn entities(&self) -> PaymentEntities {
        let mut e = PaymentEntities::merchant_only(&format!("acct_{}", self.merchant));
        let r = |i: usize| self.vals[i].map(|v| EntityRef::of(KINDS[i], &format!("{}-{v}", KINDS[i])));
        e.card_number = r(0);
        e.customer = r(1);
        e.email = r(2);
        e.ip_address = r(3);
        e.billing_address = r(4);
        e.shipping_address = r(5);
        e.cardholder_name = self.name.map(|n| short_hash(&format!("name {n}")));
        e
    }
}

#[derive(Clone, Debug)]
struct Lab {
    t: i64,
    kind: LabelKind,
    pay: usize,
}

#[derive(Clone, Debug)]
enum Ev {
    Pay(usize),
    Lab(Lab),
}

/// A stream of payments and labels in time order, with times on and next to bucket edges.
fn stream(seed: u64, payments: usize, start: i64) -> (Vec<Pay>, Vec<Ev>) {
    let mut rng = Rng(seed);
    let mut t = start;
    let mut pays = Vec::new();
    let mut evs: Vec<(i64, usize, Ev)> = Vec::new();
    let mut fresh = 1000;
    let mut burst = 0;
    let mut one_card = false;
    for i in 0..payments {
        if burst == 0 && rng.chance(3) {
            burst = 40;
            one_card = rng.chance(50);
        }
        let to_edge = |t: i64, r: i64| r - t.rem_euclid(r);
        let step = if burst > 0 {
            burst -= 1;
            rng.pick(&[0, 1, 2, 7])
        } else {
            match rng.below(16) {
                0 => 0,
                1 => 1,
                2 => rng.pick(&[299, 300, 301]),
                3 => to_edge(t, 300),
                4 => to_edge(t, 300) - 1,
                5 => to_edge(t, 3600),
                6 => to_edge(t, 3600).max(2) - 1,
                7 => to_edge(t, 86_400),
                8 => rng.pick(&[3599, 3600, 3601, 12 * 300]),
                9 => rng.pick(&[86_399, 86_400, 24 * 3600 + 1]),
                10 => rng.pick(&[168 * 3600 - 1, 168 * 3600, 7 * 86_400 + 5]),
                11 if rng.chance(20) => rng.pick(&[30 * 86_400, 29 * 86_400 + 86_399, 365 * 86_400]),
                _ => rng.below(900) as i64,
            }
        };
        t += step;
        let mut vals = [None; 6];
        for (k, v) in vals.iter_mut().enumerate() {
            if rng.chance(80) {
                *v = Some(if k == 0 && (burst > 0 || rng.chance(30)) {
                    fresh += 1;
                    fresh
                } else {
                    rng.below([6, 5, 3, 3, 3, 3][k])
                });
            }
        }
        let mut name = rng.chance(80).then(|| rng.below(4));
        if burst > 0 && rng.chance(90) {
            fresh += 1;
            if one_card {
                // One card under many names and emails.
                (vals[0], vals[2], name) = (Some(1), Some(fresh), Some(fresh));
            } else {
                // Card testing: one email and IP, many fresh cards, inside one or two 5-minute buckets.
                (vals[2], vals[3]) = (Some(0), Some(0));
            }
        }
        let outcome = rng.pick(&Outcome::ALL);
        let usd = rng.pick(&[0, 1, 50, 999, 2500, 123_456]);
        let pay = Pay { t, outcome, usd, merchant: rng.below(2) as usize, vals, name, id: format!("ch_{seed}_{i}") };
        evs.push((t, evs.len(), Ev::Pay(pays.len())));
        if outcome == Outcome::Authorized {
            for _ in 0..rng.pick(&[0, 0, 0, 1, 1, 2]) {
                let kind = rng.pick(&[
                    LabelKind::FraudDispute,
                    LabelKind::EarlyFraudWarning,
                    LabelKind::Refund { fraudulent: true },
                    LabelKind::Refund { fraudulent: false },
                    LabelKind::FraudReport,
                ]);
                let delay =
                    rng.pick(&[0, 1, 299, 300, 3600, 86_400, 5 * 86_400, 29 * 86_400, 31 * 86_400, 400 * 86_400]);
                evs.push((t + delay, evs.len(), Ev::Lab(Lab { t: t + delay, kind, pay: pays.len() })));
            }
        }
        pays.push(pay);
    }
    evs.sort_by_key(|(t, seq, _)| (*t, *seq));
    (pays, evs.into_iter().map(|(_, _, e)| e).collect())
}

/// The bucketed window of a name suffix: (bucket seconds, buckets), `None` for all time.
fn window(w: &str) -> Option<Option<(i64, i64)>> {
    Some(match w {
        "hourly" => Some((300, 12)),
        "daily" | "1d" => Some((3600, 24)),
        "weekly" | "7d" => Some((3600, 168)),
        "30d" => Some((86_400, 30)),
        "yearly" => Some((86_400, 365)),
        "all_time" => None,
        _ => return None,
    })
}

fn covers(w: Option<(i64, i64)>, now: i64, t: i64) -> bool {
    w.is_none_or(|(r, n)| {
        let (b, last) = (t.div_euclid(r), now.div_euclid(r));
        b <= last && b > last - n
    })
}

/// An entity as a name spells it: index into `Pay::vals`, or 6 for the merchant.
fn entity(e: &str) -> usize {
    match e {
        "card_number" | "card" => 0,
        "customer" => 1,
        "email" => 2,
        "ip_address" | "ip" => 3,
        "billing_address" => 4,
        "shipping_address" => 5,
        "merchant" => 6,
        _ => panic!("entity {e}"),
    }
}

/// The state of the world as the raw lists say: payments and labels seen so far.
struct World<'a> {
    now: i64,
    cur: &'a Pay,
    pays: Vec<&'a Pay>,
    labs: Vec<(&'a Lab, &'a Pay)>,
}

impl World<'_> {
    fn key(p: &Pay, e: usize) -> Option<u64> {
        if e == 6 { Some(p.merchant as u64) } else { p.vals[e] }
    }

    /// Prior payments sharing the current payment's entity `e`; `None` if it has none.
    fn on(&self, e: usize) -> Option<Vec<&Pay>> {
        let v = Self::key(self.cur, e)?;
        Some(self.pays.iter().copied().filter(|p| Self::key(p, e) == Some(v)).collect())
    }

    /// The brute-force value of one catalogue attribute.
    fn value(&self, name: &str) -> Option<f64> {
        for (unit, secs) in [("hours", 3600), ("minutes", 60), ("seconds", 1)] {
            let Some(what) = name.strip_prefix(unit).and_then(|n| n.strip_prefix("_since_")) else { continue };
            let (e, auth) = match what {
                "email_first_seen" => (2, false),
                "card_first_seen" => (0, false),
                "first_successful_auth_on_card" => (0, true),
                _ => return None,
            };
            let first = self.on(e)?.iter().filter(|p| !auth || p.outcome == Outcome::Authorized).map(|p| p.t).min()?;
            return Some(((self.now - first) / secs) as f64);
        }
        let (stem, w) = match name.strip_suffix("_all_time") {
            Some(stem) => (stem, "all_time"),
            None => name.rsplit_once('_')?,
        };
        let win = window(w)?;
        let inw = |p: &&Pay| covers(win, self.now, p.t);
        let count = |e: usize, f: &dyn Fn(&Pay) -> bool| {
            Some(self.on(e)?.into_iter().filter(inw).filter(|p| f(p)).count() as f64)
        };
        if let Some((o, e)) = stem.split_once("_charges_per_") {
            return count(entity(e), &|p: &Pay| o == "total" || p.outcome == pick_outcome(o));
        }
        for (prefix, counted) in
            [("card_count_for_", Some(0)), ("email_count_for_", Some(2)), ("name_count_for_", None)]
        {
            if let Some(e) = stem.strip_prefix(prefix) {
                let ps = self.on(entity(e))?;
                let set: BTreeSet<u64> =
                    ps.into_iter().filter(inw).filter_map(|p| counted.map_or(p.name, |c| p.vals[c])).collect();
                return Some(set.len().min(25) as f64);
            }
        }
        let labels = [("dispute_count_on_", 0), ("efw_count_on_", 1), ("refund_count_on_", 2)];
        for (prefix, which) in labels {
            if let Some(e) = stem.strip_prefix(prefix) {
                let v = self.cur.vals[entity(e)]?;
                let n = self
                    .labs
                    .iter()
                    .filter(|(l, p)| p.vals[entity(e)] == Some(v) && covers(win, self.now, l.t))
                    .filter(|(l, _)| {
                        matches!(
                            (which, l.kind),
                            (0, LabelKind::FraudDispute)
                                | (1, LabelKind::EarlyFraudWarning)
                                | (2, LabelKind::Refund { .. })
                        )
                    })
                    .count();
                return Some(n.min(25) as f64);
            }
        }
        if let Some(rest) = stem.strip_prefix("average_usd_amount_").or(stem.strip_prefix("total_usd_amount_")) {
            let (which, on) = rest.split_once("_on_")?;
            let ps: Vec<&Pay> = self
                .on(entity(on))?
                .into_iter()
                .filter(|p| match which {
                    "attempted" | "charged" => true,
                    "successful" => p.outcome == Outcome::Authorized,
                    "failed" => p.outcome != Outcome::Authorized,
                    _ => panic!("{name}"),
                })
                .collect();
            let cents: i64 = ps.iter().map(|p| p.usd).sum();
            let average = stem.starts_with("average");
            return if average {
                (!ps.is_empty()).then(|| cents as f64 / 100.0 / ps.len() as f64)
            } else {
                Some(cents as f64 / 100.0)
            };
        }
        if let Some(on) = stem.strip_prefix("total_customers_for_") {
            let set: BTreeSet<u64> = self.on(entity(on))?.into_iter().filter(inw).filter_map(|p| p.vals[1]).collect();
            return Some(set.len().min(1000) as f64);
        }
        let (who, what) = stem.split_once('_')?;
        let ps: Vec<&Pay> = self.on(entity(who))?.into_iter().filter(inw).collect();
        let n = ps.len() as f64;
        match what {
            "charge_count" => Some(n),
            "average_usd_amount" => (n > 0.0).then(|| ps.iter().map(|p| p.usd).sum::<i64>() as f64 / 100.0 / n),
            "fraud_rate" => {
                let fraud: BTreeSet<&str> =
                    self.labs.iter().filter(|(l, _)| l.kind.is_fraud()).map(|(_, p)| p.id.as_str()).collect();
                (n > 0.0).then(|| ps.iter().filter(|p| fraud.contains(p.id.as_str())).count() as f64 / n)
            }
            _ => panic!("{name}"),
        }
    }
}

fn pick_outcome(o: &str) -> Outcome {
    match o {
        "authorized" => Outcome::Authorized,
        "blocked" => Outcome::Blocked,
        "declined" => Outcome::Declined,
        _ => panic!("{o}"),
    }
}

/// Every context attribute of the catalogue this module is meant to produce.
fn computed_names() -> Vec<String> {
    let skip: BTreeSet<&str> = NOT_COMPUTED.iter().map(|(n, _)| *n).collect();
    Catalogue::standard()
        .iter()
        .filter(|(_, s)| s.source == AttrSource::Context && !skip.contains(s.name.as_str()))
        .map(|(_, s)| s.name.clone())
        .collect()
}

/// What a run saw, to show the comparisons were not vacuous.
#[derive(Default)]
struct Seen {
    payments: usize,
    values: usize,
    max_by_name: BTreeMap<String, f64>,
}

/// Replays a stream through the module (maps built by `apply`, pruned every `prune_every`
/// events) and checks every payment's features against the brute force.
fn replay(seed: u64, payments: usize, start: i64, prune_every: usize) -> Seen {
    let (pays, evs) = stream(seed, payments, start);
    let names = computed_names();
    let mut maps: HashMap<EntityRef, FieldMap> = HashMap::new();
    let mut seen = Seen::default();
    let mut world = World { now: 0, cur: &pays[0], pays: Vec::new(), labs: Vec::new() };
    for (i, ev) in evs.iter().enumerate() {
        match ev {
            Ev::Pay(j) => {
                let p = &pays[*j];
                let ents = p.entities();
                let got = features(p.t, &ents, |e| maps.get(e), None);
                world.now = p.t;
                world.cur = p;
                let want: BTreeMap<String, Value> =
                    names.iter().filter_map(|n| world.value(n).map(|v| (n.clone(), Value::Num(v)))).collect();
                let got_names: BTreeSet<&String> = got.keys().collect();
                let want_names: BTreeSet<&String> = want.keys().collect();
                assert_eq!(got_names, want_names, "seed {seed} payment {j} at {}", p.t);
                for (n, w) in &want {
                    let (Some(g), Some(w)) = (got[n].as_f64(), w.as_f64()) else { panic!("{n}") };
                    assert!(
                        (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                        "seed {seed} payment {j} at {}: {n} = {g}, want {w}",
                        p.t
                    );
                    let max = seen.max_by_name.entry(n.clone()).or_insert(f64::MIN);
                    *max = max.max(w);
                }
                seen.payments += 1;
                seen.values += want.len();
                let ev = PaymentEvent { time: p.t, outcome: p.outcome, usd_cents: p.usd, entities: &ents };
                for (e, ops) in payment_updates(&ev) {
                    apply(maps.entry(e).or_default(), &ops);
                }
                world.pays.push(p);
            }
            Ev::Lab(l) => {
                let p = &pays[l.pay];
                let ents = p.entities();
                let label =
                    LabelEvent { kind: l.kind, time: l.t, payment_created: p.t, payment_id: &p.id, entities: &ents };
                for (e, ops) in label_updates(&label) {
                    apply(maps.entry(e).or_default(), &ops);
                }
                world.labs.push((l, p));
            }
        }
        if i % prune_every == prune_every - 1 {
            let now = match ev {
                Ev::Pay(j) => pays[*j].t,
                Ev::Lab(l) => l.t,
            };
            for map in maps.values_mut() {
                for f in expired_fields(now, map) {
                    map.remove(&f);
                }
            }
        }
    }
    seen
}

#[test]
fn features_match_a_brute_force_recomputation() {
    let runs = [(1, 0), (2, -3 * 86_400 - 1), (3, 1_764_000_000), (4, 1_764_028_799), (5, -1)];
    let mut total = Seen::default();
    for (seed, start) in runs {
        let seen = replay(seed, 400, start, 1 + seed as usize * 7);
        total.payments += seen.payments;
        total.values += seen.values;
        for (n, v) in seen.max_by_name {
            let max = total.max_by_name.entry(n).or_insert(f64::MIN);
            *max = max.max(v);
        }
    }
    assert_eq!(total.payments, 2000);
    // The streams reach the interesting cases: caps, labels, late fraud, history on every entity.
    let max = |n: &str| total.max_by_name.get(n).copied().unwrap_or(f64::MIN);
    for n in [
        "card_count_for_email_hourly",
        "card_count_for_ip_address_all_time",
        "name_count_for_card_all_time",
        "email_count_for_card_hourly",
    ] {
        assert_eq!(max(n), 25.0, "{n}");
    }
    for n in [
        "merchant_fraud_rate_1d",
        "merchant_fraud_rate_30d",
        "dispute_count_on_card_number_yearly",
        "dispute_count_on_ip_hourly",
        "efw_count_on_card_daily",
        "refund_count_on_card_weekly",
        "total_customers_for_email_yearly",
        "hours_since_first_successful_auth_on_card",
        "blocked_charges_per_shipping_address_weekly",
    ] {
        assert!(max(n) > 0.0, "{n} never above 0");
    }
    assert!(total.values > 100_000, "{}", total.values);
}

/// A payment with every entity, so every attribute this module computes is produced.
fn full_payment() -> ward_core::Payment {
    decode_payment(
        r#"{"amount": 2500, "currency": "usd", "created": 1764000000, "customer": "cus_1",
            "receipt_email": "Jo@Example.com",
            "billing_details": {"name": "Jo Bloggs", "address": {"line1": "1 Main St", "country": "us"}},
            "shipping": {"address": {"line1": "2 High St", "country": "gb"}},
            "payment_method_details": {"card": {"number": "4242424242424242"}},
            "client": {"ip_address": "203.0.113.9"}}"#,
    )
    .expect("payment")
}

#[test]
fn produced_names_are_the_catalogues_context_attributes_minus_the_ones_not_computed() {
    let catalogue = Catalogue::standard();
    let ents = entities_of(&full_payment(), "acct_1");
    let got = features(1_764_000_000, &ents, |_| None, None);
    for (name, value) in &got {
        let spec = catalogue.get(name).unwrap_or_else(|| panic!("{name} is not in the catalogue"));
        assert_eq!(spec.source, AttrSource::Context, "{name}");
        assert!(spec.ty.is_numeric(), "{name}");
        assert!(matches!(value, Value::Num(_)), "{name}");
    }
    let context: BTreeSet<String> =
        catalogue.iter().filter(|(_, s)| s.source == AttrSource::Context).map(|(_, s)| s.name.clone()).collect();
    for (name, why) in NOT_COMPUTED {
        assert!(context.contains(*name), "{name} is not a context attribute");
        assert!(!got.contains_key(*name), "{name} is produced");
        assert!(!why.is_empty());
    }
    // With no history every count is produced (0); only time-since values and averages are absent.
    let absent: Vec<String> = computed_names().into_iter().filter(|n| !got.contains_key(n)).collect();
    assert!(
        absent.iter().all(|n| n.contains("_since_") || n.contains("average_usd_amount") || n.contains("fraud_rate")),
        "{absent:?}"
    );
    assert_eq!(absent.len(), 9 + 4 + 6 + 3, "{absent:?}");
    assert_eq!(got.len() + absent.len() + NOT_COMPUTED.len(), context.len());
    assert_eq!(got.get("total_charges_per_card_number_hourly"), Some(&Value::Num(0.0)));
    let bounded =
        catalogue.iter().filter(|(_, s)| s.ty == AttrType::BoundedNumeric && got.contains_key(&s.name)).count();
    assert_eq!(bounded, 4 * (5 + 4 + 1) + 2 + 4 * 4);
}

#[test]
fn entities_come_from_the_engines_derivations_and_missing_ones_are_not_produced() {
    let p = full_payment();
    let ents = entities_of(&p, "acct_1");
    let fingerprint = derive_from_number("4242424242424242").expect("test card").fingerprint;
    assert_eq!(ents.card_number, Some(EntityRef::of(EntityKind::CardNumber, &fingerprint)));
    assert_eq!(ents.email, Some(EntityRef::of(EntityKind::Email, "jo@example.com")));
    assert_eq!(ents.all().count(), 7);
    assert!(ents.cardholder_name.is_some());
    let bare =
        decode_payment(r#"{"amount": 100, "currency": "usd", "created": 5, "customer": "cus_1"}"#).expect("payment");
    let ents = entities_of(&bare, "acct_1");
    assert_eq!(ents.all().map(|e| e.kind).collect::<Vec<_>>(), [EntityKind::Customer, EntityKind::Merchant]);
    let got = features(5, &ents, |_| None, None);
    assert!(got.keys().all(|n| n.contains("customer") || n.starts_with("merchant_")), "{:?}", got.keys());
    assert_eq!(got.get("customer_charge_count_30d"), Some(&Value::Num(0.0)));
    assert_eq!(got.get("card_count_for_customer_daily"), Some(&Value::Num(0.0)));
    assert!(!got.contains_key("total_charges_per_email_daily"));
}

#[test]
fn a_payment_never_counts_itself_and_is_seen_by_the_next() {
    let ents = entities_of(&full_payment(), "acct_1");
    let mut maps: HashMap<EntityRef, FieldMap> = HashMap::new();
    let t = 1_764_000_000;
    let before = features(t, &ents, |e| maps.get(e), None);
    assert_eq!(before.get("total_charges_per_card_number_hourly"), Some(&Value::Num(0.0)));
    assert_eq!(before.get("card_count_for_email_all_time"), Some(&Value::Num(0.0)));
    assert!(!before.contains_key("seconds_since_card_first_seen"));
    assert!(!before.contains_key("average_usd_amount_attempted_on_card_all_time"));
    for (e, ops) in
        payment_updates(&PaymentEvent { time: t, outcome: Outcome::Authorized, usd_cents: 2500, entities: &ents })
    {
        apply(maps.entry(e).or_default(), &ops);
    }
    let next = features(t + 90, &ents, |e| maps.get(e), None);
    assert_eq!(next.get("total_charges_per_card_number_hourly"), Some(&Value::Num(1.0)));
    assert_eq!(next.get("authorized_charges_per_email_all_time"), Some(&Value::Num(1.0)));
    assert_eq!(next.get("card_count_for_email_all_time"), Some(&Value::Num(1.0)));
    assert_eq!(next.get("minutes_since_card_first_seen"), Some(&Value::Num(1.0)));
    assert_eq!(next.get("average_usd_amount_successful_on_customer_all_time"), Some(&Value::Num(25.0)));
    assert_eq!(next.get("merchant_fraud_rate_1d"), Some(&Value::Num(0.0)));
    // Keys hold hashes only: no user text reaches the store.
    assert!(maps.keys().all(|e| !e.key().contains('@')));
    assert!(maps.values().flat_map(|m| m.keys()).all(|f| !f.contains("example") && !f.contains("4242")));
}

#[test]
fn only_wanted_attributes_are_computed() {
    let ents = entities_of(&full_payment(), "acct_1");
    let wanted: BTreeSet<String> = [
        "card_count_for_email_daily",
        "merchant_fraud_rate_30d",
        "no_such_attribute",
        "total_charges_per_ip_address_hourly",
    ]
    .map(String::from)
    .into();
    let got = features(0, &ents, |_| None, Some(&wanted));
    assert_eq!(got.keys().collect::<Vec<_>>(), ["card_count_for_email_daily", "total_charges_per_ip_address_hourly"]);
}

#[test]
fn a_late_fraud_label_counts_against_the_charges_bucket_from_its_arrival() {
    let ents = PaymentEntities::merchant_only("acct_1");
    let mut map = FieldMap::new();
    let day = 86_400;
    for t in [0, 10 * day] {
        let ev = PaymentEvent { time: t, outcome: Outcome::Authorized, usd_cents: 100, entities: &ents };
        for (_, ops) in payment_updates(&ev) {
            apply(&mut map, &ops);
        }
    }
    let rate =
        |now: i64, map: &FieldMap| features(now, &ents, |_| Some(map), None).get("merchant_fraud_rate_30d").cloned();
    let label = |t: i64| LabelEvent {
        kind: LabelKind::EarlyFraudWarning,
        time: t,
        payment_created: 0,
        payment_id: "ch_1",
        entities: &ents,
    };
    assert_eq!(rate(20 * day, &map), Some(Value::Num(0.0)));
    for (_, ops) in label_updates(&label(20 * day)) {
        apply(&mut map, &ops);
    }
    assert_eq!(rate(20 * day, &map), Some(Value::Num(0.5)));
    // A second label on the same charge does not count it twice.
    for (_, ops) in label_updates(&LabelEvent { kind: LabelKind::FraudDispute, ..label(21 * day) }) {
        apply(&mut map, &ops);
    }
    assert_eq!(rate(21 * day, &map), Some(Value::Num(0.5)));
    // Once the charge's day leaves the 30 buckets, only the later charge is in the window.
    assert_eq!(rate(30 * day, &map), Some(Value::Num(0.0)));
    // A label for a charge too old for any window writes nothing to the merchant.
    let old = LabelEvent { payment_created: -400 * day, ..label(0) };
    assert!(label_updates(&old).is_empty());
}
