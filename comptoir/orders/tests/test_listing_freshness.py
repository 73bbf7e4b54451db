"""The storefront listing (catalog ProductListing/OfferPoint) follows available stock: placing an
order, cancelling it, a declined card and a received return refresh it after commit."""
import pytest

from comptoir.inventory.models import OfferPoint, ProductListing
from comptoir.inventory.listing.refresh import listing_refresh_all
from comptoir.inventory.listing.read import product_listing
from comptoir.orders.errors import PaymentDeclined
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_cancel,
    seller_order_deliver,
    seller_order_return_receive,
    seller_order_return_request,
    seller_order_ship,
)

from .helpers import DECLINED_CARD, place, shop


def _listed(market) -> list[tuple[int, int]]:
    """(product id, offer count) of every product on the French storefront, by product id."""
    page = product_listing(market=market, language="en", sort="newest", page_size=100)
    return sorted((item.product_id, item.offer_count) for item in page.items)


def _shop_listed():
    buyer, s1, s2, lamp, chair = shop()  # lamp: 5 units, chair: 3 units
    listing_refresh_all()
    from comptoir.markets.models import Market

    fr = Market.objects.get(code="FR")
    assert _listed(fr) == sorted([(lamp.product_id, 1), (chair.product_id, 1)])
    return buyer, s1, s2, lamp, chair, fr


@pytest.mark.django_db
def test_order_taking_the_last_units_unlists_the_product_and_cancelling_relists_it(django_capture_on_commit_callbacks):
    buyer, _s1, s2, lamp, chair, fr = _shop_listed()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = place(buyer, [(chair, 3), (lamp, 1)])
    # one refresh for all the products of the order, plus the confirmation email
    assert len(callbacks) == 2
    assert _listed(fr) == [(lamp.product_id, 1)]
    assert not OfferPoint.objects.filter(offer_id=chair.pk).exists()
    assert not ProductListing.objects.filter(product_id=chair.product_id).exists()

    chair_part = order.parts.get(seller=s2)
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(seller_order_id=chair_part.pk, buyer=buyer)
    assert _listed(fr) == sorted([(lamp.product_id, 1), (chair.product_id, 1)])
    assert OfferPoint.objects.get(offer_id=chair.pk).available == 3


@pytest.mark.django_db
def test_an_order_that_leaves_units_keeps_the_listing_without_a_refresh(django_capture_on_commit_callbacks):
    buyer, _s1, _s2, lamp, chair, fr = _shop_listed()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        place(buyer, [(chair, 2), (lamp, 4)])
    assert len(callbacks) == 1  # the confirmation email only
    assert _listed(fr) == sorted([(lamp.product_id, 1), (chair.product_id, 1)])


@pytest.mark.django_db
def test_nothing_is_refreshed_when_the_card_is_declined(django_capture_on_commit_callbacks):
    buyer, _s1, _s2, _lamp, chair, fr = _shop_listed()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PaymentDeclined):
        place(buyer, [(chair, 3)], card=DECLINED_CARD)
    assert callbacks == []
    assert OfferPoint.objects.get(offer_id=chair.pk).available == 3


@pytest.mark.django_db
def test_shipping_keeps_the_listing_and_a_received_return_relists_the_units(django_capture_on_commit_callbacks):
    buyer, _s1, s2, lamp, chair, fr = _shop_listed()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(chair, 3)])
    part = order.parts.get()
    with django_capture_on_commit_callbacks(execute=True) as shipped:
        seller_order_accept(seller_order_id=part.pk, seller=s2)
        seller_order_ship(seller_order_id=part.pk, seller=s2, carrier="La Poste", tracking_number="6A123")
        seller_order_deliver(seller_order_id=part.pk, seller=s2)
        seller_order_return_request(seller_order_id=part.pk, buyer=buyer, reason="too small")
    # consumed units were not available: no listing refresh, only the "shipped" email
    assert len(shipped) == 1
    assert _listed(fr) == [(lamp.product_id, 1)]
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_return_receive(seller_order_id=part.pk, seller=s2)
    assert _listed(fr) == sorted([(lamp.product_id, 1), (chair.product_id, 1)])
    assert OfferPoint.objects.get(offer_id=chair.pk).available == 3


@pytest.mark.django_db(transaction=True)
def test_real_commits_refresh_the_listing_after_the_transaction():
    """No captured callbacks: the refresh runs after the real COMMIT (on PostgreSQL through the
    advisory-lock path, outside any transaction)."""
    buyer, _s1, s2, lamp, chair, fr = _shop_listed()
    order = place(buyer, [(chair, 3)])
    assert _listed(fr) == [(lamp.product_id, 1)]
    seller_order_cancel(seller_order_id=order.parts.get().pk, seller=s2)
    assert _listed(fr) == sorted([(lamp.product_id, 1), (chair.product_id, 1)])
