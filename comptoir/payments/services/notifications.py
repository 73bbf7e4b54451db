"""Provider webhooks and the test provider's settlement of pending charges.

Payments tells nobody: whoever receives a notification (the webhook view, the settle command, a
task) calls ``payment_handle_webhook``, then, when it returns ``applied``, the higher app's own
service (orders: ``order_payment_updated``).
"""
from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from .. import errors
from ..models import Payment, PaymentEvent, PaymentStatus
from ..providers import get_provider
from ..providers.test import TestProvider
from .common import event

_WEBHOOK_TO_STATUS = {
    "charge.authorized": PaymentStatus.AUTHORIZED,
    "charge.declined": PaymentStatus.DECLINED,
    "charge.failed": PaymentStatus.FAILED,
}


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    payment: Payment
    previous_status: str
    applied: bool  # the event changed the payment's status


@transaction.atomic
def payment_handle_webhook(*, provider: str, body: bytes, headers: Mapping[str, str]) -> WebhookOutcome:
    """Verify a provider's webhook (signature, timestamp) and apply it to its Payment.

    ``charge.authorized`` / ``charge.declined`` / ``charge.failed`` settle a ``pending`` payment;
    any other event, or an event for a payment no longer pending, is recorded and changes
    nothing. A repeated event (same id) is a no-op. Raises WebhookError subclasses (400),
    UnknownProvider or PaymentNotFound (404)."""
    gateway = get_provider(provider)
    notification = gateway.verify_webhook(body=body, headers=headers)
    payment = Payment.objects.select_for_update().filter(provider=provider, provider_reference=notification.reference).first()
    if payment is None:
        raise errors.PaymentNotFound(f"No {provider} payment with reference {notification.reference!r}")
    previous = payment.status
    dedup_key = f"webhook:{provider}:{notification.id}"
    if PaymentEvent.objects.filter(dedup_key=dedup_key).exists():
        return WebhookOutcome(payment, previous, False)
    new_status = _WEBHOOK_TO_STATUS.get(notification.type)
    applied = new_status is not None and previous == PaymentStatus.PENDING
    if applied:
        payment.status = new_status
        payment.decline_code = notification.decline_code if new_status != PaymentStatus.AUTHORIZED else ""
        payment.save(update_fields=["status", "decline_code", "updated_at"])
    payload = {"id": notification.id, "created": notification.created, "applied": applied, **notification.data}
    event(payment, f"webhook:{notification.type}", payload, dedup_key)
    return WebhookOutcome(payment, previous, applied)


def test_provider() -> TestProvider:
    return get_provider("test")


def payments_test_provider_settle(*, reference: str, outcome: str = "authorized") -> tuple[bytes, dict[str, str]]:
    """Settle a pending test-provider charge as the card issuer would; returns the signed webhook
    (body, headers) the provider sends, for the caller to deliver (``payment_handle_webhook``
    in-process, or ``webhook_post`` over HTTP). outcome: "authorized", "declined" or "failed"."""
    try:
        return test_provider().settle(reference=reference, outcome=outcome)
    except LookupError:
        raise errors.PaymentNotFound(f"No test charge {reference!r}") from None
    except ValueError as exc:
        raise errors.PaymentError(str(exc), code="invalid_outcome") from None


def webhook_post(*, url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POST a signed webhook to our own webhook URL, as the provider would; returns the HTTP status."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (operator-given URL)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


payments_test_provider_settle.__test__ = False
test_provider.__test__ = False
