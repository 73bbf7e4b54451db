"""What orders does when a payment changes outside the checkout: an asynchronous result (webhook,
the test provider's settlement), an operator cancelling authorizations, reconciliation.

One explicit route each: the caller (webhook view, management command, admin action, task)
calls these services, which call payments first, then change the order. Payments never calls
back up.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from comptoir.inventory.services import holds_release
from comptoir.payments import services as payments
from comptoir.payments.errors import PaymentError
from comptoir.payments.models import Payment
from comptoir.payments.models import PaymentStatus as PaymentRecordStatus
from comptoir.payments.selectors import payments_unsettled_before
from comptoir.sellers.models import WebhookEvent

from ..events import seller_order_emit
from ..models import Order, OrderLine, PaymentStatus, SellerOrder, SellerOrderState as S

_FAILED = (PaymentRecordStatus.DECLINED, PaymentRecordStatus.FAILED, PaymentRecordStatus.CANCELLED)


def _hold_ids(part: SellerOrder) -> list[int]:
    return list(OrderLine.objects.filter(seller_order=part, hold__isnull=False).values_list("hold_id", flat=True))


def _cancel_placed_parts(order: Order, *, reason: str) -> int:
    """Cancel the order's parts not yet accepted, release their stock and tell their sellers'
    webhooks; the number cancelled."""
    parts = list(SellerOrder.objects.select_for_update().filter(order=order, state=S.PLACED))
    for part in parts:
        holds_release(hold_ids=_hold_ids(part))
        part.state, part.cancelled_at, part.cancelled_by, part.cancel_reason = S.CANCELLED, timezone.now(), "payment", reason
        part.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
        seller_order_emit(part, WebhookEvent.ORDER_CANCELLED)
    return len(parts)


@transaction.atomic
def order_payment_updated(payment: Payment) -> Order | None:
    """An asynchronous payment result reached us: a success marks the order authorized and
    sends its confirmation; a decline or failure cancels the parts not yet accepted and
    releases their stock. Idempotent."""
    order = Order.objects.select_for_update().filter(payment_id=payment.pk).first()
    if order is None:
        return None
    if payment.status == PaymentRecordStatus.AUTHORIZED and order.payment_status == PaymentStatus.PENDING:
        order.payment_status = PaymentStatus.AUTHORIZED
        order.save(update_fields=["payment_status"])
        transaction.on_commit(lambda: _notify_order(order.pk))
    elif payment.status in _FAILED:
        _cancel_placed_parts(order, reason="payment failed")
        order.payment_status = PaymentStatus.FAILED
        order.save(update_fields=["payment_status"])
    return order


def _notify_order(order_id: int) -> None:
    from ..tasks import notify_order_placed

    notify_order_placed.enqueue(order_id)


@transaction.atomic
def order_payment_webhook(*, provider: str, body: bytes, headers: Mapping[str, str]) -> Payment:
    """A provider's webhook: payments verifies and applies it, then, when it changed the
    payment, orders follows (one transaction: if orders fails, the provider retries)."""
    outcome = payments.payment_handle_webhook(provider=provider, body=body, headers=headers)
    if outcome.applied:
        order_payment_updated(outcome.payment)
    return outcome.payment


def order_test_payment_settle(*, reference: str, outcome: str, post_url: str | None = None) -> Payment | int:
    """The test provider settles a pending charge; its signed webhook is delivered in-process
    (returns the Payment) or POSTed to ``post_url``, our webhook view (returns the HTTP status)."""
    body, headers = payments.payments_test_provider_settle(reference=reference, outcome=outcome)
    if post_url:
        return payments.webhook_post(url=post_url, body=body, headers=headers)
    return order_payment_webhook(provider="test", body=body, headers=headers)


def order_authorization_cancel(payment: Payment) -> Payment:
    """The operator releases an uncaptured authorization: the order's parts not yet accepted are
    cancelled and their stock released in the same transaction that claims the payment for
    cancellation; then the provider voids it. The ledger is untouched: nothing was captured."""
    with transaction.atomic():
        claimed = payments.payment_cancel_begin(payment)
        order = Order.objects.select_for_update().filter(payment_id=payment.pk).first()
        if order is not None:
            _cancel_placed_parts(order, reason="authorization cancelled")
            order.payment_status = PaymentStatus.CANCELLED
            order.save(update_fields=["payment_status"])
    return payments.payment_cancel_finish(claimed) if claimed is not None else payment


def payment_void_unless_ordered(payment_id: int, *, reference: str = "") -> bool:
    """Void an authorization no order holds (a placement that rolled back, an orphan found by
    reconciliation); True when voided. Under the payment's lock, so that a placement cannot
    claim it meanwhile (its conditional UPDATE of the payment fails once it is voiding).
    A provider that refuses or cannot be reached leaves it for the next reconciliation.
    ``reference``: the provider's answer when the caller has it but its transaction rolled back."""
    with transaction.atomic():
        if Order.objects.filter(payment_id=payment_id).exists():
            return False
        try:
            claimed = payments.payment_cancel_begin(payment_id)
        except PaymentError:  # declined or failed: nothing is held
            return False
        if Order.objects.filter(payment_id=payment_id).exists():  # committed before we took the lock
            transaction.set_rollback(True)
            return False
    if claimed is None:
        return False
    try:
        payments.payment_cancel_finish(claimed, reference=reference)
    except PaymentError:
        return False
    return True


@dataclass
class Reconciliation:
    examined: int = 0
    voided: list[int] = field(default_factory=list)
    kept: int = 0  # held by an order
    failed: list[int] = field(default_factory=list)  # left for the next run
    refunds_checked: int = 0  # cancelled seller orders whose refund must have reached the provider
    refunds_failed: list[int] = field(default_factory=list)

REFUND_LOOKBACK = dt.timedelta(days=30)


def payments_reconcile(*, older_than: dt.timedelta | None = None, now: dt.datetime | None = None) -> Reconciliation:
    """Void the authorizations whose order never committed: payments recorded more than
    ``older_than`` ago (default ``PAYMENT_RECONCILE_AFTER_SECONDS``) that are still initiated,
    pending, authorized or being cancelled and that no order holds. A process that died
    between the provider's answer and the order's COMMIT leaves exactly these. Also finishes
    the cancellations that a crash interrupted (``voiding``: claimed, not yet voided at the
    provider), held by an order or not."""
    if older_than is None:
        older_than = dt.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS)
    cutoff = (now or timezone.now()) - older_than
    report = Reconciliation()
    candidates = dict(payments_unsettled_before(cutoff).values_list("pk", "status"))
    report.examined = len(candidates)
    held = set(Order.objects.filter(payment_id__in=candidates).values_list("payment_id", flat=True))
    for payment_id, status in candidates.items():
        if payment_id in held and status == PaymentRecordStatus.VOIDING:
            _finish_void(payment_id, report)
        elif payment_id in held:
            report.kept += 1
        elif payment_void_unless_ordered(payment_id):
            report.voided.append(payment_id)
        elif Order.objects.filter(payment_id=payment_id).exists():
            report.kept += 1
        else:
            report.failed.append(payment_id)
    _refunds_owed(cutoff, report)
    return report


def _refunds_owed(cutoff: dt.datetime, report: Reconciliation) -> None:
    """A cancellation commits before its refund reaches the provider: where recent cancellations
    recorded more refunded than the payment refunded, refund the difference with the
    cancellation's own key (a refund already made under it is a no-op)."""
    from .lifecycle import ledger_ref

    parts = SellerOrder.objects.filter(
        state=S.CANCELLED, refunded_amount__gt=0, cancelled_at__lt=cutoff, cancelled_at__gte=cutoff - REFUND_LOOKBACK,
    ).select_related("order")
    for part in parts:
        report.refunds_checked += 1
        payment = Payment.objects.get(pk=part.order.payment_id)
        recorded = SellerOrder.objects.filter(order_id=part.order_id).aggregate(total=Sum("refunded_amount"))["total"]
        owed = min(part.refunded_amount, recorded - payment.refunded_amount)
        if owed <= 0:
            continue
        try:
            payments.payment_refund(payment=payment, amount=owed, reason=f"cancelled {part.number}", idempotency_key=f"{ledger_ref(part)}:cancel")
        except PaymentError:
            report.refunds_failed.append(part.pk)


def _finish_void(payment_id: int, report: Reconciliation) -> None:
    try:
        payments.payment_cancel_finish(Payment.objects.get(pk=payment_id))
    except PaymentError:
        report.failed.append(payment_id)
    else:
        report.voided.append(payment_id)
