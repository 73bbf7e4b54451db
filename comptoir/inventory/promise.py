"""Delivery promise: when an offer shipped from a place reaches a buyer. Pure functions.

    latest   = today + (handling days + transit max) business days
    earliest = today + (handling days + transit min) business days

Business days skip Saturdays and Sundays (public holidays are not modelled yet); adding
n business days steps forward one day at a time and counts only weekdays, so an order on
Saturday with 1 business day arrives Monday. ``days_min``/``days_max`` are calendar days
from today to earliest/latest.

Transit (business days, min–max) by relation of origin to destination country and by
great-circle distance band from the ship-from location to the buyer's city:

=================  ========  =========  ==========  ==========
relation            < 50 km  < 300 km   < 1000 km   ≥ 1000 km
=================  ========  =========  ==========  ==========
same country         1–1       1–2        2–3         3–4
EU cross-border      1–2       2–3        3–5         4–6
non-EU (e.g. CN)     2–4       3–6        5–8         8–15
=================  ========  =========  ==========  ==========

An unknown distance (no buyer city) uses the ≥ 1000 km band. "EU cross-border" needs both
countries in the EU; anything else with different countries is "non-EU" (customs).

The table is a small strategy object (`PromisePolicy`) so a market or a carrier contract can
supply another one explicitly; `DEFAULT_POLICY` is the table above.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE HU".split()
)

DOMESTIC = "domestic"
EU_CROSS_BORDER = "eu"
NON_EU = "non_eu"
RELATIONS = (DOMESTIC, EU_CROSS_BORDER, NON_EU)


@dataclass(frozen=True, slots=True)
class DeliveryPromise:
    earliest: date
    latest: date
    days_min: int  # calendar days from today to earliest
    days_max: int  # calendar days from today to latest


def add_business_days(start: date, days: int) -> date:
    """start + `days` weekdays (Mon–Fri); 0 returns start itself."""
    if days < 0:
        raise ValueError("days must be ≥ 0")
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def business_days_between(start: date, end: date) -> int:
    """Number of weekdays d with start < d ≤ end (0 when end ≤ start): the largest n with
    add_business_days(start, n) ≤ end."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    d = start + timedelta(weeks=full_weeks)
    for _ in range(rest):
        d += timedelta(days=1)
        if d.weekday() < 5:
            count += 1
    return count


@dataclass(frozen=True, slots=True)
class PromisePolicy:
    """Transit table strategy. `bands_km` are the upper bounds of the distance bands (the
    last band is open); `transit[relation][band]` = (min, max) business days."""

    bands_km: tuple[float, ...] = (50.0, 300.0, 1000.0)
    transit: dict = field(
        default_factory=lambda: {
            DOMESTIC: ((1, 1), (1, 2), (2, 3), (3, 4)),
            EU_CROSS_BORDER: ((1, 2), (2, 3), (3, 5), (4, 6)),
            NON_EU: ((2, 4), (3, 6), (5, 8), (8, 15)),
        }
    )
    eu_countries: frozenset = EU_COUNTRIES

    def __hash__(self) -> int:  # dict field: hash by identity of the bands
        return hash(self.bands_km)

    def relation(self, origin: str, destination: str) -> str:
        if origin == destination:
            return DOMESTIC
        if origin in self.eu_countries and destination in self.eu_countries:
            return EU_CROSS_BORDER
        return NON_EU

    def band(self, distance_km: float | None) -> int:
        if distance_km is None:
            return len(self.bands_km)
        for index, upper in enumerate(self.bands_km):
            if distance_km < upper:
                return index
        return len(self.bands_km)

    def transit_days(self, relation: str, band: int) -> tuple[int, int]:
        return self.transit[relation][band]

    def business_days_between(self, start: date, end: date) -> int:
        return business_days_between(start, end)

    def promise(
        self, ship_from_country: str, dest_country: str, distance_km: float | None, handling_days: int, today: date
    ) -> DeliveryPromise:
        tmin, tmax = self.transit_days(self.relation(ship_from_country, dest_country), self.band(distance_km))
        earliest = add_business_days(today, handling_days + tmin)
        latest = add_business_days(today, handling_days + tmax)
        return DeliveryPromise(earliest, latest, (earliest - today).days, (latest - today).days)


DEFAULT_POLICY = PromisePolicy()


def promise(
    ship_from_country: str,
    dest_country: str,
    distance_km: float | None,
    handling_days: int,
    today: date,
    *,
    policy: PromisePolicy = DEFAULT_POLICY,
) -> DeliveryPromise:
    """The delivery promise of an offer shipping from `ship_from_country` to a buyer in
    `dest_country` `distance_km` away (None = unknown), after `handling_days`."""
    return policy.promise(ship_from_country, dest_country, distance_km, handling_days, today)
