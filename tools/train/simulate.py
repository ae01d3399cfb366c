#!/usr/bin/env python3
"""Seeded simulator of card payments, for training Ward's default model.

It simulates a platform with a few hundred merchants over a warm-up period plus the emitted
period (60 days by default) and writes:

* ``evaluations.jsonl``: one Ward ``Evaluation`` per line, ``{"payment": {...}, "context": {...}}``,
  in Stripe field names, exactly what a caller would send to the engine;
* ``labels.csv``: one row per evaluation (``id``, ``created``, ``fraud``, ``label_known_at``, plus
  simulator-only columns such as ``true_fraud`` and ``pattern``);
* ``summary.json``: counts by pattern and outcome.

Context attributes are computed the way a server would compute them: from the simulated event
history strictly before the payment (the payment itself is excluded), and fraud knowledge
(disputes, early fraud warnings, merchant fraud flags) only once it would have arrived.

Traffic is a mix of ordinary buyers (including travellers, expats, VPN users, households and
offices sharing an IP, high spenders, password-manager users, gift shipping, subscriptions) and
four fraud patterns: card testing, stolen cards, account takeover and friendly fraud. The same
seed gives the same files, byte for byte.

This is simulated data. It encodes assumptions about fraud, not observations of real traffic.

The simulation lives in the ``sim`` package next to this script (see ``sim/__init__.py``); this file
is its command line.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter

from sim.constants import DAY, EMIT_START
from sim.replay import Replay
from sim.world import World


def main():
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(os.path.dirname(__file__), "data"))
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--days", type=int, default=60, help="emitted days")
    ap.add_argument("--warmup-days", type=int, default=30, help="days simulated before emitting, to fill history")
    ap.add_argument("--merchants", type=int, default=300)
    ap.add_argument("--cardholders", type=int, default=100000)
    args = ap.parse_args()

    world = World(args.seed, args.days, args.warmup_days, args.merchants, args.cardholders)
    attempts = world.generate()
    replay = Replay(world, args.out_dir)
    replay.run(attempts)

    by_kind = Counter()
    for (kind, status, reported), n in replay.stats.items():
        by_kind[kind] += n
    total = sum(by_kind.values())
    reported = sum(n for (k, s, r), n in replay.stats.items() if r == "reported")
    summary = {
        "seed": args.seed, "days": args.days, "warmup_days": args.warmup_days, "merchants": args.merchants,
        "cardholders": args.cardholders, "payments": total,
        "emitted_from": EMIT_START, "emitted_until": EMIT_START + args.days * DAY,
        "by_pattern": dict(sorted(by_kind.items())),
        "true_fraud_rate": round(1 - by_kind["legit"] / total, 5),
        "reported_fraud_rate": round(reported / total, 5),
        "by_pattern_outcome": {f"{k}/{s}/{r}": n for (k, s, r), n in sorted(replay.stats.items())},
    }
    with open(os.path.join(args.out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(json.dumps({k: summary[k] for k in ("payments", "by_pattern", "true_fraud_rate", "reported_fraud_rate")}))


if __name__ == "__main__":
    main()
