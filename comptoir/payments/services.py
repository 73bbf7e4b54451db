"""Payment writes: authorize, capture, refund, cancel, and applying provider webhooks.

Every operation locks the Payment row, checks the amounts against it (captured ≤ authorized,
refunded ≤ captured — backed by CHECK constraints), calls the provider, records a PaymentEvent,
and posts the money that moved to the ledger (capture: Dr cash at provider / Cr buyer clearing;
refund: the mirror). Card numbers never reach the database: brand and last 4 only.

Async confirmation (a ``pending`` payment settled later by webhook) reaches orders in one of two
explicit ways, documented in docs/payments.md: a callback registered with
``on_payment_status_change`` (called inside the webhook's transaction), or the HTTP view in
comptoir.web.payments_webhook calling ``comptoir.orders.services.order_payment_updated``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

from django.db import IntegrityError, transaction
from stdnum import luhn

from comptoir.common.rows import rows_insert
from comptoir.ledger.services import ledger_post_payment_capture, ledger_post_payment_refund

from . import errors
from .models import Payment, PaymentEvent, PaymentStatus
from .providers import CardDetails, ProviderResult, ResultStatus, active_provider_name, get_provider

StatusCallback = Callable[[Payment, str], None]
_status_callbacks: list[StatusCallback] = []

_RESULT_TO_STATUS = {
    ResultStatus.AUTHORIZED: PaymentStatus.AUTHORIZED,
    ResultStatus.PENDING: PaymentStatus.PENDING,
    ResultStatus.DECLINED: PaymentStatus.DECLINED,
    ResultStatus.FAILED: PaymentStatus.FAILED,
}
_WEBHOOK_TO_STATUS = {
    "charge.authorized": PaymentStatus.AUTHORIZED,
    "charge.declined": PaymentStatus.DECLINED,
    "charge.failed": PaymentStatus.FAILED,
}


# --- callbacks -------------------------------------------------------------------------------

def on_payment_status_change(callback: StatusCallback) -> StatusCallback:
    """Register ``callback(payment, previous_status)``, called when a webhook changes a payment's
    status, inside the same transaction (if it raises, the webhook is rolled back and the
    provider retries). Register once, explicitly, e.g. from OrdersConfig.ready(). Returns the
    callback so it can be used as a decorator."""
    if callback not in _status_callbacks:
        _status_callbacks.append(callback)
    return callback


def registered_status_callbacks() -> tuple[StatusCallback, ...]:
    return tuple(_status_callbacks)


def unregister_payment_status_callback(callback: StatusCallback) -> None:
    if callback in _status_callbacks:
        _status_callbacks.remove(callback)


# --- card checks -----------------------------------------------------------------------------

def _card_brand(number: str) -> str:
    if number.startswith("4"):
        return "visa"
    if number[:2] in {"34", "37"}:
        return "amex"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "mastercard"
    return "card"


def card_validate(*, number: str, expiry: str, cvc: str, today: date | None = None) -> CardDetails:
    """Parse and check what the buyer typed. Raises InvalidCard (field: number, expiry, cvc)
    or CardExpired. Expiry is MM/YY or MM/YYYY; the card is valid to the end of that month."""
    digits = re.sub(r"[\s-]", "", number or "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn.is_valid(digits):
        raise errors.InvalidCard("The card number is not valid.", field="number")
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise errors.InvalidCard("The expiry date must be MM/YY.", code="invalid_expiry", field="expiry")
    month, year = int(match.group(1)), int(match.group(2))
    year = 2000 + year if year < 100 else year
    today = today or date.today()
    if (year, month) < (today.year, today.month):
        raise errors.CardExpired("The card has expired.", field="expiry")
    cvc = (cvc or "").strip()
    if not re.fullmatch(r"\d{3,4}", cvc):
        raise errors.InvalidCard("The security code must be 3 or 4 digits.", code="invalid_cvc", field="cvc")
    return CardDetails(number=digits, exp_month=month, exp_year=year, cvc=cvc)


# --- helpers ---------------------------------------------------------------------------------

def _check_amount(amount) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise errors.InvalidAmount(f"Amount must be a positive integer of minor units, got {amount!r}")
    return amount


def _locked(payment: Payment | int) -> Payment:
    pk = payment.pk if isinstance(payment, Payment) else payment
    found = Payment.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise errors.PaymentNotFound(f"No payment #{pk}")
    return found


def _event(payment: Payment, kind: str, payload: dict, dedup_key: str | None = None) -> PaymentEvent:
    return PaymentEvent.objects.create(payment=payment, kind=kind, payload=payload, dedup_key=dedup_key)


def _result_payload(result: ProviderResult) -> dict:
    return {"status": str(result.status), "reference": result.reference, "decline_code": result.decline_code, "message": result.message}


def _refresh_into(target: Payment, source: Payment) -> Payment:
    """Copy the fresh state into the caller's instance too, so callers can keep using it."""
    if target is not source and isinstance(target, Payment):
        for field in Payment._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return source


# --- authorize -------------------------------------------------------------------------------

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
    """Authorize ``amount`` on a card for an order. Idempotent on ``idempotency_key``: the same
    key returns the same Payment and never charges again (a key reused for another order,
    amount or currency raises IdempotencyKeyReused). Bad card input raises InvalidCard or
    CardExpired before anything is written. A declined card returns a Payment with status
    ``declined`` and its ``decline_code``; an asynchronous one returns status ``pending``."""
    _check_request(order_ref=order_ref, amount=amount, currency=currency, idempotency_key=idempotency_key)
    provider_name = provider or active_provider_name()
    gateway = get_provider(provider_name)

    payment = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if payment is not None:
        _same_request(payment, order_ref, amount, currency, provider_name)
        if payment.status != PaymentStatus.INITIATED:
            return payment
    card = card_validate(number=card_number, expiry=card_expiry, cvc=card_cvc)
    if payment is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    order_ref=order_ref, provider=provider_name, amount=amount, currency=currency,
                    idempotency_key=idempotency_key, card_brand=_card_brand(card.number), card_last4=card.last4,
                )
                _event(payment, "created", {"amount": amount, "currency": currency, "order_ref": order_ref})
        except IntegrityError:  # a concurrent request with the same key won
            payment = Payment.objects.get(idempotency_key=idempotency_key)
            _same_request(payment, order_ref, amount, currency, provider_name)
            if payment.status != PaymentStatus.INITIATED:
                return payment

    try:
        result = _provider_authorize(
            gateway, amount=amount, currency=currency, card=card, idempotency_key=idempotency_key,
            metadata={"order_ref": order_ref, "payment_id": str(payment.pk), **(metadata or {})},
        )
    except errors.ProviderUnavailable as exc:  # the row stays "initiated"; retrying with the key resumes it
        _event(payment, "authorize_error", {"error": type(exc.__cause__ or exc).__name__})
        raise

    with transaction.atomic():
        payment = _locked(payment)
        if payment.status == PaymentStatus.INITIATED:
            payment.status = _RESULT_TO_STATUS.get(result.status, PaymentStatus.FAILED)
            payment.provider_reference = result.reference
            payment.decline_code = result.decline_code
            payment.message = result.message[:300]
            payment.save(update_fields=["status", "provider_reference", "decline_code", "message", "updated_at"])
            _event(payment, "authorize", _result_payload(result))
    return payment


def payment_authorize_in_transaction(
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
    """payment_authorize for a caller whose own transaction and idempotency key already guard the
    payment (order placement): the Payment row is written once, with the provider's answer, and
    its two events in one INSERT. payment_authorize's "initiated" row, committed before the
    provider call, protects nothing here: it would commit or roll back with the caller's work.

    Must run inside a transaction (``transaction.atomic``). The key must be new: a Payment with
    the same key (a concurrent duplicate) makes the INSERT wait on the unique key, then raise
    IntegrityError into the caller's transaction. A caller that rolls back after an
    authorization must release it with ``payment_release_abandoned``. Raises InvalidCard,
    CardExpired, ProviderUnavailable; a declined card returns a Payment with status ``declined``."""
    if not transaction.get_connection().in_atomic_block:
        raise errors.PaymentError("payment_authorize_in_transaction needs the caller's transaction", code="payment_needs_transaction")
    _check_request(order_ref=order_ref, amount=amount, currency=currency, idempotency_key=idempotency_key)
    provider_name = provider or active_provider_name()
    gateway = get_provider(provider_name)
    card = card_validate(number=card_number, expiry=card_expiry, cvc=card_cvc)
    # A network error writes nothing here: the caller's retry with the key resumes it.
    result = _provider_authorize(
        gateway, amount=amount, currency=currency, card=card, idempotency_key=idempotency_key,
        metadata={"order_ref": order_ref, **(metadata or {})},
    )
    payment = Payment(
        order_ref=order_ref, provider=provider_name, amount=amount, currency=currency, idempotency_key=idempotency_key,
        card_brand=_card_brand(card.number), card_last4=card.last4,
        status=_RESULT_TO_STATUS.get(result.status, PaymentStatus.FAILED), provider_reference=result.reference,
        decline_code=result.decline_code, message=result.message[:300],
    )
    rows_insert([payment])  # on every order: SQL compiled once (comptoir.common.rows)
    rows_insert([
        PaymentEvent(payment=payment, kind="created", payload={"amount": amount, "currency": currency, "order_ref": order_ref}),
        PaymentEvent(payment=payment, kind="authorize", payload=_result_payload(result)),
    ])
    return payment


def payment_release_abandoned(*, provider: str, reference: str) -> bool:
    """After a caller's transaction that authorized a payment rolled back (stock ran out, a price
    changed): ask the provider to cancel the authorization so the buyer's funds are not held.
    Our Payment row went with the rollback; a provider that no longer knows the charge (the
    test provider, whose state rolled back too) answers "resource_missing". Returns True when
    the provider cancelled something. Never raises: a failure is logged for reconciliation."""
    import logging

    if not reference:
        return False
    try:
        result = get_provider(provider).cancel(reference=reference)
    except Exception:  # noqa: BLE001 - reconciliation picks it up; the buyer already has their answer
        logging.getLogger(__name__).exception("could not cancel abandoned authorization %s at %s", reference, provider)
        return False
    return result.status == ResultStatus.SUCCEEDED


def _check_request(*, order_ref: str, amount, currency, idempotency_key: str) -> None:
    _check_amount(amount)
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise errors.PaymentError(f"Not an ISO 4217 currency code: {currency!r}", code="payment_invalid_currency")
    if not idempotency_key or len(idempotency_key) > 200:
        raise errors.PaymentError("An idempotency key of 1 to 200 characters is required", code="idempotency_key_required")
    if not order_ref:
        raise errors.PaymentError("An order reference is required", code="order_ref_required")


def _provider_authorize(gateway, **request) -> ProviderResult:
    """The provider's answer; any failure other than ours (network, provider bug) is ProviderUnavailable."""
    try:
        return gateway.authorize(**request)
    except errors.PaymentError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the provider's client raises
        raise errors.ProviderUnavailable(f"The payment provider could not be reached: {type(exc).__name__}") from exc


def _same_request(payment: Payment, order_ref: str, amount: int, currency: str, provider: str) -> None:
    if (payment.order_ref, payment.amount, payment.currency, payment.provider) != (order_ref, amount, currency, provider):
        raise errors.IdempotencyKeyReused(
            f"Idempotency key already used for {payment.order_ref} ({payment.amount} {payment.currency})"
        )


# --- capture / refund / cancel ---------------------------------------------------------------

def _dedup(payment: Payment, kind: str, idempotency_key: str | None) -> str | None:
    return f"{kind}:{payment.pk}:{idempotency_key}" if idempotency_key else None


@transaction.atomic
def payment_capture(*, payment: Payment, amount: int, idempotency_key: str | None = None) -> Payment:
    """Capture ``amount`` of an authorized payment (several partial captures allowed, their sum
    ≤ the authorized amount). With ``idempotency_key``, a repeated call returns the payment
    without capturing again; without it, a capture beyond what remains is refused
    (CaptureExceedsAuthorized). Posts Dr cash / Cr buyer clearing to the ledger."""
    original = payment
    _check_amount(amount)
    payment = _locked(payment)
    dedup_key = _dedup(payment, "capture", idempotency_key)
    if dedup_key and PaymentEvent.objects.filter(dedup_key=dedup_key).exists():
        return _refresh_into(original, payment)
    if payment.status not in (PaymentStatus.AUTHORIZED, PaymentStatus.CAPTURED):
        raise errors.InvalidPaymentState(f"Cannot capture a payment that is {payment.status}", code="payment_not_capturable")
    if payment.captured_amount + amount > payment.amount:
        raise errors.CaptureExceedsAuthorized(
            f"Capture of {amount} exceeds what remains authorized: {payment.amount - payment.captured_amount} {payment.currency}"
        )
    result = get_provider(payment.provider).capture(
        reference=payment.provider_reference, amount=amount, idempotency_key=dedup_key or ""
    )
    if result.status != ResultStatus.SUCCEEDED:
        raise errors.ProviderRefused(result.message or "The provider refused the capture", code=result.decline_code or "provider_refused")
    payment.captured_amount += amount
    payment.status = PaymentStatus.CAPTURED
    payment.save(update_fields=["captured_amount", "status", "updated_at"])
    event = _event(payment, "capture", {"amount": amount, **_result_payload(result)}, dedup_key)
    ledger_post_payment_capture(
        payment_ref=payment.ref, provider=payment.provider, currency=payment.currency, amount=amount,
        unique_key=f"{payment.ref}:capture:{event.pk}",
    )
    return _refresh_into(original, payment)


@transaction.atomic
def payment_refund(*, payment: Payment, amount: int, reason: str, idempotency_key: str | None = None) -> Payment:
    """Refund ``amount`` of what was captured (the refunds' sum ≤ captured, else
    RefundExceedsCaptured). Status becomes ``partially_refunded`` or ``refunded``. Posts
    Dr buyer clearing / Cr cash to the ledger. Idempotent with ``idempotency_key``."""
    original = payment
    _check_amount(amount)
    payment = _locked(payment)
    dedup_key = _dedup(payment, "refund", idempotency_key)
    if dedup_key and PaymentEvent.objects.filter(dedup_key=dedup_key).exists():
        return _refresh_into(original, payment)
    if payment.status not in (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED):
        raise errors.InvalidPaymentState(f"Cannot refund a payment that is {payment.status}", code="payment_not_refundable")
    if payment.refunded_amount + amount > payment.captured_amount:
        raise errors.RefundExceedsCaptured(
            f"Refund of {amount} exceeds what remains captured: {payment.captured_amount - payment.refunded_amount} {payment.currency}"
        )
    result = get_provider(payment.provider).refund(
        reference=payment.provider_reference, amount=amount, idempotency_key=dedup_key or ""
    )
    if result.status != ResultStatus.SUCCEEDED:
        raise errors.ProviderRefused(result.message or "The provider refused the refund", code=result.decline_code or "provider_refused")
    payment.refunded_amount += amount
    payment.status = (
        PaymentStatus.REFUNDED if payment.refunded_amount == payment.captured_amount else PaymentStatus.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    event = _event(payment, "refund", {"amount": amount, "reason": reason, **_result_payload(result)}, dedup_key)
    ledger_post_payment_refund(
        payment_ref=payment.ref, provider=payment.provider, currency=payment.currency, amount=amount,
        unique_key=f"{payment.ref}:refund:{event.pk}",
    )
    return _refresh_into(original, payment)


@transaction.atomic
def payment_cancel(*, payment: Payment) -> Payment:
    """Release an uncaptured authorization (status authorized or pending → cancelled).
    Cancelling a cancelled payment returns it unchanged; a captured one must be refunded."""
    original = payment
    payment = _locked(payment)
    if payment.status == PaymentStatus.CANCELLED:
        return _refresh_into(original, payment)
    if payment.status not in (PaymentStatus.AUTHORIZED, PaymentStatus.PENDING):
        raise errors.InvalidPaymentState(f"Cannot cancel a payment that is {payment.status}", code="payment_not_cancellable")
    result = get_provider(payment.provider).cancel(reference=payment.provider_reference)
    if result.status != ResultStatus.SUCCEEDED:
        raise errors.ProviderRefused(result.message or "The provider refused the cancellation", code=result.decline_code or "provider_refused")
    payment.status = PaymentStatus.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    _event(payment, "cancel", _result_payload(result))
    return _refresh_into(original, payment)


# --- webhooks --------------------------------------------------------------------------------

@transaction.atomic
def payment_handle_webhook(*, provider: str, body: bytes, headers: Mapping[str, str]) -> Payment:
    """Verify a provider's webhook (signature, timestamp) and apply it to its Payment.

    ``charge.authorized`` / ``charge.declined`` / ``charge.failed`` settle a ``pending`` payment;
    any other event, or an event for a payment no longer pending, is recorded and changes
    nothing. A repeated event (same id) is a no-op. Registered status callbacks are called when
    the status changes. Raises WebhookError subclasses (400), UnknownProvider or
    PaymentNotFound (404)."""
    gateway = get_provider(provider)
    event = gateway.verify_webhook(body=body, headers=headers)
    payment = Payment.objects.select_for_update().filter(provider=provider, provider_reference=event.reference).first()
    if payment is None:
        raise errors.PaymentNotFound(f"No {provider} payment with reference {event.reference!r}")
    dedup_key = f"webhook:{provider}:{event.id}"
    if PaymentEvent.objects.filter(dedup_key=dedup_key).exists():
        return payment
    previous = payment.status
    new_status = _WEBHOOK_TO_STATUS.get(event.type)
    applied = new_status is not None and previous == PaymentStatus.PENDING
    if applied:
        payment.status = new_status
        payment.decline_code = event.decline_code if new_status != PaymentStatus.AUTHORIZED else ""
        payment.save(update_fields=["status", "decline_code", "updated_at"])
    _event(payment, f"webhook:{event.type}", {"id": event.id, "created": event.created, "applied": applied, **event.data}, dedup_key)
    if applied:
        for callback in tuple(_status_callbacks):
            callback(payment, previous)
    return payment


def payments_test_provider_settle(*, reference: str, outcome: str = "authorized", post_url: str | None = None) -> Payment | int:
    """Settle a pending test-provider charge as the card issuer would, then deliver the signed
    webhook through the real path: in-process through ``payment_handle_webhook`` (returns the
    Payment), or, with ``post_url``, as an HTTP POST to the webhook URL (returns the HTTP status).
    outcome: "authorized", "declined" or "failed"."""
    gateway = get_provider("test")
    try:
        body, headers = gateway.settle(reference=reference, outcome=outcome)
    except LookupError:
        raise errors.PaymentNotFound(f"No test charge {reference!r}") from None
    except ValueError as exc:
        raise errors.PaymentError(str(exc), code="invalid_outcome") from None
    if post_url:
        import urllib.request

        request = urllib.request.Request(post_url, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (operator-given URL)
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
    return payment_handle_webhook(provider="test", body=body, headers=headers)
