"""Click & collect: a seller order collected at a store, from its shelf or shipped there.

    pickup_shelf:   placed ─(store: ready, payment captured)─▶ accepted ─(code checked)─▶ delivered
    pickup_shipped: placed ─(seller accepts, captured)─▶ accepted ─(seller ships to the store)─▶ shipped
                    ─(store: parcel there, ready)─▶ shipped ─(code checked)─▶ delivered

Pickup.state follows: awaiting_shipment (pickup_shipped until the seller ships) → to_prepare →
ready (the buyer is emailed; `collect_by` = ready + 7 days) → handed_over; expired when not
collected by then (`pickups_expire`: units back to stock, refunded), cancelled with its part.

The callers (the store console, the API) are above orders: they check that the user works at
the store and pass its location; every service here refuses a pickup of another store as not
found. A wrong code is counted in its own committed transaction (a rollback must not forget
it); the fifth locks the pickup until a manager unlocks it. Money moves at the provider outside
any transaction, keyed by the seller order, as in the lifecycle.
"""
from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.errors import DomainError
from comptoir.common.outbox import task_enqueue

from comptoir.inventory.promise import DeliveryMethod
from comptoir.inventory.services import holds_consume, holds_release, stock_restock
from comptoir.ledger.services import ledger_post_cancellation
from comptoir.payments.services import payment_capture, payment_refund

from ..errors import InvalidTransition, NotFound, PickupLocked, PickupWrongCode
from ..models import (
    PICKUP_CODE_ALPHABET,
    PICKUP_MAX_WRONG_CODES,
    OrderLine,
    PaymentStatus,
    Pickup,
    PickupState as P,
    SellerOrder,
    SellerOrderState as S,
)
from ..tasks import notify_pickup_ready, notify_refunded
from .lifecycle import _payment, _record_acceptance, _update_order_payment_status, ledger_ref

PICKUP_CODE_LENGTH = 6
COLLECT_WITHIN = dt.timedelta(days=7)


def pickup_code_new() -> str:
    return "".join(secrets.choice(PICKUP_CODE_ALPHABET) for _ in range(PICKUP_CODE_LENGTH))


def pickup_code_normalise(code: str) -> str:
    return "".join((code or "").split()).upper().replace("-", "")[:16]


def pickups_for(parts: Sequence[SellerOrder]) -> list[Pickup]:
    """The Pickup rows of the click & collect parts just placed (saved parts)."""
    return [
        Pickup(
            seller_order=part, location_id=part.pickup_location_id, code=pickup_code_new(),
            state=P.TO_PREPARE if part.delivery_method == DeliveryMethod.PICKUP_SHELF else P.AWAITING_SHIPMENT,
        )
        for part in parts
        if part.pickup_location_id is not None
    ]


def _locked_pickup(seller_order_id: int, location_id: int | None) -> Pickup:
    qs = Pickup.objects.select_for_update(of=("self",)).select_related("seller_order__order")
    if location_id is not None:
        qs = qs.filter(location_id=location_id)
    pickup = qs.filter(seller_order_id=seller_order_id).first()
    if pickup is None:
        raise NotFound(_("No such pickup in this store."))
    return pickup


def _lock_part(seller_order_id: int) -> SellerOrder:
    return SellerOrder.objects.select_for_update(of=("self",)).select_related("order", "seller").get(pk=seller_order_id)


def _require_state(pickup: Pickup, *states: str) -> None:
    if pickup.state not in states:
        raise InvalidTransition(
            _("This pickup is %(state)s; that action is not possible now.") % {"state": pickup.get_state_display().lower()},
            code="pickup_state",
        )


def pickup_mark_ready(*, seller_order_id: int, location_id: int | None, now: dt.datetime | None = None) -> Pickup:
    """The store has the order ready on its counter: a shelf order's payment is captured now
    (keyed as the seller's acceptance: once), the buyer is emailed, the 7 days start."""
    with transaction.atomic():
        pickup = _locked_pickup(seller_order_id, location_id)
        _require_state(pickup, P.TO_PREPARE)
        part = _lock_part(seller_order_id)
        capture = part.state == S.PLACED
        if capture and part.order.payment_status not in (PaymentStatus.AUTHORIZED, PaymentStatus.PARTIALLY_CAPTURED):
            raise InvalidTransition(_("The payment of this order is not authorized yet."))
        payment = _payment(part.order) if capture else None
    capture_key = f"{ledger_ref(part)}:capture"
    if capture:
        payment_capture(payment=payment, amount=part.total_gross, idempotency_key=capture_key)
    with transaction.atomic():
        pickup = _locked_pickup(seller_order_id, location_id)
        part = _lock_part(seller_order_id)
        if part.state == S.CANCELLED:
            cancelled = True
        else:
            cancelled = False
            if part.state == S.PLACED:
                _record_acceptance(part)
            now = now or timezone.now()
            pickup.state, pickup.ready_at, pickup.collect_by = P.READY, now, now + COLLECT_WITHIN
            pickup.save(update_fields=["state", "ready_at", "collect_by"])
            task_enqueue(notify_pickup_ready, seller_order_id)
    if cancelled:
        if capture:
            payment_refund(payment=payment, amount=part.total_gross, reason=f"cancelled {part.number}",
                           idempotency_key=f"{capture_key}:undone")
        raise InvalidTransition(_("This order was cancelled meanwhile."))
    return pickup


@dataclass(frozen=True, slots=True)
class _CodeChecked:
    pickup: Pickup
    wrong: bool


def pickup_hand_over(*, seller_order_id: int, location_id: int | None, code: str, user=None, now=None) -> Pickup:
    """Hand the order over when `code` is its pickup code: its held shelf units leave the
    store (consumed) and the part is delivered. A wrong code is counted (committed) and
    refused with PickupWrongCode; the fifth locks the pickup (PickupLocked until a manager
    unlocks it)."""
    checked = _hand_over(seller_order_id, location_id, pickup_code_normalise(code), user, now or timezone.now())
    if checked.wrong:
        left = PICKUP_MAX_WRONG_CODES - checked.pickup.wrong_codes
        if left <= 0:
            raise PickupLocked(_("Wrong code. This pickup is now locked after %(n)d wrong codes: a manager must unlock it.")
                               % {"n": PICKUP_MAX_WRONG_CODES})
        raise PickupWrongCode(
            _("Wrong code for this order (%(left)d tries left before it is locked).") % {"left": left}, field="code"
        )
    return checked.pickup


@transaction.atomic
def _hand_over(seller_order_id: int, location_id: int | None, code: str, user, now: dt.datetime) -> _CodeChecked:
    pickup = _locked_pickup(seller_order_id, location_id)
    if pickup.is_locked:
        raise PickupLocked(_("This pickup is locked after %(n)d wrong codes: a manager must unlock it.")
                           % {"n": PICKUP_MAX_WRONG_CODES})
    _require_state(pickup, P.READY)
    if not hmac.compare_digest(code.encode(), pickup.code.encode()):
        pickup.wrong_codes += 1
        if pickup.wrong_codes >= PICKUP_MAX_WRONG_CODES:
            pickup.locked_at = now
        pickup.save(update_fields=["wrong_codes", "locked_at"])
        return _CodeChecked(pickup, True)
    part = _lock_part(seller_order_id)
    holds_consume(hold_ids=_active_hold_ids(part))  # a shelf order's units leave now; shipped ones left the warehouse
    part.state, part.delivered_at = S.DELIVERED, now
    part.save(update_fields=["state", "delivered_at"])
    pickup.state, pickup.handed_over_at, pickup.handed_over_by = P.HANDED_OVER, now, user
    pickup.save(update_fields=["state", "handed_over_at", "handed_over_by"])
    return _CodeChecked(pickup, False)


def _active_hold_ids(part: SellerOrder) -> list[int]:
    return list(OrderLine.objects.filter(seller_order=part, hold__state="active").values_list("hold_id", flat=True))


@transaction.atomic
def pickup_unlock(*, seller_order_id: int, location_id: int | None) -> Pickup:
    """A manager checked the buyer (identity, order confirmation): the wrong codes start again."""
    pickup = _locked_pickup(seller_order_id, location_id)
    if not pickup.is_locked:
        raise InvalidTransition(_("This pickup is not locked."), code="pickup_not_locked")
    pickup.wrong_codes, pickup.locked_at = 0, None
    pickup.save(update_fields=["wrong_codes", "locked_at"])
    return pickup


def pickup_expire(*, seller_order_id: int, now: dt.datetime | None = None) -> Pickup | None:
    """A ready pickup not collected by `collect_by`: its units go back to stock (a shelf
    order's holds released; a shipped parcel's units restocked where they came from, as a
    return), the capture is reversed in the ledger and refunded at the provider (after the
    commit, keyed as a cancellation: `payments_reconcile` finishes it after a crash). None when
    it is not due (collected or handed over meanwhile)."""
    now = now or timezone.now()
    with transaction.atomic():
        pickup = _locked_pickup(seller_order_id, None)
        if pickup.state != P.READY or pickup.collect_by is None or pickup.collect_by > now:
            return None
        part = _lock_part(seller_order_id)
        held = _active_hold_ids(part)
        if held:
            holds_release(hold_ids=held)
        else:
            for line in part.lines.select_related("hold"):
                if line.hold is not None:
                    stock_restock(stock_level_id=line.hold.stock_level_id, quantity=line.quantity)
        refund = part.captured_amount - part.refunded_amount
        if refund > 0:
            ledger_post_cancellation(seller_order_ref=ledger_ref(part), currency=part.order.currency,
                                     unique_key=f"{ledger_ref(part)}:cancel")
        part.state, part.cancelled_at, part.cancelled_by = S.CANCELLED, now, "store"
        part.cancel_reason, part.refunded_amount = "not collected within 7 days", part.captured_amount
        part.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason", "refunded_amount"])
        _update_order_payment_status(part.order)
        pickup.state, pickup.expired_at = P.EXPIRED, now
        pickup.save(update_fields=["state", "expired_at"])
        if refund > 0:
            task_enqueue(notify_refunded, part.pk, refund)
    if refund > 0:
        payment_refund(payment=_payment(part.order), amount=refund, reason=f"not collected {part.number}",
                       idempotency_key=f"{ledger_ref(part)}:cancel")
    return pickup


@dataclass(frozen=True)
class ExpiryReport:
    expired: tuple[int, ...]  # seller order ids
    failed: tuple[int, ...]  # the provider could not refund now: `payments_reconcile` finishes it


def pickups_expire(*, now: dt.datetime | None = None) -> ExpiryReport:
    """Expire every ready pickup past its collect-by time (`comptoir pickups_expire`). A refund
    the provider refused or could not take is left to `payments_reconcile` (the part is
    cancelled and records it); the others go on."""
    now = now or timezone.now()
    due = list(Pickup.objects.filter(state=P.READY, collect_by__lte=now).order_by("collect_by", "pk").values_list("seller_order_id", flat=True))
    expired, failed = [], []
    for seller_order_id in due:
        try:
            if pickup_expire(seller_order_id=seller_order_id, now=now) is not None:
                expired.append(seller_order_id)
        except DomainError:
            failed.append(seller_order_id)
    return ExpiryReport(tuple(expired), tuple(failed))
