"""The things the simulation is made of: identifiers, cards, addresses, cardholders, merchants,
customers and payment attempts."""

from __future__ import annotations

import random
import string


class Ids:
    """Deterministic unique identifiers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def token(self, length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        """A fresh random token (never handed out twice)."""
        while True:
            t = "".join(self.rng.choices(alphabet, k=length))
            if t not in self.seen:
                self.seen.add(t)
                return t


class Card:
    """A card number as the processor sees it (only its fingerprint and public parts)."""

    __slots__ = ("fp", "bin", "brand", "country", "funding", "last4", "exp_month", "exp_year", "owner", "closed_at")

    def __init__(self, fp, bin_, brand, country, funding, last4, exp_month, exp_year, owner):
        self.fp, self.bin, self.brand, self.country, self.funding = fp, bin_, brand, country, funding
        self.last4, self.exp_month, self.exp_year, self.owner = last4, exp_month, exp_year, owner
        self.closed_at = None

    def json(self) -> dict:
        """The card part of ``payment_method_details``."""
        return {"brand": self.brand, "country": self.country, "fingerprint": self.fp, "funding": self.funding,
                "bin": self.bin, "last4": self.last4, "exp_month": self.exp_month, "exp_year": self.exp_year}


class Address:
    """A postal address with its geocode."""

    __slots__ = ("line1", "city", "state", "postal_code", "country", "lat", "lon")

    def __init__(self, line1, city, state, postal_code, country, lat, lon):
        self.line1, self.city, self.state, self.postal_code = line1, city, state, postal_code
        self.country, self.lat, self.lon = country, lat, lon

    def json(self, geocoded: bool, full: bool = True) -> dict:
        """Stripe's address shape; ``full=False`` keeps only postal code and country."""
        out = {"country": self.country, "postal_code": self.postal_code}
        if full:
            out.update(line1=self.line1, city=self.city)
            if self.state:
                out["state"] = self.state
        if geocoded:
            out.update(latitude=round(self.lat, 4), longitude=round(self.lon, 4))
        return out


class Cardholder:
    """An ordinary buyer: where they live, their cards, email, devices and habits."""

    __slots__ = ("id", "country", "city", "address", "first", "last", "email", "cards", "home_ip", "office_ip",
                 "vpn_ip", "ua", "mobile", "weight", "spend", "pastes", "trip", "ff_propensity",
                 "has_history", "wallet")


class Merchant:
    """A merchant account on the platform and the way it integrates."""

    __slots__ = ("index", "acct", "country", "currency", "category", "cat", "rate", "three_ds", "signals",
                 "geocodes", "ip_intel", "full_billing", "roster", "roster_pos", "customers", "subscribers")


class Customer:
    """A Customer object a merchant keeps for a buyer."""

    __slots__ = ("id", "created", "email", "seed_n", "seed_usd", "cards")

    def __init__(self, id_, created, email, seed_n, seed_usd, cards=()):
        self.id, self.created, self.email, self.seed_n, self.seed_usd = id_, created, email, seed_n, seed_usd
        #: Fingerprints already attached to this customer (for `is_new_card_on_customer`).
        self.cards = set(cards)


class Attempt:
    """One payment attempt waiting to be processed (materialised when its time comes)."""

    __slots__ = ("t", "kind", "merchant", "usd", "ch", "card_slot", "mobile", "recurring", "session", "retry",
                 "ship_choice", "extra")

    def __init__(self, t, kind, merchant, usd, **kw):
        self.t, self.kind, self.merchant, self.usd = t, kind, merchant, usd
        self.ch = kw.get("ch")
        self.card_slot = kw.get("card_slot", 0)
        self.mobile = kw.get("mobile", False)
        self.recurring = kw.get("recurring", False)
        self.session = kw.get("session")
        self.retry = kw.get("retry", 0)
        self.ship_choice = kw.get("ship_choice", 0.0)
        self.extra = kw.get("extra")
