"""Delivery options for one shipment (a seller group): price and promised date range.

A small strategy: the price depends on the method and on whether the parcel crosses a border;
the promise is the offer's handling days plus transit days by distance band. Pure functions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from comptoir.common.geo import haversine_km


@dataclass(frozen=True, slots=True)
class DeliveryOption:
    code: str
    label: str
    net: int  # minor units, excl. VAT (delivery VAT follows the goods' destination standard rate)
    earliest: dt.date
    latest: dt.date


# method: (label, domestic net, cross-border net, transit days by band [(max_km, (min, max))])
METHODS = {
    "standard": (_("Standard delivery"), 490, 990, [(50, (1, 2)), (500, (2, 3)), (1500, (3, 5)), (None, (5, 10))]),
    "express": (_("Express delivery"), 990, 1990, [(50, (1, 1)), (500, (1, 1)), (1500, (1, 2)), (None, (2, 4))]),
}


def _add_business_days(start: dt.date, days: int) -> dt.date:
    d = start
    while days > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def delivery_options(
    *,
    ship_from: tuple[float, float, str],
    destination: tuple[float, float] | None,
    destination_country: str,
    handling_days: int,
    today: dt.date,
) -> list[DeliveryOption]:
    """ship_from = (lat, lon, country). Unknown destination coordinates count as the widest band in the country."""
    lat, lon, country = ship_from
    distance = haversine_km(lat, lon, destination[0], destination[1]) if destination else 1000.0
    domestic = country == destination_country
    out = []
    for code, (label, dom, cross, bands) in METHODS.items():
        tmin, tmax = next(span for limit, span in bands if limit is None or distance <= limit)
        ready = _add_business_days(today, handling_days)
        out.append(
            DeliveryOption(
                code=code, label=str(label), net=dom if domestic else cross,
                earliest=_add_business_days(ready, tmin), latest=_add_business_days(ready, tmax),
            )
        )
    return out
