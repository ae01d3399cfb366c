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
"""

from __future__ import annotations

import argparse
import bisect
import csv
import heapq
import json
import math
import os
import random
import string
from collections import Counter, defaultdict
from datetime import datetime, timezone

# --------------------------------------------------------------------------------------------
# Static world: countries, cities, currencies, names
# --------------------------------------------------------------------------------------------

#: First emitted second (UTC). Warm-up days come before it.
EMIT_START = int(datetime(2026, 9, 1, tzinfo=timezone.utc).timestamp())
DAY = 86_400
HOUR = 3_600

#: (code, currency or None, cardholder weight, merchant weight, cities)
#: city = (name, state or None, latitude, longitude, UTC offset in hours)
COUNTRIES = [
    ("US", "usd", 30, 40, [("New York", "NY", 40.71, -74.01, -5), ("Los Angeles", "CA", 34.05, -118.24, -8),
                           ("Chicago", "IL", 41.88, -87.63, -6), ("Houston", "TX", 29.76, -95.37, -6),
                           ("Miami", "FL", 25.76, -80.19, -5), ("Seattle", "WA", 47.61, -122.33, -8)]),
    ("GB", "gbp", 10, 12, [("London", None, 51.51, -0.13, 0), ("Manchester", None, 53.48, -2.24, 0),
                           ("Birmingham", None, 52.49, -1.89, 0), ("Glasgow", None, 55.86, -4.25, 0)]),
    ("CA", "cad", 5, 6, [("Toronto", "ON", 43.65, -79.38, -5), ("Vancouver", "BC", 49.28, -123.12, -8),
                         ("Montreal", "QC", 45.50, -73.57, -5)]),
    ("DE", "eur", 8, 8, [("Berlin", None, 52.52, 13.40, 1), ("Munich", None, 48.14, 11.58, 1),
                         ("Hamburg", None, 53.55, 9.99, 1)]),
    ("FR", "eur", 6, 6, [("Paris", None, 48.86, 2.35, 1), ("Lyon", None, 45.76, 4.84, 1),
                         ("Marseille", None, 43.30, 5.37, 1)]),
    ("NL", "eur", 3, 4, [("Amsterdam", None, 52.37, 4.90, 1), ("Rotterdam", None, 51.92, 4.48, 1)]),
    ("ES", "eur", 4, 3, [("Madrid", None, 40.42, -3.70, 1), ("Barcelona", None, 41.39, 2.17, 1)]),
    ("IT", "eur", 4, 3, [("Rome", None, 41.90, 12.50, 1), ("Milan", None, 45.46, 9.19, 1)]),
    ("IE", "eur", 1, 2, [("Dublin", None, 53.35, -6.26, 0)]),
    ("SE", "sek", 2, 2, [("Stockholm", None, 59.33, 18.07, 1), ("Gothenburg", None, 57.71, 11.97, 1)]),
    ("PL", "pln", 2, 2, [("Warsaw", None, 52.23, 21.01, 1), ("Krakow", None, 50.06, 19.94, 1)]),
    ("CH", "chf", 1, 1, [("Zurich", None, 47.38, 8.54, 1), ("Geneva", None, 46.20, 6.14, 1)]),
    ("AU", "aud", 4, 5, [("Sydney", None, -33.87, 151.21, 10), ("Melbourne", None, -37.81, 144.96, 10),
                         ("Perth", None, -31.95, 115.86, 8)]),
    ("NZ", "nzd", 1, 1, [("Auckland", None, -36.85, 174.76, 12)]),
    ("JP", "jpy", 3, 2, [("Tokyo", None, 35.68, 139.69, 9), ("Osaka", None, 34.69, 135.50, 9)]),
    ("SG", "sgd", 1, 2, [("Singapore", None, 1.35, 103.82, 8)]),
    ("HK", "hkd", 1, 0, [("Hong Kong", None, 22.32, 114.17, 8)]),
    ("IN", "inr", 3, 1, [("Mumbai", None, 19.08, 72.88, 5.5), ("Delhi", None, 28.61, 77.21, 5.5),
                         ("Bangalore", None, 12.97, 77.59, 5.5)]),
    ("AE", "aed", 1, 0, [("Dubai", None, 25.20, 55.27, 4)]),
    ("BR", "brl", 3, 2, [("Sao Paulo", None, -23.55, -46.63, -3), ("Rio de Janeiro", None, -22.91, -43.17, -3)]),
    ("MX", "mxn", 3, 1, [("Mexico City", None, 19.43, -99.13, -6), ("Guadalajara", None, 20.66, -103.35, -6)]),
    ("NG", None, 0.5, 0, [("Lagos", None, 6.52, 3.38, 1), ("Abuja", None, 9.08, 7.40, 1)]),
    ("RO", "ron", 0.5, 0, [("Bucharest", None, 44.43, 26.10, 2)]),
    ("PH", "php", 0.5, 0, [("Manila", None, 14.60, 120.98, 8)]),
    ("ID", "idr", 0.5, 0, [("Jakarta", None, -6.21, 106.85, 7)]),
    ("VN", None, 0.2, 0, [("Ho Chi Minh City", None, 10.82, 106.63, 7), ("Hanoi", None, 21.03, 105.85, 7)]),
    ("RU", "rub", 0.2, 0, [("Moscow", None, 55.76, 37.62, 3)]),
]
COUNTRY = {c[0]: c for c in COUNTRIES}

#: The subset of Ward's standard currency table the simulator uses: (minor-unit exponent, USD per unit).
CURRENCIES = {
    "usd": (2, 1.0), "gbp": (2, 1.312), "cad": (2, 0.712), "eur": (2, 1.158), "sek": (2, 0.1061),
    "pln": (2, 0.2731), "chf": (2, 1.245), "aud": (2, 0.652), "nzd": (2, 0.5681), "jpy": (0, 0.00641),
    "sgd": (2, 0.7696), "hkd": (2, 0.1285), "inr": (2, 0.01128), "aed": (2, 0.2723), "brl": (2, 0.1845),
    "mxn": (2, 0.0541), "ron": (2, 0.2276), "php": (2, 0.01695), "idr": (2, 0.0000601), "rub": (2, 0.01262),
}

#: Where VPN and hosting exits geolocate: (country, city, lat, lon).
DATACENTERS = [
    ("NL", "Amsterdam", 52.37, 4.90), ("DE", "Frankfurt", 50.11, 8.68), ("US", "Ashburn", 39.04, -77.49),
    ("GB", "London", 51.51, -0.13), ("US", "Los Angeles", 34.05, -118.24), ("SG", "Singapore", 1.35, 103.82),
    ("SE", "Stockholm", 59.33, 18.07), ("CA", "Toronto", 43.65, -79.38), ("FR", "Paris", 48.86, 2.35),
]
HOSTING_ISPS = ["M247", "DigitalOcean", "OVH", "Hetzner", "Choopa", "Datacamp", "Leaseweb"]

FIRST_NAMES = ["james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "david", "sarah",
               "emma", "oliver", "sophie", "lucas", "mia", "noah", "lea", "paul", "anna", "marco", "giulia",
               "hugo", "ines", "jan", "eva", "liam", "chloe", "yuki", "haruto", "priya", "arjun", "ana", "joao",
               "sofia", "diego", "wei", "mei", "omar", "fatima", "chidi", "ngozi", "ivan", "olga", "tom", "kate"]
LAST_NAMES = ["smith", "johnson", "brown", "taylor", "wilson", "martin", "garcia", "muller", "schmidt", "dubois",
              "bernard", "rossi", "russo", "jansen", "devries", "andersson", "nowak", "kowalski", "tanaka",
              "suzuki", "sharma", "patel", "silva", "santos", "hernandez", "lopez", "chen", "wang", "nguyen",
              "okafor", "adeyemi", "ivanov", "murphy", "kelly", "obrien", "walsh", "lee", "kim", "clarke"]
STREETS = ["Main St", "High Street", "Oak Ave", "Park Rd", "Station Rd", "Church St", "Maple Dr", "Hauptstrasse",
           "Rue de la Paix", "Via Roma", "Calle Mayor", "Kerkstraat", "Elm St", "King St", "Queen St", "Mill Lane"]
EMAIL_DOMAINS = {
    "default": [("gmail.com", 55), ("yahoo.com", 10), ("outlook.com", 12), ("hotmail.com", 10), ("icloud.com", 10),
                ("proton.me", 3)],
    "DE": [("gmail.com", 40), ("gmx.de", 25), ("web.de", 20), ("outlook.com", 10), ("icloud.com", 5)],
    "FR": [("gmail.com", 50), ("orange.fr", 20), ("free.fr", 15), ("hotmail.fr", 15)],
    "GB": [("gmail.com", 50), ("hotmail.co.uk", 15), ("btinternet.com", 10), ("outlook.com", 15), ("icloud.com", 10)],
    "IT": [("gmail.com", 55), ("libero.it", 25), ("hotmail.it", 20)],
    "JP": [("gmail.com", 45), ("yahoo.co.jp", 35), ("icloud.com", 20)],
}
#: Disposable domains; all are on the engine's list, so `is_disposable_email` is true for them.
DISPOSABLE_DOMAINS = ["mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org",
                      "sharklasers.com", "getnada.com", "maildrop.cc", "trashmail.com", "tempmail.com"]

UA_DESKTOP = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
]
UA_MOBILE = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
]
UA_BOT = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    "python-requests/2.32.3",
]

#: Local-time hour weights for ordinary shoppers (index = local hour).
LEGIT_HOURS = [0.6, 0.35, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.2, 1.5, 1.7, 1.8, 2.0, 1.9, 1.8, 1.8, 1.9, 2.1, 2.4,
               2.6, 2.5, 2.1, 1.5, 1.0]

#: Merchant categories: median ticket (USD), spread, share of returning buyers, ships goods,
#: chance the merchant keeps Customer objects, domestic share, friendly-fraud rate, volume weight.
CATEGORIES = {
    "digital_goods": dict(median=18, sigma=0.8, repeat=0.40, ships=False, customers=0.7, domestic=0.60, ff=0.0035, w=12),
    "donations": dict(median=30, sigma=0.9, repeat=0.20, ships=False, customers=0.2, domestic=0.85, ff=0.0008, w=5),
    "electronics": dict(median=220, sigma=0.9, repeat=0.15, ships=True, customers=0.5, domestic=0.85, ff=0.0012, w=10),
    "fashion": dict(median=75, sigma=0.6, repeat=0.35, ships=True, customers=0.6, domestic=0.80, ff=0.0010, w=16),
    "food_delivery": dict(median=35, sigma=0.45, repeat=0.70, ships=True, customers=0.9, domestic=0.97, ff=0.0006, w=14),
    "travel": dict(median=380, sigma=0.8, repeat=0.20, ships=False, customers=0.4, domestic=0.55, ff=0.0020, w=8),
    "saas": dict(median=29, sigma=0.5, repeat=0.30, ships=False, customers=1.0, domestic=0.60, ff=0.0025, w=10),
    "gift_cards": dict(median=60, sigma=0.6, repeat=0.20, ships=False, customers=0.3, domestic=0.90, ff=0.0015, w=5),
    "luxury": dict(median=900, sigma=0.7, repeat=0.15, ships=True, customers=0.5, domestic=0.75, ff=0.0012, w=4),
    "marketplace": dict(median=50, sigma=0.9, repeat=0.50, ships=True, customers=0.8, domestic=0.85, ff=0.0012, w=16),
}
SAAS_PLANS = [9, 19, 29, 49, 99]
GIFT_VALUES = [25, 50, 100, 150, 200]

#: Where stolen cards come from (issuing country weights).
VICTIM_COUNTRIES = [("US", 50), ("GB", 12), ("CA", 8), ("AU", 7), ("FR", 5), ("DE", 5), ("ES", 3), ("IT", 3),
                    ("NL", 2), ("JP", 2), ("BR", 3)]
#: Where fraud rings operate from.
RING_COUNTRIES = [("NG", 12), ("RO", 8), ("VN", 8), ("RU", 6), ("ID", 6), ("PH", 6), ("BR", 8), ("US", 16),
                  ("GB", 8), ("IN", 8), ("MX", 6), ("FR", 4), ("DE", 4)]


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# The world generator
# --------------------------------------------------------------------------------------------


class World:
    """Builds the population, generates payment attempts and replays them through a server view."""

    def __init__(self, seed: int, days: int, warmup_days: int, n_merchants: int, n_cardholders: int):
        self.rng = random.Random(seed)
        self.ids = Ids(random.Random(seed ^ 0x5EED))
        self.seed = seed
        self.start = EMIT_START - warmup_days * DAY
        self.end = EMIT_START + days * DAY
        self.days_total = warmup_days + days
        self.ips: dict[str, tuple] = {}
        self.ip_octets = {c[0]: None for c in COUNTRIES}
        self.bins: dict[str, list] = {}
        self._make_ip_space()
        self._make_bins()
        self.cardholders: list[Cardholder] = []
        self.by_country: dict[str, list[int]] = defaultdict(list)
        self.by_country_cw: dict[str, list[float]] = {}
        self._make_cardholders(n_cardholders)
        self.merchants: list[Merchant] = []
        self._make_merchants(n_merchants)
        self.vpn_exits = [self._new_ip_datacenter() for _ in range(300)]
        self.tor_exits = [self._new_ip_datacenter(tor=True) for _ in range(40)]
        self.cellular: dict[str, list[str]] = {}
        for code, _, w, _, _ in COUNTRIES:
            n = max(20, int(w * 12))
            self.cellular[code] = [self._new_ip(code, self.rng.choice(COUNTRY[code][4]), "cellular") for _ in range(n)]
        self._assign_network()
        self.seeds: dict[str, dict] = {"card_first": {}, "card_success": {}, "email_first": {}}
        self._seed_history()

    # -- static pieces ------------------------------------------------------------------------

    def _make_ip_space(self):
        used = set()
        for code, *_ in COUNTRIES:
            octets = []
            while len(octets) < 4:
                o = self.rng.randint(2, 223)
                if o in (10, 100, 127, 169, 172, 192) or o in used:
                    continue
                used.add(o)
                octets.append(o)
            self.ip_octets[code] = octets
        self.dc_octets = [o for o in range(2, 224) if o not in used and o not in (10, 100, 127, 169, 172, 192)][:6]

    def _fresh_ip(self, octets) -> str:
        while True:
            ip = f"{self.rng.choice(octets)}.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
            if ip not in self.ips:
                return ip

    def _new_ip(self, country: str, city, conn: str, anonymous: bool = False) -> str:
        """Registers a residential, office or cellular IP, geolocated with realistic error."""
        ip = self._fresh_ip(self.ip_octets[country])
        _, _, lat, lon, _ = city
        if self.rng.random() < 0.75:
            lat, lon = lat + self.rng.gauss(0, 0.07), lon + self.rng.gauss(0, 0.07)
        else:  # geolocation to the wrong city or a regional centroid
            other = self.rng.choice(COUNTRY[country][4])
            lat, lon = other[2] + self.rng.gauss(0, 1.2), other[3] + self.rng.gauss(0, 1.2)
        isp = f"{country}-{conn.split('/')[0]}-{self.rng.randint(1, 4)}"
        self.ips[ip] = (country, city[0], lat, lon, anonymous, conn, isp)
        return ip

    def _new_ip_datacenter(self, tor: bool = False) -> str:
        ip = self._fresh_ip(self.dc_octets)
        country, city, lat, lon = self.rng.choice(DATACENTERS[:4] if tor else DATACENTERS)
        self.ips[ip] = (country, city, lat + self.rng.gauss(0, 0.02), lon + self.rng.gauss(0, 0.02), True,
                        "corporate", self.rng.choice(HOSTING_ISPS))
        return ip

    def _make_bins(self):
        for code, *_ in COUNTRIES:
            bins = []
            for _ in range(24):
                r = self.rng.random()
                if code == "JP" and r < 0.3:
                    brand, prefix = "jcb", "35" + str(self.rng.randint(28, 89))
                elif code == "US" and r < 0.06:
                    brand, prefix = "amex", self.rng.choice(["34", "37"])
                elif code == "US" and r < 0.09:
                    brand, prefix = "discover", "6011"
                elif r < 0.62:
                    brand, prefix = "visa", "4"
                else:
                    brand, prefix = "mastercard", "5" + str(self.rng.randint(1, 5))
                bin_ = prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(6 - len(prefix)))
                f = self.rng.random()
                funding = "prepaid" if f < 0.10 else "debit" if f < 0.50 else "credit" if f < 0.98 else "unknown"
                weight = 0.35 if funding == "prepaid" else 1.0
                bins.append((bin_, brand, funding, weight))
            self.bins[code] = bins

    def new_card(self, country: str, owner, months_lo: int = 4, months_hi: int = 54, prepaid_boost: float = 1.0) -> Card:
        """Issues a card from one of the country's BINs."""
        bins = self.bins[country]
        weights = [w * (prepaid_boost if f == "prepaid" else 1.0) for _, _, f, w in bins]
        bin_, brand, funding, _ = self.rng.choices(bins, weights=weights)[0]
        m, y = month_offset(self.rng.randint(months_lo, months_hi))
        return Card(self.ids.token(16), bin_, brand, country, funding, f"{self.rng.randint(0, 9999):04d}", m, y, owner)

    def random_address(self, country: str, city=None) -> Address:
        """A plausible street address in a country."""
        city = city or self.rng.choice(COUNTRY[country][4])
        name, state, lat, lon, _ = city
        if country == "US":
            postal = f"{self.rng.randint(10000, 99999)}"
        elif country == "GB":
            postal = f"{self.rng.choice('EMNSW')}{self.rng.randint(1, 20)} {self.rng.randint(1, 9)}{self.rng.choice('ABDEFGH')}{self.rng.choice('JLNPQRS')}"
        elif country in ("CA",):
            postal = f"{self.rng.choice('KLMV')}{self.rng.randint(1, 9)}{self.rng.choice('ABCEG')} {self.rng.randint(1, 9)}{self.rng.choice('HJKLM')}{self.rng.randint(1, 9)}"
        else:
            postal = f"{self.rng.randint(1000, 99999)}"
        line1 = f"{self.rng.randint(1, 250)} {self.rng.choice(STREETS)}"
        return Address(line1, name, state, postal, country, lat + self.rng.gauss(0, 0.05), lon + self.rng.gauss(0, 0.05))

    def legit_email(self, first: str, last: str, country: str) -> str:
        """An email a real person would have."""
        domains = EMAIL_DOMAINS.get(country, EMAIL_DOMAINS["default"])
        domain = weighted(self.rng, domains)
        if self.rng.random() < 0.004:
            domain = self.rng.choice(DISPOSABLE_DOMAINS)
        r = self.rng.random()
        if r < 0.35:
            local = f"{first}.{last}"
        elif r < 0.55:
            local = f"{first}{last}"
        elif r < 0.65:
            local = f"{first[0]}{last}"
        elif r < 0.88:
            local = f"{first}{last}{self.rng.randint(60, 99):02d}"
        elif r < 0.94:
            local = f"{first}.{last}{self.rng.randint(1960, 2006)}"
        elif r < 0.97:
            local = f"{first[0]}{last}{self.rng.randint(100, 99999)}"
        else:
            local = f"{first}{self.rng.randint(1, 999)}"
        return f"{local}{self.rng.randint(2, 9) if self.rng.random() < 0.1 else ''}@{domain}"

    def fraud_email(self, style: str, first: str | None = None, last: str | None = None) -> str:
        """An email a fraudster makes up."""
        rng = self.rng
        if style == "disposable":
            local = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 9))) + str(rng.randint(0, 999))
            return f"{local}@{rng.choice(DISPOSABLE_DOMAINS)}"
        if style == "random":
            local = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 8))) + str(rng.randint(10, 999999))
            return f"{local}@{weighted(rng, EMAIL_DOMAINS['default'])}"
        first = first or rng.choice(FIRST_NAMES)
        last = last or rng.choice(LAST_NAMES)
        suffix = str(rng.randint(1, 99)) if rng.random() < 0.6 else ""
        return f"{first}.{last}{suffix}@{weighted(rng, EMAIL_DOMAINS['default'])}"

    # -- populations --------------------------------------------------------------------------

    def _make_cardholders(self, n: int):
        rng = self.rng
        country_weights = [(c[0], c[2]) for c in COUNTRIES]
        for i in range(n):
            ch = Cardholder()
            ch.id = i
            residence = weighted(rng, country_weights)
            ch.country = residence
            ch.city = rng.choice(COUNTRY[residence][4])
            ch.address = self.random_address(residence, ch.city)
            ch.first, ch.last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            ch.email = self.legit_email(ch.first, ch.last, residence)
            # Expats and cross-border bankers hold a card issued elsewhere.
            card_country = residence
            if rng.random() < 0.025:
                card_country = weighted(rng, [(c[0], c[2]) for c in COUNTRIES if c[0] != residence])
            n_cards = weighted(rng, [(1, 65), (2, 28), (3, 7)])
            prepaid_boost = 3.0 if residence in ("MX", "BR", "NG", "PH", "ID", "IN") else 1.0
            ch.cards = [self.new_card(card_country, i, prepaid_boost=prepaid_boost) for _ in range(n_cards)]
            ch.mobile = rng.random() < 0.45
            ch.ua = rng.choice(UA_MOBILE if ch.mobile else UA_DESKTOP)
            ch.weight = lognormal(rng, 1.0, 0.9)
            ch.spend = lognormal(rng, 5.0, 0.35) if rng.random() < 0.03 else lognormal(rng, 1.0, 0.25)
            ch.pastes = rng.random() < 0.20
            ch.wallet = rng.random() < (0.45 if ch.mobile else 0.10)
            ch.ff_propensity = 12.0 if rng.random() < 0.03 else 0.6
            ch.has_history = rng.random() < 0.45
            ch.trip = None
            if rng.random() < 0.12:
                start = self.start + rng.randint(0, self.days_total - 3) * DAY + rng.randint(0, DAY)
                dest = weighted(rng, [(c[0], c[2] + 2) for c in COUNTRIES if c[0] != residence and c[3] > 0])
                ch.trip = (start, start + rng.randint(3, 16) * DAY, dest, rng.choice(COUNTRY[dest][4]), [])
            ch.home_ip = ch.office_ip = ch.vpn_ip = None
            self.cardholders.append(ch)
            self.by_country[residence].append(i)
        self.intl_countries = [c[0] for c in COUNTRIES if c[0] in self.by_country]
        self.intl_weights = [COUNTRY[c][2] for c in self.intl_countries]
        for code, members in self.by_country.items():
            cw, acc = [], 0.0
            for m in members:
                acc += self.cardholders[m].weight
                cw.append(acc)
            self.by_country_cw[code] = cw

    def _assign_network(self):
        """Home IPs (some shared by a household), offices, VPN habits and travel IPs."""
        rng = self.rng
        households: dict[tuple, list[str]] = defaultdict(list)
        offices: dict[str, list[str]] = defaultdict(list)
        for ch in self.cardholders:
            key = (ch.country, ch.city[0])
            if households[key] and rng.random() < 0.30:
                ch.home_ip = rng.choice(households[key][-50:])
            else:
                ch.home_ip = self._new_ip(ch.country, ch.city, "cable/dsl")
                households[key].append(ch.home_ip)
            if rng.random() < 0.05:
                if not offices[ch.country] or rng.random() < 0.05:
                    offices[ch.country].append(self._new_ip(ch.country, ch.city, "corporate"))
                ch.office_ip = rng.choice(offices[ch.country])
            if rng.random() < 0.03:
                ch.vpn_ip = rng.choice(self.vpn_exits)
            if ch.trip:
                _, _, dest, city, ips = ch.trip
                ips.extend(self._new_ip(dest, city, "cable/dsl") for _ in range(2))

    def _make_merchants(self, n: int):
        rng = self.rng
        cats = [(k, v["w"]) for k, v in CATEGORIES.items()]
        countries = [(c[0], c[3]) for c in COUNTRIES if c[3] > 0]
        for i in range(n):
            m = Merchant()
            m.index = i
            m.acct = "acct_" + self.ids.token(16)
            m.category = weighted(rng, cats)
            m.cat = CATEGORIES[m.category]
            m.country = weighted(rng, countries)
            m.currency = COUNTRY[m.country][1]
            if m.category in ("digital_goods", "saas") and rng.random() < 0.4:
                m.currency = "usd"
            m.rate = min(90.0, lognormal(rng, 4.5, 0.95))
            eu = m.country in ("GB", "DE", "FR", "NL", "ES", "IT", "IE", "SE", "PL", "CH")
            m.three_ds = rng.uniform(0.5, 0.85) if eu else (rng.uniform(0.05, 0.3) if rng.random() < 0.3 else 0.0)
            m.signals = rng.random() < 0.6
            m.geocodes = rng.random() < 0.5
            m.ip_intel = rng.random() < 0.85
            m.full_billing = m.cat["ships"] or rng.random() < 0.4
            m.roster, m.roster_pos, m.customers, m.subscribers = [], {}, {}, []
            self.merchants.append(m)

    def _seed_history(self):
        """First-seen times from before the simulation for buyers the platform already knew."""
        rng = self.rng
        for ch in self.cardholders:
            if not ch.has_history:
                continue
            first = self.start - int(rng.uniform(20, 1100) * DAY)
            self.seeds["email_first"][ch.email] = first - int(rng.uniform(0, 200) * DAY)
            for card in ch.cards:
                t = first + int(rng.uniform(0, 300) * DAY)
                t = min(t, self.start - DAY)
                self.seeds["card_first"][card.fp] = t
                self.seeds["card_success"][card.fp] = t + rng.randint(0, 3 * DAY)

    # -- picking buyers -----------------------------------------------------------------------

    def pick_buyer(self, m: Merchant) -> int:
        """A cardholder for a merchant: domestic mostly, weighted by how much people shop."""
        rng = self.rng
        if rng.random() < m.cat["domestic"] and m.country in self.by_country:
            country = m.country
        else:
            country = rng.choices(self.intl_countries, weights=self.intl_weights)[0]
        members = self.by_country[country]
        return rng.choices(members, cum_weights=self.by_country_cw[country])[0]

    def local_time(self, day_start: int, utc_offset: float, hours=LEGIT_HOURS) -> int:
        """A UTC instant on a local day, drawn from an hour-of-day profile."""
        hour = self.rng.choices(range(24), weights=hours)[0]
        local = hour * HOUR + self.rng.randint(0, HOUR - 1)
        return day_start + local - int(utc_offset * HOUR)

    def ensure_customer(self, m: Merchant, ch: Cardholder, t: int) -> Customer | None:
        """The merchant's Customer for a buyer, created on first purchase if the merchant keeps them."""
        if ch.id in m.customers:
            return m.customers[ch.id]
        if self.rng.random() >= m.cat["customers"]:
            m.customers[ch.id] = None
            return None
        if ch.has_history and self.rng.random() < 0.5:
            created = t - int(self.rng.uniform(40, 900) * DAY)
            seed_n = 1 + poisson(self.rng, 4)
            seed_usd = seed_n * m.cat["median"] * ch.spend * lognormal(self.rng, 1.0, 0.3)
        else:
            created, seed_n, seed_usd = t - self.rng.randint(20, 900), 0, 0.0
        known_cards = [c.fp for c in ch.cards] if seed_n else []
        cust = Customer("cus_" + self.ids.token(14), created, ch.email, seed_n, seed_usd, known_cards)
        m.customers[ch.id] = cust
        return cust

    def legit_usd(self, m: Merchant, ch: Cardholder) -> float:
        """What an ordinary buyer spends at this merchant."""
        if m.category == "saas":
            return float(self.rng.choice(SAAS_PLANS))
        if m.category == "gift_cards":
            return float(self.rng.choice(GIFT_VALUES))
        if m.category == "donations" and self.rng.random() < 0.6:
            return float(self.rng.choice([10, 20, 25, 50, 100, 250]))
        return max(1.0, lognormal(self.rng, m.cat["median"], m.cat["sigma"]) * ch.spend)

    # -- attempt generation -------------------------------------------------------------------

    def generate(self) -> list[Attempt]:
        """Every attempt the simulation starts with (retries are added while replaying)."""
        attempts: list[Attempt] = []
        self._generate_legit(attempts)
        self._generate_card_testing(attempts)
        self._generate_stolen(attempts)
        self._generate_ato(attempts)
        return attempts

    def _generate_legit(self, out: list[Attempt]):
        rng = self.rng
        for m in self.merchants:
            if m.category == "saas":  # existing subscribers renew monthly
                for _ in range(int(m.rate * 8)):
                    chid = self.pick_buyer(m)
                    self._add_to_roster(m, chid)
                    ch = self.cardholders[chid]
                    if m.customers.get(chid) is None:
                        m.customers[chid] = Customer("cus_" + self.ids.token(14), self.start - rng.randint(30, 700) * DAY,
                                                     ch.email, rng.randint(1, 20), 0.0, [ch.cards[0].fp])
                        m.customers[chid].seed_usd = m.customers[chid].seed_n * rng.choice(SAAS_PLANS)
                    m.subscribers.append((chid, self.start + rng.randint(0, 30 * DAY - 1),
                                          m.customers[chid].seed_usd / max(1, m.customers[chid].seed_n)))
        for day in range(self.days_total):
            day_start = self.start + day * DAY
            weekday = (day_start // DAY + 3) % 7  # 0 = Monday
            for m in self.merchants:
                factor = 1.15 if weekday >= 5 and m.category in ("food_delivery", "fashion", "marketplace") else 1.0
                for _ in range(poisson(rng, m.rate * factor)):
                    if m.roster and rng.random() < m.cat["repeat"]:
                        chid = rng.choice(m.roster)
                    else:
                        chid = self.pick_buyer(m)
                    ch = self.cardholders[chid]
                    t = self.local_time(day_start, ch.city[4])
                    if not (self.start <= t < self.end):
                        continue
                    self._add_to_roster(m, chid)
                    self.ensure_customer(m, ch, t)
                    slot = 0 if rng.random() < 0.78 else rng.randrange(len(ch.cards))
                    out.append(Attempt(t, "legit", m, self.legit_usd(m, ch), ch=ch, card_slot=slot,
                                       mobile=ch.mobile or rng.random() < 0.15, ship_choice=rng.random()))
        for m in self.merchants:
            for chid, anchor, usd in m.subscribers:
                ch = self.cardholders[chid]
                t = anchor
                while t < self.end:
                    out.append(Attempt(t, "legit", m, usd, ch=ch, recurring=True))
                    t += 30 * DAY + rng.randint(-HOUR, HOUR)
                    if rng.random() < 0.04:
                        break

    def _add_to_roster(self, m: Merchant, chid: int):
        if chid not in m.roster_pos:
            m.roster_pos[chid] = len(m.roster)
            m.roster.append(chid)

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


# --------------------------------------------------------------------------------------------
# Replay: the server's view of history, context computation, outcomes and labels
# --------------------------------------------------------------------------------------------


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


CONTEXT_DROP_RATE = 0.05
"""Share of context attributes left out, at random, as a caller without that counter would."""


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


class Replay:
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
