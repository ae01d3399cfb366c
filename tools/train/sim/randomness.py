"""The random draws the simulation is built from."""

from __future__ import annotations

import math
import random


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def weighted(rng: random.Random, pairs):
    """Picks a value from ``[(value, weight), ...]``."""
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights=weights)[0]


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A log-normal draw with the given median."""
    return median * math.exp(rng.gauss(0.0, sigma))
