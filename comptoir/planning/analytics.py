"""Market analytics: per market and ISO week, GMV by channel, online vs in-store share, how local
the trade is, mean delivery distance. Reads orders through orders.selectors and the tills'
receipts through stores.sales_selectors, with a constant number of queries.

Definitions (amounts are integer minor units of the market currency):

GMV                goods sold incl. VAT (Σ OrderLine.line_gross), delivery fees excluded, of the
                   seller orders not cancelled; the week is the ISO week of the order's creation
                   in the server time zone.
channel            "delivery" (home delivery: any SellerOrder.delivery_method other than a pickup
                   method), "collect" (click & collect: delivery_method in inventory.promise.PICKUP_METHODS) and
                   "in_store" (the receipts of the stores' tills, returns subtracted, by the week of
                   the receipt; stores.sales_selectors.instore_gmv_rows).
online share       (delivery + collect) / total; in-store share = in_store / total.
domestic share     GMV of seller orders whose seller is registered in the buyer's country / online GMV.
within 50 km       GMV of seller orders shipped from a location within 50 km (great circle) of the
                   buyer's place (markets.City matched by postcode, else by any of its names:
                   "München", "Munich" and "munchen" are the same place) / online GMV of the orders
                   whose place is known.
mean delivery km   mean great-circle distance from ship-from location to the buyer's place over the
                   home-delivery seller orders whose place is known.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from comptoir.common.geo import haversine_km
from comptoir.inventory import promise
from comptoir.inventory.promise import LOCAL_KM
from comptoir.markets.selectors import cities_for_addresses
from comptoir.orders.selectors import collect_sales, order_addresses, seller_order_sales
from comptoir.stores.sales_selectors import instore_gmv_rows

PICKUP_METHODS = frozenset(str(m) for m in promise.PICKUP_METHODS)  # pickup_shelf, pickup_shipped


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


def _iso_week(ts: dt.datetime) -> str:
    local = timezone.localtime(ts) if timezone.is_aware(ts) else ts
    y, w, _ = local.isocalendar()
    return f"{y}-W{w:02d}"


def _places(keys: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(country, postcode, typed city name) → (lat, lon) of the buyer's place (see
    ``markets.selectors.cities_for_addresses``: postcode, else any of the city's names); 1 query."""
    return {k: (p.latitude, p.longitude) for k, p in cities_for_addresses(keys).items()}


def market_weekly_stats(*, since: dt.datetime | None = None, market_code: str | None = None) -> list[WeekStats]:
    """Weekly stats per market, newest week first, markets in code order. Constant query count."""
    sales = seller_order_sales(since=since, market_code=market_code)
    places = _places((sale.buyer_country, sale.buyer_postcode, sale.buyer_city) for sale in sales)
    acc: dict[tuple[str, str, str], dict] = defaultdict(
        lambda: dict(n=0, delivery=0, collect=0, in_store=0, domestic=0, near=0, located=0, km=0.0, kmn=0)
    )
    for sale in sales:
        gmv = sale.gmv
        a = acc[(sale.market, sale.currency, _iso_week(sale.created_at))]
        a["n"] += 1
        pickup = sale.delivery_method.lower() in PICKUP_METHODS
        a["collect" if pickup else "delivery"] += gmv
        if sale.seller_country == sale.buyer_country:
            a["domestic"] += gmv
        place = places.get((sale.buyer_country, sale.buyer_postcode, sale.buyer_city))
        if place is not None and sale.ship_from_latitude is not None:
            km = haversine_km(place[0], place[1], sale.ship_from_latitude, sale.ship_from_longitude)
            a["located"] += gmv
            if km <= LOCAL_KM:
                a["near"] += gmv
            if not pickup:
                a["km"] += km
                a["kmn"] += 1
    for market, currency, _store, at, gross in instore_gmv_rows(since=since, market_code=market_code):
        acc[(market, currency, _iso_week(at))]["in_store"] += gross
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


@dataclass(frozen=True)
class StoreCollectWeek:
    """Click & collect at one store in one ISO week (seller orders not cancelled)."""

    market: str
    currency: str
    store_location_id: int
    store_name: str
    week: str
    from_shelf: int  # seller orders collected from the store's shelf
    shipped_there: int  # seller orders shipped to the store by their seller
    gmv: int

    @property
    def seller_orders(self) -> int:
        return self.from_shelf + self.shipped_there


def collect_by_store(*, since: dt.datetime | None = None, market_code: str | None = None) -> list[StoreCollectWeek]:
    """Click & collect per market, store and ISO week (newest week first, then store name). One query."""
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for sale in collect_sales(since=since, market_code=market_code):
        key = (sale.market, sale.currency, sale.pickup_location_id, sale.pickup_location_name, _iso_week(sale.created_at))
        a = acc[key]
        a[0 if sale.delivery_method == promise.DeliveryMethod.PICKUP_SHELF else 1] += 1
        a[2] += sale.gmv
    out = [StoreCollectWeek(m, cur, loc, name, week, *a) for (m, cur, loc, name, week), a in acc.items()]
    out.sort(key=lambda s: (s.market, _neg_week(s.week), s.store_name, s.store_location_id))
    return out


def _neg_week(week: str) -> tuple[int, int]:
    y, w = week.split("-W")
    return (-int(y), -int(w))


def orders_by_city(market_code: str) -> dict[int, int]:
    """Orders placed per markets.City pk in a market (the buyer's place matched by postcode, else by
    any of the city's names: "München" counts for Munich). Two queries."""
    keys = order_addresses(market_code=market_code)
    if not keys:
        return {}
    places = cities_for_addresses(keys)  # one query for every distinct address
    counts: dict[int, int] = defaultdict(int)
    for key in keys:
        place = places.get(key)
        if place is not None:
            counts[place.city_id] += 1
    return dict(counts)


def in_store_weekly_by_store(*, since: dt.datetime | None = None, market_code: str | None = None) -> dict[tuple[str, str], int]:
    """In-store GMV (receipts less returns) per (store slug, ISO week)."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for _market, _currency, store, at, gross in instore_gmv_rows(since=since, market_code=market_code):
        out[(store, _iso_week(at))] += gross
    return dict(out)
