"""Seller API: offers, stock and product proposals, each limited to the caller's sellers."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comptoir.api.auth import token_create
from comptoir.catalog.models import ProductProposal
from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_offer, make_product, make_seller
from comptoir.inventory.models import Offer, ProductListing, StockLevel
from comptoir.sellers.models import SellerMember, SellerStatus
from comptoir.sellers.services import apikey_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    make_market("FR")
    lyon = make_city("Lyon")
    a, b = make_seller("A", city=lyon), make_seller("B", city=lyon)
    a_wh, b_wh = make_location(a, lyon, name="A1"), make_location(b, lyon, name="B1")
    lamps = make_category("lamps")
    lamp = make_product(category=lamps, gtin="03017620422003")
    chair = make_product(category=lamps, gtin="04006381333931")
    _key, a_secret = apikey_create(seller=a, name="ERP")
    _key, b_secret = apikey_create(seller=b, name="ERP")
    return {"a": a, "b": b, "a_wh": a_wh, "b_wh": b_wh, "lamp": lamp, "chair": chair, "a_key": a_secret, "b_key": b_secret,
            "offer_a": make_offer(a, lamp, a_wh, net_price=2500, stock=4, held=1),
            "offer_b": make_offer(b, chair, b_wh, net_price=9900, stock=2)}


def api(key: str) -> Client:
    return Client(headers={"X-Api-Key": key})


def test_list_and_get_only_the_callers_offers(world):
    a = api(world["a_key"])
    body = a.get("/api/v1/seller-offers").json()
    assert body == [{"id": world["offer_a"].pk, "seller_id": world["a"].pk, "gtin": "03017620422003", "condition": "new",
                     "net_price": 2500, "currency": "EUR", "handling_days": 1, "is_active": True,
                     "stock": [{"location_id": world["a_wh"].pk, "on_hand": 4, "held": 1}]}]
    assert a.get(f"/api/v1/seller-offers/{world['offer_b'].pk}").status_code == 404
    assert a.get("/api/v1/seller-locations").json() == [{"id": world["a_wh"].pk, "name": "A1", "country": "FR"}]


def test_create_an_offer_by_gtin(world):
    response = api(world["b_key"]).post("/api/v1/seller-offers", {
        "gtin": "3017620422003", "net_price": 2300, "currency": "EUR", "handling_days": 2,
        "stock": [{"location_id": world["b_wh"].pk, "on_hand": 6}]}, content_type="application/json")
    assert response.status_code == 201
    offer = Offer.objects.get(seller=world["b"], product=world["lamp"])
    assert response.json()["id"] == offer.pk
    assert (offer.net_price, offer.handling_days, StockLevel.objects.get(offer=offer).on_hand) == (2300, 2, 6)
    assert ProductListing.objects.get(product=world["lamp"]).min_net_price == 2300


def test_bad_offers_get_specific_errors_and_write_nothing(world):
    b = api(world["b_key"])
    unknown = b.post("/api/v1/seller-offers", {"gtin": "3000000000007", "net_price": 100, "currency": "EUR"},
                     content_type="application/json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_gtin")
    foreign = b.post("/api/v1/seller-offers", {"gtin": "3017620422003", "net_price": 100, "currency": "EUR",
                                               "stock": [{"location_id": world["a_wh"].pk, "on_hand": 1}]},
                     content_type="application/json")
    assert (foreign.status_code, foreign.json()) == (400, {"code": "invalid_offer", "field": "stock",
                                                          "message": f"Location {world['a_wh'].pk} is not one of your stock locations."})
    negative = b.post("/api/v1/seller-offers", {"gtin": "3017620422003", "net_price": -5, "currency": "EUR"},
                      content_type="application/json")
    assert negative.status_code == 422
    twice = api(world["a_key"]).post("/api/v1/seller-offers", {"gtin": "3017620422003", "net_price": 100, "currency": "EUR"},
                                     content_type="application/json")
    assert (twice.status_code, twice.json()["code"]) == (409, "offer_exists")
    assert Offer.objects.count() == 2


def test_patch_price_and_pause_and_seller_b_cannot(world):
    offer = world["offer_a"]
    url = f"/api/v1/seller-offers/{offer.pk}"
    assert api(world["b_key"]).patch(url, {"net_price": 1}, content_type="application/json").status_code == 404
    body = api(world["a_key"]).patch(url, {"net_price": 2100, "is_active": False}, content_type="application/json").json()
    assert (body["net_price"], body["is_active"]) == (2100, False)
    assert ProductListing.objects.filter(product=world["lamp"]).count() == 0


def test_stock_put_is_all_or_nothing_and_respects_held(world):
    offer, url = world["offer_a"], f"/api/v1/seller-offers/{world['offer_a'].pk}/stock"
    a = api(world["a_key"])
    below = a.put(url, {"levels": [{"location_id": world["a_wh"].pk, "on_hand": 0}]}, content_type="application/json")
    assert (below.status_code, below.json()["code"]) == (409, "stock_below_held")
    foreign = a.put(url, {"levels": [{"location_id": world["a_wh"].pk, "on_hand": 9},
                                     {"location_id": world["b_wh"].pk, "on_hand": 9}]}, content_type="application/json")
    assert foreign.status_code == 404
    assert StockLevel.objects.get(offer=offer).on_hand == 4
    ok = a.put(url, {"levels": [{"location_id": world["a_wh"].pk, "on_hand": 9}]}, content_type="application/json")
    assert ok.json()["stock"] == [{"location_id": world["a_wh"].pk, "on_hand": 9, "held": 1}]
    assert api(world["b_key"]).put(url, {"levels": [{"location_id": world["b_wh"].pk, "on_hand": 1}]},
                                   content_type="application/json").status_code == 404


def test_proposals_by_api_and_isolation(world):
    payload = {"gtin": "3000000000007", "brand": "Lumen", "category": "lamps",
               "texts": {"fr": {"title": "Lampe", "description": "Acier"}}, "attributes": {"colour": "black"},
               "offer": {"gtin": "3000000000007", "net_price": 3950, "currency": "EUR", "handling_days": 2,
                         "stock": [{"location_id": world["a_wh"].pk, "on_hand": 6}]}}
    created = api(world["a_key"]).post("/api/v1/seller-proposals", payload, content_type="application/json")
    assert created.status_code == 201
    proposal = ProductProposal.objects.get()
    assert created.json() == {"id": proposal.pk, "seller_id": world["a"].pk, "gtin": "03000000000007", "brand": "Lumen",
                              "category": "lamps", "status": "pending", "reason": "", "product_gtin": None,
                              "texts": {"fr": {"title": "Lampe", "description": "Acier"}}, "attributes": {"colour": "black"},
                              "offer": {"net_price": 3950, "currency": "EUR", "condition": "new", "handling_days": 2,
                                        "stock": {str(world["a_wh"].pk): 6}}}
    again = api(world["a_key"]).post("/api/v1/seller-proposals", payload, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (400, "proposal_pending")
    assert api(world["b_key"]).get(f"/api/v1/seller-proposals/{proposal.pk}").status_code == 404
    assert api(world["b_key"]).get("/api/v1/seller-proposals").json() == []


def test_a_member_token_acts_for_its_sellers_only(world):
    user = get_user_model().objects.create_user(username="m", email="m@example.com", password="pw")
    SellerMember.objects.create(user=user, seller=world["a"])
    client = Client(headers={"Authorization": f"Bearer {token_create(user=user)}"})
    assert [o["id"] for o in client.get("/api/v1/seller-offers").json()] == [world["offer_a"].pk]
    assert client.get(f"/api/v1/seller-offers/{world['offer_b'].pk}").status_code == 404
    response = client.post("/api/v1/seller-offers", {"gtin": "4006381333931", "net_price": 500, "currency": "EUR",
                                                     "seller_id": world["b"].pk}, content_type="application/json")
    assert response.status_code == 404


def test_a_suspended_seller_reads_but_cannot_write(world):
    world["a"].status = SellerStatus.SUSPENDED
    world["a"].save()
    a = api(world["a_key"])
    response = a.patch(f"/api/v1/seller-offers/{world['offer_a'].pk}", {"net_price": 1}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "seller_suspended")
    assert len(a.get("/api/v1/seller-offers").json()) == 1


def test_the_openapi_document_lists_the_seller_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/seller-offers", "/api/v1/seller-offers/{offer_id}", "/api/v1/seller-offers/{offer_id}/stock",
            "/api/v1/seller-locations", "/api/v1/seller-proposals", "/api/v1/seller-proposals/{proposal_id}"} <= set(paths)


def test_calls_are_rate_limited_per_api_key(world, settings):
    settings.COMPTOIR_RATE_LIMITS = {**settings.COMPTOIR_RATE_LIMITS, "seller-api-key": "3/1m"}
    a, b = api(world["a_key"]), api(world["b_key"])
    assert [a.get("/api/v1/seller-offers").status_code for _ in range(3)] == [200, 200, 200]
    refused = a.get("/api/v1/seller-offers")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert b.get("/api/v1/seller-offers").status_code == 200  # another key has its own budget
