"""Seller-order lifecycle: placed → accepted → shipped → delivered; cancel; return → received → refunded.

Each transition locks the seller order row, checks the state and who asks (a seller acts only
on its own seller orders, a buyer only on its own; a seller that is not approved may not accept,
ship or cancel, but still receives returns and refunds them, which protects the buyer), then moves money through payments and
posts the seller-order side in the ledger. Emails go out after commit through tasks.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.inventory.services import holds_consume, holds_release, stock_restock
from comptoir.sellers.models import WebhookEvent
from comptoir.sellers.selectors import seller_require_trading

from ..events import seller_order_emit

from ..errors import InvalidTransition, NotFound, ReturnWindowClosed
from ..models import LiableParty, Order, OrderLine, PaymentStatus, SellerOrder, SellerOrderState as S

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


def _require(part: SellerOrder, *states: str) -> None:
    if part.state not in states:
        raise InvalidTransition(
            _("This order is %(state)s; that action is not possible now.") % {"state": part.get_state_display().lower()}
        )


def _payment(order: Order):
    from comptoir.payments.models import Payment

    if order.payment_id is None:
        raise InvalidTransition(_("This order has no payment."))
    return Payment.objects.get(pk=order.payment_id)


def _hold_ids(part: SellerOrder) -> list[int]:
    return list(OrderLine.objects.filter(seller_order=part, hold__isnull=False).values_list("hold_id", flat=True))


def _capture_parts(part: SellerOrder) -> tuple[int, int, dict[str, int]]:
    """(seller net share, commission, marketplace-liable VAT by market) of the seller order's gross."""
    from comptoir.ledger.services import commission_amount, commission_bp_for

    commission = 0
    for line in part.lines.select_related("product__category"):
        commission += commission_amount(line.line_net, commission_bp_for(category=line.product.category, seller=part.seller))
    vat: dict[str, int] = defaultdict(int)
    if part.liable_party == LiableParty.MARKETPLACE:
        vat[part.order.market.code] += part.vat_total
    share = part.total_gross - commission - sum(vat.values())
    return share, commission, dict(vat)


def _enqueue(task_name: str, seller_order_id: int) -> None:
    def run():
        from .. import tasks

        getattr(tasks, task_name).enqueue(seller_order_id)

    transaction.on_commit(run)


@transaction.atomic
def seller_order_accept(*, seller_order_id: int, seller) -> SellerOrder:
    """The seller takes the order: its amount is captured and the capture posted in the ledger."""
    from comptoir.ledger.services import ledger_post_capture
    from comptoir.payments.services import payment_capture

    part = _locked(seller_order_id, seller=seller)
    seller_require_trading(part.seller)
    _require(part, S.PLACED)
    order = part.order
    if order.payment_status not in (PaymentStatus.AUTHORIZED, PaymentStatus.PARTIALLY_CAPTURED):
        raise InvalidTransition(_("The payment of this order is not authorized yet."))
    payment_capture(payment=_payment(order), amount=part.total_gross)
    share, commission, vat = _capture_parts(part)
    ledger_post_capture(
        seller_order_ref=ledger_ref(part), currency=order.currency, gross_total=part.total_gross, seller_id=part.seller_id,
        seller_net_share=share, commission=commission, vat_by_market_marketplace_liable=vat,
        unique_key=f"{ledger_ref(part)}:capture", memo=part.number,
    )
    part.state, part.accepted_at, part.captured_amount = S.ACCEPTED, timezone.now(), part.total_gross
    part.save(update_fields=["state", "accepted_at", "captured_amount"])
    _update_order_payment_status(order)
    return part


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
    holds_consume(hold_ids=_hold_ids(part))
    part.state, part.shipped_at = S.SHIPPED, timezone.now()
    part.carrier, part.tracking_number = carrier[:60], tracking_number[:60]
    part.save(update_fields=["state", "shipped_at", "carrier", "tracking_number"])
    _enqueue("notify_shipped", part.pk)
    return part


@transaction.atomic
def seller_order_deliver(*, seller_order_id: int, seller=None, at: dt.datetime | None = None) -> SellerOrder:
    part = _locked(seller_order_id, seller=seller)
    _require(part, S.SHIPPED)
    part.state, part.delivered_at = S.DELIVERED, at or timezone.now()
    part.save(update_fields=["state", "delivered_at"])
    return part


@transaction.atomic
def seller_order_cancel(*, seller_order_id: int, seller=None, buyer=None, reason: str = "") -> SellerOrder:
    """Cancel before shipping, by the buyer (pass buyer=) or the seller (pass seller=).

    Stock is released; money captured is refunded and the capture reversed in the ledger; when
    every part of the order is cancelled and nothing was captured, the authorization is cancelled.
    """
    if (seller is None) == (buyer is None):
        raise ValueError("pass exactly one of seller= or buyer=")
    part = _locked(seller_order_id, seller=seller, buyer=buyer)
    if seller is not None:
        seller_require_trading(part.seller)  # a buyer may still cancel a suspended seller's order
    _require(part, S.PLACED, S.ACCEPTED)
    order = part.order
    holds_release(hold_ids=_hold_ids(part))
    if part.captured_amount > part.refunded_amount:
        from comptoir.ledger.services import ledger_post_cancellation
        from comptoir.payments.services import payment_refund

        amount = part.captured_amount - part.refunded_amount
        payment_refund(payment=_payment(order), amount=amount, reason=f"cancelled {part.number}")
        ledger_post_cancellation(seller_order_ref=ledger_ref(part), currency=order.currency, unique_key=f"{ledger_ref(part)}:cancel")
        part.refunded_amount = part.captured_amount
    part.state, part.cancelled_at = S.CANCELLED, timezone.now()
    part.cancelled_by = "buyer" if buyer is not None else "seller"
    part.cancel_reason = (reason or "")[:200]
    part.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason", "refunded_amount"])
    others_live = SellerOrder.objects.filter(order=order).exclude(state=S.CANCELLED).exists()
    nothing_captured = not SellerOrder.objects.filter(order=order, captured_amount__gt=0).exists()
    if not others_live and nothing_captured and order.payment_id is not None:
        from comptoir.payments.services import payment_cancel

        payment_cancel(payment=_payment(order))
    _update_order_payment_status(order)
    if part.refunded_amount:
        _enqueue("notify_refunded", part.pk)
    seller_order_emit(part, WebhookEvent.ORDER_CANCELLED)
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


@transaction.atomic
def seller_order_refund(*, seller_order_id: int, seller) -> SellerOrder:
    """Refund a received return in full (goods and delivery, as the withdrawal right requires)."""
    from comptoir.ledger.services import ledger_post_refund
    from comptoir.payments.services import payment_refund

    part = _locked(seller_order_id, seller=seller)
    _require(part, S.RETURN_RECEIVED)
    amount = part.captured_amount - part.refunded_amount
    if amount > 0:
        payment_refund(payment=_payment(part.order), amount=amount, reason=f"return {part.number}")
        ledger_post_refund(
            seller_order_ref=ledger_ref(part), currency=part.order.currency, refund_gross=amount,
            unique_key=f"{ledger_ref(part)}:refund",
        )
    part.state, part.refunded_at, part.refunded_amount = S.REFUNDED, timezone.now(), part.captured_amount
    part.save(update_fields=["state", "refunded_at", "refunded_amount"])
    _enqueue("notify_refunded", part.pk)
    return part


@transaction.atomic
def order_payment_updated(payment) -> Order | None:
    """Called by payments when an asynchronous result arrives (webhook). A failed payment cancels
    the still-placed parts and releases their stock; a success marks the order authorized."""
    order = Order.objects.select_for_update().filter(payment_id=payment.pk).first()
    if order is None:
        return None
    status = str(getattr(payment, "status", ""))
    if status in {"authorized", "requires_capture"} and order.payment_status == PaymentStatus.PENDING:
        order.payment_status = PaymentStatus.AUTHORIZED
        order.save(update_fields=["payment_status"])
        transaction.on_commit(lambda: _notify_order(order.pk))
    elif status in {"declined", "failed", "cancelled", "canceled", "expired"}:
        for part in SellerOrder.objects.select_for_update().filter(order=order, state=S.PLACED):
            holds_release(hold_ids=_hold_ids(part))
            part.state, part.cancelled_at, part.cancelled_by = S.CANCELLED, timezone.now(), "payment"
            part.cancel_reason = "payment failed"
            part.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
            seller_order_emit(part, WebhookEvent.ORDER_CANCELLED)
        order.payment_status = PaymentStatus.FAILED
        order.save(update_fields=["payment_status"])
    return order


def _notify_order(order_id: int) -> None:
    from ..tasks import notify_order_placed

    notify_order_placed.enqueue(order_id)
