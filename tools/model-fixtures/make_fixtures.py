#!/usr/bin/env python3
"""Regenerate the model parity fixtures in tests/fixtures/models/.

Trains small XGBoost and LightGBM binary classifiers with the real libraries on synthetic,
payment-like data (NaN-heavy and zero-heavy features included), saves each model in the format
Ward imports (XGBoost JSON, LightGBM text), and writes alongside it a `<name>.expected.json` with
~200 input rows and what the library itself predicts for them: raw margin, probability and
per-feature SHAP contributions. `core/tests/model_parity.rs` checks Ward's runtime against these.

Rows include held-out data plus edge cases: all-missing, all-zero, -0.0, subnormal-ish values
(for LightGBM's zero-as-missing band) and feature values sitting exactly on, just below and just
above split thresholds, so the `<` (XGBoost, f32) vs `<=` (LightGBM, f64) semantics are pinned.

Usage: pip install -r requirements.txt && python3 make_fixtures.py [--out DIR]
"""

import argparse
import json
import os

import lightgbm as lgb
import numpy as np
import xgboost as xgb

FEATURES = [
    "amount_usd",
    "card_age_days",
    "email_age_days",  # NaN-heavy
    "attempts_24h",  # zero-heavy
    "ip_distance_km",
    "hour_of_day",
    "avs_mismatch",  # 0/1 with NaN
    "velocity_1h",  # zero-heavy and NaN
]
N_TRAIN = 4000
N_HELD_OUT = 150
N_EDGE = 50


def make_data(rng, n):
    x = np.empty((n, len(FEATURES)), dtype=np.float32)
    x[:, 0] = rng.lognormal(3.5, 1.2, n)
    x[:, 1] = rng.exponential(300.0, n)
    x[:, 2] = rng.exponential(500.0, n)
    x[rng.random(n) < 0.35, 2] = np.nan
    x[:, 3] = np.where(rng.random(n) < 0.75, 0.0, rng.poisson(3.0, n) + 1)
    x[:, 4] = rng.gamma(1.5, 400.0, n)
    x[rng.random(n) < 0.1, 4] = np.nan
    x[:, 5] = rng.integers(0, 24, n)
    x[:, 6] = (rng.random(n) < 0.2).astype(np.float32)
    x[rng.random(n) < 0.15, 6] = np.nan
    x[:, 7] = np.where(rng.random(n) < 0.6, 0.0, rng.normal(0.0, 2.0, n))
    x[rng.random(n) < 0.1, 7] = np.nan
    z = (
        -3.0
        + 0.6 * np.log1p(x[:, 0]) * 0.5
        - 0.004 * np.nan_to_num(x[:, 1], nan=0.0)
        + np.where(np.isnan(x[:, 2]), 0.8, -0.001 * np.nan_to_num(x[:, 2]))
        + 0.5 * x[:, 3]
        + 0.0008 * np.nan_to_num(x[:, 4], nan=2000.0)
        + 0.7 * ((x[:, 5] < 6) | (x[:, 5] > 22))
        + 1.2 * np.nan_to_num(x[:, 6], nan=0.5)
        + np.where(x[:, 7] == 0, 0.0, 0.3 * np.nan_to_num(x[:, 7], nan=4.0))
    )
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int32)
    return x, y


def edge_rows(rng, base, splits):
    """Rows probing missing/zero handling and exact split thresholds.

    `splits` is a list of (feature index, threshold as float64)."""
    rows = []
    m = len(FEATURES)
    rows.append(np.full(m, np.nan, dtype=np.float32))
    rows.append(np.zeros(m, dtype=np.float32))
    rows.append(np.full(m, -0.0, dtype=np.float32))
    rows.append(np.full(m, 1e-36, dtype=np.float32))
    rows.append(np.full(m, -1e-36, dtype=np.float32))
    rows.append(np.full(m, 1e-30, dtype=np.float32))
    while len(rows) < N_EDGE:
        r = base[rng.integers(0, len(base))].copy()
        for _ in range(3):
            f, t = splits[rng.integers(0, len(splits))]
            t32 = np.float32(t)
            choice = rng.integers(0, 3)
            if choice == 1:
                t32 = np.nextafter(t32, np.float32(np.inf), dtype=np.float32)
            elif choice == 2:
                t32 = np.nextafter(t32, np.float32(-np.inf), dtype=np.float32)
            r[f] = t32
        rows.append(r)
    return np.stack(rows).astype(np.float32)


def encode_rows(x):
    return [[None if np.isnan(v) else float(v) for v in row] for row in x]


def write_expected(out, name, model_file, library, rows, margins, probs, contribs):
    doc = {
        "model_file": model_file,
        "library": library,
        "library_version": xgb.__version__ if library == "xgboost" else lgb.__version__,
        "feature_names": FEATURES,
        "rows": encode_rows(rows),
        "margins": [float(v) for v in margins],
        "probabilities": [float(v) for v in probs],
        "contributions": [[float(v) for v in row] for row in contribs],
    }
    with open(os.path.join(out, f"{name}.expected.json"), "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))
        fh.write("\n")


def xgboost_fixture(out, name, params, rounds, x, y, held_out, rng):
    dtrain = xgb.DMatrix(x, label=y, feature_names=FEATURES, missing=np.nan)
    params = dict(params, objective="binary:logistic", nthread=1, seed=7)
    booster = xgb.train(params, dtrain, num_boost_round=rounds)
    model_file = f"{name}.json"
    booster.save_model(os.path.join(out, model_file))
    splits = []
    for tree in json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]["model"]["trees"]:
        for left, f, t in zip(tree["left_children"], tree["split_indices"], tree["split_conditions"]):
            if left != -1:
                splits.append((f, float(t)))
    rows = np.concatenate([held_out, edge_rows(rng, held_out, splits)])
    d = xgb.DMatrix(rows, feature_names=FEATURES, missing=np.nan)
    margins = booster.predict(d, output_margin=True)
    probs = booster.predict(d)
    contribs = booster.predict(d, pred_contribs=True)
    write_expected(out, name, model_file, "xgboost", rows, margins, probs, contribs)


def lightgbm_fixture(out, name, params, rounds, x, y, held_out, rng):
    params = dict(
        params, objective="binary", verbose=-1, num_threads=1, deterministic=True, seed=7
    )
    ds = lgb.Dataset(x, label=y, feature_name=FEATURES, free_raw_data=False)
    booster = lgb.train(params, ds, num_boost_round=rounds)
    model_file = f"{name}.txt"
    booster.save_model(os.path.join(out, model_file))
    splits = []
    for tree in booster.dump_model()["tree_info"]:
        stack = [tree["tree_structure"]]
        while stack:
            node = stack.pop()
            if "split_feature" in node:
                splits.append((node["split_feature"], float(node["threshold"])))
                stack += [node["left_child"], node["right_child"]]
    rows = np.concatenate([held_out, edge_rows(rng, held_out, splits)])
    margins = booster.predict(rows, raw_score=True)
    probs = booster.predict(rows)
    contribs = booster.predict(rows, pred_contrib=True)
    write_expected(out, name, model_file, "lightgbm", rows, margins, probs, contribs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "tests", "fixtures", "models")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=default_out)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    rng = np.random.default_rng(20240601)
    x, y = make_data(rng, N_TRAIN)
    held_out, _ = make_data(rng, N_HELD_OUT)

    # Default hist method with an estimated intercept (base_score in probability space).
    xgboost_fixture(
        args.out, "xgb_depth5", {"max_depth": 5, "eta": 0.3}, 50, x, y, held_out, rng
    )
    # Exact method with pruning (gamma) and an explicit base_score.
    xgboost_fixture(
        args.out,
        "xgb_exact_depth4",
        {"max_depth": 4, "eta": 0.2, "tree_method": "exact", "gamma": 1.0, "base_score": 0.2},
        40,
        x,
        y,
        held_out,
        rng,
    )
    # Default: NaN is its own missing type, learned default direction.
    lightgbm_fixture(args.out, "lgb_default", {"num_leaves": 15}, 40, x, y, held_out, rng)
    # use_missing=false: missing type None, NaN is compared as 0.0.
    lightgbm_fixture(
        args.out, "lgb_no_missing", {"num_leaves": 15, "use_missing": False}, 40, x, y, held_out, rng
    )
    # zero_as_missing=true: missing type Zero, |x| <= 1e-35 and NaN take the default branch.
    lightgbm_fixture(
        args.out,
        "lgb_zero_missing",
        {"num_leaves": 15, "zero_as_missing": True, "learning_rate": 0.2},
        40,
        x,
        y,
        held_out,
        rng,
    )


if __name__ == "__main__":
    main()
