"""The replay: attempts processed in time order as the platform sees them, with their context, outcome and
labels, written to the output files."""

from __future__ import annotations

import bisect
import csv
import heapq
import json
import os
import random
from collections import Counter

from .constants import COUNTRIES, COUNTRY, DAY, EMIT_START, HOUR, STREETS, UA_MOBILE
from .entities import Address, Attempt, Card, Cardholder, Merchant
from .fraud_payments import FraudPayments
from .history import History
from .randomness import lognormal, weighted
from .units import to_minor, usd_of
from .world import World


CONTEXT_DROP_RATE = 0.05
"""Share of context attributes left out, at random, as a caller without that counter would."""


class Replay(FraudPayments):
    """Processes attempts in time order, as the platform would see them, and writes the outputs."""

    def __init__(self, world: World, out_dir: str):
        self.w = world
        self.rng = random.Random(world.seed * 7919 + 1)
        # A separate stream, so dropping context does not change the simulated payments themselves.
        self.drop_rng = random.Random(world.seed * 104729 + 3)
        self.hist = History(world.seeds)
        self.heap: list = []
        self.seq = 0
        self.n_payments = 0
        self.out_dir = out_dir
        self.stats = Counter()
        self.validated: list[Card] = []

    def push(self, t: int, priority: int, item):
        """Queues an event (labels before payments at the same second)."""
        self.seq += 1
        heapq.heappush(self.heap, (t, priority, self.seq, item))

    def run(self, attempts: list[Attempt]):
        """Replays everything and writes ``evaluations.jsonl`` and ``labels.csv``."""
        for a in attempts:
            self.push(a.t, 1, a)
        os.makedirs(self.out_dir, exist_ok=True)
        with open(os.path.join(self.out_dir, "evaluations.jsonl"), "w") as ev, \
                open(os.path.join(self.out_dir, "labels.csv"), "w", newline="") as lf:
            labels = csv.writer(lf, lineterminator="\n")
            labels.writerow(["id", "created", "fraud", "label_known_at", "true_fraud", "pattern", "status",
                             "decline_code", "merchant"])
            while self.heap:
                t, priority, _, item = heapq.heappop(self.heap)
                if priority == 0:
                    self.apply_label(t, item)
                    continue
                record = self.process(item)
                if record is None or t < EMIT_START:
                    continue
                evaluation, label_row = record
                ev.write(json.dumps(evaluation, separators=(",", ":")))
                ev.write("\n")
                labels.writerow(label_row)

    # -- labels -------------------------------------------------------------------------------

    def schedule_labels(self, t, kind, card: Card, merchant: str, authorized: bool, decline_code: str | None,
                        session) -> int | None:
        """Decides which fraud reports a payment gets and when; returns when its label is known."""
        rng = self.rng
        efw = dispute = flag = None
        if kind == "card_testing":
            if session.get("flag_at") is None:
                session["flag_at"] = session["end"] + int(rng.uniform(1, 36) * HOUR) if rng.random() < 0.85 else -1
            if session["flag_at"] > 0:
                flag = max(session["flag_at"], t + 60)
            if authorized and rng.random() < 0.3:
                efw = t + int(lognormal(rng, 4, 0.5) * DAY)
        elif kind == "stolen_card":
            if authorized:
                if rng.random() < 0.55:
                    efw = t + int(lognormal(rng, 4, 0.6) * DAY)
                if rng.random() < 0.75:
                    dispute = t + int(lognormal(rng, 24, 0.45) * DAY)
            elif decline_code in ("stolen_card", "lost_card", "fraudulent", "pickup_card"):
                flag = t + 60
        elif kind == "account_takeover":
            if authorized:
                if rng.random() < 0.4:
                    efw = t + int(lognormal(rng, 5, 0.5) * DAY)
                if rng.random() < 0.8:
                    dispute = t + int(lognormal(rng, 12, 0.5) * DAY)
        elif kind == "friendly_fraud":
            dispute = t + int(lognormal(rng, 35, 0.35) * DAY)
        known = min([x for x in (efw, dispute, flag) if x is not None], default=None)
        close_card = kind in ("stolen_card", "account_takeover") and card.owner is not None
        if known is not None and known < self.w.end:
            self.push(known, 0, ("known", merchant, t))
        if efw is not None and efw < self.w.end:
            self.push(efw, 0, ("efw", card, close_card))
        if dispute is not None and dispute < self.w.end:
            self.push(dispute, 0, ("dispute", card, close_card))
        return known

    def apply_label(self, t: int, item):
        """A fraud report arrives: counters move, and the owner of a stolen card gets a new one."""
        what = item[0]
        if what == "known":
            _, merchant, created = item
            bisect.insort(self.hist.merchant_fraud[merchant], created)
            return
        _, card, close_card = item
        (self.hist.card_efws if what == "efw" else self.hist.card_disputes)[card.fp] += 1
        if close_card and card.closed_at is None:
            card.closed_at = t
            owner = self.w.cardholders[card.owner]
            for i, c in enumerate(owner.cards):
                if c is card:
                    owner.cards[i] = self.w.new_card(card.country, owner.id)

    # -- one attempt ----------------------------------------------------------------------------

    def client_json(self, m: Merchant, ip: str, ua: str, signals: dict | None) -> dict:
        """The ``client`` object: IP, its geolocation, user agent and checkout signals."""
        country, city, lat, lon, anon, conn, isp = self.w.ips[ip]
        out = {"ip_address": ip, "ip_country": country,
               "ip_address_location": {"city": city, "country": country, "latitude": round(lat, 4),
                                       "longitude": round(lon, 4)},
               "ip_address_connection_type": conn, "isp": isp, "user_agent": ua}
        if m.ip_intel:
            out["is_anonymous_ip"] = anon
        if m.signals and signals is not None:
            out["browser_signals"] = signals
        return out

    def process(self, a: Attempt):
        """Materialises one attempt, computes its context, decides its outcome and updates history."""
        handler = {"legit": self.legit, "card_testing": self.card_testing, "stolen_card": self.stolen,
                   "account_takeover": self.ato}[a.kind]
        built = handler(a)
        if built is None:
            return None
        (payment, card, ip, email, cust, kind, decline_p, decline_codes, session) = built
        m = a.merchant
        ctx = self.hist.context(a.t, card.fp, ip, email, cust, m.acct)
        # Callers do not always have every counter: some context goes missing, so the model learns
        # what to do with missing values instead of treating them as a signal it never saw.
        ctx = {k: v for k, v in ctx.items() if self.drop_rng.random() >= CONTEXT_DROP_RATE}
        if cust is not None:
            payment["payment_method_details"]["card"]["is_new_card_on_customer"] = card.fp not in cust.cards
        rng = self.rng
        # Issuers decline closed cards and some fraud; the decline lands in history for later payments.
        if card.closed_at is not None and card.closed_at <= a.t:
            decline_p, decline_codes = 0.97, [("stolen_card", 40), ("lost_card", 20), ("card_declined", 20), ("pickup_card", 20)]
        authorized = rng.random() >= decline_p
        decline_code = None if authorized else weighted(rng, decline_codes)
        usd = usd_of(payment["amount"], payment["currency"])
        if kind == "legit" and authorized and not a.recurring:
            p_ff = m.cat["ff"] * a.ch.ff_propensity
            if rng.random() < p_ff:
                kind = "friendly_fraud"
        known = self.schedule_labels(a.t, kind, card, m.acct, authorized, decline_code, session) \
            if kind != "legit" else None
        self.hist.record(a.t, card.fp, ip, email, cust, m.acct, usd, authorized)
        if kind == "card_testing" and authorized:
            self.validated.append(card)
        if a.kind == "legit" and not authorized and a.retry < 2 and not a.recurring and rng.random() < 0.5:
            slot = a.card_slot
            if len(a.ch.cards) > 1 and rng.random() < 0.4:
                slot = (slot + 1) % len(a.ch.cards)
            retry = Attempt(a.t + rng.randint(20, 600), "legit", m, a.usd, ch=a.ch, card_slot=slot, mobile=a.mobile,
                            retry=a.retry + 1, ship_choice=a.ship_choice)
            if retry.t < self.w.end:
                self.push(retry.t, 1, retry)
        if a.kind in ("stolen_card", "account_takeover") and not authorized and rng.random() < 0.45:
            retry = Attempt(a.t + rng.randint(30, 900), a.kind, m, a.usd * rng.uniform(0.4, 0.8), session=session,
                            retry=a.retry + 1, ship_choice=a.ship_choice)
            if retry.retry <= 2 and retry.t < self.w.end:
                self.push(retry.t, 1, retry)
        if a.t < EMIT_START:
            return None
        self.n_payments += 1
        pid = f"ch_sim{self.n_payments:07d}"
        payment = {"id": pid, **payment}
        fraud = known is not None
        self.stats[(kind, "authorized" if authorized else "declined", "reported" if fraud else "-")] += 1
        label = [pid, a.t, int(fraud), known if known is not None else "", int(kind != "legit"), kind,
                 "authorized" if authorized else "declined", decline_code or "", m.acct]
        return {"payment": payment, "context": ctx}, label

    def base_payment(self, a: Attempt, amount: int, currency: str) -> dict:
        """Fields every payment has."""
        m = a.merchant
        return {"livemode": True, "amount": amount, "currency": currency, "created": a.t,
                "transaction_type": "payment_intent", "destination": m.acct,
                "metadata": {"order_id": f"ord_{self.rng.randint(10**8, 10**9 - 1)}", "merchant_category": m.category}}

    def checks(self, card: Card, billing: dict | None, cvc: list, zip_: list, saved: bool) -> dict:
        """Issuer checks: CVC and postal code (postal code only when one was given)."""
        out = {}
        out["cvc_check"] = "unchecked" if saved and self.rng.random() < 0.7 else weighted(self.rng, cvc)
        if billing and billing.get("postal_code"):
            zip_weights = zip_ if card.country in ("US", "GB", "CA") else [("unavailable", 60)] + zip_
            out["address_postal_code_check"] = weighted(self.rng, zip_weights)
        if billing and billing.get("line1") and card.country in ("US", "GB", "CA"):
            out["address_line1_check"] = out.get("address_postal_code_check", "unavailable")
        return out

    def three_ds(self, m: Merchant, outcomes: list) -> dict | None:
        """A 3D Secure result, when the merchant ran 3DS on this payment."""
        if self.rng.random() >= m.three_ds:
            return None
        result = weighted(self.rng, outcomes)
        out = {"result": result, "version": "2.2.0"}
        out["authentication_flow"] = "frictionless" if self.rng.random() < 0.6 else "challenge"
        return out

    def legit(self, a: Attempt):
        """An ordinary buyer's payment."""
        rng, w, m, ch = self.rng, self.w, a.merchant, a.ch
        card = ch.cards[a.card_slot % len(ch.cards)]
        currency = m.currency
        amount = to_minor(a.usd, currency, rng)
        p = self.base_payment(a, amount, currency)
        cust = w.ensure_customer(m, ch, a.t)
        if cust is not None and cust.created > a.t:
            cust.created = a.t - rng.randint(20, 600)  # signed up during this checkout
        billing_addr = ch.address
        geocoded = m.geocodes
        billing = billing_addr.json(geocoded, full=m.full_billing)
        if not m.cat["ships"] and rng.random() < 0.12:
            billing = None
        card_json = card.json()
        saved = cust is not None and (cust.seed_n > 0 or a.recurring)
        card_json["checks"] = self.checks(card, billing, [("pass", 92), ("unavailable", 4), ("unchecked", 3.4), ("fail", 0.6)],
                                          [("pass", 92), ("fail", 2.5), ("unavailable", 5.5)], saved)
        decline_p = 0.03 + (0.04 if card.funding == "prepaid" else 0.0)
        if card_json["checks"].get("cvc_check") == "fail":
            decline_p = 0.85
        decline_codes = [("insufficient_funds", 50), ("generic_decline", 30), ("do_not_honor", 18), ("fraudulent", 2)]
        if a.recurring:
            p.update(off_session=True, is_recurring=True)
            card_json["checks"] = {"cvc_check": "unchecked"}
            ip = None
            ua = None
        else:
            tds = self.three_ds(m, [("authenticated", 88), ("attempt_acknowledged", 4), ("exempted", 5),
                                    ("failed", 2), ("processing_error", 1)])
            if tds:
                card_json["three_d_secure"] = tds
                if tds["result"] in ("failed", "processing_error"):
                    decline_p = 0.9
            if ch.wallet and a.mobile and rng.random() < 0.6:
                card_json["wallet"] = {"type": "apple_pay" if "iPhone" in ch.ua else "google_pay"}
                card_json["has_cryptogram"] = True
            ip = self.legit_ip(a, ch)
            ua = ch.ua if not a.mobile or ch.mobile else rng.choice(UA_MOBILE)
        p["payment_method_details"] = {"type": "card", "card": card_json}
        name = f"{ch.first.title()} {ch.last.title()}"
        if billing is not None:
            p["billing_details"] = {"name": name, "address": billing}
        if m.cat["ships"]:
            p["shipping"] = {"name": name, "address": self.legit_shipping(a, ch, geocoded)}
        email = ch.email
        if rng.random() < 0.03:
            email = None  # some integrations send no email at all
        if email is not None:
            p["receipt_email"] = email
        if cust is not None:
            p["customer"] = cust.id
            p["customer_details"] = {"created": cust.created, "email": cust.email}
            if email is None:
                email = cust.email
        if ip is not None:
            signals = None
            if "wallet" not in card_json:
                pasted = rng.random() < (0.85 if ch.pastes else 0.03) and not saved
                seconds = lognormal(rng, 35 if saved else 80, 0.8)
                signals = {"time_on_page_ms": int(seconds * 1000), "card_number_pasted": pasted,
                           "webdriver": rng.random() < 0.002}
            p["client"] = self.client_json(m, ip, ua, signals)
        return p, card, ip, email, cust, "legit", decline_p, decline_codes, None

    def legit_ip(self, a: Attempt, ch: Cardholder) -> str:
        """Where an ordinary buyer is: home, office, VPN, a phone network, or abroad on a trip."""
        rng = self.rng
        if ch.trip and ch.trip[0] <= a.t < ch.trip[1]:
            if rng.random() < 0.4:
                return rng.choice(self.w.cellular[ch.country])  # roaming data geolocates home
            return rng.choice(ch.trip[4])
        if ch.vpn_ip and rng.random() < 0.6:
            return ch.vpn_ip
        if ch.office_ip and rng.random() < 0.35:
            return ch.office_ip
        if a.mobile and rng.random() < 0.55:
            return rng.choice(self.w.cellular[ch.country])
        return ch.home_ip

    def legit_shipping(self, a: Attempt, ch: Cardholder, geocoded: bool) -> dict:
        """Home mostly; sometimes work, a gift elsewhere in the country, or a gift abroad."""
        r = a.ship_choice
        if r < 0.85:
            return ch.address.json(geocoded)
        rng = random.Random(ch.id * 1_000_003 + int(r * 1e6))  # stable per buyer and choice
        if r < 0.92:
            addr = Address(f"{rng.randint(1, 300)} {rng.choice(STREETS)}", ch.address.city, ch.address.state,
                           ch.address.postal_code, ch.country, ch.address.lat + rng.gauss(0, 0.03),
                           ch.address.lon + rng.gauss(0, 0.03))
            return addr.json(geocoded)
        if r < 0.98:
            city = rng.choice(COUNTRY[ch.country][4])
            return self.addr_from(rng, ch.country, city).json(geocoded)
        country = rng.choice([c[0] for c in COUNTRIES if c[3] > 0 and c[0] != ch.country])
        return self.addr_from(rng, country, rng.choice(COUNTRY[country][4])).json(geocoded)

    @staticmethod
    def addr_from(rng: random.Random, country: str, city) -> Address:
        """An address in a city, drawn from a private generator."""
        name, state, lat, lon, _ = city
        return Address(f"{rng.randint(1, 300)} {rng.choice(STREETS)}", name, state, f"{rng.randint(10000, 99999)}",
                       country, lat + rng.gauss(0, 0.05), lon + rng.gauss(0, 0.05))
