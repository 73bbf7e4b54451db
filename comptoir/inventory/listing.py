"""Keeps the catalogue's listing summary (catalog.ProductListing / OfferPoint) in step with
the inventory. The storefront listing reads only the summary, so whoever changes what is
listable must refresh it after the change (the stock services do it once their transaction
commits, see ``services.listing_refresh_on_commit``):

* offer created / edited / (de)activated, stock level changed, hold taken or released:
  ``listing_refresh([offer.product_id])`` (inventory services; the orders engineer's
  holds_take/holds_release included);
* seller approved or suspended: ``listing_refresh_seller(seller_id)`` (from the operator
  page / API handler — sellers cannot import inventory);
* product (de)activated or moved to another category: ``listing_refresh([product.id])``;
* bulk loads (``seed_demo``, imports): ``listing_refresh_all()`` once at the end.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F

from comptoir.catalog.models import OfferPoint, ProductListing
from comptoir.catalog.services import OfferPointData, listing_facets_rebuild, listing_rebuild_all, listing_replace
from comptoir.sellers.models import Seller, SellerStatus

from .models import Offer, StockLevel, StockLocation

BATCH = 5000
# Advisory-lock namespace (first key of pg_advisory_xact_lock(int, int)); the second key is a product id.
_LOCK_REWRITE = 0x434B5233


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
    id_range inclusive): active offer, approved seller, on_hand - held > 0 (one query)."""
    product_filter = (
        {"offer__product__id__range": id_range} if id_range is not None else {"offer__product_id__in": list(product_ids or ())}
    )
    rows = (
        StockLevel.objects.filter(
            **product_filter,
            offer__is_active=True,
            offer__seller__status=SellerStatus.APPROVED,
            on_hand__gt=F("held"),
        )
        .annotate(avail=F("on_hand") - F("held"))
        .values_list(
            "offer__product_id", "offer__currency", "offer_id", "location_id", "offer__seller_id",
            "offer__seller__country", "location__country", "location__latitude", "location__longitude",
            "offer__net_price", "offer__handling_days", "avail",
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
    points are one SELECT over the inventory tables fed to catalog.services.listing_rebuild_all
    — then the precomputed category facets (catalog.services.listing_facets_rebuild)."""
    levels, offers = StockLevel._meta.db_table, Offer._meta.db_table
    sellers, locations = Seller._meta.db_table, StockLocation._meta.db_table
    points_sql = (
        "SELECT o.product_id AS product_id, o.currency AS currency, o.id AS offer_id, l.id AS location_id, "
        "o.seller_id AS seller_id, s.country AS seller_country, l.country AS ship_country, l.latitude AS latitude, "
        "l.longitude AS longitude, o.net_price AS net_price, o.handling_days AS handling_days, "
        "sl.on_hand - sl.held AS available "
        f"FROM {levels} sl JOIN {offers} o ON o.id = sl.offer_id JOIN {sellers} s ON s.id = o.seller_id "
        f"JOIN {locations} l ON l.id = sl.location_id "
        "WHERE o.is_active AND s.status = %s AND sl.on_hand > sl.held"
    )
    with connection.cursor() as cursor:  # the same serialisation as listing_refresh, for every product
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {OfferPoint._meta.db_table}, {ProductListing._meta.db_table} IN EXCLUSIVE MODE")
    written = listing_rebuild_all(points_sql=points_sql, params=[SellerStatus.APPROVED])
    listing_facets_rebuild()
    return written
