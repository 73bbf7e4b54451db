"""Public store pages and the product page's "in store" line."""
import datetime as dt

import pytest

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import LocationStatus, OpeningHours, StockLevel
from comptoir.stores.models import Partner, Store
from comptoir.web.middleware import COOKIE_NAME

pytestmark = pytest.mark.django_db


def make_store(city, name, slug, *, market, partner=None, status=LocationStatus.OPEN, address="Calle Mayor 1", postcode="28001"):
    location = make_location(None, city, name=name, kind="store", status=status, address=address, postcode=postcode,
                             time_zone="Europe/Madrid")
    for weekday in range(6):
        OpeningHours.objects.create(location=location, weekday=weekday, opens=dt.time(10), closes=dt.time(20))
    return Store.objects.create(location=location, market=market, partner=partner, slug=slug)


@pytest.fixture
def shop(client):
    es = make_market("ES")
    madrid = make_city("Madrid", 40.4168, -3.7038, country="ES", population=3_255_944)
    getafe = make_city("Getafe", 40.3057, -3.7329, country="ES", population=180_000)
    sevilla = make_city("Sevilla", 37.3886, -5.9823, country="ES", population=684_234)
    partner = Partner.objects.create(legal_name="Tiendas Sol S.L.", country="ES", company_id="B12345678", iban="ES9121000418450200051332")
    getafe_store = make_store(getafe, "Comptoir Getafe", "getafe", market=es)
    sevilla_store = make_store(sevilla, "Comptoir Sevilla", "sevilla", market=es, partner=partner, address="Calle Sierpes 4", postcode="41004")
    closed = make_store(sevilla, "Comptoir Triana", "triana", market=es, status=LocationStatus.CLOSED)
    shoes = make_category("shoes", names={"en": "Shoes", "es": "Zapatillas"})
    seller = make_seller("Calzados Triana", country="ES", city=sevilla)
    red = make_product(category=shoes, texts={"en": ("Red running shoes", ""), "es": ("Zapatillas rojas", "")})
    offer = make_offer(seller, red, make_location(seller, sevilla), net_price=5000, stock=4)
    StockLevel.objects.create(offer=offer, location=getafe_store.location, on_hand=2)
    StockLevel.objects.create(offer=offer, location=closed.location, on_hand=5)
    listing_refresh([red.pk])
    client.cookies[COOKIE_NAME] = f"ES:{madrid.pk}"
    client.cookies["django_language"] = "en"
    return {"red": red, "getafe": getafe_store, "sevilla": sevilla_store, "closed": closed}


def test_store_list_shows_open_and_planned_stores_nearest_first(client, shop):
    response = client.get("/stores/")
    assert response.status_code == 200
    assert [s["card"].slug for s in response.context["stores"]] == ["getafe", "sevilla"]
    assert [s["distance"] for s in response.context["stores"]] == ["13\xa0km", "390\xa0km"]
    assert "Run by our partner Tiendas Sol S.L." in response.text
    assert "Comptoir Triana" not in response.text


def test_store_page_shows_address_hours_and_shelf(client, shop):
    response = client.get("/stores/getafe/")
    assert response.status_code == 200
    assert "Calle Mayor 1" in response.text
    assert len(response.context["week"]) == 7
    assert [(r["item"].title, r["item"].units, r["price"]) for r in response.context["shelf_rows"]] == [
        ("Red running shoes", 2, "60,50\xa0€")
    ]
    assert 'data-tiles=""' in response.text  # no tiles in tests: the address alone


def test_a_closed_or_unknown_store_is_not_found(client, shop):
    assert client.get("/stores/triana/").status_code == 404
    assert client.get("/stores/nowhere/").status_code == 404


def test_product_page_names_the_nearest_open_store_with_units(client, shop):
    response = client.get(f"/p/{shop['red'].pk}/")
    (row,) = response.context["offers"]
    assert (row["offer"].store_name, row["store_slug"], row["store_distance"]) == ("Comptoir Getafe", "getafe", "13\xa0km")
    assert "In store at Comptoir Getafe, 13\xa0km" in response.text
    assert 'href="/stores/getafe/"' in response.text
