"""Generate a deterministic, synthetic AWS-SaaS-Sales-shaped order-line data set.

Each output row is one order line with the 19 columns of the public "AWS SaaS
Sales" data set (see ``HEADER``). The data is fake but shaped like the real
thing, so that models built on it have something to find:

* Customers: 99 real-ish company names (with ``&``, ``'``, ``.`` and one comma,
  so CSV quoting is exercised), then synthesized unique names for larger
  ``--customers``. Industry is fixed per customer. Each customer has a
  log-normal size (heavy tail: a few customers own hundreds of lines, many only
  a handful), a dominant region (~70% of its orders), a home segment (~60%),
  and an activity window: most are active 2020-2023, some churn during
  2021-2022, some only start in 2022-2023. A customer's order share is its size
  times the calendar mass of its window.
* Orders: 1-6 lines (1 + Poisson(1.05), mean ~2). All lines of an order share
  the order id, date, customer, contact, geography and segment. Order dates
  fall in 2020-01-04..2023-12-31 with ~20% yearly growth and quarter-end
  seasonality, restricted to the customer's window. Region follows the
  customer's dominant region, subregion/country/city are drawn from fixed
  weighted tables, the contact is a random first + last name.
* Lines: the product is drawn from a per-customer mix (global popularity times
  a log-normal affinity; each customer skips ~25% of base products and buys a
  Gold tier only with its base product, and then only half the time), so
  cross-sell and up-sell gaps exist. Quantity is 1 + NegBin(2, 0.45) capped at
  14; discount comes from 12 fixed levels (mostly 0 or 0.2); the unit price is
  a product list price times LogNormal(0, 0.6) rounded to cents, and
  Sales = price * quantity * (1 - discount), exact to 4 decimals. Profit is
  Sales times a margin (product margin + Normal(0, 0.12) - 1.4 * discount),
  which is negative on ~20% of lines, mostly the heavily discounted ones.
* Keys: Row ID is 1..N. Order numbers are a seeded permutation of
  100000..999999 for the first 900,000 orders and 7+ digit sequential numbers
  after that, so Order IDs (``<REGION>-<YEAR>-<number>``) are unique. License
  keys are a seeded bijection of the row index into 10 base-36 characters, so
  they are unique too.

The first orders follow a fixed schedule: the first two belong to the first
customer (always active) and are dated on the first and last calendar day, so
every sample spans exactly the full date range; next, every regular customer
gets two orders; then the single-order customers (the last two, when there
are at least 20 customers) get their only order. All further orders go to
regular customers by order share.

Rows are produced in chunks of ``CHUNK_ROWS`` with numpy and streamed to disk,
so memory stays constant and large outputs (10^8 rows) are possible. Chunk k
draws from a generator seeded by (seed, k), and orders never straddle chunks,
so the output depends only on the arguments: the same arguments give a
byte-identical file. Parquet output is produced by converting the generated
CSV with single-threaded DuckDB.

Usage:
    customer-value generate-sample [--rows N] [--customers C] [--seed S]
                                   [--format csv|parquet] [--output PATH]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from numpy.dtypes import StringDType

from customer_value.input_headers import REQUIRED_COLUMNS
from customer_value.project import SAMPLE_INPUT, project_dir

TEXT = StringDType()

HEADER = tuple(REQUIRED_COLUMNS)  # the export's header, in its order
PARQUET_TYPES = {
    "Row ID": "BIGINT",
    "Date Key": "INTEGER",
    "Customer ID": "INTEGER",
    "Quantity": "INTEGER",
    "Sales": "DOUBLE",
    "Discount": "DOUBLE",
    "Profit": "DOUBLE",
}

DEFAULT_ROWS = 10_000
DEFAULT_SEED = 42
DEFAULT_CUSTOMERS = 99
DEFAULT_CUSTOMERS_MAX_ROWS = 20_000
ROWS_PER_CUSTOMER = 100
CHUNK_ROWS = 200_000
FIRST_CUSTOMER_ID = 1001

# Calendar: order volume grows yearly and peaks at quarter ends.
FIRST_DAY = np.datetime64("2020-01-04")
LAST_DAY = np.datetime64("2023-12-31")
ANNUAL_GROWTH = 1.2
MONTH_SEASONALITY = np.array([0.55, 0.45, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 1.5, 0.9, 1.55, 1.5])

# Customers.
SIZE_SIGMA = 1.5  # log-normal sigma of customer size
DOMINANT_REGION_SHARE = 0.7
HOME_SEGMENT_SHARE = 0.6
CHURNED_SHARE = 0.18  # stop buying between CHURN_FROM and CHURN_TO
LATE_START_SHARE = 0.12  # start buying between LATE_FROM and LATE_TO
CHURN_FROM, CHURN_TO = np.datetime64("2021-01-01"), np.datetime64("2022-12-31")
LATE_FROM, LATE_TO = np.datetime64("2022-01-01"), np.datetime64("2023-06-30")
PRODUCT_AFFINITY_SIGMA = 0.8
SKIP_PRODUCT_PROBABILITY = 0.25  # a customer never buys this base product
SKIP_GOLD_PROBABILITY = 0.5  # a customer with the base product never buys its Gold tier
PINNED_ORDERS = 2  # first customer, first and last calendar day
GUARANTEED_ORDERS = 2  # per regular customer
SINGLE_ORDER_CUSTOMERS = 2  # the last customers, when there are enough customers
MIN_CUSTOMERS_FOR_SINGLES = 20

# Orders and lines.
EXTRA_LINES_MEAN = 1.05  # lines per order = 1 + Poisson, capped
MAX_LINES_PER_ORDER = 6
QUANTITY_NEGBIN = (2, 0.45)
MAX_QUANTITY = 14
UNIT_PRICE_SIGMA = 0.6
MARGIN_SIGMA = 0.12
MARGIN_PER_DISCOUNT = 1.4

ORDER_NUMBER_BASE = 100_000
ORDER_NUMBER_SPAN = 900_000  # permuted 6-digit numbers, then sequential
ORDER_NUMBER_MULTIPLIER = 7_919  # coprime with ORDER_NUMBER_SPAN
LICENSE_LENGTH = 10
LICENSE_BITS = 51  # 2**51 < 36**10, so keys stay 10 characters
LICENSE_MULTIPLIERS = (0x5DEECE66D1F3, 0x2545F4914F6D)  # odd, so invertible mod 2**51
LICENSE_ALPHABET = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
# ".0001" .. ".9999" without trailing zeros, indexed by 1/10,000ths ("" for 0).
DECIMAL_FRACTIONS = np.array([""] + [f".{i:04d}".rstrip("0") for i in range(1, 10_000)], dtype=TEXT)

REGIONS = (("AMER", 0.38), ("EMEA", 0.45), ("APJ", 0.17))
# region -> [(subregion, weight, [(country, weight, [cities])])]
GEOGRAPHY = {
    "AMER": [
        (
            "NAMER",
            0.8,
            [
                ("United States", 0.85, ["New York City", "San Francisco", "Chicago", "Seattle", "Dallas", "Boston"]),
                ("Canada", 0.15, ["Toronto", "Vancouver", "Montreal"]),
            ],
        ),
        (
            "LATAM",
            0.2,
            [
                ("Brazil", 0.4, ["Sao Paulo", "Rio de Janeiro"]),
                ("Mexico", 0.3, ["Mexico City", "Monterrey", "Guadalajara"]),
                ("Argentina", 0.1, ["Buenos Aires"]),
                ("Chile", 0.1, ["Santiago"]),
                ("Colombia", 0.1, ["Bogota"]),
            ],
        ),
    ],
    "EMEA": [
        (
            "EU-WEST",
            0.22,
            [
                ("France", 0.45, ["Paris", "Lyon", "Marseille"]),
                ("Netherlands", 0.25, ["Amsterdam", "Rotterdam"]),
                ("Spain", 0.2, ["Madrid", "Barcelona"]),
                ("Belgium", 0.1, ["Brussels"]),
            ],
        ),
        (
            "UKIR",
            0.25,
            [
                ("United Kingdom", 0.8, ["London", "Manchester", "Birmingham", "Edinburgh"]),
                ("Ireland", 0.2, ["Dublin", "Cork"]),
            ],
        ),
        (
            "NOR",
            0.1,
            [
                ("Sweden", 0.4, ["Stockholm", "Gothenburg"]),
                ("Denmark", 0.2, ["Copenhagen"]),
                ("Norway", 0.2, ["Oslo"]),
                ("Finland", 0.2, ["Helsinki"]),
            ],
        ),
        (
            "EU-EAST",
            0.1,
            [
                ("Poland", 0.4, ["Warsaw", "Krakow"]),
                ("Czech Republic", 0.2, ["Prague"]),
                ("Russia", 0.25, ["Moscow", "Saint Petersburg"]),
                ("Greece", 0.15, ["Athens"]),
            ],
        ),
        (
            "MEA",
            0.13,
            [
                ("Israel", 0.25, ["Tel Aviv", "Jerusalem"]),
                ("United Arab Emirates", 0.2, ["Dubai"]),
                ("Saudi Arabia", 0.15, ["Riyadh"]),
                ("South Africa", 0.25, ["Johannesburg", "Cape Town"]),
                ("Turkey", 0.15, ["Istanbul"]),
            ],
        ),
        (
            "EU",
            0.2,
            [
                ("Germany", 0.55, ["Berlin", "Munich", "Hamburg", "Frankfurt"]),
                ("Italy", 0.25, ["Rome", "Milan"]),
                ("Austria", 0.1, ["Vienna"]),
                ("Switzerland", 0.1, ["Zurich", "Geneva"]),
            ],
        ),
    ],
    "APJ": [
        (
            "JAPN",
            0.3,
            [
                ("Japan", 1.0, ["Tokyo", "Osaka", "Yokohama", "Nagoya", "Kyoto"]),
            ],
        ),
        (
            "ANZ",
            0.3,
            [
                ("Australia", 0.8, ["Sydney", "Melbourne", "Brisbane", "Perth"]),
                ("New Zealand", 0.2, ["Auckland", "Wellington"]),
            ],
        ),
        (
            "APAC",
            0.25,
            [
                ("Singapore", 0.3, ["Singapore"]),
                ("South Korea", 0.25, ["Seoul", "Busan"]),
                ("China", 0.25, ["Shanghai", "Beijing"]),
                ("Philippines", 0.1, ["Manila"]),
                ("Indonesia", 0.1, ["Jakarta"]),
            ],
        ),
        (
            "IND",
            0.15,
            [
                ("India", 1.0, ["Mumbai", "Bangalore", "Delhi", "Chennai", "Hyderabad"]),
            ],
        ),
    ],
}

SEGMENTS = (("SMB", 0.52), ("Strategic", 0.3), ("Enterprise", 0.18))

# (product, popularity weight, median unit list price, base profit margin)
PRODUCTS = (
    ("Marketing Suite", 2.3, 110.0, 0.25),
    ("Marketing Suite - Gold", 8.5, 150.0, 0.4),
    ("SaaS Connector Pack", 9.6, 25.0, 0.35),
    ("SaaS Connector Pack - Gold", 2.5, 45.0, 0.45),
    ("ContactMatcher", 19.0, 45.0, 0.3),
    ("FinanceHub", 10.0, 90.0, 0.35),
    ("Site Analytics", 9.0, 120.0, 0.38),
    ("Alchemy", 0.7, 550.0, 0.5),
    ("Big Ol Database", 1.2, 450.0, 0.25),
    ("Data Smasher", 7.7, 40.0, 0.42),
    ("OneView", 4.7, 55.0, 0.35),
    ("Support", 16.0, 12.0, 0.45),
    ("Storage", 2.2, 8.0, 0.4),
    ("ChatBot Plugin", 8.0, 6.0, 0.42),
)
GOLD_TIERS = {
    "Marketing Suite - Gold": "Marketing Suite",
    "SaaS Connector Pack - Gold": "SaaS Connector Pack",
}

# (discount in percent, probability)
DISCOUNTS = (
    (0, 0.48),
    (10, 0.015),
    (15, 0.005),
    (20, 0.365),
    (30, 0.02),
    (32, 0.003),
    (40, 0.02),
    (45, 0.002),
    (50, 0.007),
    (60, 0.014),
    (70, 0.04),
    (80, 0.029),
)

INDUSTRIES = (
    ("Finance", 0.2),
    ("Energy", 0.1),
    ("Tech", 0.12),
    ("Retail", 0.1),
    ("Manufacturing", 0.12),
    ("Healthcare", 0.1),
    ("Consumer Products", 0.08),
    ("Communications", 0.07),
    ("Transportation", 0.06),
    ("Misc", 0.05),
)

# Names for the first customers, with their industry. The last two become the
# single-order customers of the default sample.
COMPANIES = (
    ("Bank of America Corp.", "Finance"),
    ("Wells Fargo", "Finance"),
    ("JPMorgan Chase", "Finance"),
    ("Citigroup", "Finance"),
    ("Goldman Sachs", "Finance"),
    ("Morgan Stanley", "Finance"),
    ("BNP Paribas", "Finance"),
    ("HSBC Holdings", "Finance"),
    ("Allianz", "Finance"),
    ("AXA", "Finance"),
    ("Berkshire Hathaway, Inc.", "Finance"),
    ("American Express", "Finance"),
    ("Prudential Financial", "Finance"),
    ("MetLife", "Finance"),
    ("Chevron", "Energy"),
    ("Exxon Mobil", "Energy"),
    ("Royal Dutch Shell", "Energy"),
    ("BP", "Energy"),
    ("TotalEnergies", "Energy"),
    ("Phillips 66", "Energy"),
    ("ConocoPhillips", "Energy"),
    ("Valero Energy", "Energy"),
    ("Engie", "Energy"),
    ("Enel", "Energy"),
    ("Petrobras", "Energy"),
    ("Marathon Petroleum", "Energy"),
    ("Microsoft", "Tech"),
    ("Apple", "Tech"),
    ("Alphabet", "Tech"),
    ("Amazon.com Inc.", "Tech"),
    ("Intel", "Tech"),
    ("IBM", "Tech"),
    ("Oracle", "Tech"),
    ("Samsung Electronics", "Tech"),
    ("Sony", "Tech"),
    ("Dell Technologies", "Tech"),
    ("HP Inc.", "Tech"),
    ("Cisco Systems", "Tech"),
    ("Walmart", "Retail"),
    ("Costco Wholesale", "Retail"),
    ("Target", "Retail"),
    ("Home Depot", "Retail"),
    ("Lowe's", "Retail"),
    ("Kroger", "Retail"),
    ("Tesco", "Retail"),
    ("Carrefour", "Retail"),
    ("Walgreens", "Retail"),
    ("Macy's", "Retail"),
    ("Best Buy", "Retail"),
    ("Siemens", "Manufacturing"),
    ("General Electric", "Manufacturing"),
    ("Caterpillar", "Manufacturing"),
    ("Boeing", "Manufacturing"),
    ("Airbus", "Manufacturing"),
    ("Toyota Motor", "Manufacturing"),
    ("Volkswagen", "Manufacturing"),
    ("Ford Motor", "Manufacturing"),
    ("General Motors", "Manufacturing"),
    ("3M", "Manufacturing"),
    ("Honeywell", "Manufacturing"),
    ("Johnson & Johnson", "Healthcare"),
    ("Pfizer", "Healthcare"),
    ("UnitedHealth Group", "Healthcare"),
    ("CVS Health", "Healthcare"),
    ("Merck", "Healthcare"),
    ("Novartis", "Healthcare"),
    ("Roche", "Healthcare"),
    ("Anthem", "Healthcare"),
    ("Cardinal Health", "Healthcare"),
    ("McKesson", "Healthcare"),
    ("Sanofi", "Healthcare"),
    ("Procter & Gamble", "Consumer Products"),
    ("Nestle", "Consumer Products"),
    ("Unilever", "Consumer Products"),
    ("PepsiCo", "Consumer Products"),
    ("Coca-Cola", "Consumer Products"),
    ("Nike", "Consumer Products"),
    ("L'Oreal", "Consumer Products"),
    ("Kraft Heinz", "Consumer Products"),
    ("Colgate-Palmolive", "Consumer Products"),
    ("AT&T", "Communications"),
    ("Verizon", "Communications"),
    ("Comcast", "Communications"),
    ("Deutsche Telekom", "Communications"),
    ("Vodafone", "Communications"),
    ("Nippon Telegraph & Telephone", "Communications"),
    ("China Mobile", "Communications"),
    ("Walt Disney", "Communications"),
    ("FedEx", "Transportation"),
    ("United Parcel Service", "Transportation"),
    ("Deutsche Post", "Transportation"),
    ("Delta Air Lines", "Transportation"),
    ("Union Pacific", "Transportation"),
    ("Maersk", "Transportation"),
    ("McDonald's", "Misc"),
    ("Starbucks", "Misc"),
    ("Accenture", "Misc"),
    ("Marriott International", "Misc"),
    ("Hilton Worldwide", "Misc"),
)
SYNTHETIC_NAME_PARTS = (
    (
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Stark",
        "Wayne",
        "Tyrell",
        "Cyberdyne",
        "Hooli",
        "Vandelay",
        "Wonka",
        "Soylent",
        "Oscorp",
        "Gringotts",
        "Monarch",
        "Nakatomi",
    ),
    ("Holdings", "Industries", "Systems", "Group", "Partners", "Labs", "Dynamics", "Logistics"),
    ("Inc.", "Ltd.", "GmbH", "S.A.", "plc", "Corp.", "AG", "LLC"),
)

FIRST_NAMES = (
    "Nathan",
    "Deirdre",
    "Zoe",
    "Thomas",
    "Anna",
    "Liam",
    "Sofia",
    "Kenji",
    "Priya",
    "Lucas",
    "Emma",
    "Oliver",
    "Chloe",
    "Mateo",
    "Yuki",
    "Aisha",
    "Noah",
    "Mia",
    "Ethan",
    "Isabella",
    "Hiroshi",
    "Fatima",
    "Jack",
    "Grace",
    "Arjun",
    "Lena",
    "Diego",
    "Sara",
    "Max",
    "Julia",
    "Omar",
    "Hannah",
    "Leo",
    "Ava",
    "Ravi",
    "Elena",
    "Samuel",
    "Chen",
    "Maria",
    "Finn",
)
LAST_NAMES = (
    "Bell",
    "Bailey",
    "Hodges",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Martin",
    "Lee",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Nelson",
    "Carter",
    "Mitchell",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "O'Brien",
    "Tanaka",
    "Sharma",
)


def csv_field(value: str) -> str:
    """Quote a field the RFC 4180 way, only when it contains a delimiter, quote or newline."""
    if any(char in value for char in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def text_array(values) -> np.ndarray:
    """Build a numpy variable-width string array of CSV-ready fields."""
    return np.array([csv_field(str(value)) for value in values], dtype=TEXT)


def join_fields(*columns: np.ndarray) -> np.ndarray:
    """Join equally long string arrays element-wise with commas."""
    joined = columns[0]
    for column in columns[1:]:
        joined = joined + ("," + column)
    return joined


def cumulative(weights: np.ndarray) -> np.ndarray:
    """Turn non-negative weights (last axis) into a CDF whose last entry is exactly 1."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64), axis=-1)
    cdf /= cdf[..., -1:]
    cdf[..., -1] = 1.0
    return cdf


def probabilities(pairs) -> np.ndarray:
    """Probabilities from a sequence of (label, weight) pairs."""
    weights = np.array([weight for _, weight in pairs], dtype=np.float64)
    return weights / weights.sum()


def sample_rows(cdf: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one column index per element of ``rows`` from the row-wise CDF matrix ``cdf``.

    Columns with zero weight are never drawn.
    """
    uniform = rng.random(len(rows))
    return (uniform[:, None] >= cdf[rows]).sum(axis=1)


def format_decimal4(scaled: np.ndarray) -> np.ndarray:
    """Format integers counting 1/10,000ths as plain decimals without trailing zeros.

    For example 2619600 -> "261.96", -3830310 -> "-383.031", 2000 -> "0.2", 0 -> "0".
    """
    magnitude = np.abs(scaled)
    text = (magnitude // 10_000).astype(TEXT) + DECIMAL_FRACTIONS[magnitude % 10_000]
    negative = scaled < 0
    text[negative] = "-" + text[negative]
    return text


@dataclass(frozen=True)
class Calendar:
    """Order days with their CSV text, year and sampling CDF."""

    text: np.ndarray  # "M/D/YYYY,YYYYMMDD" per day (Order Date and Date Key)
    year_index: np.ndarray  # 0 for the first year, 1 for the next, ...
    years: tuple[int, ...]
    cdf: np.ndarray  # cumulative order volume by day

    @property
    def days(self) -> int:
        """Number of days in the calendar."""
        return len(self.cdf)

    def day_index(self, day: np.datetime64) -> int:
        """Index of a calendar date."""
        return int((day - FIRST_DAY).astype(int))


def build_calendar() -> Calendar:
    """Build the daily calendar with yearly growth and monthly seasonality."""
    days = np.arange(FIRST_DAY, LAST_DAY + np.timedelta64(1, "D"))
    years = days.astype("datetime64[Y]").astype(int) + 1970
    months = days.astype("datetime64[M]").astype(int) % 12 + 1
    day_of_month = (days - days.astype("datetime64[M]")).astype(int) + 1
    text = [f"{m}/{d}/{y},{y * 10_000 + m * 100 + d}" for y, m, d in zip(years, months, day_of_month)]
    volume = ANNUAL_GROWTH ** (years - years[0]) * MONTH_SEASONALITY[months - 1]
    return Calendar(
        text=np.array(text, dtype=TEXT),
        year_index=years - years[0],
        years=tuple(range(int(years[0]), int(years[-1]) + 1)),
        cdf=cumulative(volume),
    )


@dataclass(frozen=True)
class Geography:
    """Region -> subregion -> city tables; a city determines country, subregion and region."""

    region_names: tuple[str, ...]
    subregion_cdf: np.ndarray  # region x subregion
    city_cdf: np.ndarray  # subregion x city slot (slots padded with zero weight)
    city_text: np.ndarray  # subregion x city slot: "Country,City,Region,Subregion"


def build_geography() -> Geography:
    """Flatten ``GEOGRAPHY`` into sampling tables."""
    region_names = tuple(GEOGRAPHY)
    subregions = [
        (region_index, subregion, weight, countries)
        for region_index, region_subregions in enumerate(GEOGRAPHY.values())
        for subregion, weight, countries in region_subregions
    ]
    slots = max(sum(len(cities) for _, _, cities in countries) for *_, countries in subregions)
    subregion_weights = np.zeros((len(region_names), len(subregions)))
    city_weights = np.zeros((len(subregions), slots))
    city_text = np.full((len(subregions), slots), "", dtype=TEXT)
    for subregion_index, (region_index, subregion, weight, countries) in enumerate(subregions):
        subregion_weights[region_index, subregion_index] = weight
        cities = [
            (country, city, country_weight / len(names))
            for country, country_weight, names in countries
            for city in names
        ]
        for slot, (country, city, city_weight) in enumerate(cities):
            fields = (country, city, region_names[region_index], subregion)
            city_weights[subregion_index, slot] = city_weight
            city_text[subregion_index, slot] = ",".join(map(csv_field, fields))
    return Geography(
        region_names=region_names,
        subregion_cdf=cumulative(subregion_weights),
        city_cdf=cumulative(city_weights),
        city_text=city_text,
    )


def customer_names(count: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Names and industries: ``COMPANIES`` first, then synthesized unique names."""
    named = COMPANIES[:count]
    extra = count - len(named)
    prefixes, kinds, suffixes = SYNTHETIC_NAME_PARTS
    picks = [rng.integers(0, len(parts), extra) for parts in SYNTHETIC_NAME_PARTS]
    industry_names = [name for name, _ in INDUSTRIES]
    industries = rng.choice(len(INDUSTRIES), extra, p=probabilities(INDUSTRIES))
    names = [name for name, _ in named] + [
        f"{prefixes[p]} {kinds[k]} {len(named) + i + 1:05d} {suffixes[s]}" for i, (p, k, s) in enumerate(zip(*picks))
    ]
    return names, [industry for _, industry in named] + [industry_names[i] for i in industries]


@dataclass(frozen=True)
class Customers:
    """Per-customer attributes and sampling tables."""

    text: np.ndarray  # "Customer,Customer ID,Industry" per customer
    order_cdf: np.ndarray  # order share over the regular (non single-order) customers
    region_cdf: np.ndarray  # customer x region
    segment_cdf: np.ndarray  # customer x segment
    product_cdf: np.ndarray  # customer x product
    first_day: np.ndarray  # activity window, as calendar day indexes
    last_day: np.ndarray
    window_low: np.ndarray  # activity window in calendar CDF space
    window_high: np.ndarray

    @property
    def count(self) -> int:
        """Number of customers."""
        return len(self.text)

    @property
    def regular(self) -> int:
        """Number of customers with at least two orders (all but the single-order ones)."""
        return len(self.order_cdf)

    def choose(self, order_index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Customer index for each global order index.

        The first orders follow a fixed schedule (pinned orders, two per
        regular customer, one per single-order customer); the rest are drawn
        by order share.
        """
        drawn = np.searchsorted(self.order_cdf, rng.random(len(order_index)), side="right")
        guaranteed = self.regular * GUARANTEED_ORDERS
        position = order_index - PINNED_ORDERS
        scheduled = np.where(
            position < 0,
            0,
            np.where(position < guaranteed, position % self.regular, self.regular + position - guaranteed),
        )
        is_scheduled = position < guaranteed + self.count - self.regular
        return np.where(is_scheduled, scheduled, drawn)

    def order_days(self, customer: np.ndarray, calendar: Calendar, rng: np.random.Generator) -> np.ndarray:
        """Draw an order day for each customer index, within the customer's activity window."""
        low, high = self.window_low[customer], self.window_high[customer]
        day = np.searchsorted(calendar.cdf, low + rng.random(len(customer)) * (high - low), side="right")
        return np.clip(day, self.first_day[customer], self.last_day[customer])


def build_customers(count: int, calendar: Calendar, rng: np.random.Generator) -> Customers:
    """Draw every customer's name, industry, size, region, segment, window and product mix."""
    names, industries = customer_names(count, rng)
    text = np.array(
        [
            f"{csv_field(name)},{FIRST_CUSTOMER_ID + i},{csv_field(industry)}"
            for i, (name, industry) in enumerate(zip(names, industries))
        ],
        dtype=TEXT,
    )

    def home_cdf(options, home_share: float) -> np.ndarray:
        """CDF giving a per-customer home option ``home_share`` and splitting the rest evenly."""
        home = rng.choice(len(options), count, p=probabilities(options))
        weights = np.full((count, len(options)), (1 - home_share) / (len(options) - 1))
        weights[np.arange(count), home] = home_share
        return cumulative(weights)

    region_cdf = home_cdf(REGIONS, DOMINANT_REGION_SHARE)
    segment_cdf = home_cdf(SEGMENTS, HOME_SEGMENT_SHARE)

    # Activity windows: full range, churned (ends early) or late start; the first customer is always full.
    role = rng.choice(3, count, p=[1 - CHURNED_SHARE - LATE_START_SHARE, CHURNED_SHARE, LATE_START_SHARE])
    role[0] = 0
    churn_day = rng.integers(calendar.day_index(CHURN_FROM), calendar.day_index(CHURN_TO) + 1, count)
    start_day = rng.integers(calendar.day_index(LATE_FROM), calendar.day_index(LATE_TO) + 1, count)
    first_day = np.where(role == 2, start_day, 0)
    last_day = np.where(role == 1, churn_day, calendar.days - 1)
    padded_cdf = np.concatenate([[0.0], calendar.cdf])
    window_low, window_high = padded_cdf[first_day], padded_cdf[last_day + 1]

    singles = SINGLE_ORDER_CUSTOMERS if count >= MIN_CUSTOMERS_FOR_SINGLES else 0
    size = rng.lognormal(0.0, SIZE_SIGMA, count)
    order_share = (size * (window_high - window_low))[: count - singles]

    product_names = [name for name, *_ in PRODUCTS]
    popularity = np.array([weight for _, weight, *_ in PRODUCTS])
    affinity = rng.lognormal(0.0, PRODUCT_AFFINITY_SIGMA, (count, len(PRODUCTS)))
    buys = rng.random((count, len(PRODUCTS))) >= SKIP_PRODUCT_PROBABILITY
    for gold, base in GOLD_TIERS.items():
        gold_index, base_index = product_names.index(gold), product_names.index(base)
        buys[:, gold_index] = buys[:, base_index] & (rng.random(count) >= SKIP_GOLD_PROBABILITY)
    buys[~buys.any(axis=1)] = True
    return Customers(
        text=text,
        order_cdf=cumulative(order_share),
        region_cdf=region_cdf,
        segment_cdf=segment_cdf,
        product_cdf=cumulative(popularity * affinity * buys),
        first_day=first_day,
        last_day=last_day,
        window_low=window_low,
        window_high=window_high,
    )


@dataclass(frozen=True)
class Model:
    """Everything fixed for one run: lookup tables, customers and seed-derived keys."""

    seed: int
    calendar: Calendar
    geography: Geography
    customers: Customers
    order_id_prefix: np.ndarray  # "<REGION>-<YEAR>-" per (region, year index)
    contact_text: np.ndarray  # "First Last" per (first, last) name pair
    segment_text: np.ndarray
    product_text: np.ndarray
    quantity_text: np.ndarray  # indexed by quantity
    discount_text: np.ndarray
    discount_percent: np.ndarray
    discount_probability: np.ndarray
    list_price: np.ndarray
    base_margin: np.ndarray
    order_number_offset: int
    license_key: np.uint64


def build_model(seed: int, customer_count: int) -> Model:
    """Build the run's fixed tables; customers and keys depend only on the seed and customer count."""
    calendar = build_calendar()
    geography = build_geography()
    customer_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    customers = build_customers(customer_count, calendar, customer_rng)
    order_key, license_key = np.random.SeedSequence(seed, spawn_key=(1,)).generate_state(2, np.uint64)
    discount_percent = np.array([percent for percent, _ in DISCOUNTS])
    return Model(
        seed=seed,
        calendar=calendar,
        geography=geography,
        customers=customers,
        order_id_prefix=np.array(
            [f"{region}-{year}-" for region in geography.region_names for year in calendar.years], dtype=TEXT
        ),
        contact_text=text_array(f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES),
        segment_text=text_array(name for name, _ in SEGMENTS),
        product_text=text_array(name for name, *_ in PRODUCTS),
        quantity_text=np.arange(MAX_QUANTITY + 1).astype(TEXT),
        discount_text=format_decimal4(discount_percent * 100),
        discount_percent=discount_percent,
        discount_probability=probabilities(DISCOUNTS),
        list_price=np.array([price for _, _, price, _ in PRODUCTS]),
        base_margin=np.array([margin for *_, margin in PRODUCTS]),
        order_number_offset=int(order_key % ORDER_NUMBER_SPAN),
        license_key=license_key & np.uint64((1 << LICENSE_BITS) - 1),
    )


def order_numbers(order_index: np.ndarray, offset: int) -> np.ndarray:
    """Unique order numbers: a permutation of 100000..999999, then 1000000, 1000001, ..."""
    permuted = ORDER_NUMBER_BASE + (order_index * ORDER_NUMBER_MULTIPLIER + offset) % ORDER_NUMBER_SPAN
    return np.where(order_index < ORDER_NUMBER_SPAN, permuted, ORDER_NUMBER_BASE + order_index)


def license_keys(row_index: np.ndarray, key: np.uint64) -> np.ndarray:
    """Unique 10-character base-36 keys: a keyed bijective mix of the row index on 51 bits."""
    mask = np.uint64((1 << LICENSE_BITS) - 1)
    mixed = (row_index.astype(np.uint64) ^ key) & mask
    for multiplier in LICENSE_MULTIPLIERS:
        mixed = (mixed * np.uint64(multiplier)) & mask
        mixed ^= mixed >> np.uint64(LICENSE_BITS // 2)
    digits = np.empty((len(mixed), LICENSE_LENGTH), dtype=np.uint8)
    for position in range(LICENSE_LENGTH - 1, -1, -1):
        digits[:, position] = LICENSE_ALPHABET[mixed % np.uint64(36)]
        mixed //= np.uint64(36)
    return digits.view(f"S{LICENSE_LENGTH}").ravel().astype(TEXT)


def order_sizes(rows: int, rng: np.random.Generator) -> np.ndarray:
    """Lines per order for exactly ``rows`` lines; the last order is truncated to fit."""
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < rows:
        extra = np.minimum(rng.poisson(EXTRA_LINES_MEAN, rows // 2 + 16), MAX_LINES_PER_ORDER - 1)
        sizes = np.concatenate([sizes, 1 + extra])
    ends = np.cumsum(sizes)
    count = int(np.searchsorted(ends, rows)) + 1
    sizes = sizes[:count]
    sizes[-1] -= ends[count - 1] - rows
    return sizes


@dataclass(frozen=True)
class Chunk:
    """CSV text (without header) of consecutive rows, and what it contains."""

    text: str
    orders: int
    customers: np.ndarray  # customer indexes of its orders


def generate_chunk(model: Model, chunk_index: int, first_row: int, rows: int, first_order: int) -> Chunk:
    """Generate ``rows`` lines starting at 0-based ``first_row`` and global order ``first_order``."""
    rng = np.random.default_rng(np.random.SeedSequence(model.seed, spawn_key=(2, chunk_index)))
    calendar, geography, customers = model.calendar, model.geography, model.customers

    # Orders.
    sizes = order_sizes(rows, rng)
    order_index = first_order + np.arange(len(sizes))
    customer = customers.choose(order_index, rng)
    day = customers.order_days(customer, calendar, rng)
    # The two pinned orders (first customer, always active) take the first and last calendar day.
    day = np.where(order_index == 0, 0, np.where(order_index == 1, calendar.days - 1, day))
    region = sample_rows(customers.region_cdf, customer, rng)
    subregion = sample_rows(geography.subregion_cdf, region, rng)
    city = sample_rows(geography.city_cdf, subregion, rng)
    segment = sample_rows(customers.segment_cdf, customer, rng)
    contact = rng.integers(0, len(model.contact_text), len(sizes))
    order_id = model.order_id_prefix[region * len(calendar.years) + calendar.year_index[day]] + order_numbers(
        order_index, model.order_number_offset
    ).astype(TEXT)
    order_text = join_fields(
        order_id,
        calendar.text[day],
        model.contact_text[contact],
        geography.city_text[subregion, city],
        customers.text[customer],
        model.segment_text[segment],
    )

    # Lines.
    line_order = np.repeat(np.arange(len(sizes)), sizes)
    product = sample_rows(customers.product_cdf, customer[line_order], rng)
    quantity = 1 + np.minimum(rng.negative_binomial(*QUANTITY_NEGBIN, rows), MAX_QUANTITY - 1)
    discount = rng.choice(len(DISCOUNTS), rows, p=model.discount_probability)
    unit_price = model.list_price[product] * rng.lognormal(0.0, UNIT_PRICE_SIGMA, rows)
    unit_cents = np.maximum(1, np.rint(unit_price * 100)).astype(np.int64)
    percent = model.discount_percent[discount]
    sales = unit_cents * quantity * (100 - percent)  # in 1/10,000ths
    noise = rng.normal(0.0, MARGIN_SIGMA, rows)
    margin = model.base_margin[product] + noise - MARGIN_PER_DISCOUNT * percent / 100
    profit = np.rint(sales * margin).astype(np.int64)
    row_index = first_row + np.arange(rows)
    line_text = join_fields(
        (row_index + 1).astype(TEXT),
        order_text[line_order],
        join_fields(
            model.product_text[product],
            license_keys(row_index, model.license_key),
            format_decimal4(sales),
            model.quantity_text[quantity],
            model.discount_text[discount],
            format_decimal4(profit),
        ),
    )
    return Chunk(text="\n".join(line_text.tolist()) + "\n", orders=len(sizes), customers=customer)


@dataclass(frozen=True)
class Summary:
    """What a run wrote."""

    rows: int
    orders: int
    customers: int  # customers with at least one order


def write_csv(path: Path, rows: int, model: Model) -> Summary:
    """Stream ``rows`` generated lines, chunk by chunk, into a CSV file at ``path``."""
    orders = 0
    has_orders = np.zeros(model.customers.count, dtype=bool)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(HEADER) + "\n")
        for chunk_index, first_row in enumerate(range(0, rows, CHUNK_ROWS)):
            chunk = generate_chunk(model, chunk_index, first_row, min(CHUNK_ROWS, rows - first_row), orders)
            out.write(chunk.text)
            orders += chunk.orders
            has_orders[chunk.customers] = True
    return Summary(rows=rows, orders=orders, customers=int(has_orders.sum()))


def sql_string(value: str) -> str:
    """Quote a value as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def convert_to_parquet(csv_path: Path, parquet_path: Path) -> None:
    """Convert a generated CSV to Parquet with DuckDB, single-threaded so the bytes are deterministic."""
    columns = ", ".join(f"{sql_string(name)}: {sql_string(PARQUET_TYPES.get(name, 'VARCHAR'))}" for name in HEADER)
    with duckdb.connect() as con:
        con.execute("SET threads = 1")
        con.execute("SET preserve_insertion_order = true")
        con.execute(
            f"COPY (SELECT * FROM read_csv({sql_string(str(csv_path))}, header = true, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}})) "
            f"TO {sql_string(str(parquet_path))} (FORMAT parquet)"
        )


def generate(output: Path, output_format: str, rows: int, customer_count: int, seed: int) -> Summary:
    """Generate the data set and atomically replace ``output`` with it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    model = build_model(seed, customer_count)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".generate_sample-") as scratch:
        csv_path = Path(scratch) / "lines.csv"
        summary = write_csv(csv_path, rows, model)
        if output_format == "parquet":
            parquet_path = Path(scratch) / "lines.parquet"
            convert_to_parquet(csv_path, parquet_path)
            os.replace(parquet_path, output)
        else:
            os.replace(csv_path, output)
    return summary


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line and fill in the derived defaults (customers, format, output)."""
    parser = argparse.ArgumentParser(
        prog="customer-value generate-sample",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument(
        "--rows", type=positive_int, default=DEFAULT_ROWS, help=f"order lines to write (default: {DEFAULT_ROWS})"
    )
    parser.add_argument(
        "--customers",
        type=positive_int,
        help=f"number of customers (default: {DEFAULT_CUSTOMERS} when --rows <= {DEFAULT_CUSTOMERS_MAX_ROWS:,}, "
        f"else rows // {ROWS_PER_CUSTOMER})",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        help="output format (default: parquet if --output ends in .parquet, else csv)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"output file (default: {SAMPLE_INPUT} in the project, with a .parquet suffix for --format parquet)",
    )
    args = parser.parse_args(argv)
    if args.customers is None:
        small = args.rows <= DEFAULT_CUSTOMERS_MAX_ROWS
        args.customers = DEFAULT_CUSTOMERS if small else args.rows // ROWS_PER_CUSTOMER
    if args.format is None:
        is_parquet = args.output is not None and args.output.suffix.lower() == ".parquet"
        args.format = "parquet" if is_parquet else "csv"
    if args.output is None:
        args.output = (project_dir() / SAMPLE_INPUT).with_suffix("." + args.format)
    return args


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    args = parse_args(argv)
    started = time.perf_counter()
    summary = generate(args.output, args.format, args.rows, args.customers, args.seed)
    print(
        f"wrote {summary.rows:,} rows, {summary.orders:,} orders, {summary.customers:,} customers "
        f"to {args.output} in {time.perf_counter() - started:.1f}s"
    )
    return 0
