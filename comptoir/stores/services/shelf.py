"""The shelf after receipt: a manager's recount of a line, and units sent back to their seller
(they leave the shelf at once — never below the units held — and are received at the seller's
warehouse). Every change of the shelf appends a row to its audit trail (``StockCorrection``)."""
from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.models import LocationKind, Offer, StockLevel, StockLocation
from comptoir.inventory.services import stock_set
from comptoir.sellers.models import Seller

from ..errors import ConsignmentStateInvalid, CountInvalid, ReasonRequired, ReturnBeyondShelf, ReturnInvalid, ShelfBelowHeld
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
    UnitsLine,
    acting_user,
    consignment_lock,
    levels_get_or_create,
    levels_lock,
    reference_new,
    seller_member_require,
    staff_require,
)


def _reason_require(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(message, field="reason")
    return reason[:200]


@transaction.atomic
def shelf_correct(*, store: Store, stock_level: StockLevel, on_hand: int, reason: str, user) -> StockCorrection:
    """A manager recounts a shelf line: its units on hand become `on_hand` (never below the
    units held: ``ShelfBelowHeld``), with a reason, in the audit trail."""
    staff_require(user=user, store=store, manager=True)
    reason = _reason_require(reason, _("Say why the count is corrected."))
    if not isinstance(on_hand, int) or not 0 <= on_hand <= 1_000_000:
        raise CountInvalid(_("A count is a whole number from 0 to 1000000."), field="on_hand")
    if stock_level.location_id != store.location_id:
        raise ReturnInvalid(_("This shelf line is not in this store."), field="stock_level")
    level = levels_lock([stock_level.pk])[stock_level.pk]
    if on_hand < level.held:
        raise ShelfBelowHeld(
            _("%(held)d units are held for orders or reservations: the count cannot go below that.") % {"held": level.held},
            field="on_hand",
        )
    before = level.on_hand
    offer = Offer.objects.get(pk=level.offer_id)
    stock_set(offer=offer, location=store.location, on_hand=on_hand)
    return StockCorrection.objects.create(
        store=store, stock_level=level, kind=CorrectionKind.RECOUNT, delta=on_hand - before, on_hand_after=on_hand,
        reason=reason, user=acting_user(user),
    )


def _return_warehouse(seller: Seller, warehouse: StockLocation | None) -> StockLocation:
    if warehouse is None:
        warehouse = StockLocation.objects.filter(seller=seller, kind=LocationKind.WAREHOUSE).order_by("pk").first()
        if warehouse is None:
            raise ReturnInvalid(_("The seller has no warehouse to receive the units."), field="warehouse")
    if warehouse.kind != LocationKind.WAREHOUSE or warehouse.seller_id != seller.pk:
        raise ReturnInvalid(_("Units go back to one of the seller's own warehouses."), field="warehouse")
    return warehouse


def _return_lines_check(seller: Seller, lines: Sequence[UnitsLine]) -> dict[int, Offer]:
    if not lines or len(lines) > MAX_LINES:
        raise ReturnInvalid(_("Send back from 1 to %(n)d lines.") % {"n": MAX_LINES}, field="lines")
    if any(not isinstance(x.quantity, int) or not 1 <= x.quantity <= MAX_UNITS_PER_LINE for x in lines):
        raise ReturnInvalid(_("Each quantity is a whole number from 1 to %(max)d.") % {"max": MAX_UNITS_PER_LINE}, field="quantity")
    offer_ids = [x.offer_id for x in lines]
    if len(set(offer_ids)) != len(offer_ids):
        raise ReturnInvalid(_("Each offer appears once."), field="lines")
    offers = Offer.objects.in_bulk(offer_ids)
    if any(offers.get(oid) is None or offers[oid].seller_id != seller.pk for oid in offer_ids):
        raise ReturnInvalid(_("Only this seller's units can be sent back to it."), field="offer")
    return offers


@transaction.atomic
def consignment_return_send(
    *, store: Store, seller: Seller, lines: Sequence[UnitsLine], reason: str, user, warehouse: StockLocation | None = None
) -> Consignment:
    """A manager sends units of a seller back to it (to its first warehouse unless named): they
    leave the shelf now, under the stock row locks; never more than the shelf has available
    (on hand minus held: ``ReturnBeyondShelf``). Returns the consignment, in transit."""
    staff_require(user=user, store=store, manager=True)
    reason = _reason_require(reason, _("Say why the units go back to the seller."))
    warehouse = _return_warehouse(seller, warehouse)
    offers = _return_lines_check(seller, lines)
    level_ids = dict(StockLevel.objects.filter(location_id=store.location_id, offer_id__in=list(offers)).values_list("offer_id", "pk"))
    levels = levels_lock(level_ids.values())
    short = tuple(
        x.offer_id for x in lines
        if (lv := levels.get(level_ids.get(x.offer_id, 0))) is None or lv.on_hand - lv.held < x.quantity
    )
    if short:
        raise ReturnBeyondShelf(
            _("The shelf does not have that many units available for some offers (units held for orders stay)."), offer_ids=short
        )
    consignment = Consignment.objects.create(
        reference=reference_new(), seller=seller, store=store, warehouse=warehouse, direction=ConsignmentDirection.TO_SELLER,
        state=ConsignmentState.IN_TRANSIT, note=reason, created_by=acting_user(user), shipped_at=timezone.now(),
    )
    corrections = []
    for x in lines:
        level = levels[level_ids[x.offer_id]]
        after = stock_set(offer=offers[x.offer_id], location=store.location, on_hand=level.on_hand - x.quantity)
        line = ConsignmentLine.objects.create(consignment=consignment, offer_id=x.offer_id, quantity=x.quantity)
        corrections.append(StockCorrection(
            store=store, stock_level_id=level.pk, kind=CorrectionKind.SENT_BACK, delta=-x.quantity, on_hand_after=after.on_hand,
            reason=(_("Sent back to the seller (%(ref)s): %(reason)s") % {"ref": consignment.reference, "reason": reason})[:200],
            consignment_line=line, user=acting_user(user),
        ))
    StockCorrection.objects.bulk_create(corrections)
    return consignment


@transaction.atomic
def consignment_return_receive(*, consignment: Consignment, user) -> Consignment:
    """The seller receives units sent back: they are added to its warehouse's stock."""
    seller_member_require(user=user, seller=consignment.seller)
    locked = consignment_lock(consignment)
    if locked.direction != ConsignmentDirection.TO_SELLER or locked.state != ConsignmentState.IN_TRANSIT:
        raise ConsignmentStateInvalid(_("Only units sent back and in transit can be received."), field="state")
    lines = list(locked.lines.select_related("offer"))
    level_ids = levels_get_or_create([line.offer_id for line in lines], locked.warehouse_id)
    levels = levels_lock(level_ids.values())
    for line in lines:
        level = levels[level_ids[line.offer_id]]
        stock_set(offer=line.offer, location=locked.warehouse, on_hand=level.on_hand + line.quantity)
        line.quantity_received = line.quantity
    ConsignmentLine.objects.bulk_update(lines, ["quantity_received"])
    locked.state, locked.received_at, locked.received_by = ConsignmentState.RECEIVED, timezone.now(), acting_user(user)
    locked.save(update_fields=["state", "received_at", "received_by"])
    return locked
