import json
import time

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from comptoir.ledger.models import Account, AccountKind
from comptoir.ledger.selectors import account_balance
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.payments import errors
from comptoir.payments.models import Payment, PaymentEvent, PaymentStatus
from comptoir.payments.providers import get_provider
from comptoir.payments.selectors import payment_get, payments_for_order
from comptoir.payments.services import (
    card_validate,
    payment_attempt_record,
    payment_authorize,
    payment_provider_authorize,
    payment_record_answer,
    payment_cancel,
    payment_capture,
    payment_handle_webhook,
    payment_refund,
    payments_test_provider_settle,
)
from comptoir.payments.tests.gateway import charges
from comptoir.payments.webhooks import sign

pytestmark = pytest.mark.django_db

SUCCESS = "4242 4242 4242 4242"


def authorize(number=SUCCESS, key="order:1:pay", amount=5000, **kw):
    params = dict(order_ref="order:1", amount=amount, currency="EUR", card_number=number, card_expiry="12/39", card_cvc="123", idempotency_key=key)
    params.update(kw)
    return payment_authorize(**params)


def cash_balance():
    account = Account.objects.filter(kind=AccountKind.CASH, owner_type="provider", owner_id="test", currency="EUR").first()
    return account_balance(account) if account else 0


def test_authorize_success_keeps_only_brand_and_last4():
    payment = authorize()
    assert payment.status == PaymentStatus.AUTHORIZED
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    assert payment.provider == "test"
    assert payment.provider_reference.startswith("tp_ch_")
    stored = json.dumps(list(Payment.objects.values()), default=str) + json.dumps(list(PaymentEvent.objects.values("payload")))
    stored += json.dumps([c.__repr__() for c in charges()])
    assert "4242424242424242" not in stored
    assert [e.kind for e in payment.events.all()] == ["created", "authorize"]


def test_authorize_generic_decline():
    payment = authorize("4000000000000002")
    assert (payment.status, payment.decline_code) == (PaymentStatus.DECLINED, "card_declined")


def test_authorize_insufficient_funds():
    payment = authorize("4000000000009995")
    assert (payment.status, payment.decline_code) == (PaymentStatus.DECLINED, "insufficient_funds")


def test_authorize_refuses_a_card_failing_luhn_and_writes_nothing():
    with pytest.raises(errors.InvalidCard) as exc:
        authorize("4242424242424241")
    assert (exc.value.code, exc.value.field) == ("invalid_card", "number")
    assert Payment.objects.count() == 0
    assert len(charges()) == 0


def test_authorize_refuses_an_expired_card():
    with pytest.raises(errors.CardExpired) as exc:
        authorize(card_expiry="01/20")
    assert exc.value.code == "expired_card"
    assert Payment.objects.count() == 0


def test_authorize_refuses_a_bad_cvc_and_a_bad_expiry():
    with pytest.raises(errors.InvalidCard) as exc:
        authorize(card_cvc="12")
    assert exc.value.code == "invalid_cvc"
    with pytest.raises(errors.InvalidCard) as exc:
        authorize(card_expiry="13/30")
    assert exc.value.code == "invalid_expiry"


def test_authorize_is_idempotent_on_key():
    first = authorize()
    again = authorize()
    assert again.pk == first.pk
    assert Payment.objects.count() == 1
    assert len(charges()) == 1


def test_authorize_refuses_a_key_reused_for_another_amount():
    authorize()
    with pytest.raises(errors.IdempotencyKeyReused):
        authorize(amount=5001)


def test_authorize_refuses_an_unknown_provider():
    with pytest.raises(errors.UnknownProvider):
        authorize(provider="nope")


def test_capture_full_posts_cash_to_the_ledger():
    payment = payment_capture(payment=authorize(), amount=5000)
    assert (payment.status, payment.captured_amount) == (PaymentStatus.CAPTURED, 5000)
    assert charges()[0].captured == 5000
    assert cash_balance() == 5000
    assert_ledger_balanced()


def test_partial_captures_then_over_capture_refused():
    payment = authorize()
    payment_capture(payment=payment, amount=3000)
    payment_capture(payment=payment, amount=1500)
    with pytest.raises(errors.CaptureExceedsAuthorized):
        payment_capture(payment=payment, amount=501)
    payment.refresh_from_db()
    assert payment.captured_amount == 4500
    assert cash_balance() == 4500
    assert_ledger_balanced()


def test_double_capture_with_the_same_key_captures_once():
    payment = authorize()
    payment_capture(payment=payment, amount=5000, idempotency_key="cap-1")
    again = payment_capture(payment=payment, amount=5000, idempotency_key="cap-1")
    assert again.captured_amount == 5000
    assert cash_balance() == 5000
    assert PaymentEvent.objects.filter(kind="capture").count() == 1


def test_double_capture_without_a_key_is_refused():
    payment = authorize()
    payment_capture(payment=payment, amount=5000)
    with pytest.raises(errors.CaptureExceedsAuthorized):
        payment_capture(payment=payment, amount=5000)
    assert cash_balance() == 5000


def test_capture_of_a_declined_payment_is_refused():
    payment = authorize("4000000000000002")
    with pytest.raises(errors.InvalidPaymentState) as exc:
        payment_capture(payment=payment, amount=100)
    assert exc.value.code == "payment_not_capturable"


def test_partial_refund():
    payment = payment_capture(payment=authorize(), amount=5000)
    payment = payment_refund(payment=payment, amount=1200, reason="one item returned")
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PARTIALLY_REFUNDED, 1200)
    assert charges()[0].refunded == 1200
    assert cash_balance() == 3800
    assert payment.events.get(kind="refund").payload["reason"] == "one item returned"
    assert_ledger_balanced()


def test_full_refund_then_any_further_refund_refused():
    payment = payment_capture(payment=authorize(), amount=4000)
    payment_refund(payment=payment, amount=1000, reason="a")
    payment = payment_refund(payment=payment, amount=3000, reason="b")
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.REFUNDED, 4000)
    with pytest.raises(errors.InvalidPaymentState):
        payment_refund(payment=payment, amount=1, reason="c")
    assert cash_balance() == 0
    assert_ledger_balanced()


def test_refund_beyond_captured_is_refused():
    payment = payment_capture(payment=authorize(), amount=2000)
    with pytest.raises(errors.RefundExceedsCaptured):
        payment_refund(payment=payment, amount=2001, reason="too much")
    payment.refresh_from_db()
    assert payment.refunded_amount == 0


def test_cancel_an_authorization():
    payment = payment_cancel(payment=authorize())
    assert payment.status == PaymentStatus.CANCELLED
    assert charges()[0].status == "cancelled"
    assert payment_cancel(payment=payment).status == PaymentStatus.CANCELLED  # again: unchanged


def test_cancel_a_captured_payment_is_refused():
    payment = payment_capture(payment=authorize(), amount=100)
    with pytest.raises(errors.InvalidPaymentState) as exc:
        payment_cancel(payment=payment)
    assert exc.value.code == "payment_not_cancellable"


def settle(payment, outcome):
    """The issuer decides a pending charge; its signed webhook is applied in-process."""
    body, headers = payments_test_provider_settle(reference=payment.provider_reference, outcome=outcome)
    return payment_handle_webhook(provider="test", body=body, headers=headers)


def test_async_card_is_pending_until_the_webhook_confirms_it():
    payment = authorize("4000000000003220")
    assert payment.status == PaymentStatus.PENDING
    with pytest.raises(errors.InvalidPaymentState):
        payment_capture(payment=payment, amount=100)
    outcome = settle(payment, "authorized")
    assert (outcome.payment.pk, outcome.previous_status, outcome.applied) == (payment.pk, "pending", True)
    assert outcome.payment.status == PaymentStatus.AUTHORIZED
    assert payment_capture(payment=outcome.payment, amount=5000).status == PaymentStatus.CAPTURED
    assert_ledger_balanced()


def test_async_card_declined_by_webhook():
    payment = authorize("4000000000003220")
    settled = settle(payment, "declined").payment
    assert (settled.status, settled.decline_code) == (PaymentStatus.DECLINED, "card_declined")


def test_a_repeated_webhook_is_applied_once():
    payment = authorize("4000000000003220")
    body, headers = get_provider("test").settle(reference=payment.provider_reference, outcome="authorized")
    first = payment_handle_webhook(provider="test", body=body, headers=headers)
    again = payment_handle_webhook(provider="test", body=body, headers=headers)
    assert (first.applied, again.applied) == (True, False)
    assert again.payment.status == PaymentStatus.AUTHORIZED
    assert PaymentEvent.objects.filter(kind="webhook:charge.authorized").count() == 1


def test_webhook_with_a_bad_signature_is_refused():
    payment = authorize("4000000000003220")
    body, headers = get_provider("test").settle(reference=payment.provider_reference, outcome="authorized")
    tampered = body.replace(b"authorized", b"declined")
    with pytest.raises(errors.WebhookSignatureInvalid):
        payment_handle_webhook(provider="test", body=tampered, headers=headers)
    with pytest.raises(errors.WebhookSignatureInvalid):
        payment_handle_webhook(provider="test", body=body, headers=sign(body, "wrong-secret"))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_webhook_with_an_old_timestamp_is_refused():
    payment = authorize("4000000000003220")
    gateway = get_provider("test")
    body, headers = gateway.build_webhook(event_type="charge.authorized", charge=charges()[0], timestamp=int(time.time()) - 301)
    with pytest.raises(errors.WebhookTimestampOutOfTolerance):
        payment_handle_webhook(provider="test", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_selectors_find_payments():
    payment = authorize()
    assert payment_get(payment_id=payment.pk).pk == payment.pk
    assert payment_get(idempotency_key="order:1:pay").pk == payment.pk
    assert payment_get(provider="test", provider_reference=payment.provider_reference).pk == payment.pk
    assert [p.pk for p in payments_for_order("order:1")] == [payment.pk]
    with pytest.raises(errors.PaymentNotFound):
        payment_get(payment_id=payment.pk + 1)


def test_database_refuses_a_capture_above_the_authorized_amount():
    payment = authorize()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(captured_amount=5001)


# --- the attempt first, the provider outside any transaction -----------------------------------

class Unreachable:
    """A gateway whose network is down (what ``authorize`` raises is the HTTP client's error)."""

    name = "unreachable"

    def __init__(self, **_config):
        pass

    def authorize(self, **_request):
        raise ConnectionResetError("connection reset by peer")


def test_the_attempt_is_recorded_before_the_provider_is_asked(monkeypatch, settings):
    from comptoir.payments import providers

    monkeypatch.setitem(providers.PROVIDERS, "unreachable", Unreachable)
    with pytest.raises(errors.ProviderUnavailable):
        authorize(provider="unreachable", key="order:5:pay", amount=1234)
    payment = Payment.objects.get()
    assert (payment.status, payment.idempotency_key, payment.amount, payment.provider) == ("initiated", "order:5:pay", 1234, "unreachable")
    assert list(payment.events.values_list("kind", flat=True)) == ["authorize_error"]


def test_a_retry_with_the_key_resumes_an_initiated_attempt():
    first, created = payment_attempt_record(
        order_ref="order:6", amount=700, currency="EUR", idempotency_key="order:6:pay", card=card_validate(number=SUCCESS, expiry="12/39", cvc="123"),
    )
    assert (created, first.status) == (True, PaymentStatus.INITIATED)
    resumed = authorize(key="order:6:pay", order_ref="order:6", amount=700)
    assert (resumed.pk, resumed.status) == (first.pk, PaymentStatus.AUTHORIZED)
    assert [(c.idempotency_key, c.status) for c in charges()] == [(first.provider_key, "authorized")]


def test_the_provider_is_never_called_inside_a_transaction():
    with pytest.raises(errors.PaymentError) as caught, transaction.atomic():
        authorize(key="order:7:pay")
    assert caught.value.code == "payment_in_transaction"
    assert charges() == []


@pytest.mark.django_db(transaction=True)  # real commits and rollbacks, as in production
def test_an_authorization_survives_our_rollback_and_is_recorded_before_it():
    card = card_validate(number=SUCCESS, expiry="12/39", cvc="123")
    payment, _created = payment_attempt_record(order_ref="order:8", amount=900, currency="EUR", idempotency_key="order:8:pay", card=card)
    result = payment_provider_authorize(payment, card)
    with pytest.raises(RuntimeError), transaction.atomic():
        payment_record_answer(payment, result)
        raise RuntimeError("the order's transaction failed")
    assert Payment.objects.get().status == PaymentStatus.INITIATED  # the attempt was committed on its own
    assert [(c.reference, c.status, c.amount) for c in charges()] == [(result.reference, "authorized", 900)]  # the gateway kept it


def test_cancel_of_an_attempt_whose_answer_was_never_recorded_finds_the_charge_by_key():
    card = card_validate(number=SUCCESS, expiry="12/39", cvc="123")
    payment, _created = payment_attempt_record(order_ref="order:9", amount=900, currency="EUR", idempotency_key="order:9:pay", card=card)
    payment_provider_authorize(payment, card)  # our process "died" before writing the answer
    cancelled = payment_cancel(payment=payment)
    assert (cancelled.status, cancelled.provider_reference) == (PaymentStatus.CANCELLED, charges()[0].reference)
    assert [c.status for c in charges()] == ["cancelled"]
    assert list(cancelled.events.values_list("kind", flat=True)) == ["cancel_requested", "cancel"]


def test_an_answer_arriving_after_the_attempt_was_voided_is_refused():
    card = card_validate(number=SUCCESS, expiry="12/39", cvc="123")
    payment, _created = payment_attempt_record(order_ref="order:10", amount=900, currency="EUR", idempotency_key="order:10:pay", card=card)
    result = payment_provider_authorize(payment, card)
    payment_cancel(payment=payment)
    with pytest.raises(errors.PaymentAbandoned):
        payment_record_answer(payment, result)
    assert Payment.objects.get().status == PaymentStatus.CANCELLED


def test_the_test_provider_answers_a_known_key_with_the_same_charge():
    from comptoir.payments.providers import CardDetails

    gateway = get_provider("test")
    card = CardDetails(number="4242424242424242", exp_month=12, exp_year=2039, cvc="123")
    first = gateway.authorize(amount=700, currency="EUR", card=card, idempotency_key="k-1", metadata={})
    again = gateway.authorize(amount=700, currency="EUR", card=card, idempotency_key="k-1", metadata={})
    declined = gateway.authorize(
        amount=700, currency="EUR", card=CardDetails(number="4000000000000002", exp_month=12, exp_year=2039, cvc="123"),
        idempotency_key="k-2", metadata={},
    )
    assert (again.reference, again.status) == (first.reference, "authorized")
    assert (declined.status, declined.decline_code) == ("declined", "card_declined")
    assert [(c.idempotency_key, c.status, c.amount, c.card_last4) for c in charges()] == [
        ("k-1", "authorized", 700, "4242"),
        ("k-2", "declined", 700, "0002"),
    ]
    assert gateway.find(idempotency_key="k-1").reference == first.reference
    assert gateway.find(idempotency_key="k-3") is None
