"""Suspended means suspended: a suspended seller's API keys, members' tokens and pages can read
orders but cannot accept, ship or cancel them (tested per endpoint and per page action)."""
import pytest
from django.test import Client

from comptoir.api.auth import token_create
from comptoir.orders.models import SellerOrder, SellerOrderState as S
from comptoir.orders.services import seller_order_accept, seller_order_cancel
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place, shop
from comptoir.sellers.errors import SellerNotTrading
from comptoir.inventory.services import seller_suspend
from comptoir.sellers.services import apikey_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended_with_orders():
    """Seller s1 with one placed part and one accepted part, then suspended; its owner and a key."""
    buyer, s1, _s2, a, _b = shop()
    owner = f.user("owner@example.com")
    s1.members.create(user=owner, role="owner")
    placed = place(buyer, [(a, 1)]).parts.get()
    accepted = place(buyer, [(a, 1)]).parts.get()
    seller_order_accept(seller_order_id=accepted.pk, seller=s1)
    seller_suspend(seller=s1)
    _key, secret = apikey_create(seller=s1, name="ERP")
    return {"buyer": buyer, "seller": s1, "owner": owner, "placed": placed, "accepted": accepted, "secret": secret}


def _state(part) -> str:
    return SellerOrder.objects.get(pk=part.pk).state


def test_service_refuses_accept_by_a_suspended_seller(suspended_with_orders):
    d = suspended_with_orders
    with pytest.raises(SellerNotTrading) as exc:
        seller_order_accept(seller_order_id=d["placed"].pk, seller=d["seller"])
    assert exc.value.code == "seller_suspended" and exc.value.status == 403
    assert _state(d["placed"]) == S.PLACED


def test_buyer_may_still_cancel_a_suspended_sellers_order(suspended_with_orders):
    d = suspended_with_orders
    seller_order_cancel(seller_order_id=d["placed"].pk, buyer=d["buyer"])
    assert _state(d["placed"]) == S.CANCELLED


@pytest.mark.parametrize("credential", ["api_key", "member_token"])
@pytest.mark.parametrize(("action", "part_key", "payload", "state"), [
    ("accept", "placed", {}, S.PLACED),
    ("ship", "accepted", {"carrier": "Colissimo", "tracking_number": "6A1"}, S.ACCEPTED),
    ("cancel", "placed", {"reason": "out of stock"}, S.PLACED),
    ("cancel", "accepted", {"reason": "out of stock"}, S.ACCEPTED),
])
def test_api_refuses_order_actions_of_a_suspended_seller(suspended_with_orders, credential, action, part_key, payload, state):
    d = suspended_with_orders
    headers = {"HTTP_X_API_KEY": d["secret"]} if credential == "api_key" else {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=d['owner'])}"}
    part = d[part_key]
    r = Client().post(f"/api/v1/seller-orders/{part.number}/{action}", payload, content_type="application/json", **headers)
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "seller_suspended"
    assert _state(part) == state


@pytest.mark.parametrize("credential", ["api_key", "member_token"])
def test_api_still_lets_a_suspended_seller_read_its_orders(suspended_with_orders, credential):
    d = suspended_with_orders
    headers = {"HTTP_X_API_KEY": d["secret"]} if credential == "api_key" else {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=d['owner'])}"}
    r = Client().get("/api/v1/seller-orders", **headers)
    assert r.status_code == 200
    assert sorted(p["number"] for p in r.json()) == sorted([d["placed"].number, d["accepted"].number])
    one = Client().get(f"/api/v1/seller-orders/{d['placed'].number}", **headers)
    assert one.status_code == 200 and one.json()["state"] == "placed"


@pytest.mark.parametrize(("action", "part_key", "payload", "state"), [
    ("accept", "placed", {}, S.PLACED),
    ("ship", "accepted", {"carrier": "Colissimo", "tracking_number": "6A1"}, S.ACCEPTED),
    ("cancel", "placed", {}, S.PLACED),
])
def test_seller_orders_page_refuses_actions_of_a_suspended_seller(suspended_with_orders, action, part_key, payload, state):
    d = suspended_with_orders
    c = Client()
    c.force_login(d["owner"])
    part = d[part_key]
    r = c.post(f"/seller/orders/{part.number}/{action}/", payload, follow=True)
    assert r.status_code == 200
    assert "Your seller account is suspended: you can read your orders and balance" in r.content.decode()
    assert _state(part) == state


def test_seller_orders_page_shows_orders_without_action_buttons_when_suspended(suspended_with_orders):
    d = suspended_with_orders
    c = Client()
    c.force_login(d["owner"])
    html = c.get("/seller/orders/").content.decode()
    assert d["placed"].number in html and d["accepted"].number in html
    assert "is suspended: you can read its orders and balance" in html
    assert "/accept/" not in html and "/ship/" not in html and "/cancel/" not in html
