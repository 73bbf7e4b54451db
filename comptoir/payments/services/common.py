"""Helpers shared by the payment writes."""
from __future__ import annotations

import re

from django.db import transaction

from .. import errors
from ..models import Payment, PaymentEvent, PaymentStatus
from ..providers import ProviderResult, ResultStatus

RESULT_TO_STATUS = {
    ResultStatus.AUTHORIZED: PaymentStatus.AUTHORIZED,
    ResultStatus.PENDING: PaymentStatus.PENDING,
    ResultStatus.DECLINED: PaymentStatus.DECLINED,
    ResultStatus.FAILED: PaymentStatus.FAILED,
    ResultStatus.CANCELLED: PaymentStatus.CANCELLED,
}


def outside_transaction() -> None:
    """Refuse to call a provider inside a database transaction: a network call there would hold
    locks (SQLite: the only write lock) and its answer could roll back with our work while the
    provider keeps it. The test runner's own wrapping transaction does not count."""
    blocks = transaction.get_connection().atomic_blocks
    if any(not getattr(block, "_from_testcase", False) for block in blocks):
        raise errors.PaymentError("The payment provider must be called outside any database transaction", code="payment_in_transaction")


def check_amount(amount) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise errors.InvalidAmount(f"Amount must be a positive integer of minor units, got {amount!r}")
    return amount


def check_request(*, order_ref: str, amount, currency, idempotency_key: str) -> None:
    check_amount(amount)
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise errors.PaymentError(f"Not an ISO 4217 currency code: {currency!r}", code="payment_invalid_currency")
    if not idempotency_key or len(idempotency_key) > 200:
        raise errors.PaymentError("An idempotency key of 1 to 200 characters is required", code="idempotency_key_required")
    if not order_ref:
        raise errors.PaymentError("An order reference is required", code="order_ref_required")


def locked(payment: Payment | int) -> Payment:
    pk = payment.pk if isinstance(payment, Payment) else payment
    found = Payment.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise errors.PaymentNotFound(f"No payment #{pk}")
    return found


def event(payment: Payment, kind: str, payload: dict, dedup_key: str | None = None) -> PaymentEvent:
    return PaymentEvent.objects.create(payment=payment, kind=kind, payload=payload, dedup_key=dedup_key)


def result_payload(result: ProviderResult) -> dict:
    return {"status": str(result.status), "reference": result.reference, "decline_code": result.decline_code, "message": result.message}


def refresh_into(target: Payment, source: Payment) -> Payment:
    """Copy the fresh state into the caller's instance too, so callers can keep using it."""
    if target is not source and isinstance(target, Payment):
        for field in Payment._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return source


def provider_call(operation, **request) -> ProviderResult:
    """The provider's answer, asked outside any transaction; a failure that is not ours
    (network, provider bug) becomes ProviderUnavailable."""
    outside_transaction()
    try:
        return operation(**request)
    except errors.PaymentError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the provider's client raises
        raise errors.ProviderUnavailable(f"The payment provider could not be reached: {type(exc).__name__}") from exc
