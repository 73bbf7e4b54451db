"""The state-change services refuse what their rules forbid and leave nothing half-written."""
import pytest

from comptoir.catalog.tests.factories import make_city, make_location, make_market, make_offer, make_product, make_seller
from comptoir.inventory import services
from comptoir.inventory.errors import InvalidQuantity, StockBelowHeld
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import Offer, ProductListing, StockLevel
from comptoir.sellers.errors import IllegalTransition
from comptoir.sellers.models import Seller, SellerStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer():
    make_market("FR")
    lyon = make_city("Lyon")
    seller = make_seller("Lyon Shop", city=lyon)
    product = make_product(texts={"en": ("Kettle", "")})
    offer = make_offer(seller, product, make_location(seller, lyon), net_price=1000, stock=5, held=3)
    listing_refresh([product.pk])
    return offer


def test_stock_cannot_go_below_the_held_units(offer):
    level = offer.stock_levels.get()
    with pytest.raises(StockBelowHeld) as exc:
        services.stock_set(offer=offer, location=level.location, on_hand=2)
    assert (exc.value.code, exc.value.status, exc.value.field) == ("stock_below_held", 409, "on_hand")
    assert exc.value.message == "3 units are held for orders or reservations: on hand cannot go below that."
    assert StockLevel.objects.get(pk=level.pk).on_hand == 5


@pytest.mark.parametrize("value", [-1, 1_000_001, 2.5])
def test_stock_count_must_be_a_whole_number_in_range(offer, value):
    level = offer.stock_levels.get()
    with pytest.raises(InvalidQuantity):
        services.stock_set(offer=offer, location=level.location, on_hand=value)
    assert StockLevel.objects.get(pk=level.pk).on_hand == 5


def test_stock_set_to_the_held_units_unlists_the_offer(offer):
    level = offer.stock_levels.get()
    services.stock_set(offer=offer, location=level.location, on_hand=3)
    assert not ProductListing.objects.filter(product_id=offer.product_id).exists()


def test_seller_transitions_have_one_start_each(offer):
    seller = offer.seller
    with pytest.raises(IllegalTransition, match="from Approved to Approved"):
        services.seller_reinstate(seller=seller)
    with pytest.raises(IllegalTransition, match="from Approved to Approved"):
        services.seller_approve(seller=seller)
    services.seller_suspend(seller=seller)
    with pytest.raises(IllegalTransition, match="from Suspended to Approved"):
        services.seller_approve(seller=seller)  # a suspended seller is reinstated, not approved
    assert Seller.objects.get(pk=seller.pk).status == SellerStatus.SUSPENDED
    assert not ProductListing.objects.filter(product_id=offer.product_id).exists()


def test_bulk_pause_touches_only_the_given_sellers_offers(offer):
    other_seller = make_seller("Other", city=offer.seller.city)
    other = make_offer(other_seller, offer.product, make_location(other_seller, offer.seller.city), stock=2)
    changed = services.offers_active_set(offer_ids=[offer.pk, other.pk], active=False, seller=other_seller)
    assert changed == 1
    assert list(Offer.objects.order_by("pk").values_list("is_active", flat=True)) == [True, False]


def test_approval_gives_a_new_seller_its_first_warehouse_at_its_address():
    lyon = make_city("Lyon")
    seller = make_seller("New shop", city=lyon, status=SellerStatus.PENDING)
    seller.address = "3 rue de la République"
    seller.save()
    services.seller_approve(seller=seller)
    (warehouse,) = seller.locations.all()
    assert (warehouse.kind, warehouse.name, warehouse.address, warehouse.city_id, warehouse.latitude) == (
        "warehouse", "New shop", "3 rue de la République", lyon.pk, lyon.latitude)
    services.seller_suspend(seller=seller)
    services.seller_reinstate(seller=seller)
    assert seller.locations.count() == 1
