"""A change of what is listable, made through inventory's services from anywhere (not only the
admin), shows on category pages and in search at once."""
import pytest

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory import services
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import Offer
from comptoir.web.middleware import COOKIE_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(client):
    make_market("ES")
    sevilla = make_city("Sevilla", 37.3886, -5.9823, country="ES", population=684_234)
    madrid = make_city("Madrid", 40.4165, -3.7026, country="ES", population=3_255_944)
    shoes = make_category("shoes", names={"en": "Shoes", "es": "Zapatillas", "fr": "Chaussures"})
    triana = make_seller("Calzados Triana", country="ES", city=sevilla)
    running = make_seller("Madrid Running", country="ES", city=madrid)
    red = make_product(category=shoes, brand="Pistard", texts={"en": ("Red running shoes", ""), "es": ("Zapatillas rojas", "")})
    blue = make_product(category=shoes, brand="Stridea", texts={"en": ("Blue trail shoes", ""), "es": ("Zapatillas azules", "")})
    make_offer(triana, red, make_location(triana, sevilla), net_price=1000, stock=3)
    make_offer(running, blue, make_location(running, madrid), net_price=2000, stock=2)
    listing_refresh([red.pk, blue.pk])
    client.cookies[COOKIE_NAME] = f"ES:{sevilla.pk}"
    client.cookies["django_language"] = "en"
    return {"red": red, "blue": blue, "triana": triana, "running": running}


def _category_titles(client):
    return [card["title"] for card in client.get("/c/shoes/").context["cards"]]


def _search_titles(client, words="shoes"):
    return [card["title"] for card in client.get("/search", {"q": words}).context["cards"]]


def test_suspend_through_the_service_hides_the_sellers_products_from_category_and_search(client, shop):
    assert _category_titles(client) == ["Blue trail shoes", "Red running shoes"]
    assert _search_titles(client) == ["Blue trail shoes", "Red running shoes"]

    services.seller_suspend(seller=shop["triana"])

    assert _category_titles(client) == ["Blue trail shoes"]
    assert _search_titles(client) == ["Blue trail shoes"]
    assert client.get(f"/p/{shop['red'].pk}/").context["offers"] == []


def test_reinstate_lists_the_sellers_products_again(client, shop):
    services.seller_suspend(seller=shop["triana"])
    assert _category_titles(client) == ["Blue trail shoes"]
    services.seller_reinstate(seller=shop["triana"])
    assert _category_titles(client) == ["Blue trail shoes", "Red running shoes"]
    assert _search_titles(client, "red") == ["Red running shoes"]


def test_deactivating_a_product_removes_it_from_category_pages_and_search(client, shop):
    services.product_deactivate(product=shop["red"])
    assert _category_titles(client) == ["Blue trail shoes"]
    assert _search_titles(client) == ["Blue trail shoes"]
    services.product_activate(product=shop["red"])
    assert _category_titles(client) == ["Blue trail shoes", "Red running shoes"]
    assert _search_titles(client, "red") == ["Red running shoes"]


def test_pausing_an_offer_hides_it_and_resuming_shows_it(client, shop):
    offer = Offer.objects.get(product=shop["blue"])
    services.offer_pause(offer=offer)
    assert _category_titles(client) == ["Red running shoes"]
    services.offer_resume(offer=offer)
    assert _category_titles(client) == ["Blue trail shoes", "Red running shoes"]


def test_stock_set_to_zero_hides_and_back_shows(client, shop):
    offer = Offer.objects.get(product=shop["blue"])
    location = offer.stock_levels.get().location
    services.stock_set(offer=offer, location=location, on_hand=0)
    assert _category_titles(client) == ["Red running shoes"]
    services.stock_adjust(offer=offer, location=location, delta=4)
    assert _category_titles(client) == ["Blue trail shoes", "Red running shoes"]
    assert offer.stock_levels.get().on_hand == 4


def test_admin_deactivate_action_removes_the_product_from_category_pages(admin_client, client, shop):
    response = admin_client.post(
        "/admin/catalog/product/", {"action": "deactivate_products", "_selected_action": [shop["red"].pk]}, follow=True
    )
    assert "1 product deactivated." in response.text
    assert _category_titles(client) == ["Blue trail shoes"]


def test_admin_reinstate_action_lists_a_suspended_sellers_products(admin_client, client, shop):
    services.seller_suspend(seller=shop["running"])
    response = admin_client.post(
        "/admin/sellers/seller/", {"action": "reinstate_sellers", "_selected_action": [shop["running"].pk]}, follow=True
    )
    assert "1 seller reinstated." in response.text
    assert _category_titles(client) == ["Blue trail shoes", "Red running shoes"]
