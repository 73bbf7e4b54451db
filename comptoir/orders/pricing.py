"""Pure pricing: line VAT, delivery prices and options, totals and the VAT breakdown. No ORM,
integers only.

Rounding rule: VAT is computed on each line's net amount (unit net × quantity) and rounded half
up once per line (`apply_rate_bp`). Totals and the breakdown by rate are plain sums of the lines,
never re-rounded, so that the breakdown always adds up to the total.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from comptoir.common.geo import haversine_km
from comptoir.common.money import apply_rate_bp
from comptoir.inventory.hours import NeverOpen
from comptoir.inventory.promise import DEFAULT_POLICY, HOME_METHODS, DeliveryMethod, PromisePolicy

# Delivery price per method: (label, domestic net, cross-border net), minor units excl. VAT
# (delivery VAT follows the goods' destination standard rate). The dates come from the one
# delivery promise (comptoir.inventory.promise). Click & collect from a store's shelf is free
# (nothing is shipped); shipped to a store by the seller costs less than to a home (one parcel
# to a known counter, no failed delivery).
DELIVERY_PRICES = {
    DeliveryMethod.STANDARD: (_("Standard delivery"), 490, 990),
    DeliveryMethod.EXPRESS: (_("Express delivery"), 990, 1990),
    DeliveryMethod.PICKUP_SHELF: (_("Collect in store, from the shelf"), 0, 0),
    DeliveryMethod.PICKUP_SHIPPED: (_("Collect in store, shipped there by the seller"), 290, 690),
}
PICKUP_STORES_SHOWN = 5  # the nearest stores offered for click & collect per shipment


@dataclass(frozen=True, slots=True)
class LinePrice:
    unit_net: int
    quantity: int
    rate_bp: int
    net: int
    vat: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


def price_line(*, unit_net: int, quantity: int, rate_bp: int) -> LinePrice:
    if unit_net < 0 or quantity < 1 or not 0 <= rate_bp <= 10_000:
        raise ValueError("unit_net ≥ 0, quantity ≥ 1 and 0 ≤ rate_bp ≤ 10000 are required")
    net = unit_net * quantity
    return LinePrice(unit_net=unit_net, quantity=quantity, rate_bp=rate_bp, net=net, vat=apply_rate_bp(net, rate_bp))


@dataclass(frozen=True, slots=True)
class VatBucket:
    rate_bp: int
    net: int
    vat: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


def vat_breakdown(items: Iterable[LinePrice]) -> list[VatBucket]:
    """Net and VAT summed per rate, highest rate first."""
    sums: dict[int, tuple[int, int]] = {}
    for it in items:
        n, v = sums.get(it.rate_bp, (0, 0))
        sums[it.rate_bp] = (n + it.net, v + it.vat)
    return [VatBucket(rate, n, v) for rate, (n, v) in sorted(sums.items(), reverse=True)]


@dataclass(frozen=True, slots=True)
class Totals:
    goods_net: int
    delivery_net: int
    vat: int

    @property
    def gross(self) -> int:
        return self.goods_net + self.delivery_net + self.vat


def totals(*, goods: Sequence[LinePrice], deliveries: Sequence[LinePrice]) -> Totals:
    return Totals(
        goods_net=sum(g.net for g in goods),
        delivery_net=sum(d.net for d in deliveries),
        vat=sum(g.vat for g in goods) + sum(d.vat for d in deliveries),
    )


@dataclass(frozen=True, slots=True)
class DeliveryOption:
    code: str  # a DeliveryMethod, "<pickup method>@<store location id>" for click & collect
    label: str
    net: int  # minor units, excl. VAT
    earliest: dt.date
    latest: dt.date
    store_location_id: int | None = None  # click & collect: the store
    store_name: str = ""
    store_city: str = ""
    store_km: float | None = None  # from the buyer's destination

    @property
    def method(self) -> str:
        return self.code.partition("@")[0]

    @property
    def is_pickup(self) -> bool:
        return self.store_location_id is not None


def pickup_code(method: str, store_location_id: int) -> str:
    return f"{method}@{store_location_id}"


def delivery_options(
    *,
    ship_from: tuple[float, float, str],
    destination: tuple[float, float] | None,
    destination_country: str,
    handling_days: int,
    today: dt.date,
    policy: PromisePolicy = DEFAULT_POLICY,
) -> list[DeliveryOption]:
    """Home delivery options of one shipment, cheapest first. ship_from = (lat, lon, country);
    destination = (lat, lon) or None when unknown (the policy's last distance band)."""
    lat, lon, country = ship_from
    distance = haversine_km(lat, lon, destination[0], destination[1]) if destination else None
    out = []
    for method in HOME_METHODS:
        label, domestic, cross_border = DELIVERY_PRICES[method]
        promise = policy.promise(country, destination_country, distance, handling_days, today, method=method)
        out.append(
            DeliveryOption(
                code=str(method), label=str(label), net=domestic if country == destination_country else cross_border,
                earliest=promise.earliest, latest=promise.latest,
            )
        )
    return out


def pickup_options(
    *,
    ship_from: tuple[float, float, str],
    from_shelf_of: frozenset[int],
    ships_from_warehouse: bool,
    stores: Sequence,
    destination: tuple[float, float] | None,
    handling_days: int,
    today: dt.date,
    now: dt.datetime,
    policy: PromisePolicy = DEFAULT_POLICY,
) -> list[DeliveryOption]:
    """Click & collect options of one shipment at `stores` (inventory.selectors.PickupStore),
    nearest to the buyer's destination first (PICKUP_STORES_SHOWN of them): from the shelf of
    the stores in `from_shelf_of` (every line's units are there), shipped there by the seller
    when the shipment leaves a warehouse. A store that never opens is left out."""
    lat, lon, country = ship_from

    def buyer_km(store) -> float | None:
        return haversine_km(destination[0], destination[1], store.latitude, store.longitude) if destination else None

    ranked = sorted(stores, key=lambda st: (buyer_km(st) if destination else 0.0, st.location_id))
    out = []
    for store in ranked[:PICKUP_STORES_SHOWN]:
        km = buyer_km(store)
        common = dict(store_location_id=store.location_id, store_name=store.name, store_city=store.city_name,
                      store_km=None if km is None else round(km, 1))
        try:
            if store.location_id in from_shelf_of:
                label, net, _cross = DELIVERY_PRICES[DeliveryMethod.PICKUP_SHELF]
                p = policy.promise(store.country, store.country, 0.0, 0, today, method=DeliveryMethod.PICKUP_SHELF,
                                   store_hours=store.calendar, now=now)
                out.append(DeliveryOption(pickup_code(DeliveryMethod.PICKUP_SHELF, store.location_id), str(label), net,
                                          p.earliest, p.latest, **common))
            if ships_from_warehouse:
                label, domestic, cross_border = DELIVERY_PRICES[DeliveryMethod.PICKUP_SHIPPED]
                distance = haversine_km(lat, lon, store.latitude, store.longitude)
                p = policy.promise(country, store.country, distance, handling_days, today,
                                   method=DeliveryMethod.PICKUP_SHIPPED, store_hours=store.calendar)
                out.append(DeliveryOption(pickup_code(DeliveryMethod.PICKUP_SHIPPED, store.location_id), str(label),
                                          domestic if country == store.country else cross_border, p.earliest, p.latest, **common))
        except NeverOpen:
            continue
    return out
