"""Money and calendar conversions: USD to a currency's minor units and back, months to card expiry dates."""

from __future__ import annotations

import math
import random

from .constants import CURRENCIES


def month_offset(months: int) -> tuple[int, int]:
    """(month, year) that is ``months`` after September 2026."""
    index = 2026 * 12 + 8 + months
    return index % 12 + 1, index // 12


def to_minor(usd: float, currency: str, rng: random.Random, price_like: bool = True) -> int:
    """Converts a USD amount to the currency's minor units, rounded the way prices are."""
    exponent, rate = CURRENCIES[currency]
    major = usd / rate
    if exponent == 0:
        return max(1, int(round(major / 10.0)) * 10)
    if price_like and major >= 5:
        r = rng.random()
        if r < 0.35:
            major = math.floor(major) + 0.99
        elif r < 0.65:
            major = float(round(major))
    return max(50, int(round(major * 10**exponent)))


def usd_of(amount: int, currency: str) -> float:
    """Minor units of a currency converted to US dollars (the engine's standard rates)."""
    exponent, rate = CURRENCIES[currency]
    return amount / 10**exponent * rate
