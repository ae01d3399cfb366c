"""The server's view of history: counters over past payments and the context attributes derived from them."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict

from .constants import DAY, HOUR
from .entities import Customer


def count_since(times: list[int], since: int) -> int:
    """How many of the sorted ``times`` are at or after ``since``."""
    return len(times) - bisect.bisect_left(times, since)


def distinct_since(pairs: list[tuple[int, str]], since: int, cap: int = 25) -> int:
    """Distinct keys among ``(time, key)`` pairs at or after ``since`` (bounded like Radar's counters)."""
    seen = set()
    for i in range(len(pairs) - 1, -1, -1):
        t, key = pairs[i]
        if t < since:
            break
        seen.add(key)
        if len(seen) >= cap:
            break
    return len(seen)


class History:
    """What the platform knows, updated payment by payment and label by label."""

    def __init__(self, seeds: dict):
        self.card_times = defaultdict(list)
        self.card_declines = defaultdict(list)
        self.card_first = dict(seeds["card_first"])
        self.card_success = dict(seeds["card_success"])
        self.card_disputes = Counter()
        self.card_efws = Counter()
        self.ip_times = defaultdict(list)
        self.ip_declines = defaultdict(list)
        self.ip_cards = defaultdict(list)
        self.email_first = dict(seeds["email_first"])
        self.email_times = defaultdict(list)
        self.email_cards = defaultdict(list)
        self.cust_times = defaultdict(list)
        self.cust_success = {}
        self.merchant_times = defaultdict(list)
        self.merchant_fraud = defaultdict(list)

    def context(self, t: int, fp: str, ip: str | None, email: str | None, cust: Customer | None, merchant: str) -> dict:
        """Context attributes for a payment at ``t``, from history strictly before it."""
        h, d, w = t - HOUR, t - DAY, t - 7 * DAY
        ctx = {
            "total_charges_per_card_number_hourly": count_since(self.card_times[fp], h),
            "total_charges_per_card_number_daily": count_since(self.card_times[fp], d),
            "total_charges_per_card_number_weekly": count_since(self.card_times[fp], w),
            "declined_charges_per_card_number_daily": count_since(self.card_declines[fp], d),
            "dispute_count_on_card_number_all_time": min(25, self.card_disputes[fp]),
            "efw_count_on_card_all_time": min(25, self.card_efws[fp]),
        }
        if fp in self.card_first:
            ctx["seconds_since_card_first_seen"] = t - self.card_first[fp]
        if fp in self.card_success:
            ctx["seconds_since_first_successful_auth_on_card"] = t - self.card_success[fp]
        if ip is not None:
            ctx.update({
                "total_charges_per_ip_address_hourly": count_since(self.ip_times[ip], h),
                "total_charges_per_ip_address_daily": count_since(self.ip_times[ip], d),
                "declined_charges_per_ip_address_daily": count_since(self.ip_declines[ip], d),
                "card_count_for_ip_address_hourly": distinct_since(self.ip_cards[ip], h),
                "card_count_for_ip_address_daily": distinct_since(self.ip_cards[ip], d),
            })
        if email is not None:
            ctx.update({
                "total_charges_per_email_hourly": count_since(self.email_times[email], h),
                "total_charges_per_email_daily": count_since(self.email_times[email], d),
                "card_count_for_email_daily": distinct_since(self.email_cards[email], d),
                "card_count_for_email_weekly": distinct_since(self.email_cards[email], w),
            })
            if email in self.email_first:
                ctx["seconds_since_email_first_seen"] = t - self.email_first[email]
        if cust is not None:
            times = self.cust_times[cust.id]
            ctx["customer_charge_count_7d"] = count_since(times, w)
            ctx["customer_charge_count_30d"] = count_since(times, t - 30 * DAY)
            n, total = self.cust_success.get(cust.id, (cust.seed_n, cust.seed_usd))
            if n > 0:
                ctx["average_usd_amount_successful_on_customer_all_time"] = round(total / n, 2)
        charges = count_since(self.merchant_times[merchant], t - 30 * DAY)
        if charges > 0:
            known = count_since(self.merchant_fraud[merchant], t - 30 * DAY)
            ctx["merchant_fraud_rate_30d"] = round(known / charges, 6)
            ctx["merchant_charge_count_1d"] = count_since(self.merchant_times[merchant], d)
        return ctx

    def record(self, t: int, fp: str, ip: str | None, email: str | None, cust: Customer | None, merchant: str,
               usd: float, authorized: bool):
        """Adds a processed payment to history."""
        self.card_times[fp].append(t)
        self.card_first.setdefault(fp, t)
        if authorized:
            self.card_success.setdefault(fp, t)
        else:
            self.card_declines[fp].append(t)
        if ip is not None:
            self.ip_times[ip].append(t)
            self.ip_cards[ip].append((t, fp))
            if not authorized:
                self.ip_declines[ip].append(t)
        if email is not None:
            self.email_times[email].append(t)
            self.email_cards[email].append((t, fp))
            self.email_first.setdefault(email, t)
        if cust is not None:
            self.cust_times[cust.id].append(t)
            cust.cards.add(fp)
            if authorized:
                n, total = self.cust_success.get(cust.id, (cust.seed_n, cust.seed_usd))
                self.cust_success[cust.id] = (n + 1, total + usd)
        self.merchant_times[merchant].append(t)
