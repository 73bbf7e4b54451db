"""Writes of the listing summary (ProductListing, OfferPoint, ListingFacetSnapshot): the
storefront's read model of the offers, kept in step with the inventory.

The storefront reads only the summary, so every change of what is listable refreshes it in
the same transaction. The state-change services of ``comptoir.inventory.services`` do it
(seller approve / suspend / reinstate, product activate / deactivate, offer pause / resume,
stock edits; holds refresh once their transaction commits, ``listing_refresh_on_commit``);
bulk loads (``seed_demo``, imports) call ``listing_refresh_all()`` or refresh their products
in batches once at the end. Nothing else writes these tables.

Expiring holds: a stock level whose every unit is held, some by reservations to try or till
baskets, comes back on its own when they expire (``selectors.held_now()``: the units of expired
try and basket holds are free before anything releases them). Its point is written with
``listed_from``, the first expiry at which a unit is free again, and the product's
ProductListing is cut into periods at those moments; readers take the period valid now, and
the categories' pending moments (``ListingVersion.pending``) make cached pages miss at once.
Free units only grow with time until the next write, and every write refreshes, so this is
exact. (Consuming an expiring hold — a till sale — must refresh too: see docs/stores.md.)
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from comptoir.catalog import listing_cache
from comptoir.catalog.models import PRODUCT_VAT_KIND, PRODUCT_VAT_KIND_SQL, Category, Product
from comptoir.common.rows import values_insert
from comptoir.markets.models import Market
from comptoir.sellers.models import Seller, SellerStatus

from ..models import (
    Hold, HoldKind, HoldState, ListingFacetSnapshot, LocationStatus, Offer, OfferPoint, ProductListing, StockLevel, StockLocation,
)
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
    listed_from: datetime | None = None  # None: listable now; else when expiring holds give a unit back


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


def _listing_clear(ids: list[int]) -> tuple[dict[int, tuple[int, str]], set[int], bool]:
    """Delete the listing rows of these products; returns {active product id: (category id,
    tax class)}, the categories whose cached listings this makes stale and whether the rows
    deleted had periods still to come (valid_from set). PostgreSQL takes
    the ids as one array (a short statement: psycopg re-parses a long one on every call, which
    cost an import batch more than the deletes); SQLite in chunks under its parameter limit."""
    products: dict[int, tuple[int, str]] = {}
    touched: set[int] = set()
    pending = False
    if connection.vendor == "postgresql":
        op, pl = OfferPoint._meta.db_table, ProductListing._meta.db_table
        product, category = Product._meta.db_table, Category._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT category_id, COUNT(valid_from) FROM {pl} WHERE product_id = ANY(%s) GROUP BY category_id", [ids])
            for cid, periods in cursor.fetchall():
                touched.add(cid)
                pending = pending or periods > 0
            cursor.execute(f"DELETE FROM {op} WHERE product_id = ANY(%s)", [ids])
            cursor.execute(f"DELETE FROM {pl} WHERE product_id = ANY(%s)", [ids])
            cursor.execute(
                f"SELECT p.id, p.category_id, {PRODUCT_VAT_KIND_SQL} FROM {product} p JOIN {category} c ON c.id = p.category_id "
                "WHERE p.is_active AND p.id = ANY(%s)", [ids],
            )
            products.update((pid, (cid, tax)) for pid, cid, tax in cursor.fetchall())
        return products, touched, pending
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for cid, periods in (
            ProductListing.objects.filter(product_id__in=chunk).values_list("category_id").annotate(n=Count("valid_from")).order_by()
        ):
            touched.add(cid)
            pending = pending or periods > 0
        OfferPoint.objects.filter(product_id__in=chunk).delete()
        ProductListing.objects.filter(product_id__in=chunk).delete()
        for pid, cid, tax in Product.objects.filter(id__in=chunk, is_active=True).annotate(kind=PRODUCT_VAT_KIND).values_list(
            "id", "category_id", "kind"
        ):
            products[pid] = (cid, tax)
    return products, touched, pending


# Columns written by listing_replace (plain tuples: see common.rows.values_insert).
_POINT_INSERT = (
    "product_id", "currency", "offer_id", "location_id", "seller_id", "seller_country", "ship_country",
    "latitude", "longitude", "x", "y", "z", "net_price", "handling_days", "available", "location_kind", "listed_from",
)
_LISTING_INSERT = (
    "product_id", "currency", "category_id", "tax_class", "min_net_price", "offer_count", "seller_countries",
    "best_handling_days", "refreshed_at", "valid_from", "valid_until",
)


def _periods(points: list[OfferPointData]) -> list[tuple[datetime | None, datetime | None, list[OfferPointData]]]:
    """(valid_from, valid_until, points listed then) of one product and currency: a period
    starts at each distinct listed_from (None first: listed now)."""
    starts = sorted({p.listed_from for p in points}, key=lambda t: (t is not None, t or datetime.min.replace(tzinfo=UTC)))
    return [
        (start, starts[i + 1] if i + 1 < len(starts) else None,
         [p for p in points if p.listed_from is None or (start is not None and p.listed_from <= start)])
        for i, start in enumerate(starts)
    ]


def _pending_bump(category_ids: set[int]) -> None:
    """Record the pending moments of these categories (their listing periods still to come).
    The rows are locked first by a plain bump (id order), so that two refreshes of one
    category write its moments one after the other, each reading the other's commit."""
    listing_cache.versions_bump(category_ids)
    pending: dict[int, list[datetime]] = {}
    for cid, start in ProductListing.objects.filter(category_id__in=sorted(category_ids), valid_from__gt=timezone.now()).values_list(
        "category_id", "valid_from"
    ):
        pending.setdefault(cid, []).append(start)
    listing_cache.versions_bump(category_ids, pending=pending)


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
    products, touched, pending = _listing_clear(ids)
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    rows: list[tuple] = []
    groups: dict[tuple[int, str], list[OfferPointData]] = {}
    for p in points:
        if p.product_id not in products or p.available <= 0:
            continue
        if p.listed_from is not None and p.listed_from <= now:
            p = replace(p, listed_from=None)
        rows.append((
            p.product_id, p.currency, p.offer_id, p.location_id, p.seller_id, p.seller_country, p.ship_country,
            p.latitude, p.longitude, *unit_vector(p.latitude, p.longitude), p.net_price, p.handling_days,
            p.available, p.location_kind, adapt(p.listed_from),
        ))
        groups.setdefault((p.product_id, p.currency), []).append(p)
    values_insert(OfferPoint, _POINT_INSERT, rows)
    listings = []
    for (pid, currency), pts in groups.items():
        cid, tax = products[pid]
        for start, until, listed in _periods(pts):
            pending = pending or start is not None
            listings.append((
                pid, currency, cid, tax, min(p.net_price for p in listed), len({p.offer_id for p in listed}),
                ",".join(sorted({p.seller_country for p in listed})), min(p.handling_days for p in listed), adapt(now),
                adapt(start), adapt(until),
            ))
    values_insert(ProductListing, _LISTING_INSERT, listings)
    categories = touched | {cid for cid, _tax in products.values()}
    if pending:  # periods to come were written or deleted: the categories' pending moments change
        _pending_bump(categories)
    else:
        listing_cache.versions_bump(categories)
    return len({(row[0], row[1]) for row in listings})


# Columns of a points source (listing_rebuild_all): one row per (offer, ship-from location).
POINT_COLUMNS = (
    "product_id", "currency", "offer_id", "location_id", "seller_id", "seller_country", "ship_country",
    "latitude", "longitude", "net_price", "handling_days", "available", "location_kind", "listed_from",
)


@transaction.atomic
def listing_rebuild_all(*, points_sql: str, params: Sequence = ()) -> int:
    """Replace the whole listing summary from an SQL row source, in the database: the bulk
    form of listing_replace() for a full rebuild (seed, import, repair), with the same rules.

    `points_sql` is a SELECT whose columns are POINT_COLUMNS, in that order (the feeder,
    listing_refresh_all, reads the inventory tables).
    Points of inactive or unknown products, or with available ≤ 0, are ignored. Three
    statements: OfferPoint rows (unit vectors computed in SQL), then one ProductListing row per
    product, currency and period grouped from them (see _periods), then the categories' pending
    moments. Returns the number of listed product-currency pairs."""
    op, pl = OfferPoint._meta.db_table, ProductListing._meta.db_table
    product, category = Product._meta.db_table, Category._meta.db_table
    cols = ", ".join(POINT_COLUMNS)
    src = ", ".join(f"s.{c}" for c in POINT_COLUMNS[:9])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {op}")
        cursor.execute(f"DELETE FROM {pl}")
        cursor.execute(
            f"INSERT INTO {op} ({cols}, x, y, z) "
            f"SELECT {src}, s.net_price, s.handling_days, s.available, s.location_kind, "
            f"CASE WHEN s.listed_from <= %s THEN NULL ELSE s.listed_from END, "
            f"COS(RADIANS(s.latitude)) * COS(RADIANS(s.longitude)), COS(RADIANS(s.latitude)) * SIN(RADIANS(s.longitude)), "
            f"SIN(RADIANS(s.latitude)) "
            f"FROM ({points_sql}) s JOIN {product} p ON p.id = s.product_id WHERE p.is_active AND s.available > 0",
            [now, *params],
        )
        cursor.execute(f"SELECT DISTINCT seller_country FROM {op} ORDER BY seller_country")
        countries = [row[0] for row in cursor.fetchall()]
        # seller_countries: the sorted distinct countries joined by commas, portable SQL (no
        # ordered string aggregate in SQLite): one CASE per country present.
        parts = " || ".join(
            "CASE WHEN MAX(CASE WHEN op.seller_country = %s THEN 1 ELSE 0 END) = 1 THEN %s ELSE '' END" for _ in countries
        ) or "''"
        country_params = [value for c in countries for value in (c, c + ",")]
        # One row per period: a period starts at each distinct listed_from of the product's
        # points (NULL first: listed now) and holds the points listed by then (as _periods).
        periods = (
            "SELECT d.product_id, d.currency, d.listed_from, LEAD(d.listed_from) OVER (PARTITION BY d.product_id, d.currency "
            "ORDER BY CASE WHEN d.listed_from IS NULL THEN 0 ELSE 1 END, d.listed_from) AS until "
            f"FROM (SELECT DISTINCT product_id, currency, listed_from FROM {op}) d"
        )
        cursor.execute(
            f"INSERT INTO {pl} (product_id, currency, category_id, tax_class, min_net_price, offer_count, "
            f"seller_countries, best_handling_days, refreshed_at, valid_from, valid_until) "
            f"SELECT op.product_id, op.currency, p.category_id, {PRODUCT_VAT_KIND_SQL}, MIN(op.net_price), COUNT(DISTINCT op.offer_id), "
            f"RTRIM({parts}, ','), MIN(op.handling_days), %s, st.listed_from, st.until "
            f"FROM ({periods}) st JOIN {op} op ON op.product_id = st.product_id AND op.currency = st.currency "
            "AND (op.listed_from IS NULL OR op.listed_from <= st.listed_from) "
            f"JOIN {product} p ON p.id = op.product_id JOIN {category} c ON c.id = p.category_id "
            f"GROUP BY op.product_id, op.currency, st.listed_from, st.until, p.category_id, {PRODUCT_VAT_KIND_SQL}",
            [*country_params, now],
        )
        cursor.execute(f"SELECT COUNT(*) FROM {pl} WHERE valid_until IS NULL")  # one last period per product and currency
        written = cursor.fetchone()[0]
    pending: dict[int, list[datetime]] = {}
    for cid, start in ProductListing.objects.filter(valid_from__isnull=False).values_list("category_id", "valid_from"):
        pending.setdefault(cid, []).append(start)
    listing_cache.versions_bump(Category.objects.values_list("id", flat=True), pending=pending)
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


def points_sql(scope: str = "1=1") -> str:
    """The listable points as one SELECT over the inventory tables (columns POINT_COLUMNS):
    active offer, approved seller, an open location (a planned or closed store's shelf is not
    for sale), and free units now — or, for a level whose every unit is held, at the first
    expiry of its try-in-store and basket holds that frees one (listed_from; selectors.held_now()
    counts those units free once expired). `available`: the free units now, or then.

    `scope`: an SQL condition on the offer ``o`` (its parameters twice, after points_params').
    Parameters: points_params(now) + scope's + scope's again."""
    levels, offers = StockLevel._meta.db_table, Offer._meta.db_table
    sellers, locations, holds = Seller._meta.db_table, StockLocation._meta.db_table, Hold._meta.db_table
    # f: per fully-held level, the first expiry at which the units of the expired holds exceed
    # the deficit (held - on_hand), and the units then free (or now, when later) — a running sum
    # of the holds by expiry (RANGE frame: holds expiring together count together).
    freed = (
        "SELECT c.stock_level_id, MIN(c.expires_at) AS listed_from, "
        "COALESCE(MAX(CASE WHEN c.expires_at <= %s THEN c.cum END), MIN(c.cum)) - MIN(c.deficit) AS available "
        "FROM (SELECT h.stock_level_id, h.expires_at, x.held - x.on_hand AS deficit, "
        "SUM(h.quantity) OVER (PARTITION BY h.stock_level_id ORDER BY h.expires_at) AS cum "
        f"FROM {holds} h JOIN {levels} x ON x.id = h.stock_level_id JOIN {offers} o ON o.id = x.offer_id "
        "WHERE h.state = %s AND h.kind IN (%s, %s) AND h.expires_at IS NOT NULL AND x.on_hand > 0 AND x.on_hand <= x.held "
        f"AND {scope}) c WHERE c.cum > c.deficit GROUP BY c.stock_level_id"
    )
    return (
        "SELECT o.product_id AS product_id, o.currency AS currency, o.id AS offer_id, l.id AS location_id, "
        "o.seller_id AS seller_id, s.country AS seller_country, l.country AS ship_country, l.latitude AS latitude, "
        "l.longitude AS longitude, o.net_price AS net_price, o.handling_days AS handling_days, "
        "CASE WHEN sl.on_hand > sl.held THEN sl.on_hand - sl.held ELSE f.available END AS available, l.kind AS location_kind, "
        "CASE WHEN sl.on_hand > sl.held THEN NULL ELSE f.listed_from END AS listed_from "
        f"FROM {levels} sl JOIN {offers} o ON o.id = sl.offer_id JOIN {sellers} s ON s.id = o.seller_id "
        f"JOIN {locations} l ON l.id = sl.location_id LEFT JOIN ({freed}) f ON f.stock_level_id = sl.id "
        f"WHERE o.is_active AND s.status = %s AND l.status = %s AND sl.on_hand > 0 AND {scope} "
        "AND (sl.on_hand > sl.held OR f.listed_from IS NOT NULL)"
    )


def points_params(now: datetime, scope_params: Sequence = ()) -> list:
    adapted = connection.ops.adapt_datetimefield_value(now)
    return [
        adapted, HoldState.ACTIVE, HoldKind.TRY, HoldKind.POS, *scope_params, SellerStatus.APPROVED, LocationStatus.OPEN,
        *scope_params,
    ]


def _moment(value) -> datetime | None:
    """A datetime read by a raw query (SQLite returns text, in UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def listable_points(product_ids: Iterable[int] | None = None, *, id_range: tuple[int, int] | None = None) -> list[OfferPointData]:
    """Listable (offer, location) pairs of the products (given ids, or product ids within
    id_range inclusive), as points_sql() says (one query)."""
    if id_range is not None:
        scope, scope_params = "o.product_id BETWEEN %s AND %s", list(id_range)
    else:
        ids = sorted({int(pid) for pid in product_ids or ()})
        if not ids:
            return []
        scope, scope_params = f"o.product_id IN ({', '.join(str(pid) for pid in ids)})", []
    with connection.cursor() as cursor:
        cursor.execute(points_sql(scope), points_params(timezone.now(), scope_params))
        rows = cursor.fetchall()
    return [OfferPointData(*row[:13], listed_from=_moment(row[13])) for row in rows]


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
    with connection.cursor() as cursor:  # the same serialisation as listing_refresh, for every product
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {OfferPoint._meta.db_table}, {ProductListing._meta.db_table} IN EXCLUSIVE MODE")
    written = listing_rebuild_all(points_sql=points_sql(), params=points_params(timezone.now()))
    listing_facets_rebuild()
    return written
