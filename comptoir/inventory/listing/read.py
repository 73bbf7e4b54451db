"""Reads of the listing summary: the storefront product listing (category and search pages).

product_listing() reads only the denormalised summary tables (ProductListing, OfferPoint),
the search index and markets' VAT rates, in a constant number of SQL queries whatever the
page size:

1. category tree (only with a category: its descendants are included),
2. VAT rates of the market,
3. one grouped aggregate giving the total, the price-bucket facet and the seller-country
   facet (each facet ignores its own filter, as shoppers expect),
4. the page rows (title in the buyer language, falling back to English; first image),
5. the ship-from points of the page's products (only with a buyer city: nearest distance).

Filter semantics: every filter selects *products*; the figures shown per product (best
gross price, offer count, nearest distance) are over all its listed offers.

Time: a product's listing may be cut into periods (a unit held by a reservation to try or a
till basket comes back when the hold expires: ProductListing.valid_from / valid_until,
OfferPoint.listed_from); every query reads the period valid at the request's moment, and the
cache keys name the pending moments passed (listing_cache), so the unit is back at once.
"""
from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from comptoir.common.geo import EARTH_RADIUS_KM, bounding_box, haversine_matrix_km
from comptoir.markets.models import City, Market, VatRate

from comptoir.catalog import listing_cache, search
from comptoir.catalog.models import Category, ProductImage, ProductText

from ..errors import InvalidListingQuery
from ..models import ListingFacetSnapshot, LocationKind, OfferPoint, ProductListing
from ..promise import DEFAULT_POLICY, PromisePolicy
from .facets import (
    CountryFacet,
    PriceFacet,
    aggregate_facets,
    bucket_edges,
    facets_from_data,
    facets_from_groups,
    facets_to_data,
)

MAX_PAGE_SIZE = 100
SORTS = ("relevance", "price_asc", "price_desc", "newest")


@dataclass(frozen=True, slots=True)
class ListingFilters:
    min_price: int | None = None  # gross incl. the market's VAT, minor units, inclusive
    max_price: int | None = None  # inclusive
    seller_countries: tuple[str, ...] = ()  # any of these
    local_only_km: float | None = None  # an offer ships from within N km of the buyer's city
    in_store_km: float | None = None  # an offer has units on the shelf of a store within N km
    deliver_by: date | None = None  # an offer's promised latest date ≤ this date


@dataclass(frozen=True, slots=True)
class ListingItem:
    product_id: int
    title: str
    brand: str
    image_url: str | None
    best_gross_price: int
    currency: str
    offer_count: int
    nearest_km: float | None  # None without a buyer city
    nearest_store_km: float | None = None  # the nearest store with units (None: none, or no buyer city)


@dataclass(frozen=True, slots=True)
class ListingPage:
    items: tuple[ListingItem, ...]
    total: int
    page: int
    page_size: int
    num_pages: int
    currency: str
    price_facets: tuple[PriceFacet, ...] = field(default=())
    country_facets: tuple[CountryFacet, ...] = field(default=())
    # None: the listing covers every match. N: a search matched more products than it reads
    # (catalog.search.base.MAX_MATCHES); the listing, its total and facets cover the best N.
    capped_at: int | None = None


def vat_rates_bp(market: Market, today: date) -> dict[str, int]:
    """tax class -> rate (bp) valid in `market` on `today` (newest valid_from ≤ today)."""
    rates: dict[str, int] = {}
    for tax_class, rate in (
        VatRate.objects.filter(market=market, valid_from__lte=today)
        .order_by("tax_class", "-valid_from")
        .values_list("tax_class", "rate_bp")
    ):
        rates.setdefault(tax_class, rate)
    return rates


def category_descendants(category: Category) -> list[int]:
    children = defaultdict(list)
    for cid, parent in Category.objects.values_list("id", "parent_id"):
        children[parent].append(cid)
    out, stack = [], [category.pk]
    while stack:
        cid = stack.pop()
        if cid in out:
            continue
        out.append(cid)
        stack.extend(children.get(cid, ()))
    return sorted(out)


def chord2_within(km: float) -> float:
    """Squared chord on the unit sphere for a great-circle distance of `km`."""
    return (2 * math.sin(min(km, math.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM))) ** 2


def _validate(filters: ListingFilters, page: int, page_size: int, sort: str) -> None:
    if page < 1:
        raise InvalidListingQuery("Page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidListingQuery(f"Page size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    if sort not in SORTS:
        raise InvalidListingQuery(f"Sort must be one of {', '.join(SORTS)}", field="sort")
    for name in ("min_price", "max_price"):
        value = getattr(filters, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidListingQuery("Prices must be whole minor units ≥ 0", field=name)
    if filters.min_price is not None and filters.max_price is not None and filters.min_price > filters.max_price:
        raise InvalidListingQuery("Minimum price is above maximum price", field="min_price")
    for code in filters.seller_countries:
        if not (isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()):
            raise InvalidListingQuery(f"Not a country code: {code!r}", field="seller_countries")
    for name in ("local_only_km", "in_store_km"):
        value = getattr(filters, name)
        if value is not None and not (0 < value <= 20_000):
            raise InvalidListingQuery("Distance must be between 0 and 20000 km", field=name)


def product_listing(
    *,
    market: Market,
    language: str,
    category: Category | None = None,
    query: str | None = None,
    buyer_city: City | None = None,
    filters: ListingFilters = ListingFilters(),
    page: int = 1,
    page_size: int = 24,
    sort: str = "relevance",
    today: date | None = None,
    promise_policy: PromisePolicy = DEFAULT_POLICY,
) -> ListingPage:
    """One page of listed products for a market, a category and/or a search query.

    sort: "relevance" (search rank; newest first without a query), "price_asc",
    "price_desc", "newest". The deliver-by filter reads the promise of `promise_policy`,
    the one the product page and the checkout use.
    Products of a tax class without a VAT rate in the market are not listed.

    Cached (comptoir.catalog.listing_cache, versioned per category): the facets per (market, category, query,
    filters) and the page per (… , page, size, sort, city); a listing refresh of a category
    invalidates its entries at once. Warm: one query (the category tree with its versions).
    """
    _validate(filters, page, page_size, sort)
    today = today or timezone.localdate()
    now = timezone.now()
    currency = market.currency
    tree = listing_cache.CategoryTree.load()
    category_ids = tree.descendants(category.pk) if category is not None else None
    query = query.strip() if query and query.strip() else None
    geo = filters.local_only_km is not None or filters.deliver_by is not None
    city_id = buyer_city.pk if buyer_city is not None else None
    facet_key = listing_cache.cache_key(
        "facets", tree.versions_key(category_ids, now=now), market.code, currency, today.isoformat(),
        language if query else None, category.pk if category is not None else None, query, filters,
        city_id if geo else None, promise_policy is not DEFAULT_POLICY,
    )
    page_key = listing_cache.cache_key("page", facet_key, language, city_id, page, page_size, sort)
    cached = listing_cache.get(page_key)
    if cached is not None:
        return cached
    result = _product_listing(
        market=market, language=language, category_ids=category_ids, query=query, buyer_city=buyer_city,
        filters=filters, page=page, page_size=page_size, sort=sort, today=today, promise_policy=promise_policy,
        facet_key=facet_key, versions_key=tree.versions_key(category_ids, now=now) if category is not None else None,
        now=now,
        category_id=category.pk if category is not None else None,
    )
    listing_cache.put(page_key, result)
    return result


def rates_key(rates: dict[str, int]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(rates.items()))


@dataclass(slots=True)
class _Scope:
    """The FROM / WHERE shared by the facets and the page, and the gross-price SQL."""

    currency: str
    gross: str  # SQL: the product's best gross price under the market's VAT rates
    rate_params: list
    rates: dict[str, int]
    where: list[str]
    params: list
    price_where: list[str]
    price_params: list
    countries: tuple[str, ...]
    country_where: list[str]
    country_params: list
    base_from: str = ""
    now: datetime | None = None  # the moment read (listing periods, points listed)


def _product_listing(
    *, market, language, category_ids, query, buyer_city, filters, page, page_size, sort, today, promise_policy,
    facet_key=None, versions_key=None, category_id=None, now=None,
) -> ListingPage:
    currency = market.currency
    match = search.search_matches(query, language) if query else None
    if query and (match is None or not match.ranks):
        return _empty(page, page_size, currency)
    capped_at = match.limit if match is not None and match.capped else None
    scope = _scope(market, category_ids, match, buyer_city, filters, today, promise_policy, now or timezone.now())
    if scope is None:
        return _empty(page, page_size, currency)
    facets, search_rows = _facets(scope, match, filters, facet_key, versions_key, category_id)
    total, price_facets, country_facets = facets
    num_pages = max(1, math.ceil(total / page_size))
    items: tuple[ListingItem, ...] = ()
    if total and page <= num_pages:
        items = _page_items(scope, match, search_rows, filters, language, buyer_city, page, page_size, sort)
    return ListingPage(items, total, page, page_size, num_pages, currency, price_facets, country_facets, capped_at)


def _valid_at(now) -> tuple[str, str, list]:
    """SQL for "the listing period valid at `now`" (over pl) and "the point listed at `now`"
    (over op), and the parameter of each `%s` in them (`now`, ready for the database)."""
    at = connection.ops.adapt_datetimefield_value(now)
    return (
        "(pl.valid_from IS NULL OR pl.valid_from <= %s) AND (pl.valid_until IS NULL OR pl.valid_until > %s)",
        "(op.listed_from IS NULL OR op.listed_from <= %s)",
        [at],
    )


def _scope(market, category_ids, match, buyer_city, filters, today, promise_policy, now) -> _Scope | None:
    """The listing's filters as SQL over ProductListing (pl) and OfferPoint (op) at the moment
    `now`; None when the market has no VAT rate (nothing can be priced)."""
    currency = market.currency
    op = OfferPoint._meta.db_table
    period_sql, listed_sql, at = _valid_at(now)
    where, params = ["pl.currency = %s", period_sql], [currency, *at, *at]
    if match is not None:
        # The (bounded) matches are read once, then joined as literal rows by the facets and
        # the page: the full-text ranking runs once per request, not once per query.
        where.append(f"pl.product_id IN ({', '.join(str(pid) for pid in match.ranks)})")
    if category_ids is not None:
        where.append(f"pl.category_id IN ({', '.join(['%s'] * len(category_ids))})")
        params += category_ids

    rates = vat_rates_bp(market, today)
    if not rates:
        return None
    rate_case = "CASE pl.tax_class " + " ".join(f"WHEN %s THEN {int(r)}" for r in rates.values()) + " END"
    rate_params = list(rates.keys())
    gross = f"(pl.min_net_price + (pl.min_net_price * {rate_case} * 2 + 10000) / 20000)"
    where.append(f"pl.tax_class IN ({', '.join(['%s'] * len(rates))})")
    params += list(rates.keys())

    if buyer_city is not None:
        bx, by, bz = _unit(buyer_city.latitude, buyer_city.longitude)
        chord2 = f"((op.x - {bx!r}) * (op.x - {bx!r}) + (op.y - {by!r}) * (op.y - {by!r}) + (op.z - {bz!r}) * (op.z - {bz!r}))"
    for km, kind, message, name in (
        (filters.local_only_km, None, "Choose a city to see local offers only", "local_only_km"),
        (filters.in_store_km, LocationKind.STORE, "Choose a city to see what is in a store near you", "in_store_km"),
    ):
        if km is None:
            continue
        if buyer_city is None:
            raise InvalidListingQuery(message, field=name)
        lat0, lat1, lon0, lon1 = bounding_box(buyer_city.latitude, buyer_city.longitude, km)
        where.append(
            f"pl.product_id IN (SELECT op.product_id FROM {op} op WHERE op.currency = %s "
            + ("AND op.location_kind = %s " if kind else "")
            + f"AND op.latitude BETWEEN %s AND %s AND op.longitude BETWEEN %s AND %s AND {chord2} <= %s AND {listed_sql})"
        )
        params += [currency, *([kind] if kind else []), lat0, lat1, lon0, lon1, chord2_within(km), *at]
    if filters.deliver_by is not None:
        from_days = promise_policy.business_days_between(today, filters.deliver_by, market.code)
        days_sql, days_params = _transit_max_sql(promise_policy, market.code, chord2 if buyer_city else None)
        where.append(
            f"EXISTS (SELECT 1 FROM {op} op WHERE op.product_id = pl.product_id AND op.currency = %s "
            f"AND op.handling_days + {days_sql} <= %s AND {listed_sql})"
        )
        params += [currency, *days_params, from_days, *at]

    price_where, price_params = [], []
    if filters.min_price is not None:
        price_where.append(f"{gross} >= %s")
        price_params += [*rate_params, filters.min_price]
    if filters.max_price is not None:
        price_where.append(f"{gross} <= %s")
        price_params += [*rate_params, filters.max_price]
    countries = tuple(sorted(set(filters.seller_countries)))
    country_where, country_params = [], []
    if countries:
        country_where.append("(" + " OR ".join(["(',' || pl.seller_countries || ',') LIKE %s"] * len(countries)) + ")")
        country_params += [f"%,{c},%" for c in countries]
    return _Scope(
        currency, gross, rate_params, rates, where, params, price_where, price_params, countries, country_where,
        country_params, base_from=f"FROM {ProductListing._meta.db_table} pl", now=now,
    )


def _facets(scope: _Scope, match, filters, facet_key, versions_key, category_id):
    """(facets, search rows): the facets cached, else the precomputed snapshot, else one grouped
    aggregate; for a search, its matched rows, read once for the facets and the page."""
    facets = listing_cache.get(facet_key) if facet_key else None
    unfiltered_category = match is None and category_id is not None and filters == ListingFilters()
    if facets is None and unfiltered_category and versions_key is not None:
        snap = (
            ListingFacetSnapshot.objects.filter(
                currency=scope.currency, category_id=category_id, rates_key=rates_key(scope.rates), versions_key=versions_key
            ).values_list("data", flat=True).first()
        )
        if snap is not None:
            facets = facets_from_data(snap)
    search_rows = None
    if match is not None:
        # Search: the matched products are few (capped); one query reads them for both the
        # facets and the page.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pl.product_id, {scope.gross} AS g, pl.offer_count, pl.seller_countries {scope.base_from} "
                f"WHERE {' AND '.join(scope.where)}",
                [*scope.rate_params, *scope.params],
            )
            search_rows = [(pid, int(g), offers, combo) for pid, g, offers, combo in cursor.fetchall()]
        if facets is None:
            edges = bucket_edges(scope.currency)
            groups = Counter(
                (bisect.bisect_right(edges, g), _in_price_range(g, filters), combo) for _pid, g, _o, combo in search_rows
            )
            facets = facets_from_groups(((b, r, c, n) for (b, r, c), n in groups.items()), edges, scope.countries)
    if facets is None:
        facets = aggregate_facets(
            scope.currency, scope.gross, scope.rate_params, scope.price_where, scope.price_params, scope.countries,
            scope.base_from, [], scope.where, scope.params,
        )
    if facet_key:
        listing_cache.put(facet_key, facets)
    return facets, search_rows


_ORDERS = {  # sort: (inner order of the page's ids, outer order of the page's rows)
    "relevance": ("pl.product_id DESC", "q.rk, q.product_id DESC"),  # inner: search only (in Python)
    "price_asc": ("g, pl.product_id", "q.g, q.product_id"),
    "price_desc": ("g DESC, pl.product_id", "q.g DESC, q.product_id"),
    "newest": ("pl.product_id DESC", "q.product_id DESC"),
}


def _page_items(scope: _Scope, match, search_rows, filters, language, buyer_city, page, page_size, sort) -> tuple[ListingItem, ...]:
    """The page's cards: ids chosen on cheap columns (or among the search's matches), then their
    titles, brands and first pictures in one query."""
    if sort == "relevance" and match is None:
        sort = "newest"
    inner_order, outer_order = _ORDERS[sort]
    pt, pi = ProductText._meta.db_table, ProductImage._meta.db_table
    filtered = " AND ".join([*scope.where, *scope.price_where, *scope.country_where])
    if match is None:
        source = (
            f"(SELECT pl.product_id, {scope.gross} AS g, pl.offer_count, 0 AS rk {scope.base_from} WHERE {filtered} "
            f"ORDER BY {inner_order} LIMIT %s OFFSET %s) q"
        )
        source_params = [
            *scope.rate_params, *scope.params, *scope.price_params, *scope.country_params, page_size, (page - 1) * page_size,
        ]
    else:
        rank_of = match.ranks
        candidates = [
            (pid, g, offers) for pid, g, offers, combo in search_rows
            if _in_price_range(g, filters) and (not scope.countries or set(combo.split(",")).intersection(scope.countries))
        ]
        key = {
            "relevance": lambda r: (rank_of[r[0]], -r[0]),
            "price_asc": lambda r: (r[1], r[0]),
            "price_desc": lambda r: (-r[1], r[0]),
            "newest": lambda r: -r[0],
        }[sort]
        start = (page - 1) * page_size
        chosen = [(pid, int(g), offers, rank_of[pid]) for pid, g, offers in sorted(candidates, key=key)[start : start + page_size]]
        if not chosen:
            return ()
        source, source_params = f"({_values_sql(chosen, ('product_id', 'g', 'offer_count', 'rk'))}) q", []
    page_sql = (
        f"SELECT q.product_id, p.brand, q.g, q.offer_count, "
        f"COALESCE((SELECT t.title FROM {pt} t WHERE t.product_id = q.product_id AND t.language = %s), "
        f"(SELECT t.title FROM {pt} t WHERE t.product_id = q.product_id AND t.language = 'en'), "
        f"(SELECT t.title FROM {pt} t WHERE t.product_id = q.product_id ORDER BY t.language LIMIT 1), '') AS title, "
        f"(SELECT i.image FROM {pi} i WHERE i.product_id = q.product_id ORDER BY i.position, i.id LIMIT 1) AS image "
        f"FROM {source} JOIN catalog_product p ON p.id = q.product_id ORDER BY {outer_order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(page_sql, [language, *source_params])
        rows = cursor.fetchall()
    nearest, stores = (
        _nearest_km([r[0] for r in rows], scope.currency, buyer_city, scope.now) if buyer_city is not None and rows else ({}, {})
    )
    return tuple(
        ListingItem(
            product_id=pid, title=title, brand=brand, image_url=default_storage.url(image) if image else None,
            best_gross_price=int(g), currency=scope.currency, offer_count=offers, nearest_km=nearest.get(pid),
            nearest_store_km=stores.get(pid),
        )
        for pid, brand, g, offers, title, image in rows
    )





def _in_price_range(gross: int, filters: ListingFilters) -> bool:
    return (filters.min_price is None or gross >= filters.min_price) and (
        filters.max_price is None or gross <= filters.max_price
    )


def category_facets_compute(*, market: Market, category: Category, today: date | None = None) -> tuple[str, str, dict] | None:
    """The unfiltered facets of a category page in `market` (uncached), as stored by
    listing.refresh.listing_facets_rebuild(): (rates_key, versions_key, data); None when the
    market has no VAT rate. Three queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    tree = listing_cache.CategoryTree.load()
    ids = tree.descendants(category.pk)
    rates = vat_rates_bp(market, today)
    if not rates:
        return None
    rate_case = "CASE pl.tax_class " + " ".join(f"WHEN %s THEN {int(r)}" for r in rates.values()) + " END"
    gross = f"(pl.min_net_price + (pl.min_net_price * {rate_case} * 2 + 10000) / 20000)"
    period_sql, _listed_sql, at = _valid_at(now)
    where = [
        "pl.currency = %s",
        period_sql,
        f"pl.category_id IN ({', '.join(['%s'] * len(ids))})",
        f"pl.tax_class IN ({', '.join(['%s'] * len(rates))})",
    ]
    params = [market.currency, *at, *at, *ids, *rates.keys()]
    facets = aggregate_facets(
        market.currency, gross, list(rates.keys()), [], [], (), f"FROM {ProductListing._meta.db_table} pl", [], where, params
    )
    return rates_key(rates), tree.versions_key(ids, now=now), facets_to_data(facets)


def _values_sql(rows: list[tuple], names: tuple[str, ...]) -> str:
    """Rows of int/float literals (built here, never user input) as an SQL row source."""
    values = ", ".join("(" + ", ".join(repr(v) for v in row) + ")" for row in rows)
    if connection.vendor == "postgresql":
        return f"SELECT * FROM (VALUES {values}) AS v({', '.join(names)})"
    return "SELECT " + ", ".join(f"column{i + 1} AS {n}" for i, n in enumerate(names)) + f" FROM (VALUES {values})"


def _empty(page: int, page_size: int, currency: str) -> ListingPage:
    return ListingPage((), 0, page, page_size, 1, currency)


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    a, b = math.radians(lat), math.radians(lon)
    return math.cos(a) * math.cos(b), math.cos(a) * math.sin(b), math.sin(a)


def _transit_max_sql(policy: PromisePolicy, dest: str, chord2: str | None) -> tuple[str, list]:
    """SQL for the max standard transit days of an offer point by relation and distance band
    (inclusive upper bounds, as PromisePolicy.band)."""
    eu = sorted(policy.eu_countries)

    def by_relation(band: int) -> tuple[str, list]:
        dom, euc, non = (policy.transit_days(rel, band)[1] for rel in ("domestic", "eu", "non_eu"))
        dest_eu = dest in policy.eu_countries
        sql = f"CASE WHEN op.ship_country = %s THEN {int(dom)} "
        prm: list = [dest]
        if dest_eu:
            sql += f"WHEN op.ship_country IN ({', '.join(['%s'] * len(eu))}) THEN {int(euc)} "
            prm += eu
        return sql + f"ELSE {int(non)} END", prm

    last = len(policy.bands_km)
    if chord2 is None:
        return by_relation(last)
    parts, prm = ["CASE"], []
    for band, upper in enumerate(policy.bands_km):
        rel_sql, rel_prm = by_relation(band)
        parts.append(f"WHEN {chord2} <= %s THEN {rel_sql}")
        prm += [chord2_within(upper), *rel_prm]
    rel_sql, rel_prm = by_relation(last)
    parts.append(f"ELSE {rel_sql} END")
    return "(" + " ".join(parts) + ")", prm + rel_prm


def _nearest_km(product_ids: list[int], currency: str, city: City, now) -> tuple[dict[int, float], dict[int, float]]:
    """Per product: the nearest ship-from point, and the nearest store with units (km, 0.1),
    among the points listed at `now`."""
    points = list(
        OfferPoint.objects.filter(product_id__in=product_ids, currency=currency)
        .filter(Q(listed_from__isnull=True) | Q(listed_from__lte=now))
        .values_list("product_id", "latitude", "longitude", "location_kind")
    )
    if not points:
        return {}, {}
    dist = haversine_matrix_km([city.latitude], [city.longitude], [p[1] for p in points], [p[2] for p in points])[0]
    nearest: dict[int, float] = {}
    stores: dict[int, float] = {}
    for (pid, _lat, _lon, kind), d in zip(points, dist, strict=True):
        d = round(float(d), 1)
        if pid not in nearest or d < nearest[pid]:
            nearest[pid] = d
        if kind == LocationKind.STORE and (pid not in stores or d < stores[pid]):
            stores[pid] = d
    return nearest, stores
