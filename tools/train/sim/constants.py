"""The static world: time constants, countries and cities, currencies, datacenters, names, email
domains, user agents, shopping hours, merchant categories, and where stolen cards and fraud rings come from."""

from datetime import datetime, timezone

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
