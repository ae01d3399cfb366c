"""Fraud traffic: when, where and against whom card testing, stolen-card sessions and account
takeovers are attempted (``World`` methods; the payments themselves are built in ``fraud_payments``)."""

from __future__ import annotations

from .constants import (COUNTRY, DAY, GIFT_VALUES, HOUR, LEGIT_HOURS, RING_COUNTRIES, UA_BOT, UA_DESKTOP,
                        UA_MOBILE, VICTIM_COUNTRIES)
from .entities import Attempt
from .randomness import lognormal, poisson, weighted


class FraudAttempts:
    """The fraud half of ``World.generate``: the four fraud patterns' attempts.

    A mixin of ``World``: it uses the world's generator, population, IPs and addresses (``rng``,
    ``merchants``, ``cardholders``, ``vpn_exits``, ``_new_ip``, ``local_time``, ``fraud_email``...).
    """

    def _generate_card_testing(self, out: list[Attempt]):
        """Bursts of small charges on many fresh cards against weakly protected merchants."""
        rng = self.rng
        targets = [(m, (3 if m.category in ("donations", "digital_goods") else 1 if m.category in ("saas", "marketplace", "gift_cards") else 0.15)
                    * (0.3 if m.three_ds > 0.3 else 1.0)) for m in self.merchants]
        n_attacks = poisson(rng, 0.38 * self.days_total)
        for _ in range(n_attacks):
            m = weighted(rng, targets)
            start = self.start + rng.randint(0, self.days_total * DAY - 1)
            # A quarter of the attacks are stealthy: slow, spread over residential IPs, human-paced.
            stealth = rng.random() < 0.25
            if stealth:
                duration = rng.uniform(6, 48) * HOUR
                n = int(min(80, max(6, lognormal(rng, 18, 0.6))))
                ip_mode = "rotating"
            else:
                duration = min(6 * HOUR, max(5 * 60, lognormal(rng, 50 * 60, 0.8)))
                n = int(min(220, max(6, lognormal(rng, 32, 0.75))))
                ip_mode = weighted(rng, [("single", 40), ("pool", 35), ("rotating", 25)])
            dump_country = weighted(rng, VICTIM_COUNTRIES)
            attack = {
                "ip_mode": ip_mode,
                "email_mode": weighted(rng, [("fixed", 35), ("random", 45), ("none", 20)]),
                "dump_country": dump_country,
                "ua": rng.choice(UA_BOT + UA_DESKTOP[:2]) if rng.random() < 0.5 else rng.choice(UA_DESKTOP + UA_MOBILE),
                "webdriver": rng.random() < 0.45,
                "amount_fixed": rng.choice([0.5, 1.0, 1.0, 2.0, 5.0]) if rng.random() < 0.45 else None,
                "billing_mode": weighted(rng, [("postal", 50), ("full", 30), ("none", 20)]),
                "cards": [], "ips": [], "email": None, "end": start + int(duration), "stealth": stealth,
            }
            if stealth:
                attack.update(email_mode="random", webdriver=False, amount_fixed=None, billing_mode="full",
                              ua=rng.choice(UA_DESKTOP + UA_MOBILE))
            ring_country = weighted(rng, RING_COUNTRIES)
            if ip_mode == "single":
                attack["ips"] = [rng.choice(self.vpn_exits + self.tor_exits) if rng.random() < 0.6
                                 else self._new_ip(ring_country, rng.choice(COUNTRY[ring_country][4]), "cable/dsl")]
            elif ip_mode == "pool":
                attack["ips"] = [rng.choice(self.vpn_exits) if rng.random() < 0.5 else
                                 self._new_ip(dump_country, rng.choice(COUNTRY[dump_country][4]), "cable/dsl")
                                 for _ in range(rng.randint(3, 12))]
            if attack["email_mode"] == "fixed":
                attack["email"] = self.fraud_email("disposable" if rng.random() < 0.5 else "random")
            times = sorted(start + int(rng.uniform(0, duration)) for _ in range(n))
            for t in times:
                if self.start <= t < self.end:
                    out.append(Attempt(t, "card_testing", m, 0.0, session=attack))

    def _make_ring(self, idx: int) -> dict:
        rng = self.rng
        country = weighted(rng, RING_COUNTRIES)
        skill = rng.random()
        return {
            "index": idx, "country": country, "skill": skill,
            "p_anon": 0.65 * (1 - skill) + 0.05, "p_proxy": 0.75 * skill, "p_fullz": 0.3 + 0.6 * skill,
            "home_ips": [self._new_ip(country, rng.choice(COUNTRY[country][4]), "cable/dsl") for _ in range(3)],
            "utc": rng.choice(COUNTRY[country][4])[4], "emails": [], "inventory": [],
            "drops_home": [self.random_address(country) for _ in range(3)],
            "activity": lognormal(rng, 1.0, 0.7),
        }

    def _generate_stolen(self, out: list[Attempt]):
        """Sessions of a ring using one stolen card at one to three resellable-goods merchants."""
        rng = self.rng
        self.rings = [self._make_ring(i) for i in range(26)]
        ring_weights = [(r, r["activity"]) for r in self.rings]
        attractive = {"electronics": 5, "gift_cards": 5, "luxury": 3, "travel": 3, "fashion": 1.5,
                      "marketplace": 1.5, "digital_goods": 1.5}
        targets = [(m, attractive.get(m.category, 0.1) * (0.5 if m.three_ds > 0.3 else 1.0)) for m in self.merchants]
        for _ in range(poisson(rng, 8.0 * self.days_total)):
            ring = weighted(rng, ring_weights)
            day_start = self.start + rng.randint(0, self.days_total - 1) * DAY
            # Rings work in their own daytime, though some keep night hours.
            t = self.local_time(day_start, ring["utc"], LEGIT_HOURS if rng.random() < 0.7 else list(reversed(LEGIT_HOURS)))
            session = {"ring": ring, "card": None, "email": None, "ip": None, "ua": None, "billing": None,
                       "drop": None, "fullz": rng.random() < ring["p_fullz"], "customer": None}
            for _ in range(weighted(rng, [(1, 55), (2, 30), (3, 15)])):
                m = weighted(rng, targets)
                usd = max(5.0, lognormal(rng, m.cat["median"] * 1.6, 0.7))
                if m.category == "gift_cards":
                    usd = float(rng.choice(GIFT_VALUES[2:]))
                if self.start <= t < self.end:
                    out.append(Attempt(t, "stolen_card", m, usd, session=session, ship_choice=rng.random()))
                t += rng.randint(60, 40 * 60)

    def _generate_ato(self, out: list[Attempt]):
        """Account takeovers: a known customer's account used from a new device and place."""
        rng = self.rng
        pool = [(m, chid) for m in self.merchants if m.category in ("electronics", "fashion", "marketplace",
                                                                        "gift_cards", "luxury", "digital_goods", "travel", "food_delivery")
                for chid, c in m.customers.items() if c is not None]
        if not pool:
            return
        for _ in range(poisson(rng, 2.5 * self.days_total)):
            m, chid = rng.choice(pool)
            ch = self.cardholders[chid]
            cust = m.customers[chid]
            t = self.start + rng.randint(0, self.days_total * DAY - 1)
            if cust.created > t - 3 * DAY:
                continue
            ring = rng.choice(self.rings)
            session = {"ring": ring, "victim": ch, "customer": cust, "ip": None, "ua": rng.choice(UA_DESKTOP + UA_MOBILE),
                       "new_card": rng.random() < 0.4, "card": None, "drop": None,
                       "email": ch.email if rng.random() < 0.7 else self.fraud_email("name")}
            for k in range(weighted(rng, [(1, 50), (2, 30), (3, 20)])):
                usd = max(10.0, lognormal(rng, m.cat["median"] * 2.5, 0.6))
                if self.start <= t < self.end:
                    out.append(Attempt(t, "account_takeover", m, usd, session=session, ship_choice=rng.random()))
                t += rng.randint(60, 30 * 60)
