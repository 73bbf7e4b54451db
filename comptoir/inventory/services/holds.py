"""Stock writes: holds are taken, released and consumed under row locks on the stock levels.

Every function here runs inside one transaction and locks the StockLevel rows it touches with
`SELECT … FOR UPDATE` in primary-key order (so that two buyers never deadlock: both queue on the
lowest pk first). On SQLite, where FOR UPDATE does not exist, the connection's
`transaction_mode="IMMEDIATE"` takes the database write lock at BEGIN, which serialises writers.
The CHECK constraints on StockLevel (held ≤ on_hand, both ≥ 0) back every change.

Storefront freshness: a change that makes a stock level listable or unlistable (holds taken
down to 0 available units; holds released or a restock from 0 available) schedules
``listing.listing_refresh(product_ids)`` with ``transaction.on_commit``: it runs after the
caller's outermost transaction commits (never under the stock locks, never if the transaction
rolls back), once per call for all the products concerned. The storefront reads only whether an
(offer, location) has units (OfferPoint rows exist for available > 0; the summary's prices,
counts and countries do not depend on how many), so changes that keep a level above 0 do not
refresh: OfferPoint.available is the count at the last refresh, not a live figure. On PostgreSQL,
concurrent refreshes of one product are serialised and coalesced with advisory locks (see
``_refresh_listing``), so a burst of orders on one product costs one or two refreshes, not one
each, and the last refresh always reads the stock after the last commit.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from comptoir.common.geo import haversine_km
from comptoir.common.rows import rows_insert

from ..errors import InvalidQuantity, OutOfStock
from ..models import Hold, HoldKind, HoldState, Offer, StockLevel, StockLocation

MAX_UNITS_PER_REQUEST = 9_999

# Advisory-lock namespaces (first key of pg_advisory_lock(int, int)); the second key is a product id.
_LOCK_REFRESHING = 0x434B5231  # held while a session reads the stock and rewrites a product's listing
_LOCK_QUEUED = 0x434B5232  # held by at most one session waiting to refresh a product


@dataclass(frozen=True, slots=True)
class HoldRequest:
    """Units of an offer to hold; location_id pins the stock location (else one is chosen)."""

    offer_id: int
    quantity: int
    location_id: int | None = None
    stock_level_id: int | None = None  # the level itself, known from an earlier read (pins the location)


def _lock_levels(*, offer_ids: Iterable[int] = (), level_ids: Iterable[int] = ()) -> list[StockLevel]:
    """Lock the stock levels (pk order) and read each with its location's coordinates and its
    offer's product, price and status in one query (only the StockLevel rows are locked). The
    SQL is written here: this runs under the lock on every order, and compiling the ORM's
    select_related query cost more CPU than the database's work. The related instances hold just
    those fields (others are deferred: read on access)."""
    offer_ids, level_ids = sorted(set(offer_ids)), sorted(set(level_ids))
    keys = offer_ids or level_ids
    if not keys:
        return []
    lv, offer, loc = StockLevel._meta.db_table, Offer._meta.db_table, StockLocation._meta.db_table
    column = "s.offer_id" if offer_ids else "s.id"
    sql = (
        "SELECT s.id, s.offer_id, s.location_id, s.on_hand, s.held, o.product_id, o.is_active, o.net_price,"
        " l.latitude, l.longitude"
        f" FROM {lv} s JOIN {offer} o ON o.id = s.offer_id JOIN {loc} l ON l.id = s.location_id"
        f" WHERE {column} IN ({', '.join(['%s'] * len(keys))}) ORDER BY s.id"
    )
    connection = transaction.get_connection()
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF s"
    with connection.cursor() as cursor:
        cursor.execute(sql, keys)
        rows = cursor.fetchall()
    alias = connection.alias
    levels = []
    for pk, offer_id, location_id, on_hand, held, product_id, is_active, net_price, lat, lon in rows:
        level = StockLevel.from_db(alias, _LEVEL_FIELDS, (pk, offer_id, location_id, on_hand, held))
        level.offer = Offer.from_db(alias, _OFFER_FIELDS, (offer_id, product_id, net_price, bool(is_active)))
        level.location = StockLocation.from_db(alias, _LOCATION_FIELDS, (location_id, lat, lon))
        levels.append(level)
    return levels


# Model.from_db takes the values in the model's field order.
_LEVEL_FIELDS = ["id", "offer_id", "location_id", "on_hand", "held"]
_OFFER_FIELDS = ["id", "product_id", "net_price", "is_active"]
_LOCATION_FIELDS = ["id", "latitude", "longitude"]


def holds_take(
    *,
    requests: Sequence[HoldRequest],
    reference: str,
    kind: str = HoldKind.ORDER,
    near: tuple[float, float] | None = None,
    expires_at=None,
    before_lock: Callable[[list[Hold]], None] | None = None,
) -> list[Hold]:
    """Hold every request or none (raises OutOfStock naming the offers short of stock).

    Each request is served from a single location: its stock level or location when pinned,
    else the nearest to `near` (latitude, longitude) that has enough available units, ties broken
    by most available then pk. Returns the holds in the order of the requests.

    When every request names its ``stock_level_id``, the hold rows are written before the stock
    rows are locked, then ``before_lock(holds)`` runs (the caller writes what refers to the holds,
    e.g. order lines), and only then are the levels locked, checked and updated: the lock is held
    for two statements and the commit. Inside the caller's transaction, a shortage found under
    the lock marks that transaction for rollback (``transaction.set_rollback``) before raising,
    so the hold rows already written can never be committed, even if the caller catches the error
    (a caller that wants to go on after OutOfStock calls it in an ``atomic()`` block of its own).
    ``before_lock`` needs pinned levels (ValueError otherwise).
    """
    if not requests:
        raise InvalidQuantity("Nothing to hold.")
    for r in requests:
        if not isinstance(r.quantity, int) or r.quantity < 1 or r.quantity > MAX_UNITS_PER_REQUEST:
            raise InvalidQuantity(f"Quantity must be between 1 and {MAX_UNITS_PER_REQUEST}.", field="quantity")
    pinned = all(r.stock_level_id is not None for r in requests)
    if before_lock is not None and not pinned:
        raise ValueError("before_lock needs every request pinned to a stock level")
    take = _take_pinned if pinned else _take
    if transaction.get_connection().in_atomic_block:
        # Inside the caller's transaction no savepoint is needed (two round trips saved): _take
        # raises before it writes; _take_pinned marks the caller's transaction for rollback.
        return take(requests, reference=reference, kind=kind, near=near, expires_at=expires_at, before_lock=before_lock)
    with transaction.atomic():
        return take(requests, reference=reference, kind=kind, near=near, expires_at=expires_at, before_lock=before_lock)


EXPIRING_KINDS = (HoldKind.TRY, HoldKind.POS)


def _release_expired(scope: dict) -> bool:
    """Expired try-in-store and basket holds count as free: when a take finds a level short, it
    releases them under the row locks it holds and tries once more, so an expired reservation
    never blocks the next taker (no worker needs to have run) and a take that succeeds pays no
    extra query. True when some were released."""
    expired = list(
        Hold.objects.filter(state=HoldState.ACTIVE, kind__in=EXPIRING_KINDS, expires_at__lte=timezone.now(), **scope)
        .values_list("pk", flat=True)
    )
    if expired:
        _close(expired, state=HoldState.RELEASED)
    return bool(expired)


def holds_release_expired(*, limit: int = 1000) -> list[Hold]:
    """Release expired try-in-store and basket holds (the periodic tidy-up); at most ``limit``."""
    expired = list(
        Hold.objects.filter(state=HoldState.ACTIVE, kind__in=EXPIRING_KINDS, expires_at__lte=timezone.now())
        .order_by("pk").values_list("pk", flat=True)[:limit]
    )
    return _close(expired, state=HoldState.RELEASED) if expired else []


def _take_pinned(requests: Sequence[HoldRequest], *, reference: str, kind: str, near, expires_at, before_lock) -> list[Hold]:
    holds = [
        Hold(stock_level_id=r.stock_level_id, kind=kind, reference=reference, quantity=r.quantity, expires_at=expires_at)
        for r in requests
    ]
    rows_insert(holds)
    if before_lock is not None:
        before_lock(holds)
    per_level: dict[int, int] = {}
    for r in requests:
        per_level[r.stock_level_id] = per_level.get(r.stock_level_id, 0) + r.quantity
    connection = transaction.get_connection()
    levels, before = _lock_and_hold(per_level, connection)
    lacking = {pk: q for pk, q in per_level.items() if pk not in before or before[pk] < q}
    if lacking and _release_expired({"stock_level_id__in": sorted(lacking)}):
        if connection.features.has_select_for_update_of:  # only the short levels were not updated
            again, again_before = _lock_check_update(lacking, connection)
            levels.update(again)
            before.update(again_before)
        else:  # nothing was updated: all again
            levels, before = _lock_and_hold(per_level, connection)
    short = [
        r.offer_id
        for r in requests
        if (lv := levels.get(r.stock_level_id)) is None
        or lv.offer_id != r.offer_id
        or (r.location_id is not None and lv.location_id != r.location_id)
        or before[lv.pk] < per_level[lv.pk]
    ]
    if short:
        transaction.set_rollback(True)  # the hold rows written above, and any update, must not survive
        raise OutOfStock("Not enough stock for some items.", offer_ids=tuple(dict.fromkeys(short)))
    for hold in holds:
        hold.stock_level = levels[hold.stock_level_id]
    emptied = {levels[pk].offer.product_id for pk, q in per_level.items() if before[pk] == q}
    listing_refresh_on_commit(emptied)  # levels emptied by this order leave the storefront
    return holds


def _lock_and_hold(per_level: dict[int, int], connection) -> tuple[dict[int, StockLevel], dict[int, int]]:
    if connection.features.has_select_for_update_of:
        # One statement under the lock (then COMMIT): lock in pk order, check, update, read back.
        return _lock_check_update(per_level, connection)
    # SQLite: the database lock taken at BEGIN IMMEDIATE serialises writers already
    levels = {lv.pk: lv for lv in _lock_levels(level_ids=list(per_level))}
    before = {pk: lv.on_hand - lv.held for pk, lv in levels.items()}
    if all(pk in levels and before[pk] >= q for pk, q in per_level.items()):
        _add_to_levels(per_level, held=True)
    return levels, before


def _lock_check_update(per_level: dict[int, int], connection) -> tuple[dict[int, StockLevel], dict[int, int]]:
    """PostgreSQL: lock the levels in pk order (a materialised SELECT … FOR UPDATE), add the
    held units to those that have them available, and read every locked level back with its
    offer's product, price and status — one statement, so that the lock covers it and COMMIT
    only. Returns the levels (after the update) and their available units before it (-1 for a
    level that did not have the units: not updated)."""
    ids = sorted(per_level)
    lv, offer = StockLevel._meta.db_table, Offer._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    wanted = ", ".join(["(%s::bigint, %s::int)"] * len(ids))
    sql = (
        f"WITH locked AS MATERIALIZED (SELECT id FROM {lv} WHERE id IN ({marks}) ORDER BY id FOR UPDATE),"
        f" wanted (id, quantity) AS (VALUES {wanted}),"
        f" updated AS (UPDATE {lv} s SET held = s.held + w.quantity FROM locked l, wanted w"
        "  WHERE s.id = l.id AND w.id = s.id AND s.on_hand - s.held >= w.quantity RETURNING s.id, s.on_hand, s.held)"
        f" SELECT s.id, s.offer_id, s.location_id, u.on_hand, u.held, o.product_id, o.net_price, o.is_active"
        f" FROM locked l JOIN {lv} s ON s.id = l.id JOIN {offer} o ON o.id = s.offer_id LEFT JOIN updated u ON u.id = s.id"
    )
    params = [*ids, *(value for pk in ids for value in (pk, per_level[pk]))]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    alias = connection.alias
    levels: dict[int, StockLevel] = {}
    before: dict[int, int] = {}
    for pk, offer_id, location_id, on_hand, held, product_id, net_price, is_active in rows:
        # Only the UPDATE's RETURNING is current: the outer SELECT reads the statement's snapshot,
        # taken before the lock wait. A level the UPDATE skipped (not enough units) is short.
        if on_hand is None:
            before[pk] = -1
            on_hand = held = 0
        else:
            before[pk] = on_hand - held + per_level[pk]
        level = StockLevel.from_db(alias, _LEVEL_FIELDS, (pk, offer_id, location_id, on_hand, held))
        level.offer = Offer.from_db(alias, _OFFER_FIELDS, (offer_id, product_id, net_price, bool(is_active)))
        levels[pk] = level
    return levels, before


def _take(requests: Sequence[HoldRequest], *, reference: str, kind: str, near, expires_at, before_lock=None, retry: bool = True) -> list[Hold]:
    levels = _lock_levels(offer_ids=[r.offer_id for r in requests])
    available = {lv.pk: lv.on_hand - lv.held for lv in levels}
    before = dict(available)
    by_offer: dict[int, list[StockLevel]] = {}
    for lv in levels:
        by_offer.setdefault(lv.offer_id, []).append(lv)

    chosen: list[StockLevel] = []
    short: list[int] = []
    for r in requests:
        candidates = [
            lv
            for lv in by_offer.get(r.offer_id, [])
            if available[lv.pk] >= r.quantity and (r.location_id is None or lv.location_id == r.location_id)
        ]
        if not candidates:
            short.append(r.offer_id)
            continue

        def rank(lv: StockLevel):
            distance = haversine_km(near[0], near[1], lv.location.latitude, lv.location.longitude) if near else 0.0
            return (round(distance, 3), -available[lv.pk], lv.pk)

        best = min(candidates, key=rank)
        available[best.pk] -= r.quantity
        chosen.append(best)
    if short:
        if retry and _release_expired({"stock_level__offer_id__in": sorted(set(short))}):
            return _take(requests, reference=reference, kind=kind, near=near, expires_at=expires_at, retry=False)
        raise OutOfStock("Not enough stock for some items.", offer_ids=tuple(dict.fromkeys(short)))

    per_level: dict[int, int] = {}
    for r, lv in zip(requests, chosen, strict=True):
        per_level[lv.pk] = per_level.get(lv.pk, 0) + r.quantity
    _add_to_levels(per_level, held=True)
    holds = [
        Hold(stock_level=lv, kind=kind, reference=reference, quantity=r.quantity, expires_at=expires_at)
        for r, lv in zip(requests, chosen, strict=True)
    ]
    rows_insert(holds)
    # Levels emptied by this order leave the storefront (one refresh for all their products).
    listing_refresh_on_commit({lv.offer.product_id for lv in chosen if before[lv.pk] > 0 and available[lv.pk] == 0})
    return holds


def _add_to_levels(per_level: dict[int, int], *, held: bool = False, on_hand: bool = False) -> None:
    """held/on_hand += per_level[pk] for each level, in one UPDATE (levels already locked). The
    SQL is written here: it runs under the stock lock, where the ORM's compilation of the CASE
    expression cost more than the statement."""
    if not per_level or not (held or on_hand):
        return
    ids = sorted(per_level)
    delta = "CASE id " + " ".join(["WHEN %s THEN %s"] * len(ids)) + " ELSE 0 END"
    delta_params = [value for pk in ids for value in (pk, int(per_level[pk]))]
    columns = [name for name, wanted in (("held", held), ("on_hand", on_hand)) if wanted]
    assignments = ", ".join(f"{name} = {name} + {delta}" for name in columns)
    sql = f"UPDATE {StockLevel._meta.db_table} SET {assignments} WHERE id IN ({', '.join(['%s'] * len(ids))})"
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(sql, delta_params * len(columns) + ids)


def listing_refresh_on_commit(product_ids: Iterable[int], *, using: str = "default") -> None:
    """Refresh the storefront listing of these products once the current transaction commits
    (at once outside a transaction). A failed refresh is logged, never raised to the buyer."""
    ids = sorted(set(product_ids))
    if ids:
        transaction.on_commit(lambda: _refresh_listing(ids, using=using), using=using, robust=True)


def _refresh_listing(product_ids: list[int], *, using: str = "default") -> None:
    from ..listing.refresh import listing_refresh

    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # SQLite: writers are serialised by the database lock, each refresh reads after every
        # earlier commit. Inside a caller's transaction: refresh in it, no session locks.
        listing_refresh(product_ids)
        return
    small = [pid for pid in product_ids if pid < 2**31]
    with connection.cursor() as cur:
        # One waiting refresher per product is enough: a session that already holds the "queued"
        # lock has not read the stock yet, so its read will see our commit; skip those products.
        cur.execute("SELECT id FROM unnest(%s::int[]) AS id WHERE pg_try_advisory_lock(%s, id)", [small, _LOCK_QUEUED])
        mine = sorted(row[0] for row in cur.fetchall())
        todo = mine + [pid for pid in product_ids if pid >= 2**31]
        if not todo:
            return
        locked = False
        try:
            # Wait for a running refresh (product order: no deadlock), then free the queue slot
            # before reading, so that a later commit queues a new refresh.
            cur.execute(
                "SELECT pg_advisory_lock(%s, id), pg_advisory_unlock(%s, id) FROM unnest(%s::int[]) AS id",
                [_LOCK_REFRESHING, _LOCK_QUEUED, mine],
            )
            locked = True
            listing_refresh(todo)
        finally:
            cur.execute(
                "SELECT pg_advisory_unlock(%s, id) FROM unnest(%s::int[]) AS id",
                [_LOCK_REFRESHING if locked else _LOCK_QUEUED, mine],
            )


def _close(hold_ids: Sequence[int], *, state: str) -> list[Hold]:
    """Close the active holds among ``hold_ids`` under their levels' row locks (pk order) and
    give their units back (released) or take them off the shelf (consumed). Returns the holds
    closed by this call (id, level, quantity, state and closing time loaded). The SQL is written
    here: it runs on every sale and hand-over, and the ORM's compilation cost more CPU than the
    database's work (bench/store.py)."""
    if not hold_ids:
        return []
    ids = sorted(set(hold_ids))
    table, marks = Hold._meta.db_table, ", ".join(["%s"] * len(ids))
    connection = transaction.get_connection()
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT stock_level_id FROM {table} WHERE id IN ({marks}) AND state = %s", [*ids, HoldState.ACTIVE])
        level_ids = [row[0] for row in cursor.fetchall()]
        if not level_ids:
            return []
        levels = _lock_levels(level_ids=level_ids)
        # Under the locks, only the holds still active are closed (a concurrent release may have
        # closed some of them meanwhile): the UPDATE says which.
        now = timezone.now()
        cursor.execute(
            f"UPDATE {table} SET state = %s, closed_at = %s WHERE id IN ({marks}) AND state = %s"
            " RETURNING id, stock_level_id, quantity, kind",
            [state, connection.ops.adapt_datetimefield_value(now), *ids, HoldState.ACTIVE],
        )
        closed = sorted(cursor.fetchall())
        per_level: dict[int, int] = {}
        expiring: set[int] = set()  # levels of the try-in-store and basket holds closed
        for _pk, level_id, quantity, kind in closed:
            per_level[level_id] = per_level.get(level_id, 0) - quantity
            if kind in EXPIRING_KINDS:
                expiring.add(level_id)
        _add_to_levels(per_level, held=True, on_hand=state == HoldState.CONSUMED)
    holds = [Hold.from_db(connection.alias, _HOLD_FIELDS, (pk, level_id, quantity, state, now)) for pk, level_id, quantity, _kind in closed]
    if state == HoldState.RELEASED:
        # Levels that had no available units come back to the storefront.
        listing_refresh_on_commit({lv.offer.product_id for lv in levels if lv.pk in per_level and lv.on_hand == lv.held})
    else:
        # Consumed units were not available, but a level with none free is listed in advance for
        # when its try and basket holds expire (OfferPoint.listed_from): consuming one of them
        # (the till's sale of the last unit) moves that moment.
        listing_refresh_on_commit({lv.offer.product_id for lv in levels if lv.pk in expiring and lv.on_hand == lv.held})
    return holds


_HOLD_FIELDS = ["id", "stock_level_id", "quantity", "state", "closed_at"]


def holds_release(*, hold_ids: Sequence[int]) -> list[Hold]:
    """Give the units of the active holds back to available stock. Already closed holds are skipped."""
    return _close(hold_ids, state=HoldState.RELEASED)


def holds_consume(*, hold_ids: Sequence[int]) -> list[Hold]:
    """The held units left (shipped, handed over, sold): remove them from on_hand and held."""
    return _close(hold_ids, state=HoldState.CONSUMED)


def stock_restock(*, stock_level_id: int, quantity: int) -> StockLevel:
    """Units came back (a received return): add them to on_hand under the row lock."""
    if quantity < 1:
        raise InvalidQuantity("Quantity must be positive.", field="quantity")
    with transaction.atomic():
        levels = _lock_levels(level_ids=[stock_level_id])
        StockLevel.objects.filter(pk=stock_level_id).update(on_hand=F("on_hand") + quantity)
        listing_refresh_on_commit({lv.offer.product_id for lv in levels if lv.on_hand == lv.held})  # back from 0
        return StockLevel.objects.get(pk=stock_level_id)
