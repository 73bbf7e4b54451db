"""Seller-order lifecycle: placed → accepted → shipped → delivered; cancel; return → received → refunded.

Each transition locks the seller order row, checks the state and who asks (a seller acts only
on its own seller orders, a buyer only on its own; a seller that is not approved may not accept,
ship or cancel, but still receives returns and refunds them, which protects the buyer), then
moves money through payments and posts the seller-order side in the ledger. Money moves at the
provider outside any transaction, with an idempotency key derived from the seller order, so
that repeating a transition never moves it twice. Emails go out after commit through tasks.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.services import audit_record
from comptoir.common.outbox import task_enqueue
from comptoir.inventory.promise import DeliveryMethod
from comptoir.inventory.services import holds_consume, holds_release, stock_restock
from comptoir.ledger.services import (
    commission_amount,
    commission_bp_for,
    ledger_post_cancellation,
    ledger_post_capture,
    ledger_post_refund,
)
from comptoir.payments.models import Payment
from comptoir.payments.services import payment_cancel_begin, payment_cancel_finish, payment_capture, payment_refund
from comptoir.sellers.models import WebhookEvent
from comptoir.sellers.selectors import seller_require_trading

from ..errors import InvalidTransition, NotFound, ReasonRequired, ReturnWindowClosed
from ..events import seller_order_emit
from ..models import LiableParty, Order, OrderLine, PaymentStatus, Pickup, PickupState, SellerOrder, SellerOrderState as S
from ..tasks import notify_refunded, notify_shipped

RETURN_WINDOW = dt.timedelta(days=14)


def ledger_ref(part: SellerOrder) -> str:
    return f"seller_order:{part.pk}"


def _locked(seller_order_id: int, *, seller=None, buyer=None) -> SellerOrder:
    qs = SellerOrder.objects.select_for_update(of=("self",)).select_related("order", "seller")
    if seller is not None:
        qs = qs.filter(seller=seller)
    if buyer is not None:
        qs = qs.filter(order__buyer=buyer)
    part = qs.filter(pk=seller_order_id).first()
    if part is None:
        raise NotFound(_("No such order."))
    return part


def reason_required(reason: str) -> str:
    """An operator's reason, stripped; an empty one is refused (it is kept on the record and in the audit log)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Give a reason: it is kept with the action."), field="reason")
    return reason


def _require(part: SellerOrder, *states: str) -> None:
    if part.state not in states:
        raise InvalidTransition(
            _("This order is %(state)s; that action is not possible now.") % {"state": part.get_state_display().lower()}
        )


def _require_not_shelf_pickup(part: SellerOrder) -> None:
    """Collected from a store's shelf: the store prepares it (and captures when it is ready)."""
    if part.delivery_method == DeliveryMethod.PICKUP_SHELF:
        raise InvalidTransition(_("This order is collected from a store's shelf: the store prepares it."), code="pickup_order")


def _payment(order: Order) -> Payment:
    if order.payment_id is None:
        raise InvalidTransition(_("This order has no payment."))
    return Payment.objects.get(pk=order.payment_id)


def _hold_ids(part: SellerOrder) -> list[int]:
    return list(OrderLine.objects.filter(seller_order=part, hold__isnull=False).values_list("hold_id", flat=True))


def _capture_parts(part: SellerOrder) -> tuple[int, int, dict[str, int]]:
    """(seller net share, commission, marketplace-liable VAT by market) of the seller order's gross.
    Each line keeps the commission rate used: its refunds reverse its commission at that rate."""
    commission = 0
    lines = list(part.lines.select_related("product__category"))
    for line in lines:
        line.commission_bp = commission_bp_for(category=line.product.category, seller=part.seller)
        commission += commission_amount(line.line_net, line.commission_bp)
    OrderLine.objects.bulk_update(lines, ["commission_bp"])
    vat: dict[str, int] = defaultdict(int)
    if part.liable_party == LiableParty.MARKETPLACE:
        vat[part.order.market.code] += part.vat_total
    share = part.total_gross - commission - sum(vat.values())
    return share, commission, dict(vat)


def _enqueue(task, seller_order_id: int, *args) -> None:
    task_enqueue(task, seller_order_id, *args)


def seller_order_accept(*, seller_order_id: int, seller) -> SellerOrder:
    """The seller takes the order: its amount is captured (outside any transaction, keyed by
    the seller order: accepting again after a crash captures once) and posted in the ledger.
    A part cancelled while the provider captured gets its money back."""
    with transaction.atomic():
        part = _locked(seller_order_id, seller=seller)
        seller_require_trading(part.seller)
        _require(part, S.PLACED)
        _require_not_shelf_pickup(part)
        if part.order.payment_status not in (PaymentStatus.AUTHORIZED, PaymentStatus.PARTIALLY_CAPTURED):
            raise InvalidTransition(_("The payment of this order is not authorized yet."))
        payment = _payment(part.order)
    capture_key = f"{ledger_ref(part)}:capture"
    payment_capture(payment=payment, amount=part.total_gross, idempotency_key=capture_key)
    with transaction.atomic():
        part = _locked(seller_order_id, seller=seller)
        if part.state == S.PLACED:
            _record_acceptance(part)
            return part
    payment_refund(payment=payment, amount=part.total_gross, reason=f"cancelled {part.number}", idempotency_key=f"{capture_key}:undone")
    raise InvalidTransition(_("This order was cancelled meanwhile; the amount was refunded."))


def _record_acceptance(part: SellerOrder) -> None:
    order = part.order
    share, commission, vat = _capture_parts(part)
    ledger_post_capture(
        seller_order_ref=ledger_ref(part), currency=order.currency, gross_total=part.total_gross, seller_id=part.seller_id,
        seller_net_share=share, commission=commission, vat_by_market_marketplace_liable=vat,
        unique_key=f"{ledger_ref(part)}:capture", memo=part.number,
    )
    part.state, part.accepted_at, part.captured_amount = S.ACCEPTED, timezone.now(), part.total_gross
    part.save(update_fields=["state", "accepted_at", "captured_amount"])
    _update_order_payment_status(order)


def _update_order_payment_status(order: Order) -> None:
    parts = list(SellerOrder.objects.filter(order=order).values_list("state", "captured_amount"))
    captured = sum(c for _s, c in parts)
    live = [s for s, _c in parts if s != S.CANCELLED]
    if not live and captured == 0:
        status = PaymentStatus.CANCELLED
    elif captured and all(s != S.PLACED for s in live):
        status = PaymentStatus.CAPTURED
    elif captured:
        status = PaymentStatus.PARTIALLY_CAPTURED
    else:
        status = order.payment_status
    Order.objects.filter(pk=order.pk).update(payment_status=status)
    order.payment_status = status


@transaction.atomic
def seller_order_ship(*, seller_order_id: int, seller, carrier: str, tracking_number: str) -> SellerOrder:
    carrier, tracking_number = (carrier or "").strip(), (tracking_number or "").strip()
    if not carrier or not tracking_number:
        raise InvalidTransition(_("Carrier and tracking number are required."), code="tracking_required", field="tracking_number")
    part = _locked(seller_order_id, seller=seller)
    seller_require_trading(part.seller)
    _require(part, S.ACCEPTED)
    _require_not_shelf_pickup(part)
    holds_consume(hold_ids=_hold_ids(part))
    # Shipped to the store for click & collect: the store prepares it once the parcel is there.
    Pickup.objects.filter(seller_order=part, state=PickupState.AWAITING_SHIPMENT).update(state=PickupState.TO_PREPARE)
    part.state, part.shipped_at = S.SHIPPED, timezone.now()
    part.carrier, part.tracking_number = carrier[:60], tracking_number[:60]
    part.save(update_fields=["state", "shipped_at", "carrier", "tracking_number"])
    _enqueue(notify_shipped, part.pk)
    return part


@transaction.atomic
def seller_order_deliver(*, seller_order_id: int, seller=None, at: dt.datetime | None = None) -> SellerOrder:
    part = _locked(seller_order_id, seller=seller)
    _require(part, S.SHIPPED)
    if part.pickup_location_id is not None:
        raise InvalidTransition(_("This order is collected in a store: the store hands it over."), code="pickup_order")
    part.state, part.delivered_at = S.DELIVERED, at or timezone.now()
    part.save(update_fields=["state", "delivered_at"])
    return part


def seller_order_cancel(*, seller_order_id: int, seller=None, buyer=None, operator=None, reason: str = "") -> SellerOrder:
    """Cancel before shipping, by the buyer (pass buyer=), the seller (pass seller=) or an
    operator on the buyer's behalf (pass operator=, the staff user; a reason is required and
    the cancellation is written to the audit log in the same transaction).

    Stock is released and the capture reversed in the ledger in one transaction, which also
    claims the authorization for release when every part is cancelled and nothing was
    captured; then, outside it, the provider refunds what was captured (keyed by the part) and
    voids the authorization. ``comptoir payments_reconcile`` finishes a void a crash interrupted.
    """
    if sum(who is not None for who in (seller, buyer, operator)) != 1:
        raise ValueError("pass exactly one of seller=, buyer= or operator=")
    if operator is not None:
        reason = reason_required(reason)
    with transaction.atomic():
        part = _locked(seller_order_id, seller=seller, buyer=buyer)
        if seller is not None:
            seller_require_trading(part.seller)  # a buyer may still cancel a suspended seller's order
        _require(part, S.PLACED, S.ACCEPTED)
        order = part.order
        before = {"state": part.state, "refunded_amount": part.refunded_amount}
        holds_release(hold_ids=_hold_ids(part))
        refund = part.captured_amount - part.refunded_amount
        if refund > 0:
            ledger_post_cancellation(seller_order_ref=ledger_ref(part), currency=order.currency, unique_key=f"{ledger_ref(part)}:cancel")
            part.refunded_amount = part.captured_amount
        part.state, part.cancelled_at = S.CANCELLED, timezone.now()
        part.cancelled_by = "buyer" if buyer is not None else "seller" if seller is not None else "operator"
        part.cancel_reason = (reason or "")[:200]
        part.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason", "refunded_amount"])
        if operator is not None:
            audit_record(
                actor=operator, action="seller_order.cancel", object_type="orders.sellerorder", object_key=part.number,
                subject_type="orders.order", subject_key=order.reference, reason=reason,
                before=before, after={"state": part.state, "refunded_amount": part.refunded_amount},
            )
        Pickup.objects.filter(seller_order=part).update(state=PickupState.CANCELLED)
        others_live = SellerOrder.objects.filter(order=order).exclude(state=S.CANCELLED).exists()
        nothing_captured = not SellerOrder.objects.filter(order=order, captured_amount__gt=0).exists()
        voiding = payment_cancel_begin(order.payment_id) if not others_live and nothing_captured and order.payment_id else None
        _update_order_payment_status(order)
        if refund > 0:
            _enqueue(notify_refunded, part.pk, refund)
        seller_order_emit(part, WebhookEvent.ORDER_CANCELLED)
    if refund > 0:
        payment_refund(payment=_payment(order), amount=refund, reason=f"cancelled {part.number}", idempotency_key=f"{ledger_ref(part)}:cancel")
    if voiding is not None:
        payment_cancel_finish(voiding)
    return part


@transaction.atomic
def seller_order_return_request(*, seller_order_id: int, buyer, reason: str = "", now: dt.datetime | None = None) -> SellerOrder:
    """EU withdrawal right: within 14 days of delivery."""
    part = _locked(seller_order_id, buyer=buyer)
    _require(part, S.DELIVERED)
    now = now or timezone.now()
    if now - part.delivered_at > RETURN_WINDOW:
        raise ReturnWindowClosed(_("The 14-day return period for this order has ended."))
    part.state, part.return_requested_at, part.return_reason = S.RETURN_REQUESTED, now, (reason or "")[:200]
    part.save(update_fields=["state", "return_requested_at", "return_reason"])
    seller_order_emit(part, WebhookEvent.RETURN_REQUESTED)
    return part


@transaction.atomic
def seller_order_return_receive(*, seller_order_id: int, seller) -> SellerOrder:
    """The parcel came back: units return to the stock they left."""
    part = _locked(seller_order_id, seller=seller)
    _require(part, S.RETURN_REQUESTED)
    for line in part.lines.select_related("hold"):
        if line.hold is not None:
            stock_restock(stock_level_id=line.hold.stock_level_id, quantity=line.quantity)
    part.state, part.return_received_at = S.RETURN_RECEIVED, timezone.now()
    part.save(update_fields=["state", "return_received_at"])
    return part


def seller_order_refund(*, seller_order_id: int, seller) -> SellerOrder:
    """Refund a received return in full (goods and delivery, as the withdrawal right requires):
    the provider first, keyed by the part (refunding again after a crash refunds once), then
    the ledger and the part's state."""
    with transaction.atomic():
        part = _locked(seller_order_id, seller=seller)
        _require(part, S.RETURN_RECEIVED)
    amount = part.captured_amount - part.refunded_amount
    if amount > 0:
        payment_refund(payment=_payment(part.order), amount=amount, reason=f"return {part.number}", idempotency_key=f"{ledger_ref(part)}:refund")
    with transaction.atomic():
        part = _locked(seller_order_id, seller=seller)
        _require(part, S.RETURN_RECEIVED)
        if amount > 0:
            ledger_post_refund(
                seller_order_ref=ledger_ref(part), currency=part.order.currency, refund_gross=amount,
                unique_key=f"{ledger_ref(part)}:refund",
            )
        part.state, part.refunded_at, part.refunded_amount = S.REFUNDED, timezone.now(), part.captured_amount
        part.save(update_fields=["state", "refunded_at", "refunded_amount"])
        _enqueue(notify_refunded, part.pk, amount)
    return part
