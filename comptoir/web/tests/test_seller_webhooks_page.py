"""The seller centre's webhooks page: add (HTTPS only, specific errors, nothing written on error),
the log with each attempt, resend; another seller and staff are refused."""
import pytest
from django.test import Client

from comptoir.orders.tests import factories as f
from comptoir.sellers.models import DeliveryState, SellerMember, WebhookDelivery, WebhookEndpoint
from comptoir.sellers.webhooks import webhook_emit, webhook_endpoint_create

pytestmark = pytest.mark.django_db


def signed_in(user, language="en") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


@pytest.fixture
def sellers():
    f.market("FR")
    a, b = f.seller("Atelier A"), f.seller("Boutique B")
    owner_a, staff_a, owner_b = f.user("owner@a.fr"), f.user("staff@a.fr"), f.user("owner@b.fr")
    SellerMember.objects.create(user=owner_a, seller=a, role="owner")
    SellerMember.objects.create(user=staff_a, seller=a, role="staff")
    SellerMember.objects.create(user=owner_b, seller=b, role="owner")
    return a, b, owner_a, staff_a, owner_b


def test_plain_http_url_is_refused_with_its_message_and_nothing_written(sellers, settings):
    settings.SELLER_WEBHOOKS_ALLOW_HTTP_LOOPBACK = False
    _a, _b, owner_a, _s, _ob = sellers
    r = signed_in(owner_a).post("/seller/webhooks/", {"url": "http://8.8.8.8/hook", "events": ["order.created"]})
    assert r.status_code == 200
    assert "Webhook addresses must use HTTPS (https://…)." in r.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_private_address_is_refused(sellers):
    _a, _b, owner_a, _s, _ob = sellers
    r = signed_in(owner_a).post("/seller/webhooks/", {"url": "https://192.168.1.20/hook", "events": ["order.created"]})
    assert "192.168.1.20 resolves to a private or local network address" in r.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_owner_adds_an_endpoint_and_sees_its_deliveries_only(sellers, django_capture_on_commit_callbacks):
    a, b, owner_a, _s, owner_b = sellers
    r = signed_in(owner_a).post("/seller/webhooks/", {"url": "https://8.8.8.8/hook", "events": ["order.created", "payout.paid"]})
    assert r.status_code == 302
    endpoint = WebhookEndpoint.objects.get(seller=a)
    assert endpoint.events == ["order.created", "payout.paid"]
    other = webhook_endpoint_create(seller=b, url="https://8.8.4.4/b-hook", events=["payout.paid"])
    [delivery] = webhook_emit(seller_id=b.pk, event="payout.paid", data={})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED)
    html = signed_in(owner_a).get("/seller/webhooks/").content.decode()
    assert "https://8.8.8.8/hook" in html and "b-hook" not in html and other.secret not in html
    # seller A cannot resend nor remove B's
    signed_in(owner_a).post(f"/seller/webhooks/deliveries/{delivery.pk}/resend/")
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == DeliveryState.FAILED
    signed_in(owner_a).post(f"/seller/webhooks/{other.pk}/remove/")
    assert WebhookEndpoint.objects.get(pk=other.pk).disabled_at is None


def test_staff_cannot_open_the_webhooks_page(sellers):
    _a, _b, _oa, staff_a, _ob = sellers
    assert signed_in(staff_a).get("/seller/webhooks/").status_code == 403
    assert signed_in(staff_a).post("/seller/webhooks/", {"url": "https://8.8.8.8/x", "events": ["order.created"]}).status_code == 403
