"""Writes of the listing summary (ProductListing, OfferPoint, ListingFacetSnapshot): the
storefront's read model of the offers, kept in step with the inventory.

The storefront reads only the summary, so every change of what is listable refreshes it in
the same transaction. The state-change services of ``comptoir.inventory.services`` do it
(seller approve / suspend / reinstate, product activate / deactivate, offer pause / resume,
stock edits; holds refresh once their transaction commits, ``listing_refresh_on_commit``);
bulk loads (``seed_demo``, imports) call ``listing_refresh_all()`` or refresh their products
in batches once at the end. Nothing else writes these tables.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from comptoir.catalog import listing_cache
from comptoir.catalog.models import PRODUCT_VAT_KIND, PRODUCT_VAT_KIND_SQL, Category, Product
from comptoir.common.rows import values_insert
from comptoir.markets.models import Market
from comptoir.sellers.models import Seller, SellerStatus

from ..models import ListingFacetSnapshot, LocationStatus, Offer, OfferPoint, ProductListing, StockLevel, StockLocation
from .read import category_facets_compute, rates_key, vat_rates_bp

BATCH = 5000
# Advisory-lock namespace (first key of pg_advisory_xact_lock(int, int)); the second key is a product id.
_LOCK_REWRITE = 0x434B5233


@dataclass(frozen=True, slots=True)
class OfferPointData:
    """A listable (offer, ship-from location): the input of listing_replace()."""

    product_id: int
    currency: str
    offer_id: int
    location_id: int
    seller_id: int
    seller_country: str
    ship_country: str
    latitude: float
    longitude: float
    net_price: int
    handling_days: int
    available: int
    location_kind: str = "warehouse"  # LocationKind: a store's shelf shows "in store"


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


def _listing_clear(ids: list[int]) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """Delete the listing rows of these products; returns {active product id: (category id,
    tax class)} and the categories whose cached listings this makes stale. PostgreSQL takes
    the ids as one array (a short statement: psycopg re-parses a long one on every call, which
    cost an import batch more than the deletes); SQLite in chunks under its parameter limit."""
    products: dict[int, tuple[int, str]] = {}
    touched: set[int] = set()
    if connection.vendor == "postgresql":
        op, pl = OfferPoint._meta.db_table, ProductListing._meta.db_table
        product, category = Product._meta.db_table, Category._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT category_id FROM {pl} WHERE product_id = ANY(%s)", [ids])
            touched.update(row[0] for row in cursor.fetchall())
            cursor.execute(f"DELETE FROM {op} WHERE product_id = ANY(%s)", [ids])
            cursor.execute(f"DELETE FROM {pl} WHERE product_id = ANY(%s)", [ids])
            cursor.execute(
                f"SELECT p.id, p.category_id, {PRODUCT_VAT_KIND_SQL} FROM {product} p JOIN {category} c ON c.id = p.category_id "
                "WHERE p.is_active AND p.id = ANY(%s)", [ids],
            )
            products.update((pid, (cid, tax)) for pid, cid, tax in cursor.fetchall())
        return products, touched
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        touched.update(ProductListing.objects.filter(product_id__in=chunk).values_list("category_id", flat=True).distinct())
        OfferPoint.objects.filter(product_id__in=chunk).delete()
        ProductListing.objects.filter(product_id__in=chunk).delete()
        for pid, cid, tax in Product.objects.filter(id__in=chunk, is_active=True).annotate(kind=PRODUCT_VAT_KIND).values_list(
            "id", "category_id", "kind"
        ):
            products[pid] = (cid, tax)
    return products, touched


# Columns written by listing_replace (plain tuples: see common.rows.values_insert).
_POINT_INSERT = (
    "product_id", "currency", "offer_id", "location_id", "seller_id", "seller_country", "ship_country",
    "latitude", "longitude", "x", "y", "z", "net_price", "handling_days", "available", "location_kind",
)
_LISTING_INSERT = (
    "product_id", "currency", "category_id", "tax_class", "min_net_price", "offer_count", "seller_countries",
    "best_handling_days", "refreshed_at",
)


@transaction.atomic
def listing_replace(*, product_ids: Sequence[int], points: Iterable[OfferPointData]) -> int:
    """Replace the listing rows (ProductListing, OfferPoint) of `product_ids` with `points`.

    Points of inactive or unknown products, or with available ≤ 0, are ignored; a product
    without points is no longer listed. Returns the number of ProductListing rows written.
    Fed by listing_refresh(), which reads the inventory.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    products, touched = _listing_clear(ids)
    rows: list[tuple] = []
    groups: dict[tuple[int, str], list[OfferPointData]] = {}
    for p in points:
        if p.product_id not in products or p.available <= 0:
            continue
        rows.append((
            p.product_id, p.currency, p.offer_id, p.location_id, p.seller_id, p.seller_country, p.ship_country,
            p.latitude, p.longitude, *unit_vector(p.latitude, p.longitude), p.net_price, p.handling_days,
            p.available, p.location_kind,
        ))
        groups.setdefault((p.product_id, p.currency), []).append(p)
    values_insert(OfferPoint, _POINT_INSERT, rows)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    listings = []
    for (pid, currency), pts in groups.items():
        cid, tax = products[pid]
        listings.append((
            pid, currency, cid, tax, min(p.net_price for p in pts), len({p.offer_id for p in pts}),
            ",".join(sorted({p.seller_country for p in pts})), min(p.handling_days for p in pts), now,
        ))
    values_insert(ProductListing, _LISTING_INSERT, listings)
    listing_cache.versions_bump(touched | {cid for cid, _tax in products.values()})
    return len(listings)


# Columns of a points source (listing_rebuild_all): one row per (offer, ship-from location).
POINT_COLUMNS = (
    "product_id", "currency", "offer_id", "location_id", "seller_id", "seller_country", "ship_country",
    "latitude", "longitude", "net_price", "handling_days", "available", "location_kind",
)


@transaction.atomic
def listing_rebuild_all(*, points_sql: str, params: Sequence = ()) -> int:
    """Replace the whole listing summary from an SQL row source, in the database: the bulk
    form of listing_replace() for a full rebuild (seed, import, repair), with the same rules.

    `points_sql` is a SELECT whose columns are POINT_COLUMNS, in that order (the feeder,
    listing_refresh_all, reads the inventory tables).
    Points of inactive or unknown products, or with available ≤ 0, are ignored. Three
    statements: OfferPoint rows (unit vectors computed in SQL), then one ProductListing row per
    product and currency grouped from them. Returns the number of ProductListing rows."""
    op, pl = OfferPoint._meta.db_table, ProductListing._meta.db_table
    product, category = Product._meta.db_table, Category._meta.db_table
    cols = ", ".join(POINT_COLUMNS)
    src = ", ".join(f"s.{c}" for c in POINT_COLUMNS[:9])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {op}")
        cursor.execute(f"DELETE FROM {pl}")
        cursor.execute(
            f"INSERT INTO {op} ({cols}, x, y, z) "
            f"SELECT {src}, s.net_price, s.handling_days, s.available, s.location_kind, "
            f"COS(RADIANS(s.latitude)) * COS(RADIANS(s.longitude)), COS(RADIANS(s.latitude)) * SIN(RADIANS(s.longitude)), "
            f"SIN(RADIANS(s.latitude)) "
            f"FROM ({points_sql}) s JOIN {product} p ON p.id = s.product_id WHERE p.is_active AND s.available > 0",
            list(params),
        )
        cursor.execute(f"SELECT DISTINCT seller_country FROM {op} ORDER BY seller_country")
        countries = [row[0] for row in cursor.fetchall()]
        # seller_countries: the sorted distinct countries joined by commas, portable SQL (no
        # ordered string aggregate in SQLite): one CASE per country present.
        parts = " || ".join(
            "CASE WHEN MAX(CASE WHEN op.seller_country = %s THEN 1 ELSE 0 END) = 1 THEN %s ELSE '' END" for _ in countries
        ) or "''"
        country_params = [value for c in countries for value in (c, c + ",")]
        cursor.execute(
            f"INSERT INTO {pl} (product_id, currency, category_id, tax_class, min_net_price, offer_count, "
            f"seller_countries, best_handling_days, refreshed_at) "
            f"SELECT op.product_id, op.currency, p.category_id, {PRODUCT_VAT_KIND_SQL}, MIN(op.net_price), COUNT(DISTINCT op.offer_id), "
            f"RTRIM({parts}, ','), MIN(op.handling_days), %s "
            f"FROM {op} op JOIN {product} p ON p.id = op.product_id JOIN {category} c ON c.id = p.category_id "
            f"GROUP BY op.product_id, op.currency, p.category_id, {PRODUCT_VAT_KIND_SQL}",
            [*country_params, timezone.now()],
        )
        written = cursor.rowcount
    listing_cache.versions_bump(Category.objects.values_list("id", flat=True))
    return written


@transaction.atomic
def listing_facets_rebuild(*, today=None) -> int:
    """Precompute the unfiltered facets of every category page for every active market
    (ListingFacetSnapshot), so that a category page's first visit after a bulk refresh does
    not group the whole category. Run by listing_refresh_all(); a later
    listing_replace() of a category makes its snapshots unused (version mismatch) until the
    next rebuild. Returns the number of snapshots written."""
    today = today or timezone.localdate()
    ListingFacetSnapshot.objects.all().delete()
    rows: dict[tuple[str, int, str], ListingFacetSnapshot] = {}
    categories = list(Category.objects.all())
    seen: set[tuple[str, str]] = set()
    for market in Market.objects.filter(is_active=True).order_by("code"):
        signature = (market.currency, rates_key(vat_rates_bp(market, today)))
        if signature in seen:  # same currency and VAT rates as a market already done
            continue
        seen.add(signature)
        for category in categories:
            computed = category_facets_compute(market=market, category=category, today=today)
            if computed is None:
                break
            r_key, v_key, data = computed
            rows[(market.currency, category.pk, r_key)] = ListingFacetSnapshot(
                currency=market.currency, category_id=category.pk, rates_key=r_key, versions_key=v_key, data=data
            )
    ListingFacetSnapshot.objects.bulk_create(rows.values())
    return len(rows)


def _serialise_rewrites(product_ids: list[int]) -> None:
    """On PostgreSQL, two overlapping refreshes of one product would both delete and re-insert
    its rows and the second insert would fail on the unique constraint. Lock the products for
    this transaction, in id order (no deadlock), so that overlapping refreshes run one after
    the other whoever calls them. SQLite serialises writers with its database lock already."""
    small = [pid for pid in product_ids if pid < 2**31]
    if connection.vendor == "postgresql" and small:
        with connection.cursor() as cur:
            # product_ids is sorted and unnest keeps the array order: locks are taken in id order.
            cur.execute("SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id", [_LOCK_REWRITE, small])


def listable_points(product_ids: Iterable[int] | None = None, *, id_range: tuple[int, int] | None = None) -> list[OfferPointData]:
    """Listable (offer, location) pairs of the products (given ids, or product ids within
    id_range inclusive): active offer, approved seller, an open location (a planned or closed
    store's shelf is not for sale), on_hand - held > 0 (one query)."""
    product_filter = (
        {"offer__product__id__range": id_range} if id_range is not None else {"offer__product_id__in": list(product_ids or ())}
    )
    rows = (
        StockLevel.objects.filter(
            **product_filter,
            offer__is_active=True,
            offer__seller__status=SellerStatus.APPROVED,
            location__status=LocationStatus.OPEN,
            on_hand__gt=F("held"),
        )
        .annotate(avail=F("on_hand") - F("held"))
        .values_list(
            "offer__product_id", "offer__currency", "offer_id", "location_id", "offer__seller_id",
            "offer__seller__country", "location__country", "location__latitude", "location__longitude",
            "offer__net_price", "offer__handling_days", "avail", "location__kind",
        )
    )
    return [OfferPointData(*row) for row in rows]


@transaction.atomic
def listing_refresh(product_ids: Iterable[int]) -> int:
    """Recompute the listing rows of these products; returns listed product-currency rows."""
    ids = sorted(set(product_ids))
    _serialise_rewrites(ids)
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        written += listing_replace(product_ids=chunk, points=listable_points(chunk))
    return written


def listing_refresh_seller(seller_id: int) -> int:
    """After a seller's status changes: refresh every product it has an offer on."""
    return listing_refresh(Offer.objects.filter(seller_id=seller_id).values_list("product_id", flat=True).distinct())


@transaction.atomic
def listing_refresh_all() -> int:
    """Recompute the whole summary (bulk loads, repairs) in the database — the listable
    points are one SELECT over the inventory tables fed to listing_rebuild_all
    — then the precomputed category facets (listing_facets_rebuild)."""
    levels, offers = StockLevel._meta.db_table, Offer._meta.db_table
    sellers, locations = Seller._meta.db_table, StockLocation._meta.db_table
    points_sql = (
        "SELECT o.product_id AS product_id, o.currency AS currency, o.id AS offer_id, l.id AS location_id, "
        "o.seller_id AS seller_id, s.country AS seller_country, l.country AS ship_country, l.latitude AS latitude, "
        "l.longitude AS longitude, o.net_price AS net_price, o.handling_days AS handling_days, "
        "sl.on_hand - sl.held AS available, l.kind AS location_kind "
        f"FROM {levels} sl JOIN {offers} o ON o.id = sl.offer_id JOIN {sellers} s ON s.id = o.seller_id "
        f"JOIN {locations} l ON l.id = sl.location_id "
        "WHERE o.is_active AND s.status = %s AND l.status = %s AND sl.on_hand > sl.held"
    )
    with connection.cursor() as cursor:  # the same serialisation as listing_refresh, for every product
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {OfferPoint._meta.db_table}, {ProductListing._meta.db_table} IN EXCLUSIVE MODE")
    written = listing_rebuild_all(points_sql=points_sql, params=[SellerStatus.APPROVED, LocationStatus.OPEN])
    listing_facets_rebuild()
    return written
