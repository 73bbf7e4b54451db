"""Catalogue writes: GTINs, products, the search index and the listing summary tables."""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.files import File
from django.db import IntegrityError, transaction
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError

from . import listing_cache
from .errors import DuplicateGtin, InvalidGtin, InvalidProduct
from .models import (
    CATALOG_LANGUAGES,
    PRODUCT_VAT_KIND,
    PRODUCT_VAT_KIND_SQL,
    Category,
    ListingFacetSnapshot,
    OfferPoint,
    Product,
    ProductImage,
    ProductListing,
    ProductText,
)
from .search import get_backend

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_normalise(value: str) -> str:
    """EAN-8, UPC-A (12), EAN-13 or GTIN-14 -> 14 digits, zero padded, check digit verified.

    Spaces and hyphens are ignored. Raises InvalidGtin (code ``invalid_gtin``) with
    "GTIN must be 8, 12, 13 or 14 digits" or "GTIN check digit is wrong".
    """
    digits = "".join(str(value or "").split()).replace("-", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in GTIN_LENGTHS:
        raise InvalidGtin("GTIN must be 8, 12, 13 or 14 digits", field="gtin")
    try:
        ean.validate(digits)
    except InvalidChecksum:
        raise InvalidGtin("GTIN check digit is wrong", field="gtin") from None
    except (InvalidLength, InvalidFormat, ValidationError):
        raise InvalidGtin("GTIN must be 8, 12, 13 or 14 digits", field="gtin") from None
    return digits.zfill(14)


@transaction.atomic
def product_create(
    *,
    gtin: str,
    brand: str,
    category: Category,
    attributes: Mapping | None = None,
    texts: Mapping[str, tuple[str, str]],
    image: File | None = None,
) -> Product:
    """Create a product with its texts (language -> (title, description)) and an optional
    image, and index it for search. Nothing is written when any input is invalid."""
    normalised = gtin_normalise(gtin)
    brand = (brand or "").strip()
    if not brand:
        raise InvalidProduct("Brand is required", field="brand")
    if len(brand) > 120:
        raise InvalidProduct("Brand is at most 120 characters", field="brand")
    if attributes is not None and not isinstance(attributes, Mapping):
        raise InvalidProduct("Attributes must be a mapping", field="attributes")
    if not texts:
        raise InvalidProduct("At least one title is required", field="texts")
    clean_texts: list[tuple[str, str, str]] = []
    for language, pair in texts.items():
        if language not in CATALOG_LANGUAGES:
            raise InvalidProduct(f"Unsupported language {language!r}", field="texts")
        title, description = pair
        title = (title or "").strip()
        if not title:
            raise InvalidProduct(f"Title ({language}) is required", field="texts")
        if len(title) > 250:
            raise InvalidProduct(f"Title ({language}) is at most 250 characters", field="texts")
        clean_texts.append((language, title, (description or "").strip()))
    if Product.objects.filter(gtin=normalised).exists():
        raise DuplicateGtin(f"A product with GTIN {normalised} already exists", field="gtin")
    try:
        with transaction.atomic():
            product = Product.objects.create(
                gtin=normalised, brand=brand, category=category, attributes=dict(attributes or {})
            )
    except IntegrityError:  # lost a race with another creator of the same GTIN
        raise DuplicateGtin(f"A product with GTIN {normalised} already exists", field="gtin") from None
    ProductText.objects.bulk_create(
        [ProductText(product=product, language=lang, title=title, description=desc) for lang, title, desc in clean_texts]
    )
    if image is not None:
        ProductImage.objects.create(product=product, image=image, position=0, alt=clean_texts[0][1][:250])
    search_index_product(product)
    return product


# --- search index -----------------------------------------------------------------------

@transaction.atomic
def search_index_product(product: Product) -> None:
    """(Re)build the search documents of one product (call after its texts change)."""
    get_backend().index_products([product.pk])
    listing_cache.versions_bump([product.category_id])


@transaction.atomic
def search_index_products(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    get_backend().index_products(ids)
    listing_cache.versions_bump(
        {cid for i in range(0, len(ids), 900) for cid in Product.objects.filter(id__in=ids[i : i + 900]).values_list("category_id", flat=True)}
    )


def search_reindex_all() -> int:
    """Rebuild the whole search index in bulk (one transaction); returns the number of
    documents written (PostgreSQL: rows inserted; SQLite: FTS rows). Outside a transaction,
    the index is then maintained (PostgreSQL VACUUM ANALYZE, FTS5 optimize)."""
    backend = get_backend()
    with transaction.atomic():
        count = backend.reindex_all()
        listing_cache.versions_bump(Category.objects.values_list("id", flat=True))
    if not transaction.get_connection().in_atomic_block:
        backend.maintain()
    return count


# --- listing summary --------------------------------------------------------------------

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


def unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


@transaction.atomic
def listing_replace(*, product_ids: Sequence[int], points: Iterable[OfferPointData]) -> int:
    """Replace the listing rows (ProductListing, OfferPoint) of `product_ids` with `points`.

    Points of inactive or unknown products, or with available ≤ 0, are ignored; a product
    without points is no longer listed. Returns the number of ProductListing rows written.
    Fed by comptoir.inventory.listing.listing_refresh(), which reads the inventory.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    products: dict[int, tuple[int, str]] = {}
    touched: set[int] = set()  # categories whose cached listings this makes stale
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        touched.update(ProductListing.objects.filter(product_id__in=chunk).values_list("category_id", flat=True).distinct())
        OfferPoint.objects.filter(product_id__in=chunk).delete()
        ProductListing.objects.filter(product_id__in=chunk).delete()
        for pid, cid, tax in Product.objects.filter(id__in=chunk, is_active=True).annotate(kind=PRODUCT_VAT_KIND).values_list(
            "id", "category_id", "kind"
        ):
            products[pid] = (cid, tax)
    rows: list[OfferPoint] = []
    groups: dict[tuple[int, str], list[OfferPointData]] = {}
    for p in points:
        if p.product_id not in products or p.available <= 0:
            continue
        x, y, z = unit_vector(p.latitude, p.longitude)
        rows.append(
            OfferPoint(
                product_id=p.product_id, currency=p.currency, offer_id=p.offer_id, location_id=p.location_id,
                seller_id=p.seller_id, seller_country=p.seller_country, ship_country=p.ship_country,
                latitude=p.latitude, longitude=p.longitude, x=x, y=y, z=z, net_price=p.net_price,
                handling_days=p.handling_days, available=p.available,
            )
        )
        groups.setdefault((p.product_id, p.currency), []).append(p)
    OfferPoint.objects.bulk_create(rows, batch_size=2000)
    listings = []
    for (pid, currency), pts in groups.items():
        cid, tax = products[pid]
        listings.append(
            ProductListing(
                product_id=pid, currency=currency, category_id=cid, tax_class=tax,
                min_net_price=min(p.net_price for p in pts),
                offer_count=len({p.offer_id for p in pts}),
                seller_countries=",".join(sorted({p.seller_country for p in pts})),
                best_handling_days=min(p.handling_days for p in pts),
            )
        )
    ProductListing.objects.bulk_create(listings, batch_size=2000)
    listing_cache.versions_bump(touched | {cid for cid, _tax in products.values()})
    return len(listings)


# Columns of a points source (listing_rebuild_all): one row per (offer, ship-from location).
POINT_COLUMNS = (
    "product_id", "currency", "offer_id", "location_id", "seller_id", "seller_country", "ship_country",
    "latitude", "longitude", "net_price", "handling_days", "available",
)


@transaction.atomic
def listing_rebuild_all(*, points_sql: str, params: Sequence = ()) -> int:
    """Replace the whole listing summary from an SQL row source, in the database: the bulk
    form of listing_replace() for a full rebuild (seed, import, repair), with the same rules.

    `points_sql` is a SELECT whose columns are POINT_COLUMNS, in that order (the feeder,
    comptoir.inventory.listing.listing_refresh_all, reads the inventory tables; catalog cannot).
    Points of inactive or unknown products, or with available ≤ 0, are ignored. Three
    statements: OfferPoint rows (unit vectors computed in SQL), then one ProductListing row per
    product and currency grouped from them. Returns the number of ProductListing rows."""
    from django.db import connection
    from django.utils import timezone

    op, pl = OfferPoint._meta.db_table, ProductListing._meta.db_table
    product, category = Product._meta.db_table, Category._meta.db_table
    cols = ", ".join(POINT_COLUMNS)
    src = ", ".join(f"s.{c}" for c in POINT_COLUMNS[:9])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {op}")
        cursor.execute(f"DELETE FROM {pl}")
        cursor.execute(
            f"INSERT INTO {op} ({cols}, x, y, z) "
            f"SELECT {src}, s.net_price, s.handling_days, s.available, "
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
    not group the whole category. Run by inventory.listing.listing_refresh_all(); a later
    listing_replace() of a category makes its snapshots unused (version mismatch) until the
    next rebuild. Returns the number of snapshots written."""
    from comptoir.markets.models import Market

    from django.utils import timezone

    from .selectors import category_facets_compute, rates_key, vat_rates_bp

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
