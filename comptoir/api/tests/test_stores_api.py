"""GET /api/v1/stores and /api/v1/stores/{slug}/stock: public, paginated, only what buyers may see."""
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from comptoir.inventory.models import LocationStatus, StockLevel
from comptoir.inventory.services import offer_pause
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import StaffRole
from comptoir.stores.services import LineCount, UnitsLine
from comptoir.stores.tests import factories as sf

pytestmark = pytest.mark.django_db


@pytest.fixture
def stores(db):
    f.market("FR"), f.market("ES")
    madrid = sf.store("Madrid Centro")
    planned = sf.store("Paris Marais", city_name="Paris", status=LocationStatus.PLANNED)
    closed = sf.store("Old Sevilla", city_name="Sevilla", status=LocationStatus.CLOSED)
    return madrid, planned, closed


def stock(store, *, units=(3, 2)):
    manager = sf.staff(store, role=StaffRole.MANAGER)
    seller, user, wh, offers = sf.seller_with_stock("Atelier", stock=10)
    c = services.consignment_propose(seller=seller, store=store, warehouse=wh, lines=[UnitsLine(o.pk, q) for o, q in zip(offers, units)], user=user)
    services.consignment_accept(consignment=c, user=manager)
    services.consignment_ship(consignment=c, user=user)
    services.consignment_receive(consignment=c, user=manager, counts=[LineCount(x.pk, x.quantity) for x in c.lines.all()])
    return seller, offers


def test_store_list_has_open_and_planned_stores_with_hours_today(client, stores):
    madrid, planned, closed = stores
    extra = sf.store("Barcelona Born", city_name="Madrid", status=LocationStatus.PLANNED)
    body = client.get("/api/v1/stores", {"market": "es"}).json()
    assert body["count"] == 2 and [s["slug"] for s in body["items"]] == ["madrid-centro", "barcelona-born"]  # open first
    m = body["items"][0]
    assert (m["status"], m["market"], m["city"], m["address"], m["partner"]) == ("open", "ES", "Madrid", madrid.location.address, "")
    assert (m["latitude"], m["longitude"]) == (40.4168, -3.7038)
    local = timezone.now().astimezone(ZoneInfo("Europe/Madrid"))
    assert m["hours_today"] == ([] if local.weekday() == 6 else [{"opens": "10:00", "closes": "20:00"}])
    assert m["open_now"] == (local.weekday() != 6 and 10 <= local.hour < 20)
    assert body["items"][1]["hours_today"] == [] and body["items"][1]["open_now"] is False  # planned
    fr = client.get("/api/v1/stores", {"market": "FR"}).json()
    assert [s["slug"] for s in fr["items"]] == ["paris-marais"]
    page2 = client.get("/api/v1/stores", {"market": "ES", "page": 2, "page_size": 1}).json()
    assert (page2["count"], [s["slug"] for s in page2["items"]]) == (2, ["barcelona-born"])
    r = client.get("/api/v1/stores", {"market": "XX"})
    assert (r.status_code, r.json()["code"]) == (404, "market_not_found")
    assert client.get("/api/v1/stores", {"market": "ES", "page_size": 500}).status_code == 422
    assert client.get("/api/v1/stores").status_code == 422  # the market is required


def test_store_stock_lists_listable_shelf_units(client, stores):
    madrid, planned, closed = stores
    seller, (a, b) = stock(madrid)
    StockLevel.objects.filter(offer=b, location=madrid.location).update(held=1)
    body = client.get("/api/v1/stores/madrid-centro/stock").json()
    assert (body["store"], body["count"]) == ("madrid-centro", 2)
    units = {item["product_id"]: [(o["offer_id"], o["units"], o["net_price"], o["seller_name"]) for o in item["offers"]] for item in body["items"]}
    assert units == {a.product_id: [(a.pk, 3, 1000, "Atelier")], b.product_id: [(b.pk, 1, 1500, "Atelier")]}
    offer_pause(offer=a)  # a paused offer is not shown to buyers
    body = client.get("/api/v1/stores/madrid-centro/stock", {"page_size": 1}).json()
    assert (body["count"], [i["product_id"] for i in body["items"]]) == (1, [b.product_id])


def test_closed_and_unknown_stores_have_no_public_stock(client, stores):
    madrid, planned, closed = stores
    stock(madrid)
    services.store_close(store=madrid)
    for slug in ("old-sevilla", "madrid-centro", "nowhere"):
        r = client.get(f"/api/v1/stores/{slug}/stock")
        assert (r.status_code, r.json()["code"]) == (404, "store_not_found")
    assert client.get("/api/v1/stores/paris-marais/stock").json()["items"] == []  # planned: nothing for buyers yet


def test_stores_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/stores" in paths and "/api/v1/stores/{slug}/stock" in paths
