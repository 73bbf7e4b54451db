"""The checkout's memo of reference data (markets.cache): fresh after a write in this process,
bounded in age for writes elsewhere."""
import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from comptoir.markets import cache
from comptoir.markets.models import Market, VatRate
from comptoir.orders.tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


@override_settings(COMPTOIR_REFERENCE_MAX_AGE=3600)
def test_a_second_read_costs_no_query():
    f.market("FR")
    f.city("Lyon")
    first = (cache.active_market("fr").code, cache.vat_rates("FR", TODAY)["standard"], cache.city_point(country="FR", city="lyon"))
    with CaptureQueriesContext(connection) as ctx:
        again = (cache.active_market("FR").code, cache.vat_rates("FR", TODAY)["standard"], cache.city_point(country="FR", city="Lyon"))
    assert first == again
    assert first[:2] == ("FR", 2000)
    assert len(ctx.captured_queries) == 0


@override_settings(COMPTOIR_REFERENCE_MAX_AGE=3600)
def test_a_vat_rate_saved_in_this_process_is_seen_at_once():
    f.market("FR")
    assert cache.vat_rates("FR", TODAY)["standard"] == 2000
    VatRate.objects.create(market=Market.objects.get(code="FR"), tax_class="standard", rate_bp=2100, valid_from=TODAY)
    assert cache.vat_rates("FR", TODAY)["standard"] == 2100


@override_settings(COMPTOIR_REFERENCE_MAX_AGE=3600)
def test_a_deactivated_market_is_seen_at_once():
    market = f.market("FR")
    assert cache.active_market("FR") is not None
    market.is_active = False
    market.save()
    assert cache.active_market("FR") is None


@override_settings(COMPTOIR_REFERENCE_MAX_AGE=0)
def test_max_age_zero_reads_every_time():
    f.market("FR")
    cache.vat_rates("FR", TODAY)
    VatRate.objects.filter(market__code="FR", tax_class="standard").update(rate_bp=1990)  # no signal: like another process
    assert cache.vat_rates("FR", TODAY)["standard"] == 1990


def test_unknown_places_and_markets_are_none():
    f.market("FR")
    assert cache.active_market("XX") is None
    assert cache.city_point(country="FR", postcode="00000", city="Nowhere") is None


def test_a_delivery_city_typed_by_another_of_its_names_is_found():
    from comptoir.markets.models import City, CityName

    f.market("DE")
    munich = City.objects.create(geonames_id=2867714, country="DE", name="Munich", ascii_name="Munich", search_name="munich",
                                 latitude=48.137, longitude=11.575, population=1_260_000)
    CityName.objects.create(city=munich, country="DE", search_name="munchen", alternate=False)
    assert cache.city_point(country="DE", city="München") == (48.137, 11.575)
    assert cache.city_point(country="DE", city="MUNCHEN") == (48.137, 11.575)
