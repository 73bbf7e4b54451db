"""The Stripe provider, through the real ``stripe`` library, against Stripe faked at the HTTP
boundary (fake_stripe.py: recorded responses, Stripe's idempotency and states)."""
import time

import pytest

from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.payments import errors
from comptoir.payments.models import Payment, PaymentStatus
from comptoir.payments.services import (
    card_validate,
    payment_attempt_record,
    payment_authorize,
    payment_cancel,
    payment_capture,
    payment_provider_authorize,
    payment_refund,
)

from .fake_stripe import DECLINED_NUMBER, PENDING_NUMBER, FakeStripe

pytestmark = pytest.mark.django_db
SECRET = "whsec_fake_0123456789"


@pytest.fixture
def stripe_api(settings):
    with FakeStripe() as fake:
        settings.PAYMENT_PROVIDER = "stripe"
        settings.PAYMENT_PROVIDER_SETTINGS = {
            **settings.PAYMENT_PROVIDER_SETTINGS,
            "stripe": {"api_key": "sk_test_fake", "webhook_secret": SECRET, "api_base": fake.url, "max_network_retries": 0},
        }
        yield fake


def authorize(number="4242424242424242", key="order:1:pay", amount=5000):
    return payment_authorize(
        order_ref="C123", amount=amount, currency="EUR", card_number=number, card_expiry="12/39", card_cvc="123", idempotency_key=key,
    )


def test_an_authorization_is_a_manual_capture_payment_intent_sent_with_our_key(stripe_api):
    payment = authorize()
    assert (payment.status, payment.provider, payment.provider_reference) == (PaymentStatus.AUTHORIZED, "stripe", "pi_fake000001")
    method, path, form, key = stripe_api.requests[0]
    assert (method, path, key) == ("POST", "/v1/payment_intents", payment.provider_key)
    assert (form["amount"], form["currency"], form["capture_method"], form["confirm"]) == ("5000", "eur", "manual", "true")
    assert form["metadata[comptoir_key]"] == payment.provider_key and form["metadata[order_ref]"] == "C123"


def test_a_declined_card_is_recorded_with_stripes_decline_code(stripe_api):
    payment = authorize(DECLINED_NUMBER)
    assert (payment.status, payment.decline_code) == (PaymentStatus.DECLINED, "insufficient_funds")
    assert stripe_api.intents == {}


def test_asking_again_with_the_same_key_makes_one_intent(stripe_api):
    card = card_validate(number="4242424242424242", expiry="12/39", cvc="123")
    payment, _created = payment_attempt_record(order_ref="C9", amount=700, currency="EUR", idempotency_key="k9", card=card)
    first = payment_provider_authorize(payment, card)
    again = payment_provider_authorize(payment, card)  # a retry after our process died
    assert first.reference == again.reference and len(stripe_api.intents) == 1


def test_capture_refund_and_ledger(stripe_api):
    payment = payment_capture(payment=authorize(), amount=3000, idempotency_key="so:1")
    assert (payment.status, payment.captured_amount) == (PaymentStatus.CAPTURED, 3000)
    assert stripe_api.intents["pi_fake000001"]["amount_received"] == 3000
    assert stripe_api.requests[-1][1:4:2] == ("/v1/payment_intents/pi_fake000001/capture", f"capture:{payment.pk}:so:1")
    payment = payment_refund(payment=payment, amount=1000, reason="returned", idempotency_key="r1")
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.PARTIALLY_REFUNDED, 1000)
    assert stripe_api.requests[-1][1] == "/v1/refunds" and stripe_api.requests[-1][2]["amount"] == "1000"
    assert_ledger_balanced()


def test_cancel_voids_the_intent_and_a_later_capture_is_refused_by_stripe(stripe_api):
    payment = payment_cancel(payment=authorize())
    assert payment.status == PaymentStatus.CANCELLED
    assert stripe_api.intents["pi_fake000001"]["status"] == "canceled"
    assert payment_cancel(payment=payment).status == PaymentStatus.CANCELLED  # again: unchanged


def test_an_attempt_whose_answer_was_lost_is_found_by_our_key_and_voided(stripe_api):
    card = card_validate(number="4242424242424242", expiry="12/39", cvc="123")
    payment, _created = payment_attempt_record(order_ref="C10", amount=900, currency="EUR", idempotency_key="k10", card=card)
    payment_provider_authorize(payment, card)  # the process died before recording the answer
    cancelled = payment_cancel(payment=payment)
    assert (cancelled.status, cancelled.provider_reference) == (PaymentStatus.CANCELLED, "pi_fake000001")
    assert [r[1] for r in stripe_api.requests[1:]] == ["/v1/payment_intents/search", "/v1/payment_intents/pi_fake000001/cancel"]
    assert stripe_api.intents["pi_fake000001"]["status"] == "canceled"


def test_stripe_unreachable_leaves_the_attempt_initiated(settings):
    settings.PAYMENT_PROVIDER_SETTINGS = {
        **settings.PAYMENT_PROVIDER_SETTINGS,
        "stripe": {"api_key": "sk_test_fake", "webhook_secret": SECRET, "api_base": "http://127.0.0.1:9", "max_network_retries": 0},
    }
    with pytest.raises(errors.ProviderUnavailable):
        payment_authorize(order_ref="C1", amount=100, currency="EUR", card_number="4242424242424242", card_expiry="12/39",
                          card_cvc="123", idempotency_key="k1", provider="stripe")
    assert Payment.objects.get().status == PaymentStatus.INITIATED


# --- webhooks: the library's signature check ----------------------------------------------------

def post(client, body, headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post("/payments/webhooks/stripe/", data=body, content_type="application/json", **extra)


def test_a_signed_webhook_settles_a_pending_intent(stripe_api, client):
    payment = authorize(PENDING_NUMBER)
    assert payment.status == PaymentStatus.PENDING
    stripe_api.settle(payment.provider_reference, "requires_capture")
    body, headers = stripe_api.webhook(intent_id=payment.provider_reference, event_type="payment_intent.amount_capturable_updated", secret=SECRET)
    response = post(client, body, headers)
    assert (response.status_code, response.json()) == (200, {"payment": payment.pk, "status": "authorized"})


def test_a_failed_payment_webhook_declines_with_stripes_code(stripe_api, client):
    payment = authorize(PENDING_NUMBER)
    stripe_api.settle(payment.provider_reference, "requires_payment_method")
    body, headers = stripe_api.webhook(intent_id=payment.provider_reference, event_type="payment_intent.payment_failed", secret=SECRET)
    assert post(client, body, headers).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.decline_code) == (PaymentStatus.DECLINED, "generic_decline")


def test_a_webhook_with_a_wrong_signature_or_an_old_timestamp_is_refused(stripe_api, client):
    payment = authorize(PENDING_NUMBER)
    body, _headers = stripe_api.webhook(intent_id=payment.provider_reference, event_type="payment_intent.amount_capturable_updated", secret="whsec_other")
    response = post(client, body, _headers)
    assert (response.status_code, response.json()["code"]) == (400, "webhook_bad_signature")
    body, headers = stripe_api.webhook(
        intent_id=payment.provider_reference, event_type="payment_intent.amount_capturable_updated", secret=SECRET,
        timestamp=int(time.time()) - 301,
    )
    response = post(client, body, headers)
    assert (response.status_code, response.json()["code"]) == (400, "webhook_timestamp_out_of_tolerance")
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_an_order_paid_through_stripe_is_captured_when_the_seller_accepts(stripe_api):
    from comptoir.orders.services import seller_order_accept
    from comptoir.orders.tests.helpers import place, shop

    buyer, s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 2)])
    assert (order.payment_status, stripe_api.intents["pi_fake000001"]["amount"]) == ("authorized", order.total_gross)
    seller_order_accept(seller_order_id=order.parts.get().pk, seller=s1)
    assert stripe_api.intents["pi_fake000001"]["amount_received"] == order.total_gross
    assert Payment.objects.get(pk=order.payment_id).status == PaymentStatus.CAPTURED
    assert_ledger_balanced()
