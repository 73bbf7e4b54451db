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
from comptoir.inventory.promise import DEFAULT_POLICY, DeliveryMethod, PromisePolicy

# Delivery price per home method: (label, domestic net, cross-border net), minor units excl. VAT
# (delivery VAT follows the goods' destination standard rate). The dates come from the one
# delivery promise (comptoir.inventory.promise); pickup prices come with stores.
DELIVERY_PRICES = {
    DeliveryMethod.STANDARD: (_("Standard delivery"), 490, 990),
    DeliveryMethod.EXPRESS: (_("Express delivery"), 990, 1990),
}


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
    code: str  # a DeliveryMethod
    label: str
    net: int  # minor units, excl. VAT
    earliest: dt.date
    latest: dt.date


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
    for method, (label, domestic, cross_border) in DELIVERY_PRICES.items():
        promise = policy.promise(country, destination_country, distance, handling_days, today, method=method)
        out.append(
            DeliveryOption(
                code=str(method), label=str(label), net=domestic if country == destination_country else cross_border,
                earliest=promise.earliest, latest=promise.latest,
            )
        )
    return out
