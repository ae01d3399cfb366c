"""Fraud payments: what a card-testing probe, a stolen-card purchase and an account-takeover purchase
look like (``Replay`` methods; when they happen is planned in ``fraud_attempts``)."""

from __future__ import annotations

from .constants import (COUNTRY, CURRENCIES, DAY, EMIT_START, FIRST_NAMES, LAST_NAMES, UA_DESKTOP, UA_MOBILE,
                        VICTIM_COUNTRIES)
from .entities import Attempt, Customer
from .randomness import lognormal, weighted
from .units import month_offset, to_minor


class FraudPayments:
    """Materialises fraud attempts into payments.

    A mixin of ``Replay``: it uses the replay's generator and world (``rng``, ``w``), the cards that
    card testing validated (``validated``) and the shared payment parts (``base_payment``, ``checks``,
    ``three_ds``, ``client_json``). Each method returns what ``Replay.process`` expects.
    """

    def card_testing(self, a: Attempt):
        """One probe of a card-testing burst."""
        rng, w, m, s = self.rng, self.w, a.merchant, a.session
        if s["cards"] and rng.random() < 0.12:
            card = rng.choice(s["cards"])  # same number, another guess at CVC or expiry
        else:
            card = w.new_card(s["dump_country"], None, months_lo=-8, months_hi=50, prepaid_boost=2.5)
            s["cards"].append(card)
        currency = m.currency
        usd = s["amount_fixed"] or round(rng.uniform(3.0, 25.0) if s["stealth"] else rng.uniform(0.5, 6.0), 2)
        exponent, rate = CURRENCIES[currency]
        amount = max(1, int(round(usd / rate * 10**exponent)))
        if exponent == 0:
            amount = max(10, int(round(usd / rate / 10)) * 10)
        p = self.base_payment(a, amount, currency)
        billing = None
        if s["billing_mode"] != "none":
            addr = w.random_address(s["dump_country"]) if rng.random() < 0.8 else w.random_address(weighted(rng, VICTIM_COUNTRIES))
            billing = addr.json(m.geocodes, full=s["billing_mode"] == "full")
            p["billing_details"] = {"name": f"{rng.choice(FIRST_NAMES).title()} {rng.choice(LAST_NAMES).title()}",
                                    "address": billing}
        card_json = card.json()
        card_json["checks"] = self.checks(card, billing, [("pass", 45), ("fail", 35), ("unavailable", 12), ("unchecked", 8)],
                                          [("pass", 40), ("fail", 40), ("unavailable", 20)], False)
        expired = (card.exp_year, card.exp_month) < month_offset((a.t - EMIT_START) // (30 * DAY))[::-1]
        tds = self.three_ds(m, [("failed", 60), ("authenticated", 5), ("attempt_acknowledged", 10), ("processing_error", 25)])
        if tds:
            card_json["three_d_secure"] = tds
        p["payment_method_details"] = {"type": "card", "card": card_json}
        if s["ip_mode"] == "rotating":
            ip = w._new_ip(s["dump_country"], rng.choice(COUNTRY[s["dump_country"]][4]), "cable/dsl",
                           anonymous=rng.random() < (0.05 if s["stealth"] else 0.2))
        else:
            ip = rng.choice(s["ips"])
        email = s["email"]
        if s["email_mode"] == "random":
            styles = [("name", 80), ("random", 20)] if s["stealth"] else [("random", 60), ("disposable", 25), ("name", 15)]
            email = w.fraud_email(weighted(rng, styles))
        if email is not None:
            p["receipt_email"] = email
        signals = {"time_on_page_ms": int(lognormal(rng, 4.0, 0.6) * 1000), "card_number_pasted": rng.random() < 0.9,
                   "webdriver": s["webdriver"]}
        if s["stealth"]:
            signals.update(time_on_page_ms=int(lognormal(rng, 30, 0.6) * 1000), card_number_pasted=rng.random() < 0.5)
        if "python-requests" in s["ua"]:
            signals = None
        p["client"] = self.client_json(m, ip, s["ua"], signals)
        decline_p = 0.99 if expired else 0.62
        if card_json["checks"].get("cvc_check") == "fail" or (tds and tds["result"] in ("failed", "processing_error")):
            decline_p = 0.97
        codes = [("expired_card", 100)] if expired else [("incorrect_cvc", 30), ("card_declined", 25), ("generic_decline", 20),
                                                          ("insufficient_funds", 10), ("do_not_honor", 10), ("fraudulent", 5)]
        return p, card, ip, email, None, "card_testing", decline_p, codes, s

    def fraud_ip(self, ring: dict, card_country: str) -> str:
        """Where a fraudster connects from: anonymiser, a proxy in the card's country, or home."""
        rng, w = self.rng, self.w
        r = rng.random()
        if r < ring["p_anon"]:
            return rng.choice(w.tor_exits if rng.random() < 0.15 else w.vpn_exits)
        if r < ring["p_anon"] + ring["p_proxy"] * (1 - ring["p_anon"]):
            return w._new_ip(card_country, rng.choice(COUNTRY[card_country][4]),
                             rng.choice(["cable/dsl", "cellular"]), anonymous=rng.random() < 0.15)
        return rng.choice(ring["home_ips"])

    def stolen(self, a: Attempt):
        """A purchase with a stolen card, by a ring."""
        rng, w, m, s = self.rng, self.w, a.merchant, a.session
        ring = s["ring"]
        if s["card"] is None:
            if self.validated and rng.random() < 0.3:
                s["card"] = self.validated.pop(rng.randrange(len(self.validated)))
            elif ring["inventory"] and rng.random() < 0.3:
                s["card"] = rng.choice(ring["inventory"])
            else:
                country = weighted(rng, VICTIM_COUNTRIES)
                if rng.random() < 0.7 and w.by_country.get(country):
                    victim = w.cardholders[rng.choice(w.by_country[country])]
                    s["card"] = victim.cards[0]
                else:
                    s["card"] = w.new_card(country, None)
                ring["inventory"].append(s["card"])
            card = s["card"]
            owner = w.cardholders[card.owner] if card.owner is not None else None
            if s["fullz"]:
                s["billing"] = owner.address if owner else w.random_address(card.country)
                s["name"] = (owner.first, owner.last) if owner else (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            else:
                s["billing"] = w.random_address(card.country if rng.random() < 0.65 else ring["country"])
                s["name"] = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if ring["emails"] and rng.random() < 0.3:
                s["email"] = rng.choice(ring["emails"])
            else:
                style = "name" if rng.random() < ring["skill"] else weighted(rng, [("random", 70), ("disposable", 30)])
                s["email"] = w.fraud_email(style, *s["name"]) if style == "name" else w.fraud_email(style)
                ring["emails"].append(s["email"])
            s["ip"] = self.fraud_ip(ring, card.country)
            s["ua"] = rng.choice(UA_DESKTOP + UA_MOBILE)
            if rng.random() < 0.45:
                s["drop"] = rng.choice(ring["drops_home"])
            else:
                s["drop"] = w.random_address(card.country)
        card = s["card"]
        currency = m.currency
        p = self.base_payment(a, to_minor(a.usd, currency, rng), currency)
        billing = s["billing"].json(m.geocodes, full=m.full_billing)
        name = f"{s['name'][0].title()} {s['name'][1].title()}"
        p["billing_details"] = {"name": name, "address": billing}
        if m.cat["ships"]:
            p["shipping"] = {"name": name if rng.random() < 0.6 else f"{rng.choice(FIRST_NAMES).title()} {rng.choice(LAST_NAMES).title()}",
                             "address": (s["billing"] if a.ship_choice < 0.15 else s["drop"]).json(m.geocodes)}
        card_json = card.json()
        zip_w = [("pass", 90), ("fail", 3), ("unavailable", 7)] if s["fullz"] else [("pass", 25), ("fail", 55), ("unavailable", 20)]
        card_json["checks"] = self.checks(card, billing, [("pass", 84), ("fail", 6), ("unavailable", 6), ("unchecked", 4)], zip_w, False)
        decline_p = 0.18
        tds = self.three_ds(m, [("authenticated", 15), ("failed", 50), ("attempt_acknowledged", 10), ("exempted", 10),
                                ("processing_error", 15)])
        if tds:
            card_json["three_d_secure"] = tds
            if tds["result"] in ("failed", "processing_error"):
                decline_p = 0.95
        if card_json["checks"].get("cvc_check") == "fail":
            decline_p = 0.8
        p["payment_method_details"] = {"type": "card", "card": card_json}
        if s["email"]:
            p["receipt_email"] = s["email"]
        if m.cat["customers"] > 0.5 and rng.random() < 0.55:
            if s.get("customer") is None or s["customer_merchant"] != m.acct:
                s["customer"] = Customer("cus_" + w.ids.token(14), a.t - rng.randint(20, 600), s["email"], 0, 0.0)
                s["customer_merchant"] = m.acct
            p["customer"] = s["customer"].id
            p["customer_details"] = {"created": s["customer"].created, "email": s["email"]}
        cust = p.get("customer") and s["customer"]
        signals = {"time_on_page_ms": int(lognormal(rng, 28, 0.7) * 1000),
                   "card_number_pasted": rng.random() < 0.2 + 0.6 * (1 - ring["skill"]), "webdriver": rng.random() < 0.03}
        p["client"] = self.client_json(m, s["ip"], s["ua"], signals)
        codes = [("fraudulent", 25), ("stolen_card", 10), ("lost_card", 5), ("do_not_honor", 25), ("generic_decline", 25),
                 ("insufficient_funds", 10)]
        return p, card, s["ip"], s["email"], cust or None, "stolen_card", decline_p, codes, s

    def ato(self, a: Attempt):
        """A purchase through a taken-over customer account."""
        rng, w, m, s = self.rng, self.w, a.merchant, a.session
        ring, victim, cust = s["ring"], s["victim"], s["customer"]
        if s["card"] is None:
            if s["new_card"]:
                country = weighted(rng, VICTIM_COUNTRIES)
                s["card"] = w.new_card(country, None)
            else:
                s["card"] = victim.cards[0]
            s["ip"] = self.fraud_ip(ring, victim.country)
            s["drop"] = rng.choice(ring["drops_home"]) if rng.random() < 0.5 else w.random_address(victim.country)
        card = s["card"]
        currency = m.currency
        p = self.base_payment(a, to_minor(a.usd, currency, rng), currency)
        billing = victim.address.json(m.geocodes, full=m.full_billing)
        name = f"{victim.first.title()} {victim.last.title()}"
        p["billing_details"] = {"name": name, "address": billing}
        if m.cat["ships"]:
            p["shipping"] = {"name": name, "address": (victim.address if a.ship_choice < 0.15 else s["drop"]).json(m.geocodes)}
        card_json = card.json()
        zip_w = [("pass", 90), ("fail", 3), ("unavailable", 7)] if not s["new_card"] else [("pass", 30), ("fail", 50), ("unavailable", 20)]
        card_json["checks"] = self.checks(card, billing, [("pass", 88), ("fail", 4), ("unavailable", 5), ("unchecked", 3)],
                                          zip_w, not s["new_card"])
        decline_p = 0.12
        tds = self.three_ds(m, [("authenticated", 20), ("failed", 45), ("attempt_acknowledged", 10), ("exempted", 15),
                                ("processing_error", 10)])
        if tds:
            card_json["three_d_secure"] = tds
            if tds["result"] in ("failed", "processing_error"):
                decline_p = 0.95
        p["payment_method_details"] = {"type": "card", "card": card_json}
        p["receipt_email"] = s["email"]
        p["customer"] = cust.id
        p["customer_details"] = {"created": cust.created, "email": cust.email}
        signals = {"time_on_page_ms": int(lognormal(rng, 30, 0.7) * 1000),
                   "card_number_pasted": s["new_card"] and rng.random() < 0.7, "webdriver": rng.random() < 0.02}
        p["client"] = self.client_json(m, s["ip"], s["ua"], signals)
        codes = [("fraudulent", 20), ("do_not_honor", 30), ("generic_decline", 35), ("insufficient_funds", 15)]
        return p, card, s["ip"], s["email"], cust, "account_takeover", decline_p, codes, s
