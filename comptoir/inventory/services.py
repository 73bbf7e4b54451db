"""Stock writes: holds are taken, released and consumed under row locks on the stock levels.

Every function here runs inside one transaction and locks the StockLevel rows it touches with
`SELECT … FOR UPDATE` in primary-key order (so that two buyers never deadlock: both queue on the
lowest pk first). On SQLite, where FOR UPDATE does not exist, the connection's
`transaction_mode="IMMEDIATE"` takes the database write lock at BEGIN, which serialises writers.
The CHECK constraints on StockLevel (held ≤ on_hand, both ≥ 0) back every change.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from comptoir.common.geo import haversine_km

from .errors import InvalidQuantity, OutOfStock
from .models import Hold, HoldKind, HoldState, StockLevel

MAX_UNITS_PER_REQUEST = 9_999


@dataclass(frozen=True, slots=True)
class HoldRequest:
    """Units of an offer to hold; location_id pins the stock location (else one is chosen)."""

    offer_id: int
    quantity: int
    location_id: int | None = None


def _lock_levels(*, offer_ids: Iterable[int] = (), level_ids: Iterable[int] = ()) -> list[StockLevel]:
    qs = StockLevel.objects.select_for_update(of=("self",)).select_related("location")
    offer_ids, level_ids = sorted(set(offer_ids)), sorted(set(level_ids))
    if offer_ids:
        qs = qs.filter(offer_id__in=offer_ids)
    else:
        qs = qs.filter(pk__in=level_ids)
    return list(qs.order_by("pk"))


def holds_take(
    *,
    requests: Sequence[HoldRequest],
    reference: str,
    kind: str = HoldKind.ORDER,
    near: tuple[float, float] | None = None,
    expires_at=None,
) -> list[Hold]:
    """Hold every request or none (raises OutOfStock naming the offers short of stock).

    Each request is served from a single location: the pinned one, else the nearest to `near`
    (latitude, longitude) that has enough available units, ties broken by most available then pk.
    Returns the holds in the order of the requests.
    """
    if not requests:
        raise InvalidQuantity("Nothing to hold.")
    for r in requests:
        if not isinstance(r.quantity, int) or r.quantity < 1 or r.quantity > MAX_UNITS_PER_REQUEST:
            raise InvalidQuantity(f"Quantity must be between 1 and {MAX_UNITS_PER_REQUEST}.", field="quantity")
    with transaction.atomic():
        levels = _lock_levels(offer_ids=[r.offer_id for r in requests])
        available = {lv.pk: lv.on_hand - lv.held for lv in levels}
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
            raise OutOfStock("Not enough stock for some items.", offer_ids=tuple(dict.fromkeys(short)))

        per_level: dict[int, int] = {}
        for r, lv in zip(requests, chosen, strict=True):
            per_level[lv.pk] = per_level.get(lv.pk, 0) + r.quantity
        for level_id in sorted(per_level):
            StockLevel.objects.filter(pk=level_id).update(held=F("held") + per_level[level_id])
        holds = [
            Hold(stock_level=lv, kind=kind, reference=reference, quantity=r.quantity, expires_at=expires_at)
            for r, lv in zip(requests, chosen, strict=True)
        ]
        Hold.objects.bulk_create(holds)
        return holds


def _close(hold_ids: Sequence[int], *, state: str) -> list[Hold]:
    with transaction.atomic():
        holds = list(Hold.objects.filter(pk__in=hold_ids, state=HoldState.ACTIVE).order_by("pk"))
        if not holds:
            return []
        _lock_levels(level_ids=[h.stock_level_id for h in holds])
        # Re-read under the lock: a concurrent release may have closed some of them meanwhile.
        holds = list(Hold.objects.select_for_update().filter(pk__in=[h.pk for h in holds], state=HoldState.ACTIVE).order_by("pk"))
        per_level: dict[int, int] = {}
        for h in holds:
            per_level[h.stock_level_id] = per_level.get(h.stock_level_id, 0) + h.quantity
        for level_id in sorted(per_level):
            q = per_level[level_id]
            if state == HoldState.CONSUMED:
                StockLevel.objects.filter(pk=level_id).update(held=F("held") - q, on_hand=F("on_hand") - q)
            else:
                StockLevel.objects.filter(pk=level_id).update(held=F("held") - q)
        now = timezone.now()
        Hold.objects.filter(pk__in=[h.pk for h in holds]).update(state=state, closed_at=now)
        for h in holds:
            h.state, h.closed_at = state, now
        return holds


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
        _lock_levels(level_ids=[stock_level_id])
        StockLevel.objects.filter(pk=stock_level_id).update(on_hand=F("on_hand") + quantity)
        return StockLevel.objects.get(pk=stock_level_id)
