"""The delivery promise: when an offer shipped from a place reaches a buyer or a store. Pure code.

One policy for every channel: the product page, the listing's deliver-by filter (its SQL reads
this table, see catalog.selectors), the quote and the placed order all ask `DEFAULT_POLICY`, so
the same offer and address give the same dates everywhere.

Shipped methods (standard, express, pickup_shipped):

    earliest = today + (handling days + transit min) business days
    latest   = today + (handling days + transit max) business days

Business days skip Saturdays, Sundays and the national public holidays of the destination
country (the `holidays` package, offline); adding n business days steps forward one day at a
time and counts only business days, so an order on Saturday with 1 business day arrives Monday.
``days_min``/``days_max`` are calendar days from today to earliest/latest.

Transit (business days, min–max) by method, relation of origin to destination country and
great-circle distance from the ship-from location to the destination point (the buyer's city;
the store for ``pickup_shipped``). Band edges are inclusive upper bounds; the first is the one
"local" radius (`LOCAL_KM`) that ranking and analytics use too:

=========================  ========  ==========  ===========  ==========
standard / pickup_shipped  ≤ 50 km   ≤ 300 km    ≤ 1000 km    > 1000 km
=========================  ========  ==========  ===========  ==========
same country                 1–2       1–2         2–3          3–4
EU cross-border              1–2       2–3         3–5          4–6
non-EU (e.g. CN)             2–4       3–6         5–8          8–15
=========================  ========  ==========  ===========  ==========

=========================  ========  ==========  ===========  ==========
express                    ≤ 50 km   ≤ 300 km    ≤ 1000 km    > 1000 km
=========================  ========  ==========  ===========  ==========
same country                 1–1       1–1         1–2          2–3
EU cross-border              1–1       1–2         2–3          3–4
non-EU (e.g. CN)             2–3       2–4         3–5          5–8
=========================  ========  ==========  ===========  ==========

An unknown distance (no destination point) uses the last band. "EU cross-border" needs both
countries in the EU (`markets.vat_data.EU_MEMBER_STATES`, the one list); anything else with
different countries is "non-EU" (customs).

``pickup_shelf``: the units are on the store's own shelf; the order is ready once the store
has been open `shelf_ready_minutes` (120) after the order: earliest = latest = that day.
``pickup_shipped`` is a shipment to the store's point (the standard table), ready the first
day the store opens from the delivery day on. The store's opening hours come through the
`StoreHours` hook, which `inventory.hours.OpeningCalendar` implements.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

import holidays

from comptoir.markets.vat_data import EU_MEMBER_STATES

LOCAL_KM = 50.0  # "local": same country and within this distance (first promise band, ranking, analytics)
BANDS_KM = (LOCAL_KM, 300.0, 1000.0)  # inclusive upper bounds; the last band is open

DOMESTIC = "domestic"
EU_CROSS_BORDER = "eu"
NON_EU = "non_eu"
RELATIONS = (DOMESTIC, EU_CROSS_BORDER, NON_EU)

# A deliver-by date further than this counts no more business days: no promise comes near it,
# and the holiday calendars of far years are never built.
_HORIZON_DAYS = 400


class DeliveryMethod(StrEnum):
    STANDARD = "standard"
    EXPRESS = "express"
    PICKUP_SHELF = "pickup_shelf"  # collected in a store from the units on its shelf
    PICKUP_SHIPPED = "pickup_shipped"  # the seller ships to the store, collected there


HOME_METHODS = (DeliveryMethod.STANDARD, DeliveryMethod.EXPRESS)
PICKUP_METHODS = (DeliveryMethod.PICKUP_SHELF, DeliveryMethod.PICKUP_SHIPPED)


@dataclass(frozen=True, slots=True)
class DeliveryPromise:
    earliest: date
    latest: date
    days_min: int  # calendar days from today to earliest
    days_max: int  # calendar days from today to latest


@functools.lru_cache(maxsize=1024)
def _holiday_dates(country: str, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:  # a country the package has no calendar for: weekends only
        return frozenset()
    return frozenset(calendar.keys())


def is_business_day(day: date, country: str) -> bool:
    """Monday to Friday and not a national public holiday of `country`."""
    return day.weekday() < 5 and day not in _holiday_dates(country.upper(), day.year)


def add_business_days(start: date, days: int, country: str) -> date:
    """start + `days` business days of `country`; 0 returns start itself."""
    if days < 0:
        raise ValueError("days must be ≥ 0")
    current = start
    while days:
        current += timedelta(days=1)
        if is_business_day(current, country):
            days -= 1
    return current


def business_days_between(start: date, end: date, country: str) -> int:
    """Number of business days d of `country` with start < d ≤ end (0 when end ≤ start): the
    largest n with add_business_days(start, n, country) ≤ end."""
    end = min(end, start + timedelta(days=_HORIZON_DAYS))
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_business_day(current, country)
    return count


class StoreHours(Protocol):
    """The hook the pickup methods read a store's opening hours through: implemented by
    `comptoir.inventory.hours.OpeningCalendar` (weekly hours, closed days, time zone)."""

    def ready_at(self, start: datetime, minutes: int) -> datetime:
        """The instant at which `minutes` of opening time have passed since `start` (aware)."""
        ...

    def next_open_day(self, day: date) -> date:
        """The first date ≥ `day` the store opens."""
        ...


Spans = tuple[tuple[int, int], ...]  # (min, max) business days per distance band


def _standard_transit() -> dict[str, Spans]:
    return {
        DOMESTIC: ((1, 2), (1, 2), (2, 3), (3, 4)),
        EU_CROSS_BORDER: ((1, 2), (2, 3), (3, 5), (4, 6)),
        NON_EU: ((2, 4), (3, 6), (5, 8), (8, 15)),
    }


def _default_transit() -> dict[str, dict[str, Spans]]:
    standard = _standard_transit()
    express = {
        DOMESTIC: ((1, 1), (1, 1), (1, 2), (2, 3)),
        EU_CROSS_BORDER: ((1, 1), (1, 2), (2, 3), (3, 4)),
        NON_EU: ((2, 3), (2, 4), (3, 5), (5, 8)),
    }
    return {DeliveryMethod.STANDARD: standard, DeliveryMethod.EXPRESS: express, DeliveryMethod.PICKUP_SHIPPED: standard}


@dataclass(frozen=True)
class PromisePolicy:
    """The transit tables and calendar rules. `transit[method][relation][band]` = (min, max)
    business days; `bands_km` are the inclusive upper bounds of the distance bands."""

    bands_km: tuple[float, ...] = BANDS_KM
    transit: Mapping[str, Mapping[str, Spans]] = field(default_factory=_default_transit)
    eu_countries: frozenset[str] = EU_MEMBER_STATES
    shelf_ready_minutes: int = 120

    def __hash__(self) -> int:  # mapping field: hash by the bands (policies are few and long-lived)
        return hash((self.bands_km, self.shelf_ready_minutes))

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
            if distance_km <= upper:
                return index
        return len(self.bands_km)

    def is_local(self, ship_country: str, dest_country: str | None, distance_km: float | None) -> bool:
        return distance_km is not None and ship_country == dest_country and self.band(distance_km) == 0

    def transit_days(self, relation: str, band: int, method: str = DeliveryMethod.STANDARD) -> tuple[int, int]:
        return self.transit[method][relation][band]

    def business_days_between(self, start: date, end: date, country: str) -> int:
        return business_days_between(start, end, country)

    def promise(
        self,
        ship_from_country: str,
        dest_country: str,
        distance_km: float | None,
        handling_days: int,
        today: date,
        *,
        method: str = DeliveryMethod.STANDARD,
        store_hours: StoreHours | None = None,
        now: datetime | None = None,
    ) -> DeliveryPromise:
        """Dates for `method`. Pickup methods need the store's `store_hours`; pickup_shelf also
        `now`, the order instant (aware; handling and distance do not apply: the units are on
        the store's shelf). Raises ValueError without them, hours.NeverOpen for a store that
        does not open."""
        if method == DeliveryMethod.PICKUP_SHELF:
            if store_hours is None or now is None:
                raise ValueError("pickup_shelf needs the store's opening hours and the order time")
            ready = store_hours.ready_at(now, self.shelf_ready_minutes).date()
            return DeliveryPromise(ready, ready, (ready - today).days, (ready - today).days)
        tmin, tmax = self.transit_days(self.relation(ship_from_country, dest_country), self.band(distance_km), method)
        earliest = add_business_days(today, handling_days + tmin, dest_country)
        latest = add_business_days(today, handling_days + tmax, dest_country)
        if method == DeliveryMethod.PICKUP_SHIPPED:
            if store_hours is None:
                raise ValueError("pickup_shipped needs the store's opening hours")
            earliest, latest = store_hours.next_open_day(earliest), store_hours.next_open_day(latest)
        return DeliveryPromise(earliest, latest, (earliest - today).days, (latest - today).days)


DEFAULT_POLICY = PromisePolicy()


def promise(
    ship_from_country: str,
    dest_country: str,
    distance_km: float | None,
    handling_days: int,
    today: date,
    *,
    method: str = DeliveryMethod.STANDARD,
    policy: PromisePolicy = DEFAULT_POLICY,
) -> DeliveryPromise:
    """The delivery promise of an offer shipping from `ship_from_country` to a destination in
    `dest_country` `distance_km` away (None = unknown), after `handling_days`."""
    return policy.promise(ship_from_country, dest_country, distance_km, handling_days, today, method=method)
