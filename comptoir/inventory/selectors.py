"""Inventory reads for the storefront: the ranked offers of a product. The listing (category
and search pages) is ``comptoir.inventory.listing.read.product_listing``."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptoir.catalog.models import PRODUCT_VAT_KIND, PRODUCT_VAT_KIND_SQL, Category, Product, ProductText
from comptoir.common.errors import DomainError
from comptoir.common.geo import haversine_km
from comptoir.common.money import gross_from_net
from comptoir.markets.models import City, Market, VatRate
from comptoir.markets.selectors import city_name_expression
from comptoir.sellers.models import Seller, SellerStatus

from .hours import OpeningCalendar
from .models import ClosedDay, LocationKind, LocationStatus, Offer, OpeningHours, StockLevel, StockLocation
from .promise import DEFAULT_POLICY, PromisePolicy
from .ranking import RankedOffer, is_local, rank_offers


class MissingVatRate(DomainError):
    code = "vat_rate_missing"


def vat_rate_bp_for_product(*, product: Product, market: Market, today: date) -> int:
    """VAT rate (bp) of the product's VAT kind (its own, else its category's) in `market` on
    `today` (newest valid_from ≤ today); one query. Raises MissingVatRate when the market has none."""
    if Product.category.is_cached(product):
        # The product page has read the product with its category: its kind is known, and the
        # query is a plain filter (the subquery below costs more to build than to run).
        tax_class = product.vat_kind
    else:
        tax_class = Subquery(Product.objects.filter(pk=product.pk).annotate(kind=PRODUCT_VAT_KIND).values("kind")[:1])
    rate = (
        VatRate.objects.filter(market=market, tax_class=tax_class, valid_from__lte=today)
        .order_by("-valid_from")
        .values_list("rate_bp", flat=True)
        .first()
    )
    if rate is None:
        raise MissingVatRate(f"No VAT rate for this product's tax class in market {market.code}")
    return rate


def offers_for_product(
    *,
    product: Product,
    market: Market,
    buyer_city: City | None,
    today: date | None = None,
    policy: PromisePolicy = DEFAULT_POLICY,
) -> list[RankedOffer]:
    """Every buyable offer on `product` for a buyer in `market` (optionally located in
    `buyer_city`), ranked (comptoir.inventory.ranking). Two queries whatever the number of
    offers: the VAT rate, then the stock levels with offer, seller, location and city.

    Buyable: active offer in the market's currency, APPROVED seller, on_hand - held > 0 at
    some location. Ship-from = the nearest such location (the lowest location id without a
    buyer city); `available` sums all locations.
    """
    today = today or timezone.localdate()
    rate = vat_rate_bp_for_product(product=product, market=market, today=today)
    rows = (
        StockLevel.objects.filter(
            offer__product=product,
            offer__is_active=True,
            offer__currency=market.currency,
            offer__seller__status=SellerStatus.APPROVED,
            location__status=LocationStatus.OPEN,
            on_hand__gt=F("held"),
        )
        .annotate(avail=F("on_hand") - F("held"), city_display=city_name_expression("location__city__"))
        .order_by("offer_id", "location_id")
        .values_list(
            "offer_id", "offer__seller_id", "offer__seller__display_name", "offer__seller__country",
            "offer__condition", "offer__net_price", "offer__currency", "offer__handling_days",
            "location_id", "location__name", "city_display", "location__country",
            "location__latitude", "location__longitude", "avail", "location__kind",
        )
    )
    dest = buyer_city.country if buyer_city is not None else market.code
    best: dict[int, tuple] = {}
    totals: dict[int, int] = {}
    stores: dict[int, tuple[int, str, float | None]] = {}  # offer → its nearest store with units
    for row in rows:
        offer_id, lat, lon, avail = row[0], row[12], row[13], row[14]
        distance = haversine_km(buyer_city.latitude, buyer_city.longitude, lat, lon) if buyer_city is not None else None
        totals[offer_id] = totals.get(offer_id, 0) + avail
        if row[15] == LocationKind.STORE:
            known = stores.get(offer_id)
            if known is None or (distance is not None and (known[2] is None or distance < known[2])):
                stores[offer_id] = (row[8], row[9], None if distance is None else round(distance, 1))
        current = best.get(offer_id)
        if current is None or (distance is not None and distance < current[1]):
            best[offer_id] = (row, distance)
    ranked = []
    for offer_id, (row, distance) in best.items():
        (_, seller_id, seller_name, seller_country, condition, net, currency, handling,
         location_id, location_name, city_name, ship_country, _lat, _lon, _avail, _kind) = row
        store_id, store_name, store_km = stores.get(offer_id, (None, "", None))
        ranked.append(
            RankedOffer(
                offer_id=offer_id, seller_id=seller_id, seller_name=seller_name, seller_country=seller_country,
                condition=condition, net_price=net, gross_price=gross_from_net(net, rate), vat_rate_bp=rate,
                currency=currency, location_id=location_id, location_name=location_name, city_name=city_name,
                ship_country=ship_country, distance_km=None if distance is None else round(distance, 1),
                # the exact distance, as the quote and the listing's SQL band it (not the rounded one shown)
                promise=policy.promise(ship_country, dest, distance, handling, today),
                available=totals[offer_id], is_local=is_local(ship_country, dest if buyer_city else None, distance),
                store_location_id=store_id, store_name=store_name, store_km=store_km,
            )
        )
    return rank_offers(ranked)


@dataclass(frozen=True, slots=True)
class StockPoint:
    """One stock level of an offer with its location, as the quote plans shipments from it."""

    level_id: int
    location_id: int
    on_hand: int
    held: int
    location_name: str
    country: str
    latitude: float
    longitude: float
    is_store: bool = False  # a store's shelf (ship-from-store, click & collect from the shelf)

    @property
    def available(self) -> int:
        return max(0, self.on_hand - self.held)


@dataclass(frozen=True, slots=True)
class OfferForSale:
    """What pricing an offer needs: the offer, its seller, product, tax class, title in the
    buyer's language and its stock levels (level id order)."""

    offer_id: int
    seller_id: int
    product_id: int
    net_price: int
    currency: str
    handling_days: int
    is_active: bool
    product_active: bool
    seller_status: str
    seller_country: str
    seller_name: str
    tax_class: str
    title: str
    levels: tuple[StockPoint, ...]
    ships_from_stores: bool = True  # the seller lets its store shelves ship to homes


def _offers_for_sale_sql(offer_count: int) -> str:
    ids = ", ".join(["%s"] * offer_count)
    o, s, p = Offer._meta.db_table, Seller._meta.db_table, Product._meta.db_table
    c, lv, loc, t = Category._meta.db_table, StockLevel._meta.db_table, StockLocation._meta.db_table, ProductText._meta.db_table
    return (
        "SELECT o.id, o.seller_id, o.product_id, o.net_price, o.currency, o.handling_days, o.is_active,"
        f" p.is_active, s.status, s.country, s.display_name, {PRODUCT_VAT_KIND_SQL},"
        " COALESCE(NULLIF(tl.title, ''), NULLIF(te.title, ''),"
        f"  (SELECT ta.title FROM {t} ta WHERE ta.product_id = p.id AND ta.title <> '' ORDER BY ta.id LIMIT 1), p.gtin),"
        " lv.id, lv.location_id, lv.on_hand, lv.held, loc.name, loc.country, loc.latitude, loc.longitude, loc.status,"
        " loc.kind, s.ships_from_stores"
        f" FROM {o} o JOIN {s} s ON s.id = o.seller_id JOIN {p} p ON p.id = o.product_id"
        f" JOIN {c} c ON c.id = p.category_id"
        f" LEFT JOIN {t} tl ON tl.product_id = p.id AND tl.language = %s"
        f" LEFT JOIN {t} te ON te.product_id = p.id AND te.language = 'en'"
        f" LEFT JOIN {lv} lv ON lv.offer_id = o.id LEFT JOIN {loc} loc ON loc.id = lv.location_id"
        f" WHERE o.id IN ({ids}) ORDER BY o.id, lv.id"
    )


def offers_for_sale(offer_ids: Iterable[int], *, language: str) -> dict[int, OfferForSale]:
    """The offers (whatever their status: the caller judges) with what pricing them needs, by
    offer id; unknown ids are left out. The title is in `language`, else English, else any,
    else the GTIN. One query; the cart, checkout and every placement run it."""
    ids = sorted(set(offer_ids))
    if not ids:
        return {}
    # Raw SQL: the ORM's compilation of this join costs ~10× the whole read (0.12 vs 1.2–3 ms CPU, bench/checkout.py).
    with connection.cursor() as cursor:
        cursor.execute(_offers_for_sale_sql(len(ids)), [language[:2], *ids])
        rows = cursor.fetchall()
    heads: dict[int, tuple] = {}
    levels: dict[int, list[StockPoint]] = {}
    for row in rows:
        heads.setdefault(row[0], (*row[:13], row[23]))
        points = levels.setdefault(row[0], [])
        if row[13] is not None and row[21] == LocationStatus.OPEN:  # as offers_for_product: no planned or closed store
            points.append(StockPoint(*row[13:21], is_store=row[22] == LocationKind.STORE))
    return {
        pk: OfferForSale(*head[:6], bool(head[6]), bool(head[7]), *head[8:13], levels=tuple(levels[pk]), ships_from_stores=bool(head[13]))
        for pk, head in heads.items()
    }


@dataclass(frozen=True, slots=True)
class PickupStore:
    """An open store of a market where orders can be collected, with its opening calendar."""

    location_id: int
    name: str
    city_name: str
    address: str
    country: str
    latitude: float
    longitude: float
    calendar: OpeningCalendar


def pickup_stores(*, country: str) -> list[PickupStore]:
    """The open stores of `country` (a market) with their opening calendars, by id. Three
    queries: the stores, their weekly hours, their closed days from today on."""
    locations = list(
        StockLocation.objects.filter(kind=LocationKind.STORE, status=LocationStatus.OPEN, country=country)
        .annotate(city_display=city_name_expression("city__"))
        .order_by("pk")
    )
    if not locations:
        return []
    ids = [loc.pk for loc in locations]
    hours: dict[int, list] = {pk: [] for pk in ids}
    for loc_id, weekday, opens, closes in OpeningHours.objects.filter(location_id__in=ids).values_list(
        "location_id", "weekday", "opens", "closes"
    ):
        hours[loc_id].append((weekday, opens, closes))
    closed: dict[int, list] = {pk: [] for pk in ids}
    for loc_id, day in ClosedDay.objects.filter(location_id__in=ids, date__gte=timezone.localdate()).values_list("location_id", "date"):
        closed[loc_id].append(day)
    return [
        PickupStore(
            location_id=loc.pk, name=loc.name, city_name=loc.city_display, address=loc.address, country=loc.country,
            latitude=loc.latitude, longitude=loc.longitude,
            calendar=OpeningCalendar.from_rows(loc.time_zone, hours[loc.pk], closed[loc.pk]),
        )
        for loc in locations
    ]


# --- a seller's own offers (seller centre, seller API) --------------------------------------

def seller_offers(*, seller_id: int, query: str = "", active: bool | None = None, in_stock: bool | None = None):
    """The seller's offers, newest first, with ``available`` (units on hand less held, all
    locations) annotated; searched by GTIN digits or title (any language)."""
    offers = Offer.objects.filter(seller_id=seller_id).select_related("product").annotate(
        available=Coalesce(Sum(F("stock_levels__on_hand") - F("stock_levels__held")), Value(0))
    )
    query = (query or "").strip()
    if query:
        digits = query.replace(" ", "").replace("-", "")
        match = Q(Exists(ProductText.objects.filter(product_id=OuterRef("product_id"), title__icontains=query)))
        if digits.isdigit():
            match |= Q(product__gtin__contains=digits)
        offers = offers.filter(match)
    if active is not None:
        offers = offers.filter(is_active=active)
    if in_stock is not None:
        offers = offers.filter(available__gt=0) if in_stock else offers.filter(available__lte=0)
    return offers.order_by("-updated_at", "-pk")


def seller_offer_get(*, seller_id: int, offer_id: int) -> Offer | None:
    """One of the seller's offers; another seller's is None."""
    return Offer.objects.filter(seller_id=seller_id, pk=offer_id).select_related("product", "seller").first()


def seller_offer_stock(*, offer: Offer) -> list[tuple[StockLocation, int, int]]:
    """(location, on hand, held) for each of the seller's warehouses (0, 0 where none yet)."""
    levels = {lvl.location_id: lvl for lvl in StockLevel.objects.filter(offer=offer)}
    return [
        (loc, levels[loc.pk].on_hand if loc.pk in levels else 0, levels[loc.pk].held if loc.pk in levels else 0)
        for loc in StockLocation.objects.filter(seller_id=offer.seller_id, kind=LocationKind.WAREHOUSE).order_by("name", "pk")
    ]


def product_titles(product_ids, language: str) -> dict[int, str]:
    """{product id: title in `language`, else English, else any}."""
    rank = {language: 0, "en": 1}
    best: dict[int, tuple[int, str]] = {}
    for pid, lang, title in ProductText.objects.filter(product_id__in=list(product_ids)).values_list("product_id", "language", "title"):
        score = rank.get(lang, 2)
        if pid not in best or score < best[pid][0]:
            best[pid] = (score, title)
    return {pid: title for pid, (_s, title) in best.items()}


LOW_STOCK_UNITS = 2  # an active offer with this many available units or fewer is running out


@dataclass(frozen=True, slots=True)
class LowStockOffer:
    offer_id: int
    product_id: int
    title: str
    available: int  # over all the offer's locations (warehouses and store shelves)


def seller_low_stock(*, seller_id: int, language: str, limit: int = 10) -> tuple[int, list[LowStockOffer]]:
    """The seller's active offers with LOW_STOCK_UNITS available units or fewer, fewest first:
    (how many there are, the first `limit` of them). Two queries."""
    offers = (
        Offer.objects.filter(seller_id=seller_id, is_active=True)
        .annotate(available=Coalesce(Sum(F("stock_levels__on_hand") - F("stock_levels__held")), 0))
        .filter(available__lte=LOW_STOCK_UNITS)
        .order_by("available", "pk")
    )
    total = offers.count()
    texts = ProductText.objects.filter(product=OuterRef("product_id")).exclude(title="")
    title = Coalesce(
        Subquery(texts.filter(language=language).values("title")[:1]), Subquery(texts.filter(language="en").values("title")[:1]),
        F("product__gtin"),
    )
    rows = list(offers.annotate(title=title).values_list("pk", "product_id", "title", "available")[:limit])
    return total, [LowStockOffer(*row) for row in rows]
