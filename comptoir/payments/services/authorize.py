"""Authorizations: the attempt is recorded (key, amount) and committed before the provider is
asked, the provider is asked outside any transaction, and its answer is written afterwards.

A process that dies between the two leaves an ``initiated`` Payment: a retry with the same key
resumes it (the provider answers a known key with the same charge), and the reconciliation job
(``comptoir payments_reconcile``) voids what no order claimed.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, transaction
from django.utils import timezone

from comptoir.common.rows import rows_insert

from .. import errors
from ..models import Payment, PaymentEvent, PaymentStatus
from ..providers import CardDetails, ProviderResult, active_provider_name, get_provider
from .cards import card_brand, card_validate
from .common import RESULT_TO_STATUS, check_request, event, provider_call, result_payload

ANSWERABLE = (PaymentStatus.INITIATED, PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)


def payment_attempt_record(
    *, order_ref: str, amount: int, currency: str, idempotency_key: str, card: CardDetails, provider: str | None = None,
    retry_declined: bool = False,
) -> tuple[Payment, bool]:
    """Record a payment attempt before the provider is asked: one INSERT, committed on its own
    when called outside a transaction (as it must be). Returns (payment, created); a used key
    returns its payment (created False) for the caller to resume or answer — except, with
    ``retry_declined``, a declined or failed one, which keeps its record under another key
    ("<key>~<id>") and leaves the key to this new attempt (the buyer tries another card)."""
    check_request(order_ref=order_ref, amount=amount, currency=currency, idempotency_key=idempotency_key)
    for _attempt in range(3):
        payment = Payment(
            order_ref=order_ref, provider=provider or active_provider_name(), amount=amount, currency=currency,
            idempotency_key=idempotency_key, card_brand=card_brand(card.number), card_last4=card.last4,
        )
        if rows_insert([payment], unless_conflict=("idempotency_key",)):
            return payment, True
        existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:  # retired meanwhile by a concurrent retry
            continue
        if not (retry_declined and existing.status in (PaymentStatus.DECLINED, PaymentStatus.FAILED)):
            return existing, False
        Payment.objects.filter(pk=existing.pk, status=existing.status).update(idempotency_key=f"{idempotency_key}~{existing.pk}"[-200:])
    raise errors.PaymentError("Too many concurrent attempts with this key", code="payment_attempt_conflict")


def payment_provider_authorize(payment: Payment, card: CardDetails, metadata: Mapping[str, str] | None = None) -> ProviderResult:
    """Ask the payment's provider to authorize its amount, outside any transaction, with the
    payment's provider key (asking again never charges twice). Raises ProviderUnavailable."""
    return provider_call(
        get_provider(payment.provider).authorize, amount=payment.amount, currency=payment.currency, card=card,
        idempotency_key=payment.provider_key,
        metadata={"order_ref": payment.order_ref, "payment_id": str(payment.pk), **(metadata or {})},
    )


_ANSWER_SQL = (
    f"UPDATE {Payment._meta.db_table} SET status = %s, provider_reference = %s, decline_code = %s, message = %s,"
    " updated_at = %s WHERE id = %s AND status IN (%s, %s, %s)"
)


def payment_record_answer(payment: Payment, result: ProviderResult) -> Payment:
    """Write the provider's answer on the attempt (one conditional UPDATE, its ``created`` and
    ``authorize`` events in one INSERT), in the caller's transaction: order placement writes it
    with the order, so that both commit or neither. Raises PaymentAbandoned when the attempt
    was voided meanwhile (reconciliation, a cancelled duplicate)."""
    status = RESULT_TO_STATUS.get(result.status, PaymentStatus.FAILED)
    with connection.cursor() as cursor:  # the hot path of every order: no ORM compilation
        cursor.execute(_ANSWER_SQL, [
            status, result.reference, result.decline_code, result.message[:300], timezone.now(), payment.pk, *ANSWERABLE,
        ])
        if cursor.rowcount != 1:
            raise errors.PaymentAbandoned(f"Payment #{payment.pk} was cancelled before its answer was recorded")
    payment.status, payment.provider_reference = status, result.reference
    payment.decline_code, payment.message = result.decline_code, result.message[:300]
    rows_insert([
        PaymentEvent(payment=payment, kind="created", payload={"amount": payment.amount, "currency": payment.currency, "order_ref": payment.order_ref}),
        PaymentEvent(payment=payment, kind="authorize", payload=result_payload(result)),
    ])
    return payment


def payment_authorize(
    *,
    order_ref: str,
    amount: int,
    currency: str,
    card_number: str,
    card_expiry: str,
    card_cvc: str,
    idempotency_key: str,
    provider: str | None = None,
    metadata: Mapping[str, str] | None = None,
) -> Payment:
    """Authorize ``amount`` on a card. Idempotent on ``idempotency_key``: the same key returns
    the same Payment and never charges again (a key reused for another order, amount or
    currency raises IdempotencyKeyReused). Bad card input raises InvalidCard or CardExpired
    before anything is written. A declined card returns a Payment with status ``declined`` and
    its ``decline_code``; an asynchronous one returns status ``pending``. Call it outside any
    transaction: the attempt commits before the provider is asked."""
    card = card_validate(number=card_number, expiry=card_expiry, cvc=card_cvc)
    payment, created = payment_attempt_record(
        order_ref=order_ref, amount=amount, currency=currency, idempotency_key=idempotency_key, card=card, provider=provider,
    )
    if not created:
        if (payment.order_ref, payment.amount, payment.currency) != (order_ref, amount, currency) or (
            provider and payment.provider != provider
        ):
            raise errors.IdempotencyKeyReused(
                f"Idempotency key already used for {payment.order_ref} ({payment.amount} {payment.currency})"
            )
        if payment.status != PaymentStatus.INITIATED:
            return payment
    try:
        result = payment_provider_authorize(payment, card, metadata)
    except errors.ProviderUnavailable as exc:  # the row stays "initiated"; retrying with the key resumes it
        event(payment, "authorize_error", {"error": type(exc.__cause__ or exc).__name__})
        raise
    with transaction.atomic():
        return payment_record_answer(payment, result)
