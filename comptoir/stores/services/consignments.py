"""Consignment to a store: the seller proposes offers × quantities from one of its warehouses,
the store accepts (or refuses), the seller ships (the units leave the warehouse), the clerk
receives and counts each line (only what was counted goes on the shelf, every line's count in
the shelf's audit trail). Each step is one transaction under row locks; nothing moves money."""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.models import LocationKind, LocationStatus, Offer, StockLevel, StockLocation
from comptoir.inventory.services import stock_set
from comptoir.sellers.models import Seller

from ..errors import (
    ConsignmentBeyondStock,
    ConsignmentInvalid,
    ConsignmentStateInvalid,
    CountAboveSentWithoutReason,
    CountDifferenceWithoutReason,
    CountInvalid,
    ReasonRequired,
    StoreClosed,
)
from ..models import (
    Consignment,
    ConsignmentDirection,
    ConsignmentLine,
    ConsignmentState,
    CorrectionKind,
    StockCorrection,
    Store,
)
from ._common import (
    MAX_LINES,
    MAX_UNITS_PER_LINE,
    LineCount,
    UnitsLine,
    consignment_lock,
    levels_get_or_create,
    levels_lock,
    acting_user,
    reference_new,
    seller_member_require,
    staff_require,
)


def _state_require(consignment: Consignment, *states: str, direction: str = ConsignmentDirection.TO_STORE) -> None:
    if consignment.direction != direction or consignment.state not in states:
        raise ConsignmentStateInvalid(
            _("Consignment %(ref)s is %(state)s: this cannot be done now.")
            % {"ref": consignment.reference, "state": ConsignmentState(consignment.state).label},
            field="state",
        )


def _store_not_closed(store: Store) -> None:
    status = StockLocation.objects.values_list("status", flat=True).get(pk=store.location_id)
    if status == LocationStatus.CLOSED:
        raise StoreClosed(_("%(store)s is closed: it takes no consignment.") % {"store": store.name}, field="store")


def _lines_check(seller: Seller, lines: Sequence[UnitsLine]) -> dict[int, Offer]:
    if not lines:
        raise ConsignmentInvalid(_("Add at least one offer with a quantity."), field="lines")
    if len(lines) > MAX_LINES:
        raise ConsignmentInvalid(_("At most %(n)d lines per consignment.") % {"n": MAX_LINES}, field="lines")
    for line in lines:
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_UNITS_PER_LINE:
            raise ConsignmentInvalid(_("Each quantity is a whole number from 1 to %(max)d.") % {"max": MAX_UNITS_PER_LINE}, field="quantity")
    offer_ids = [line.offer_id for line in lines]
    if len(set(offer_ids)) != len(offer_ids):
        raise ConsignmentInvalid(_("Each offer appears once in a consignment."), field="lines")
    offers = Offer.objects.in_bulk(offer_ids)
    if any(offers.get(oid) is None or offers[oid].seller_id != seller.pk for oid in offer_ids):
        raise ConsignmentInvalid(_("Only the seller's own offers can be consigned."), field="offer")
    return offers


def _beyond_stock(warehouse_id: int, lines: Sequence[UnitsLine], levels: dict[int, StockLevel]) -> tuple[int, ...]:
    by_offer = {lv.offer_id: lv for lv in levels.values() if lv.location_id == warehouse_id}
    return tuple(
        line.offer_id for line in lines if (lv := by_offer.get(line.offer_id)) is None or lv.on_hand - lv.held < line.quantity
    )


@transaction.atomic
def consignment_propose(
    *, seller: Seller, store: Store, warehouse: StockLocation, lines: Sequence[UnitsLine], user, note: str = ""
) -> Consignment:
    """The seller proposes units of its offers, from one of its warehouses, to an open or
    planned store. Refused: a closed store (``StoreClosed``), another seller's offer or
    warehouse (``ConsignmentInvalid``), more than the warehouse has available now
    (``ConsignmentBeyondStock``; checked again when shipping)."""
    seller_member_require(user=user, seller=seller)
    _store_not_closed(store)
    if warehouse.kind != LocationKind.WAREHOUSE or warehouse.seller_id != seller.pk:
        raise ConsignmentInvalid(_("Ship from one of the seller's own warehouses."), field="warehouse")
    _lines_check(seller, lines)
    levels = {lv.pk: lv for lv in StockLevel.objects.filter(location=warehouse, offer_id__in=[x.offer_id for x in lines])}
    short = _beyond_stock(warehouse.pk, lines, levels)
    if short:
        raise ConsignmentBeyondStock(_("The warehouse does not have that many units available for some offers."), offer_ids=short)
    consignment = Consignment.objects.create(
        reference=reference_new(), seller=seller, store=store, warehouse=warehouse,
        direction=ConsignmentDirection.TO_STORE, state=ConsignmentState.PROPOSED, note=(note or "").strip()[:300],
        created_by=acting_user(user),
    )
    ConsignmentLine.objects.bulk_create(ConsignmentLine(consignment=consignment, offer_id=x.offer_id, quantity=x.quantity) for x in lines)
    return consignment


@transaction.atomic
def consignment_accept(*, consignment: Consignment, user) -> Consignment:
    """A manager of the store accepts the proposal; the seller may then ship."""
    staff_require(user=user, store=consignment.store, manager=True)
    locked = consignment_lock(consignment)
    _state_require(locked, ConsignmentState.PROPOSED)
    _store_not_closed(locked.store)
    locked.state, locked.accepted_at = ConsignmentState.ACCEPTED, timezone.now()
    locked.save(update_fields=["state", "accepted_at"])
    return locked


@transaction.atomic
def consignment_refuse(*, consignment: Consignment, user, reason: str) -> Consignment:
    """A manager of the store refuses a proposal (or an accepted consignment not yet shipped)."""
    staff_require(user=user, store=consignment.store, manager=True)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Say why the consignment is refused."), field="reason")
    locked = consignment_lock(consignment)
    _state_require(locked, ConsignmentState.PROPOSED, ConsignmentState.ACCEPTED)
    locked.state, locked.refusal_reason = ConsignmentState.REFUSED, reason[:200]
    locked.save(update_fields=["state", "refusal_reason"])
    return locked


@transaction.atomic
def consignment_cancel(*, consignment: Consignment, user) -> Consignment:
    """The seller withdraws its proposal before shipping."""
    seller_member_require(user=user, seller=consignment.seller)
    locked = consignment_lock(consignment)
    _state_require(locked, ConsignmentState.PROPOSED, ConsignmentState.ACCEPTED)
    locked.state = ConsignmentState.CANCELLED
    locked.save(update_fields=["state"])
    return locked


@transaction.atomic
def consignment_ship(*, consignment: Consignment, user) -> Consignment:
    """The seller ships an accepted consignment: the units leave its warehouse under the stock
    row locks (never below the units held for orders). More than available on any line:
    ``ConsignmentBeyondStock``, and nothing leaves."""
    seller_member_require(user=user, seller=consignment.seller)
    locked = consignment_lock(consignment)
    _state_require(locked, ConsignmentState.ACCEPTED)
    _store_not_closed(locked.store)
    lines = [UnitsLine(line.offer_id, line.quantity) for line in locked.lines.all()]
    level_ids = StockLevel.objects.filter(location_id=locked.warehouse_id, offer_id__in=[x.offer_id for x in lines]).values_list("pk", flat=True)
    levels = levels_lock(level_ids)
    short = _beyond_stock(locked.warehouse_id, lines, levels)
    if short:
        raise ConsignmentBeyondStock(_("The warehouse no longer has that many units available for some offers."), offer_ids=short)
    by_offer = {lv.offer_id: lv for lv in levels.values()}
    offers = Offer.objects.in_bulk([x.offer_id for x in lines])
    for line in lines:
        stock_set(offer=offers[line.offer_id], location=locked.warehouse, on_hand=by_offer[line.offer_id].on_hand - line.quantity)
    locked.state, locked.shipped_at = ConsignmentState.IN_TRANSIT, timezone.now()
    locked.save(update_fields=["state", "shipped_at"])
    return locked


def _counts_check(lines: list[ConsignmentLine], counts: Sequence[LineCount]) -> dict[int, LineCount]:
    by_line = {c.line_id: c for c in counts}
    if set(by_line) != {line.pk for line in lines} or len(by_line) != len(counts):
        raise CountInvalid(_("Count every line of the consignment, once."), field="counts")
    for line in lines:
        count = by_line[line.pk]
        if not isinstance(count.counted, int) or not 0 <= count.counted <= MAX_UNITS_PER_LINE:
            raise CountInvalid(_("A count is a whole number from 0 to %(max)d.") % {"max": MAX_UNITS_PER_LINE}, field=f"line-{line.pk}")
        if count.counted != line.quantity and not count.reason.strip():
            error = CountAboveSentWithoutReason if count.counted > line.quantity else CountDifferenceWithoutReason
            raise error(
                _("%(counted)d counted, %(sent)d sent: say why the count differs.") % {"counted": count.counted, "sent": line.quantity},
                field=f"line-{line.pk}",
            )
    return by_line


@transaction.atomic
def consignment_receive(*, consignment: Consignment, user, counts: Sequence[LineCount]) -> Consignment:
    """Staff of the store receive a consignment in transit, counting each line. Only what was
    counted goes on the shelf (the seller's offer's stock level at the store); a count that
    differs from what was sent needs a reason. Each line appends a row to the shelf's audit
    trail (``StockCorrection``) with the reason, who and when."""
    staff_require(user=user, store=consignment.store)
    locked = consignment_lock(consignment)
    _state_require(locked, ConsignmentState.IN_TRANSIT)
    lines = list(locked.lines.select_related("offer"))
    by_line = _counts_check(lines, counts)
    store = locked.store
    level_ids = levels_get_or_create([line.offer_id for line in lines], store.location_id)
    levels = levels_lock(level_ids.values())
    now = timezone.now()
    corrections = []
    for line in lines:
        count = by_line[line.pk]
        level = levels[level_ids[line.offer_id]]
        if count.counted:
            level = stock_set(offer=line.offer, location=store.location, on_hand=level.on_hand + count.counted)
        line.quantity_received, line.difference_reason = count.counted, count.reason.strip()[:200]
        reason = _("Consignment %(ref)s received") % {"ref": locked.reference}
        if line.difference_reason:
            reason = f"{reason}: {line.difference_reason}"
        corrections.append(StockCorrection(
            store=store, stock_level_id=level.pk, kind=CorrectionKind.RECEIVED, delta=count.counted, on_hand_after=level.on_hand,
            reason=reason[:200], consignment_line=line, user=acting_user(user),
        ))
    ConsignmentLine.objects.bulk_update(lines, ["quantity_received", "difference_reason"])
    StockCorrection.objects.bulk_create(corrections)
    locked.state, locked.received_at = ConsignmentState.RECEIVED, now
    locked.received_by = acting_user(user)
    locked.save(update_fields=["state", "received_at", "received_by"])
    return locked
