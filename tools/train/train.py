#!/usr/bin/env python3
"""Trains Ward's default model (XGBoost) on featurised evaluations, with a time-based split.

Inputs:

* a features CSV written by ``core/examples/featurize.rs`` (``line,id,<feature>...``; empty cell =
  missing), so training reads exactly the values the engine computes at scoring time;
* a labels CSV with at least ``id,created,fraud,label_known_at`` (``fraud`` is 1 if the payment
  was eventually reported as fraud; ``label_known_at`` is when that became known, Unix seconds;
  empty means "known at ``created``" for a fraud row and is ignored for a legitimate one);
* the feature list (``features.txt``), which must match the CSV header.

The last ``--holdout-frac`` of days is held out. Training rows are the earlier days, and a
training row counts as fraud only if its label was known before the split: the model never learns
from a label it could not have had. Held-out rows are scored against their eventual labels.

Outputs (in ``--out-dir``): ``default-model.json`` (``Booster.save_model``, feature names
included), ``metrics.json`` and ``calibration.csv`` (held-out margins and labels, for fitting Platt
or isotonic calibration in Rust).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
from collections import Counter
from datetime import datetime, timezone

import numpy as np
import sklearn
import xgboost as xgb
from sklearn.metrics import average_precision_score, roc_auc_score

DAY = 86_400
#: Probability thresholds reported in the precision/recall table.
THRESHOLDS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]
#: Share of payments flagged (highest scores first) reported in the alert-rate table.
ALERT_RATES = [0.002, 0.005, 0.01, 0.02, 0.05]
#: At most this many rows go into calibration.csv (a uniform sample keeps it unbiased).
CALIBRATION_MAX_ROWS = 25_000


def read_feature_names(path: str) -> list[str]:
    """Feature names from the list file (one per line, ``#`` comments)."""
    names = []
    with open(path) as f:
        for line in f:
            name = line.split("#", 1)[0].strip()
            if name:
                names.append(name)
    return names


def read_features(path: str, names: list[str]) -> tuple[list[str], np.ndarray]:
    """Payment ids and the float32 feature matrix (NaN for missing) from the featurizer's CSV."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        if header[:2] != ["line", "id"] or header[2:] != names:
            raise SystemExit(f"{path}: header does not match the feature list; re-run the featurizer")
        ids, rows = [], []
        for row in reader:
            ids.append(row[1])
            rows.append([float(x) if x else math.nan for x in row[2:]])
    return ids, np.asarray(rows, dtype=np.float32)


def read_labels(path: str) -> dict[str, dict]:
    """Labels by payment id."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            created = int(row["created"])
            fraud = int(row["fraud"])
            known = row.get("label_known_at") or ""
            out[row["id"]] = {
                "created": created,
                "fraud": fraud,
                "known_at": int(known) if known else (created if fraud else None),
                "true_fraud": int(row["true_fraud"]) if row.get("true_fraud") not in (None, "") else None,
                "pattern": row.get("pattern") or "",
            }
    return out


def pr_at(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    """Precision, recall and flag rate of ``p >= threshold``."""
    flagged = p >= threshold
    tp = int(np.sum(flagged & (y == 1)))
    n_flag = int(np.sum(flagged))
    positives = int(np.sum(y == 1))
    return {
        "flagged": n_flag,
        "flag_rate": round(n_flag / len(y), 5),
        "precision": round(tp / n_flag, 4) if n_flag else None,
        "recall": round(tp / positives, 4) if positives else None,
    }


def bootstrap_ci(y: np.ndarray, p: np.ndarray, seed: int, n: int = 200) -> dict:
    """95% bootstrap intervals (resampling held-out rows) for AUC and average precision."""
    rng = np.random.default_rng(seed)
    aucs, aps = [], []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        if 0 < y[idx].sum() < len(idx):
            aucs.append(roc_auc_score(y[idx], p[idx]))
            aps.append(average_precision_score(y[idx], p[idx]))
    q = lambda xs: [round(float(np.quantile(xs, 0.025)), 4), round(float(np.quantile(xs, 0.975)), 4)]  # noqa: E731
    return {"auc_95ci": q(aucs), "average_precision_95ci": q(aps), "resamples": n}


def main():
    """Command line entry point."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--features-csv", default=os.path.join(here, "data", "features.csv"))
    ap.add_argument("--labels", default=os.path.join(here, "data", "labels.csv"))
    ap.add_argument("--features", default=os.path.join(here, "features.txt"))
    ap.add_argument("--out-dir", default=os.path.join(here, "out"))
    ap.add_argument("--holdout-frac", type=float, default=0.2, help="share of (the latest) days held out")
    ap.add_argument("--trees", type=int, default=200)
    ap.add_argument("--max-depth", type=int, default=5)
    ap.add_argument("--eta", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--nthread", type=int, default=2, help="fixed for reproducible trees")
    args = ap.parse_args()

    names = read_feature_names(args.features)
    ids, X = read_features(args.features_csv, names)
    labels = read_labels(args.labels)
    missing = [i for i in ids if i not in labels]
    if missing:
        raise SystemExit(f"{len(missing)} featurised rows have no label (first: {missing[0]!r})")
    rows = [labels[i] for i in ids]
    created = np.array([r["created"] for r in rows], dtype=np.int64)

    # Time-based split on whole days: the latest holdout-frac of days are held out.
    day0 = int(created.min()) // DAY * DAY
    n_days = int(created.max() - day0) // DAY + 1
    split_day = int(round(n_days * (1 - args.holdout_frac)))
    split_time = day0 + split_day * DAY
    train = created < split_time
    test = ~train

    # Training labels: only what was known before the split. Held-out labels: the eventual truth.
    y_known = np.array([1 if r["fraud"] and r["known_at"] is not None and r["known_at"] < split_time else 0
                        for r in rows], dtype=np.int32)
    y_eventual = np.array([r["fraud"] for r in rows], dtype=np.int32)
    y_train, y_test = y_known[train], y_eventual[test]
    if y_train.sum() == 0 or y_test.sum() == 0:
        raise SystemExit("need fraud rows on both sides of the split")

    params = {
        "objective": "binary:logistic",
        "eval_metric": ["auc", "aucpr"],
        "tree_method": "hist",
        "max_depth": args.max_depth,
        "eta": args.eta,
        "subsample": 0.8,
        "colsample_bytree": 0.8,
        "min_child_weight": 3,
        "lambda": 1.0,
        "max_bin": 256,
        "seed": args.seed,
        "nthread": args.nthread,
    }
    dtrain = xgb.DMatrix(X[train], label=y_train, missing=np.nan, feature_names=names)
    dtest = xgb.DMatrix(X[test], label=y_test, missing=np.nan, feature_names=names)
    booster = xgb.train(params, dtrain, num_boost_round=args.trees, evals=[(dtrain, "train"), (dtest, "holdout")],
                        verbose_eval=50)

    os.makedirs(args.out_dir, exist_ok=True)
    model_path = os.path.join(args.out_dir, "default-model.json")
    booster.save_model(model_path)

    p_test = booster.predict(dtest)
    margin_test = booster.predict(dtest, output_margin=True)
    p_train = booster.predict(dtrain)

    # Calibration data: held-out margins and eventual labels (uniform sample if large).
    rng = np.random.default_rng(args.seed)
    order = np.arange(len(y_test))
    if len(order) > CALIBRATION_MAX_ROWS:
        order = np.sort(rng.choice(order, CALIBRATION_MAX_ROWS, replace=False))
    with open(os.path.join(args.out_dir, "calibration.csv"), "w", newline="") as f:
        f.write("margin,label\n")
        for i in order:
            f.write(f"{margin_test[i]:.5f},{y_test[i]}\n")

    # Metrics on the held-out days.
    test_rows = [r for r, t in zip(rows, test) if t]
    patterns = Counter(r["pattern"] for r in test_rows)
    cut = float(np.quantile(p_test, 1 - 0.01))
    recall_by_pattern = {}
    for pattern in sorted(patterns):
        mask = np.array([r["pattern"] == pattern for r in test_rows]) & (y_test == 1)
        if mask.sum():
            recall_by_pattern[pattern] = {"reported_fraud": int(mask.sum()),
                                          "recall_at_top_1pct": round(float(np.mean(p_test[mask] >= cut)), 4)}
    not_testing = np.array([r["pattern"] != "card_testing" for r in test_rows])
    if "card_testing" in patterns and not_testing.any() and y_test[not_testing].any():
        # Card-testing bursts are many easy rows; these figures show the model on everything else.
        recall_by_pattern["_without_card_testing"] = {
            "rows": int(not_testing.sum()),
            "reported_fraud": int(y_test[not_testing].sum()),
            "auc": round(float(roc_auc_score(y_test[not_testing], p_test[not_testing])), 4),
            "average_precision": round(float(average_precision_score(y_test[not_testing], p_test[not_testing])), 4),
        }
    true_fraud = [r["true_fraud"] for r in test_rows]
    importance = booster.get_score(importance_type="total_gain")
    total_gain = sum(importance.values()) or 1.0

    metrics = {
        "model": "default-model.json",
        "xgboost_version": xgb.__version__,
        "numpy_version": np.__version__,
        "scikit_learn_version": sklearn.__version__,
        "python_version": platform.python_version(),
        "seed": args.seed,
        "params": {k: v for k, v in params.items() if k != "eval_metric"},
        "num_trees": args.trees,
        "features": names,
        "split": {
            "first_day": datetime.fromtimestamp(day0, timezone.utc).date().isoformat(),
            "days": n_days,
            "train_days": split_day,
            "holdout_days": n_days - split_day,
            "split_time": split_time,
            "split_date": datetime.fromtimestamp(split_time, timezone.utc).date().isoformat(),
            "train_labels": "fraud only if known before split_time",
            "holdout_labels": "eventual reported fraud",
        },
        "rows": {
            "train": int(train.sum()),
            "train_fraud_known": int(y_train.sum()),
            "train_fraud_eventual": int(y_eventual[train].sum()),
            "holdout": int(test.sum()),
            "holdout_fraud": int(y_test.sum()),
        },
        "holdout": {
            "fraud_base_rate": round(float(y_test.mean()), 5),
            "auc": round(float(roc_auc_score(y_test, p_test)), 4),
            "average_precision": round(float(average_precision_score(y_test, p_test)), 4),
            **bootstrap_ci(y_test, p_test, args.seed),
            "by_threshold": {str(t): pr_at(y_test, p_test, t) for t in THRESHOLDS},
            "by_alert_rate": {
                str(rate): {"threshold": round(float(np.quantile(p_test, 1 - rate)), 5),
                            **pr_at(y_test, p_test, float(np.quantile(p_test, 1 - rate)))}
                for rate in ALERT_RATES
            },
            "recall_by_pattern": recall_by_pattern,
        },
        "train": {
            "auc_vs_known_labels": round(float(roc_auc_score(y_train, p_train)), 4),
        },
        "feature_gain_share": {k: round(v / total_gain, 4)
                               for k, v in sorted(importance.items(), key=lambda kv: -kv[1])},
        "calibration": {"file": "calibration.csv", "rows": int(len(order)), "columns": ["margin", "label"],
                        "source": "held-out days: raw margins (log-odds, base score included) and eventual labels"},
        "model_bytes": os.path.getsize(model_path),
    }
    if all(t is not None for t in true_fraud):
        tf = np.array(true_fraud, dtype=np.int32)
        metrics["holdout"]["auc_vs_true_fraud"] = round(float(roc_auc_score(tf, p_test)), 4)
        metrics["holdout"]["true_fraud_rate"] = round(float(tf.mean()), 5)
    with open(os.path.join(args.out_dir, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    h = metrics["holdout"]
    print(f"holdout: AUC {h['auc']}  AP {h['average_precision']}  base rate {h['fraud_base_rate']}  "
          f"rows {metrics['rows']}  model {metrics['model_bytes']} bytes")


if __name__ == "__main__":
    main()
