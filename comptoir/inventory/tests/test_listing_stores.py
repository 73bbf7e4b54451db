"""Store shelves in the listing: "in store" distance, the in-a-store-near-me filter, and stores
that are not open listing nothing."""
import pytest

from comptoir.catalog.tests.factories import make_city, make_location, make_market, make_offer, make_product, make_seller
from comptoir.inventory.errors import InvalidListingQuery
from comptoir.inventory.listing.read import ListingFilters, product_listing
from comptoir.inventory.listing.refresh import listing_refresh, listing_refresh_all
from comptoir.inventory.models import LocationStatus, OfferPoint, StockLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    es = make_market("ES")
    madrid = make_city("Madrid", 40.4168, -3.7038, country="ES")
    getafe = make_city("Getafe", 40.3057, -3.7329, country="ES")
    sevilla = make_city("Sevilla", 37.3886, -5.9823, country="ES")
    seller = make_seller("Calzados Triana", country="ES", city=sevilla)
    warehouse = make_location(seller, sevilla)
    store = make_location(None, getafe, name="Comptoir Getafe", kind="store")
    shoes = make_product(texts={"en": ("Running shoes", "")})
    kettle = make_product(texts={"en": ("Kettle", "")})
    shoes_offer = make_offer(seller, shoes, warehouse, net_price=5000, stock=4)
    StockLevel.objects.create(offer=shoes_offer, location=store, on_hand=2)  # consigned to the store
    make_offer(seller, kettle, warehouse, net_price=2000, stock=3)
    listing_refresh([shoes.pk, kettle.pk])
    return {"es": es, "madrid": madrid, "sevilla": sevilla, "store": store, "shoes": shoes, "kettle": kettle}


def _listing(world, **filters):
    return product_listing(market=world["es"], language="en", buyer_city=world["madrid"], sort="newest",
                           filters=ListingFilters(**filters))


def test_cards_give_the_nearest_store_with_units(world):
    items = {item.product_id: item for item in _listing(world).items}
    assert items[world["shoes"].pk].nearest_store_km == 12.6
    assert items[world["shoes"].pk].nearest_km == 12.6  # the store's shelf is the nearest stock
    assert items[world["kettle"].pk].nearest_store_km is None
    assert items[world["kettle"].pk].nearest_km == 390.2


def test_in_a_store_near_me_filter(world):
    assert [i.product_id for i in _listing(world, in_store_km=25).items] == [world["shoes"].pk]
    assert [i.product_id for i in _listing(world, in_store_km=10).items] == []


def test_the_filter_needs_a_city_and_a_sane_distance(world):
    with pytest.raises(InvalidListingQuery, match="Choose a city to see what is in a store near you"):
        product_listing(market=world["es"], language="en", filters=ListingFilters(in_store_km=25))
    with pytest.raises(InvalidListingQuery) as exc:
        _listing(world, in_store_km=0)
    assert exc.value.field == "in_store_km"


@pytest.mark.parametrize("status", [LocationStatus.CLOSED, LocationStatus.PLANNED])
def test_a_store_that_is_not_open_lists_nothing(world, status):
    world["store"].status = status
    world["store"].save()
    listing_refresh([world["shoes"].pk])
    assert list(OfferPoint.objects.filter(product=world["shoes"]).values_list("location_kind", flat=True)) == ["warehouse"]
    assert _listing(world, in_store_km=25).items == ()
    listing_refresh_all()
    assert list(OfferPoint.objects.filter(product=world["shoes"]).values_list("location_kind", flat=True)) == ["warehouse"]


def test_full_rebuild_writes_the_location_kind_like_the_refresh(world):
    before = sorted(OfferPoint.objects.values_list("product_id", "location_id", "location_kind"))
    listing_refresh_all()
    assert sorted(OfferPoint.objects.values_list("product_id", "location_id", "location_kind")) == before
    assert [k for _p, _l, k in before].count("store") == 1
