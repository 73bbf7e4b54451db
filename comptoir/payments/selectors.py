"""Payment reads."""
from __future__ import annotations

from django.db.models import QuerySet

from .errors import PaymentNotFound
import datetime as dt

from .models import Payment, PaymentEvent, PaymentStatus


def payment_get(
    *, payment_id: int | None = None, idempotency_key: str | None = None,
    provider: str | None = None, provider_reference: str | None = None,
) -> Payment:
    """One payment by id, by idempotency key, or by (provider, provider_reference). PaymentNotFound otherwise."""
    qs = Payment.objects.all()
    if payment_id is not None:
        qs = qs.filter(pk=payment_id)
    elif idempotency_key is not None:
        qs = qs.filter(idempotency_key=idempotency_key)
    elif provider_reference is not None:
        qs = qs.filter(provider_reference=provider_reference)
        if provider:
            qs = qs.filter(provider=provider)
    else:
        raise PaymentNotFound("Give payment_id, idempotency_key or provider_reference")
    payment = qs.first()
    if payment is None:
        raise PaymentNotFound("No such payment")
    return payment


def payments_for_order(order_ref: str) -> QuerySet[Payment]:
    return Payment.objects.filter(order_ref=order_ref).order_by("id")


def payment_events(payment: Payment) -> QuerySet[PaymentEvent]:
    return payment.events.order_by("id")


UNSETTLED = (PaymentStatus.INITIATED, PaymentStatus.PENDING, PaymentStatus.AUTHORIZED, PaymentStatus.VOIDING)


def payments_unsettled_before(cutoff: dt.datetime) -> QuerySet[Payment]:
    """Payments still holding (or possibly holding) money at the provider without a capture,
    recorded before ``cutoff``: the candidates of reconciliation."""
    return Payment.objects.filter(status__in=UNSETTLED, created_at__lt=cutoff).order_by("id")
