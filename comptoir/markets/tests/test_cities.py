import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.markets.errors import CityNotFound, MarketNotFound, UnknownCountry
from comptoir.markets.models import City, Market
from comptoir.markets.names import search_fold
from comptoir.markets.selectors import city_default, city_get, cities_search, market_get, markets_active
from comptoir.markets.services import cities_load

pytestmark = pytest.mark.django_db


def test_search_fold_removes_case_accents_and_separators():
    assert search_fold("Saint-Étienne") == "saint etienne"
    assert search_fold("  CÁDIZ ") == "cadiz"
    assert search_fold("Straße") == "strasse"
    assert search_fold("L'Haÿ-les-Roses") == "l hay les roses"


def test_load_two_small_countries_then_rerun_is_idempotent(capsys):
    call_command("load_cities", "LU", "MT")
    out = capsys.readouterr().out
    lu, mt = City.objects.filter(country="LU").count(), City.objects.filter(country="MT").count()
    assert lu > 50 and mt > 20
    assert f"LU: {lu} places (≥ 500 people)" in out
    assert f"MT: {mt} places (≥ 500 people)" in out
    assert City.objects.filter(population__lt=500).count() == 0
    luxembourg = City.objects.get(country="LU", name="Luxembourg")
    assert (luxembourg.geonames_id, luxembourg.search_name) == (2960316, "luxembourg")
    assert luxembourg.population > 70_000

    City.objects.filter(pk=luxembourg.pk).update(population=1, name="Old name")
    result = cities_load(countries=["lu", "MT"])
    assert result.per_country == {"LU": lu, "MT": mt}
    assert City.objects.count() == lu + mt
    luxembourg.refresh_from_db()
    assert luxembourg.name == "Luxembourg" and luxembourg.population > 70_000
    assert Market.objects.filter(code="LU").exists()  # markets are seeded along


def test_unknown_country_code_exits_2_and_writes_nothing():
    with pytest.raises(CommandError) as exc:
        call_command("load_cities", "LU", "XX")
    assert exc.value.returncode == 2
    assert str(exc.value) == "Unknown country code(s): XX (use ISO 3166-1 alpha-2, e.g. FR ES)"
    assert City.objects.count() == 0


def test_unknown_country_code_in_service_raises():
    with pytest.raises(UnknownCountry):
        cities_load(countries=["FRA"])


def test_min_population_filters_places():
    big = cities_load(countries=["LU"], min_population=5000).per_country["LU"]
    assert City.objects.count() == City.objects.filter(population__gte=5000).count() == big > 0
    everything = cities_load(countries=["LU"]).per_country["LU"]
    assert everything > big
    assert City.objects.filter(population__gte=5000).count() == big


@pytest.fixture
def fr_es():
    cities_load(countries=["FR", "ES"])


def test_city_search_on_real_data(fr_es):
    lyon = cities_search(country="FR", query="lyon")
    assert lyon[0].name == "Lyon" and lyon[0].geonames_id == 2996944
    assert [c.population for c in lyon] == sorted((c.population for c in lyon), reverse=True)
    assert len(lyon) == 10
    assert cities_search(country="ES", query="sevilla")[0].name == "Sevilla"
    assert cities_search(country="ES", query="SÉVILLA")[0].name == "Sevilla"
    assert cities_search(country="ES", query="cadiz")[0].name == "Cadiz"
    assert cities_search(country="FR", query="saint etienne")[0].name == "Saint-Étienne"
    assert cities_search(country="FR", query="saint-étienne", limit=3)[0].name == "Saint-Étienne"
    assert cities_search(country="ES", query="lyon") == []
    assert cities_search(country="FR", query="") == []
    # postcodes: exact match, known for the main French cities
    assert [c.name for c in cities_search(country="FR", query="69001")] == ["Lyon"]
    assert [c.name for c in cities_search(country="FR", query="75001")] == ["Paris"]
    assert cities_search(country="FR", query="6900") == []
    assert City.objects.get(geonames_id=2996944).postcode == "69001"
    assert City.objects.filter(country="FR").count() > 15_000


def test_city_search_is_one_indexed_query(fr_es):
    with CaptureQueriesContext(connection) as ctx:
        cities_search(country="FR", query="mar")
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + ("QUERY PLAN " if connection.vendor == "sqlite" else "") + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "markets_cit" in plan or "Index" in plan, plan


def test_city_get_and_default(fr_es):
    lyon = City.objects.get(geonames_id=2996944)
    assert city_get(country="FR", city_id=lyon.pk) == lyon
    with pytest.raises(CityNotFound):
        city_get(country="ES", city_id=lyon.pk)
    with pytest.raises(CityNotFound):
        city_get(country="FR", city_id=10**9)
    assert city_default(country="FR").name == "Paris"
    assert city_default(country="ES").name == "Madrid"
    assert city_default(country="ZZ") is None


def test_market_get_and_active():
    Market.objects.create(code="FR", name="France", currency="EUR", languages=["fr", "en"])
    Market.objects.create(code="IT", name="Italy", currency="EUR", languages=["en", "it"], is_active=False)
    assert market_get("fr").code == "FR"
    with pytest.raises(MarketNotFound) as exc:
        market_get("ZZ")
    assert exc.value.code == "market_not_found" and exc.value.status == 404
    assert str(exc.value) == "unknown market: 'ZZ'"
    assert [m.code for m in markets_active()] == ["FR"]
