"""Market analytics find the buyer's place by any of the city's names, in a constant number of queries."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.inventory.models import StockLocation
from comptoir.markets.models import City, CityName
from comptoir.orders.address import Address
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place
from comptoir.planning.analytics import market_weekly_stats, orders_by_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def munich_shop():
    """Munich as load_cities stores it (GeoNames' name "Munich", own name "München"), a Munich
    warehouse with stock, and a buyer."""
    f.market("DE")
    munich = City.objects.create(
        geonames_id=2867714, country="DE", name="Munich", local_name="München",
        names={"fr": "Munich", "es": "Múnich", "en": "Munich"}, ascii_name="Munich", search_name="munich",
        latitude=48.13743, longitude=11.57549, population=1_260_391,
    )
    CityName.objects.create(city=munich, country="DE", search_name="munchen", alternate=False)
    CityName.objects.create(city=munich, country="DE", search_name="monaco di baviera", alternate=True)
    seller = f.seller("Kontor Fischer", country="DE")
    warehouse = StockLocation.objects.create(
        kind="warehouse", seller=seller, name="Kontor Fischer — München", city=munich, country="DE",
        latitude=munich.latitude, longitude=munich.longitude,
    )
    offer = f.offer(seller, net_price=1000, stock=20, location_obj=warehouse)
    return {"munich": munich, "offer": offer, "buyer": f.user()}


def _order_to(shop, city: str, postcode: str = "80331"):
    address = Address(full_name="Lena Huber", line1="Marienplatz 8", postcode=postcode, city=city, country="DE", phone="+49 89 233 00")
    return place(shop["buyer"], [(shop["offer"], 1)], address=address)


def test_orders_typed_with_the_local_or_a_foreign_name_are_placed_in_munich(munich_shop):
    for typed in ("München", "MÜNCHEN", "Múnich", "Monaco di Baviera", "Atlantis"):
        _order_to(munich_shop, typed)
    # 4 of the 5 orders are in Munich ("Atlantis" is nowhere); no postcode is known, so the names decide
    assert orders_by_city("DE") == {munich_shop["munich"].pk: 4}
    [week] = market_weekly_stats(market_code="DE")
    gross = 1190  # 10.00 € + 19 % VAT per order
    assert (week.seller_orders, week.gmv_online) == (5, 5 * gross)
    assert (week.gmv_located, week.gmv_within_50km) == (4 * gross, 4 * gross)
    assert week.within_50km_share == 1.0
    assert week.mean_delivery_km == 0.0


def test_a_known_postcode_decides_before_the_name(munich_shop):
    City.objects.create(
        geonames_id=2_950_159, country="DE", name="Berlin", local_name="Berlin", ascii_name="Berlin", search_name="berlin",
        latitude=52.52437, longitude=13.41053, population=3_426_354, postcode="10115",
    )
    _order_to(munich_shop, "München", postcode="10115")
    berlin = City.objects.get(name="Berlin")
    assert orders_by_city("DE") == {berlin.pk: 1}
    [week] = market_weekly_stats(market_code="DE")
    assert (week.gmv_located, week.gmv_within_50km) == (1190, 0)
    assert week.mean_delivery_km == pytest.approx(504.85, abs=0.05)  # Munich → Berlin, great circle (R = 6371.0088 km)


def test_query_count_does_not_grow_with_orders(munich_shop):
    _order_to(munich_shop, "München")
    with CaptureQueriesContext(connection) as one:
        market_weekly_stats(market_code="DE")
        orders_by_city("DE")
    for typed in ("Múnich", "Munich", "Atlantis", "Monaco di Baviera"):
        _order_to(munich_shop, typed)
    with CaptureQueriesContext(connection) as five:
        market_weekly_stats(market_code="DE")
        orders_by_city("DE")
    assert len(one.captured_queries) == len(five.captured_queries) == 5  # + the tills' receipts (one query)
