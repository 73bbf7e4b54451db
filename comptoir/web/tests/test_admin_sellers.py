"""Approving or suspending a seller in the admin refreshes the storefront listing at once."""
import pytest

from comptoir.catalog.tests.factories import make_city, make_location, make_market, make_offer, make_product, make_seller
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.listing.read import product_listing

pytestmark = pytest.mark.django_db


def _listed_ids(market):
    return [card.product_id for card in product_listing(market=market, language="en").items]


def _action(client, action, seller):
    return client.post("/admin/sellers/seller/", {"action": action, "_selected_action": [seller.pk]}, follow=True)


def test_admin_approve_then_suspend_shows_then_hides_the_sellers_offers(admin_client):
    market = make_market("FR")
    lyon = make_city("Lyon")
    seller = make_seller("Pending shop", city=lyon, status="pending")
    product = make_product(texts={"en": ("Kettle", "")})
    make_offer(seller, product, make_location(seller, lyon), stock=3)
    listing_refresh([product.pk])
    assert _listed_ids(market) == []

    response = _action(admin_client, "approve_sellers", seller)
    assert "1 seller approved." in response.text
    assert _listed_ids(market) == [product.pk]

    response = _action(admin_client, "suspend_sellers", seller)
    assert "1 seller suspended." in response.text
    assert _listed_ids(market) == []
