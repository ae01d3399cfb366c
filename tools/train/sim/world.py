"""The world generator: population, merchants, network, seeded history and ordinary traffic."""

from __future__ import annotations

import random
import string
from collections import defaultdict

from .constants import (CATEGORIES, COUNTRIES, COUNTRY, DATACENTERS, DAY, DISPOSABLE_DOMAINS, EMAIL_DOMAINS,
                        EMIT_START, FIRST_NAMES, GIFT_VALUES, HOSTING_ISPS, HOUR, LAST_NAMES, LEGIT_HOURS, SAAS_PLANS,
                        STREETS, UA_DESKTOP, UA_MOBILE)
from .entities import Address, Attempt, Card, Cardholder, Customer, Ids, Merchant
from .fraud_attempts import FraudAttempts
from .randomness import lognormal, poisson, weighted
from .units import month_offset


class World(FraudAttempts):
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
