import pytest

from comptoir.payments.models import Payment, PaymentStatus
from comptoir.payments.providers import get_provider
from comptoir.payments.services import payment_authorize, payments_test_provider_settle

URL = "/payments/webhooks/test/"


def pending_payment():
    return payment_authorize(
        order_ref="order:9", amount=2500, currency="EUR", card_number="4000000000003220",
        card_expiry="12/39", card_cvc="123", idempotency_key="order:9:pay",
    )


def post(client, body, headers, url=URL):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(url, data=body, content_type="application/json", **extra)


@pytest.mark.django_db
def test_signed_webhook_confirms_the_payment(client):
    payment = pending_payment()
    body, headers = get_provider("test").settle(reference=payment.provider_reference, outcome="authorized")
    response = post(client, body, headers)
    assert response.status_code == 200
    assert response.json() == {"payment": payment.pk, "status": "authorized"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.AUTHORIZED


@pytest.mark.django_db
def test_bad_signature_answers_400_with_a_code(client):
    payment = pending_payment()
    body, headers = get_provider("test").settle(reference=payment.provider_reference, outcome="authorized")
    response = post(client, body, {"Comptoir-Signature": headers["Comptoir-Signature"][:-4] + "0000"})
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_bad_signature"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.django_db
def test_missing_signature_answers_400(client):
    response = client.post(URL, data=b"{}", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_bad_signature"


@pytest.mark.django_db
def test_unknown_provider_answers_404(client):
    response = client.post("/payments/webhooks/acme/", data=b"{}", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_provider"


@pytest.mark.django_db
def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_settle_posts_the_webhook_over_http(live_server):
    payment = pending_payment()
    status = payments_test_provider_settle(
        reference=payment.provider_reference, outcome="authorized", post_url=live_server.url + URL
    )
    assert status == 200
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.AUTHORIZED
