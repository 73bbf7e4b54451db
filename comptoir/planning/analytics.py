"""Market analytics: per market and ISO week, GMV by channel, online vs in-store share, how local
the trade is, mean delivery distance. Reads orders with a constant number of queries.

Definitions (amounts are integer minor units of the market currency):

GMV                goods sold incl. VAT (Σ OrderLine.line_gross), delivery fees excluded, of the
                   seller orders not cancelled; the week is the ISO week of the order's creation
                   in the server time zone.
channel            "delivery" (home delivery: any SellerOrder.delivery_method other than a pickup
                   method), "collect" (click & collect: delivery_method in PICKUP_METHODS) and
                   "in_store" (point-of-sale sales; 0 until the stores app records them).
online share       (delivery + collect) / total; in-store share = in_store / total.
domestic share     GMV of seller orders whose seller is registered in the buyer's country / online GMV.
within 50 km       GMV of seller orders shipped from a location within 50 km (great circle) of the
                   buyer's place (markets.City matched by postcode, else by name) / online GMV of
                   the orders whose place is known.
mean delivery km   mean great-circle distance from ship-from location to the buyer's place over the
                   home-delivery seller orders whose place is known.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from comptoir.common.geo import haversine_km
from comptoir.markets.models import City

PICKUP_METHODS = frozenset({"pickup", "collect", "click_collect", "click_and_collect", "store_pickup", "store"})
LOCAL_KM = 50.0


@dataclass(frozen=True)
class WeekStats:
    market: str
    currency: str
    week: str  # ISO week, "2026-W05"
    seller_orders: int
    gmv_delivery: int
    gmv_collect: int
    gmv_in_store: int
    gmv_domestic: int
    gmv_within_50km: int
    gmv_located: int  # online GMV whose buyer place is known (denominator of within 50 km)
    delivery_km_sum: float
    delivery_km_count: int

    @property
    def gmv_total(self) -> int:
        return self.gmv_delivery + self.gmv_collect + self.gmv_in_store

    @property
    def gmv_online(self) -> int:
        return self.gmv_delivery + self.gmv_collect

    def _share(self, part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def online_share(self) -> float | None:
        return self._share(self.gmv_online, self.gmv_total)

    @property
    def in_store_share(self) -> float | None:
        return self._share(self.gmv_in_store, self.gmv_total)

    @property
    def domestic_share(self) -> float | None:
        return self._share(self.gmv_domestic, self.gmv_online)

    @property
    def within_50km_share(self) -> float | None:
        return self._share(self.gmv_within_50km, self.gmv_located)

    @property
    def mean_delivery_km(self) -> float | None:
        return self.delivery_km_sum / self.delivery_km_count if self.delivery_km_count else None


def _orders_models():
    try:
        from comptoir.orders.models import SellerOrder
    except ImportError:  # the orders app is not there yet
        return None
    return SellerOrder


def _iso_week(ts: dt.datetime) -> str:
    local = timezone.localtime(ts) if timezone.is_aware(ts) else ts
    y, w, _ = local.isocalendar()
    return f"{y}-W{w:02d}"


def _places(keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(country, postcode, city name) → (lat, lon) of the most populous matching City; 2 queries."""
    keys = set(keys)
    if not keys:
        return {}
    out: dict[tuple[str, str, str], tuple[float, float]] = {}
    by_pc: dict[tuple[str, str], tuple[float, float, int]] = {}
    q = Q()
    for country, pc, _ in keys:
        if pc:
            q |= Q(country=country, postcode=pc)
    if q:
        for country, pc, lat, lon, pop in City.objects.filter(q).values_list("country", "postcode", "latitude", "longitude", "population"):
            cur = by_pc.get((country, pc))
            if cur is None or pop > cur[2]:
                by_pc[(country, pc)] = (lat, lon, pop)
    missing = [k for k in keys if (k[0], k[1]) not in by_pc]
    by_name: dict[tuple[str, str], tuple[float, float, int]] = {}
    q = Q()
    for country, _, name in missing:
        if name.strip():
            q |= Q(country=country, name__iexact=name.strip())
    if q:
        for country, name, lat, lon, pop in City.objects.filter(q).values_list("country", "name", "latitude", "longitude", "population"):
            key = (country, name.lower())
            cur = by_name.get(key)
            if cur is None or pop > cur[2]:
                by_name[key] = (lat, lon, pop)
    for k in keys:
        hit = by_pc.get((k[0], k[1])) or by_name.get((k[0], k[2].strip().lower()))
        if hit:
            out[k] = (hit[0], hit[1])
    return out


def market_weekly_stats(*, since: dt.datetime | None = None, market_code: str | None = None) -> list[WeekStats]:
    """Weekly stats per market, newest week first, markets in code order. Constant query count."""
    SellerOrder = _orders_models()
    if SellerOrder is None:
        return []
    qs = SellerOrder.objects.exclude(state="cancelled")
    if since is not None:
        qs = qs.filter(order__created_at__gte=since)
    if market_code:
        qs = qs.filter(order__market__code=market_code)
    rows = list(
        qs.values(
            "pk",
            "delivery_method",
            "order__created_at",
            "order__market__code",
            "order__currency",
            "order__country",
            "order__postcode",
            "order__city_name",
            "seller__country",
            "location__latitude",
            "location__longitude",
        ).annotate(gmv=Sum("lines__line_gross"))
    )
    places = _places((r["order__country"], r["order__postcode"] or "", r["order__city_name"] or "") for r in rows)
    acc: dict[tuple[str, str, str], dict] = defaultdict(
        lambda: dict(n=0, delivery=0, collect=0, in_store=0, domestic=0, near=0, located=0, km=0.0, kmn=0)
    )
    for r in rows:
        gmv = int(r["gmv"] or 0)
        key = (r["order__market__code"], r["order__currency"], _iso_week(r["order__created_at"]))
        a = acc[key]
        a["n"] += 1
        pickup = (r["delivery_method"] or "").lower() in PICKUP_METHODS
        a["collect" if pickup else "delivery"] += gmv
        if r["seller__country"] == r["order__country"]:
            a["domestic"] += gmv
        place = places.get((r["order__country"], r["order__postcode"] or "", r["order__city_name"] or ""))
        if place is not None and r["location__latitude"] is not None:
            km = haversine_km(place[0], place[1], r["location__latitude"], r["location__longitude"])
            a["located"] += gmv
            if km <= LOCAL_KM:
                a["near"] += gmv
            if not pickup:
                a["km"] += km
                a["kmn"] += 1
    out = [
        WeekStats(
            market=m, currency=cur, week=w, seller_orders=a["n"], gmv_delivery=a["delivery"], gmv_collect=a["collect"],
            gmv_in_store=a["in_store"], gmv_domestic=a["domestic"], gmv_within_50km=a["near"], gmv_located=a["located"],
            delivery_km_sum=a["km"], delivery_km_count=a["kmn"],
        )
        for (m, cur, w), a in acc.items()
    ]
    out.sort(key=lambda s: (s.market, _neg_week(s.week)))
    return out


def _neg_week(week: str) -> tuple[int, int]:
    y, w = week.split("-W")
    return (-int(y), -int(w))


def orders_by_city(market_code: str) -> dict[int, int]:
    """Orders placed per markets.City pk (buyer place matched by postcode, else name) in a market."""
    SellerOrder = _orders_models()
    if SellerOrder is None:
        return {}
    from comptoir.orders.models import Order

    rows = list(
        Order.objects.filter(market__code=market_code).values_list("country", "postcode", "city_name")
    )
    if not rows:
        return {}
    keys = [(c, pc or "", name or "") for c, pc, name in rows]
    # resolve to City pks (same matching as _places, but keeping the pk)
    pcs = {pc for _, pc, _ in keys if pc}
    by_pc: dict[str, tuple[int, int]] = {}
    for pk, pc, pop in City.objects.filter(country=market_code, postcode__in=pcs).values_list("pk", "postcode", "population"):
        if pc not in by_pc or pop > by_pc[pc][1]:
            by_pc[pc] = (pk, pop)
    names = {name.strip().lower() for _, pc, name in keys if pc not in by_pc and name.strip()}
    by_name: dict[str, tuple[int, int]] = {}
    if names:
        q = Q()
        for n in names:
            q |= Q(name__iexact=n)
        for pk, name, pop in City.objects.filter(q, country=market_code).values_list("pk", "name", "population"):
            k = name.lower()
            if k not in by_name or pop > by_name[k][1]:
                by_name[k] = (pk, pop)
    counts: dict[int, int] = defaultdict(int)
    for _, pc, name in keys:
        hit = by_pc.get(pc) or by_name.get(name.strip().lower())
        if hit:
            counts[hit[0]] += 1
    return dict(counts)
