"""Capture, refund and cancel: each checks and locks in a short transaction, asks the provider
outside any transaction (with an idempotency key, so that asking again moves no money twice),
then records what moved in another short transaction and posts it to the ledger (capture:
Dr cash at provider / Cr buyer clearing; refund: the mirror)."""
from __future__ import annotations

from django.db import transaction

from comptoir.ledger.services import ledger_post_payment_capture, ledger_post_payment_refund

from .. import errors
from ..models import Payment, PaymentEvent, PaymentStatus
from ..providers import ProviderResult, ResultStatus, get_provider
from .common import check_amount, event, locked, provider_call, refresh_into, result_payload

CANCELLABLE = (PaymentStatus.INITIATED, PaymentStatus.PENDING, PaymentStatus.AUTHORIZED, PaymentStatus.VOIDING)


def _dedup(payment: Payment, kind: str, idempotency_key: str | None) -> str | None:
    return f"{kind}:{payment.pk}:{idempotency_key}" if idempotency_key else None


def _done(dedup_key: str | None) -> bool:
    return bool(dedup_key) and PaymentEvent.objects.filter(dedup_key=dedup_key).exists()


def _refused(result: ProviderResult, what: str) -> errors.ProviderRefused:
    return errors.ProviderRefused(result.message or f"The provider refused the {what}", code=result.decline_code or "provider_refused")


def payment_capture(*, payment: Payment, amount: int, idempotency_key: str | None = None) -> Payment:
    """Capture ``amount`` of an authorized payment (several partial captures allowed, their sum
    ≤ the authorized amount, else CaptureExceedsAuthorized). With ``idempotency_key`` a repeated
    call — even after a crash between the provider's answer and our record — captures once."""
    original = payment
    check_amount(amount)
    with transaction.atomic():
        current = locked(payment)
        dedup_key = _dedup(current, "capture", idempotency_key)
        if _done(dedup_key):
            return refresh_into(original, current)
        _check_capture(current, amount)
    result = provider_call(
        get_provider(current.provider).capture, reference=current.provider_reference, amount=amount, idempotency_key=dedup_key or "",
    )
    if result.status != ResultStatus.SUCCEEDED:
        raise _refused(result, "capture")
    with transaction.atomic():
        current = locked(payment)
        if _done(dedup_key):  # a concurrent call with the same key recorded it
            return refresh_into(original, current)
        _check_capture(current, amount)
        current.captured_amount += amount
        current.status = PaymentStatus.CAPTURED
        current.save(update_fields=["captured_amount", "status", "updated_at"])
        recorded = event(current, "capture", {"amount": amount, **result_payload(result)}, dedup_key)
        ledger_post_payment_capture(
            payment_ref=current.ref, provider=current.provider, currency=current.currency, amount=amount,
            unique_key=f"{current.ref}:capture:{recorded.pk}",
        )
    return refresh_into(original, current)


def _check_capture(payment: Payment, amount: int) -> None:
    if payment.status not in (PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED):
        raise errors.InvalidPaymentState(f"Cannot capture a payment that is {payment.status}", code="payment_not_capturable")
    if payment.captured_amount + amount > payment.amount:
        raise errors.CaptureExceedsAuthorized(
            f"Capture of {amount} exceeds what remains authorized: {payment.amount - payment.captured_amount} {payment.currency}"
        )


def payment_refund(*, payment: Payment, amount: int, reason: str, idempotency_key: str | None = None) -> Payment:
    """Refund ``amount`` of what was captured (the refunds' sum ≤ captured, else
    RefundExceedsCaptured). Status becomes ``partially_refunded`` or ``refunded``. Idempotent
    with ``idempotency_key``."""
    original = payment
    check_amount(amount)
    with transaction.atomic():
        current = locked(payment)
        dedup_key = _dedup(current, "refund", idempotency_key)
        if _done(dedup_key):
            return refresh_into(original, current)
        _check_refund(current, amount)
    result = provider_call(
        get_provider(current.provider).refund, reference=current.provider_reference, amount=amount, idempotency_key=dedup_key or "",
    )
    if result.status != ResultStatus.SUCCEEDED:
        raise _refused(result, "refund")
    with transaction.atomic():
        current = locked(payment)
        if _done(dedup_key):
            return refresh_into(original, current)
        _check_refund(current, amount)
        current.refunded_amount += amount
        fully = current.refunded_amount == current.captured_amount
        current.status = PaymentStatus.REFUNDED if fully else PaymentStatus.PARTIALLY_REFUNDED
        current.save(update_fields=["refunded_amount", "status", "updated_at"])
        recorded = event(current, "refund", {"amount": amount, "reason": reason, **result_payload(result)}, dedup_key)
        ledger_post_payment_refund(
            payment_ref=current.ref, provider=current.provider, currency=current.currency, amount=amount,
            unique_key=f"{current.ref}:refund:{recorded.pk}",
        )
    return refresh_into(original, current)


def _check_refund(payment: Payment, amount: int) -> None:
    if payment.status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
        raise errors.InvalidPaymentState(f"Cannot refund a payment that is {payment.status}", code="payment_not_refundable")
    if payment.refunded_amount + amount > payment.captured_amount:
        raise errors.RefundExceedsCaptured(
            f"Refund of {amount} exceeds what remains captured: {payment.captured_amount - payment.refunded_amount} {payment.currency}"
        )


def payment_cancel_begin(payment: Payment | int) -> Payment | None:
    """In the caller's transaction: lock the payment and mark it ``voiding`` (an answer can no
    longer be recorded on it, nor an order placed with it). Returns None when it is cancelled
    already; raises InvalidPaymentState for a captured, declined or failed one. The caller
    commits, then calls ``payment_cancel_finish``."""
    current = locked(payment)
    if current.status == PaymentStatus.CANCELLED:
        return None
    if current.status not in CANCELLABLE:
        raise errors.InvalidPaymentState(f"Cannot cancel a payment that is {current.status}", code="payment_not_cancellable")
    if current.status != PaymentStatus.VOIDING:
        event(current, "cancel_requested", {"previous": current.status})
        current.status = PaymentStatus.VOIDING
        current.save(update_fields=["status", "updated_at"])
    return current


def payment_cancel_finish(payment: Payment, *, reference: str = "") -> Payment:
    """Outside any transaction: release a ``voiding`` payment's authorization at the provider
    (``reference``: the provider's answer when the caller has it but could not record it; else
    the one recorded; else found by our idempotency key), then mark it ``cancelled``. A
    provider that refuses leaves it ``voiding`` (ProviderRefused) for the next reconciliation.
    Idempotent."""
    gateway = get_provider(payment.provider)
    reference = payment.provider_reference or reference
    if not reference:
        found = provider_call(gateway.find, idempotency_key=payment.provider_key)
        reference = found.reference if found is not None else ""
    result = provider_call(gateway.cancel, reference=reference) if reference else ProviderResult(ResultStatus.SUCCEEDED, "", "", "no charge at the provider")
    with transaction.atomic():
        current = locked(payment)
        if current.status != PaymentStatus.VOIDING:
            return refresh_into(payment, current)
        if result.status != ResultStatus.SUCCEEDED:
            event(current, "cancel_refused", result_payload(result))
            raise _refused(result, "cancellation")
        current.status = PaymentStatus.CANCELLED
        current.provider_reference = reference
        current.save(update_fields=["status", "provider_reference", "updated_at"])
        event(current, "cancel", result_payload(result))
    return refresh_into(payment, current)


def payment_cancel(*, payment: Payment) -> Payment:
    """Release an uncaptured authorization (authorized, pending or initiated → cancelled).
    Cancelling a cancelled payment returns it unchanged; a captured one must be refunded.
    Callers that must check something first under the payment's lock (orders: that no order
    holds it) use payment_cancel_begin / payment_cancel_finish."""
    with transaction.atomic():
        current = payment_cancel_begin(payment)
    if current is None:
        return refresh_into(payment, locked_read(payment))
    return refresh_into(payment, payment_cancel_finish(current))


def locked_read(payment: Payment) -> Payment:
    return Payment.objects.get(pk=payment.pk)
