"""Applying checked rows in batches: one transaction per batch, a row written whole (its offer
and its stock levels) or not at all, the listing refreshed once per batch.

Per batch: the products by GTIN, the seller's pending proposals, its offers and their stock
levels (locked) are read in a few queries; the rows that still hold are written with two
multi-row upserts (offers, then stock levels, ``INSERT … ON CONFLICT DO UPDATE``, valid on
PostgreSQL and SQLite); then ``listing_refresh`` of the batch's products. Should the database
refuse the batch (a hold taken meanwhile breaks ``held ≤ on_hand``), the batch is rolled back
and its rows applied one by one, so that only the refused row is reported.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Product, ProductProposal, ProposalStatus
from comptoir.sellers.models import Seller

from ..listing.refresh import listing_refresh
from ..models import Offer, OfferPoint, ProductListing, StockLevel
from .rows import OfferRow, RowError

LOOKUP_CHUNK = 500
MAX_PARAMS = 30_000  # under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters


@dataclass
class BatchResult:
    applied: int = 0
    proposed: int = 0
    errors: list[RowError] = field(default_factory=list)


def _chunks(values: Sequence, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _select_in(sql: str, column: str, values: Sequence, params: Sequence = ()) -> list[tuple]:
    """Run ``sql`` (a SELECT whose WHERE ends with ``{in}``) with ``column`` among ``values``:
    one array parameter on PostgreSQL (``= ANY``: a short statement, psycopg re-parses long
    ones on every call), ``IN`` chunks on SQLite. Table and column names are ours, not input."""
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(**{"in": f"{column} = ANY(%s)"}), [*params, list(values)])
            return cursor.fetchall()
        for chunk in _chunks(values, LOOKUP_CHUNK):
            cursor.execute(sql.format(**{"in": f"{column} IN ({', '.join(['%s'] * len(chunk))})"}), [*params, *chunk])
            rows.extend(cursor.fetchall())
    return rows


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _products_by_gtin(gtins: list[str]) -> dict[str, int]:
    return dict(_select_in(f"SELECT gtin, id FROM {_table(Product)} WHERE {{in}}", "gtin", gtins))


def _pending_proposals(seller_id: int, gtins: list[str]) -> dict[str, ProductProposal]:
    found: dict[str, ProductProposal] = {}
    for chunk in _chunks(gtins, LOOKUP_CHUNK):
        for proposal in ProductProposal.objects.filter(seller_id=seller_id, gtin__in=chunk, status=ProposalStatus.PENDING):
            found[proposal.gtin] = proposal
    return found


def _offers_of(seller_id: int, product_ids: list[int]) -> dict[tuple[int, str], tuple[int, int]]:
    """{(product id, condition): (offer id, handling days)} of the seller's offers."""
    rows = _select_in(f"SELECT id, product_id, condition, handling_days FROM {_table(Offer)} WHERE seller_id = %s AND {{in}}",
                      "product_id", product_ids, [seller_id])
    return {(product_id, condition): (pk, days) for pk, product_id, condition, days in rows}


def _held_of(offer_ids: list[int], location_ids: list[int]) -> dict[tuple[int, int], int]:
    """Units held per (offer, location), the stock rows locked (pk order) until the batch commits
    on PostgreSQL (SQLite: the batch's write transaction holds the database lock)."""
    if not offer_ids or not location_ids:
        return {}
    lock = " ORDER BY id FOR UPDATE" if connection.vendor == "postgresql" else ""
    places = ", ".join(["%s"] * len(location_ids))
    rows = _select_in(f"SELECT offer_id, location_id, held FROM {_table(StockLevel)} WHERE location_id IN ({places}) "
                      f"AND {{in}}{lock}", "offer_id", offer_ids, location_ids)
    return {(offer_id, location_id): units for offer_id, location_id, units in rows}


OFFER_COLUMNS = (
    ("seller_id", "bigint"), ("product_id", "bigint"), ("condition", "text"), ("net_price", "bigint"),
    ("currency", "text"), ("handling_days", "integer"), ("is_active", "boolean"), ("updated_at", "timestamptz"),
)
STOCK_COLUMNS = (("offer_id", "bigint"), ("location_id", "bigint"), ("on_hand", "integer"), ("held", "integer"))


def _upsert(table: str, columns: Sequence[tuple[str, str]], rows: list[tuple], tail: str) -> list[tuple]:
    """``INSERT … <rows> <tail>`` (the tail: ON CONFLICT … [RETURNING …]); returns what it returns.
    PostgreSQL takes one array per column (``unnest``): a short statement whatever the row
    count, as psycopg re-parses the placeholders of a long one on every call. SQLite takes
    multi-row VALUES, within its bound-parameter limit."""
    names = ", ".join(name for name, _type in columns)
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for _name, kind in columns)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {tail}",
                           [list(column) for column in zip(*rows, strict=True)])
            return cursor.fetchall() if "RETURNING" in tail else []
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for chunk in _chunks(rows, MAX_PARAMS // len(columns)):
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))} {tail}",
                           [v for row in chunk for v in row])
            if "RETURNING" in tail:
                found.extend(cursor.fetchall())
    return found


def _offers_upsert(values: list[tuple]) -> dict[tuple[int, str], int]:
    """Insert or update offers (seller, product, condition, price, currency, days, active, now);
    an existing offer keeps its active flag. Returns {(product id, condition): offer id}."""
    returned = _upsert(
        connection.ops.quote_name(Offer._meta.db_table), OFFER_COLUMNS, values,
        "ON CONFLICT (seller_id, product_id, condition) DO UPDATE SET net_price = excluded.net_price, "
        "currency = excluded.currency, handling_days = excluded.handling_days, updated_at = excluded.updated_at "
        "RETURNING id, product_id, condition",
    )
    return {(product_id, condition): pk for pk, product_id, condition in returned}


def _stock_upsert(values: list[tuple[int, int, int]]) -> None:
    """Set units on hand per (offer, location); a new stock level holds nothing."""
    if values:
        _upsert(connection.ops.quote_name(StockLevel._meta.db_table), STOCK_COLUMNS,
                [(*v, 0) for v in values], "ON CONFLICT (offer_id, location_id) DO UPDATE SET on_hand = excluded.on_hand")


def _proposal_terms(proposal: ProductProposal, row: OfferRow) -> None:
    offer = dict(proposal.offer or {})
    stock = dict(offer.get("stock") or {})
    stock.update({str(location_id): units for location_id, units, _header in row.stock})
    offer.update(net_price=row.net_price, currency=row.currency, condition=row.condition, stock=stock,
                 handling_days=row.handling_days if row.handling_days is not None else offer.get("handling_days", 1))
    ProductProposal.objects.filter(pk=proposal.pk).update(offer=offer)


def _unknown_gtin(row: OfferRow) -> RowError:
    return RowError(row.line, "gtin", row.gtin, _(
        "No product with this GTIN in the catalogue: propose the product from “New offer”, then import the row again."
    ))


def _write(seller: Seller, rows: list[OfferRow]) -> BatchResult:
    result = BatchResult()
    gtins = sorted({r.gtin for r in rows})
    products = _products_by_gtin(gtins)
    missing = [g for g in gtins if g not in products]
    proposals = _pending_proposals(seller.pk, missing) if missing else {}
    offers = _offers_of(seller.pk, sorted(set(products.values())))
    location_ids = sorted({location_id for r in rows for location_id, _u, _h in r.stock})
    held = _held_of(sorted(pk for pk, _days in offers.values()), location_ids)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    offer_values, keep = [], []
    for row in rows:
        product_id = products.get(row.gtin)
        if product_id is None:
            if row.gtin in proposals:
                _proposal_terms(proposals[row.gtin], row)
                result.proposed += 1
            else:
                result.errors.append(_unknown_gtin(row))
            continue
        existing = offers.get((product_id, row.condition))
        refused = [
            RowError(row.line, header, str(units), _(
                "%(held)d units are held for orders or reservations: on hand cannot go below that."
            ) % {"held": held[(existing[0], location_id)]})
            for location_id, units, header in row.stock
            if existing and units < held.get((existing[0], location_id), 0)
        ]
        if refused:
            result.errors.extend(refused)
            continue
        days = row.handling_days if row.handling_days is not None else (existing[1] if existing else 1)
        offer_values.append((seller.pk, product_id, row.condition, row.net_price, row.currency, days, True, now))
        keep.append((row, product_id))
    offer_ids = _offers_upsert(offer_values) if offer_values else {}
    _stock_upsert([(offer_ids[(pid, row.condition)], loc, units) for row, pid in keep for loc, units, _h in row.stock])
    listing_refresh({pid for _row, pid in keep})
    result.applied = len(keep)
    return result


def statistics_refresh() -> None:
    """PostgreSQL: refresh the planner's statistics of the tables an import grows. A table that
    was nearly empty when last analysed is planned as tiny (sequential scans), and each batch
    would then cost more than the one before; autovacuum comes too late within one import."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Offer, StockLevel, OfferPoint, ProductListing)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def batch_apply(seller: Seller, rows: list[OfferRow]) -> BatchResult:
    """Apply the rows in one transaction; if the database refuses it, each row on its own."""
    try:
        with transaction.atomic():
            return _write(seller, rows)
    except DatabaseError:
        if len(rows) == 1:
            row = rows[0]
            return BatchResult(errors=[RowError(row.line, "", "", _(
                "The database refused this row (its stock changed meanwhile): import it again."))])
    total = BatchResult()
    for row in rows:
        one = batch_apply(seller, [row])
        total.applied += one.applied
        total.proposed += one.proposed
        total.errors.extend(one.errors)
    return total
