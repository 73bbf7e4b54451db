"""Reads for buyers: the store directory of a market and one store's public page (address,
hours, what is on its shelf). The store console's reads are in ``selectors``."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from comptoir.common.geo import haversine_km
from comptoir.common.money import gross_from_net
from comptoir.inventory.hours import OpeningCalendar
from comptoir.inventory.models import LocationStatus, StockLevel
from comptoir.inventory.selectors import held_now
from comptoir.markets.models import City, Market
from comptoir.sellers.models import SellerStatus

from .models import Store

SHELF_PAGE_SIZE = 24


@dataclass(frozen=True, slots=True)
class StoreCard:
    slug: str
    name: str
    status: str
    address: str
    postcode: str
    city_name: str
    latitude: float
    longitude: float
    distance_km: float | None
    hours_today: tuple[tuple[dt.time, dt.time], ...]
    open_now: bool
    partner_name: str


@dataclass(frozen=True, slots=True)
class ShelfItem:
    product_id: int
    title: str
    brand: str
    units: int
    gross_price: int  # the lowest of its offers on this shelf, incl. the market's VAT
    currency: str
    offers: int  # offers of this product on the shelf (sellers, conditions)


@dataclass(frozen=True, slots=True)
class ShelfPage:
    items: tuple[ShelfItem, ...]
    total: int
    page: int
    num_pages: int


def _card(store: Store, calendar: OpeningCalendar, buyer_city: City | None, now: dt.datetime) -> StoreCard:
    loc = store.location
    local_day = now.astimezone(ZoneInfo(loc.time_zone)).date()
    distance = (
        round(haversine_km(buyer_city.latitude, buyer_city.longitude, loc.latitude, loc.longitude), 1)
        if buyer_city is not None else None
    )
    is_open = loc.status == LocationStatus.OPEN
    return StoreCard(
        slug=store.slug, name=loc.name, status=loc.status, address=loc.address, postcode=loc.postcode,
        city_name=loc.city.display_name, latitude=loc.latitude, longitude=loc.longitude, distance_km=distance,
        hours_today=calendar.intervals_on(local_day) if is_open else (),
        open_now=is_open and calendar.is_open(now), partner_name=store.partner.legal_name if store.partner else "",
    )


def _calendars(stores: list[Store]) -> dict[int, OpeningCalendar]:
    """Each store's calendar, from two queries for all of them (prefetched hours and closed days)."""
    return {
        s.pk: OpeningCalendar.from_rows(
            s.location.time_zone,
            [(h.weekday, h.opens, h.closes) for h in s.location.opening_hours.all()],
            [c.date for c in s.location.closed_days.all()],
        )
        for s in stores
    }


def stores_for_market(*, market: Market, buyer_city: City | None = None, now: dt.datetime | None = None) -> list[StoreCard]:
    """The market's open and planned stores (closed ones are gone for buyers), nearest first
    when the buyer's city is known, else by name."""
    now = now or timezone.now()
    stores = list(
        Store.objects.filter(market=market, location__status__in=[LocationStatus.OPEN, LocationStatus.PLANNED])
        .select_related("location", "location__city", "partner")
        .prefetch_related("location__opening_hours", "location__closed_days")
    )
    calendars = _calendars(stores)
    cards = [_card(s, calendars[s.pk], buyer_city, now) for s in stores]
    return sorted(cards, key=lambda c: (c.status != LocationStatus.OPEN, c.distance_km if c.distance_km is not None else 0, c.name))


def store_card(*, slug: str, buyer_city: City | None = None, now: dt.datetime | None = None) -> StoreCard | None:
    """One store as buyers see it; None when unknown or closed for good."""
    store = (
        Store.objects.filter(slug=slug).exclude(location__status=LocationStatus.CLOSED)
        .select_related("location", "location__city", "partner")
        .prefetch_related("location__opening_hours", "location__closed_days").first()
    )
    if store is None:
        return None
    return _card(store, _calendars([store])[store.pk], buyer_city, now or timezone.now())


def store_week(*, slug: str, today: dt.date) -> list[tuple[dt.date, tuple[tuple[dt.time, dt.time], ...]]]:
    """The store's opening intervals for the 7 days from `today` (closed days have none)."""
    store = Store.objects.select_related("location").prefetch_related("location__opening_hours", "location__closed_days").get(slug=slug)
    calendar = _calendars([store])[store.pk]
    return [(day, calendar.intervals_on(day)) for day in (today + dt.timedelta(days=n) for n in range(7))]


def store_shelf(*, slug: str, market: Market, vat_rates: dict[str, int], language: str, page: int = 1) -> ShelfPage:
    """What is on the store's shelf for buyers: products with available units of approved
    sellers' active offers in the market's currency, most units first; paginated."""
    from comptoir.catalog.models import ProductText

    levels = (
        StockLevel.objects.filter(
            location__store__slug=slug, location__status=LocationStatus.OPEN, on_hand__gt=0,
            offer__is_active=True, offer__product__is_active=True, offer__currency=market.currency,
            offer__seller__status=SellerStatus.APPROVED,
        )
        .alias(held_live=held_now())  # an expired reservation's unit is on the shelf again
        .filter(on_hand__gt=F("held_live"))
        .values(
            "offer__product_id", "offer__product__brand",
            # the product's VAT kind: its own, else its category's (catalog.models.PRODUCT_VAT_KIND)
            vat_kind=Coalesce(NullIf(F("offer__product__tax_class"), Value("")), F("offer__product__category__tax_class")),
        )
        .annotate(units=Sum(F("on_hand") - F("held_live")))
        .order_by("-units", "offer__product_id")
    )
    total = levels.count()
    num_pages = max(1, -(-total // SHELF_PAGE_SIZE))
    page = min(max(1, page), num_pages)
    rows = list(levels[(page - 1) * SHELF_PAGE_SIZE : page * SHELF_PAGE_SIZE])
    ids = [r["offer__product_id"] for r in rows]
    prices: dict[int, tuple[int, int]] = {}
    for pid, net in StockLevel.objects.filter(
        location__store__slug=slug, offer__product_id__in=ids, on_hand__gt=0, offer__is_active=True,
        offer__currency=market.currency, offer__seller__status=SellerStatus.APPROVED,
    ).alias(held_live=held_now()).filter(on_hand__gt=F("held_live")).values_list("offer__product_id", "offer__net_price"):
        low, count = prices.get(pid, (net, 0))
        prices[pid] = (min(low, net), count + 1)
    texts: dict[int, dict[str, str]] = {}
    for pid, lang, title in ProductText.objects.filter(product_id__in=ids).values_list("product_id", "language", "title"):
        texts.setdefault(pid, {})[lang] = title
    titles = {pid: t.get(language) or t.get("en") or next(iter(t.values())) for pid, t in texts.items()}
    items = tuple(
        ShelfItem(
            product_id=r["offer__product_id"], title=titles.get(r["offer__product_id"], ""), brand=r["offer__product__brand"],
            units=r["units"], currency=market.currency, offers=prices[r["offer__product_id"]][1],
            gross_price=gross_from_net(prices[r["offer__product_id"]][0], vat_rates.get(r["vat_kind"], 0)),
        )
        for r in rows
    )
    return ShelfPage(items, total, page, num_pages)


def store_slugs(location_ids) -> dict[int, str]:
    """Stock location id → its store's slug (one query)."""
    ids = [i for i in set(location_ids) if i is not None]
    if not ids:
        return {}
    return dict(Store.objects.filter(location_id__in=ids).values_list("location_id", "slug"))
