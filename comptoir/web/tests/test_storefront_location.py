"""Buyer context (market + city), the location picker, city suggestions and error pages."""
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comptoir.markets.models import City, Market
from comptoir.web.middleware import COOKIE_NAME, SESSION_CITY, SESSION_MARKET

pytestmark = pytest.mark.django_db


def _city(gid, country, name, population, lat=0.0, lon=0.0, postcode=""):
    from comptoir.markets.names import search_fold

    return City.objects.create(
        geonames_id=gid, country=country, name=name, ascii_name=name, search_name=search_fold(name),
        latitude=lat, longitude=lon, population=population, postcode=postcode,
    )


@pytest.fixture
def places(db):
    fr = Market.objects.create(code="FR", name="France", currency="EUR", languages=["fr", "en"])
    es = Market.objects.create(code="ES", name="Spain", currency="EUR", languages=["es", "en"])
    Market.objects.create(code="IT", name="Italy", currency="EUR", languages=["it", "en"], is_active=False)
    return {
        "fr": fr,
        "es": es,
        "paris": _city(2988507, "FR", "Paris", 2_138_551, 48.85, 2.35, "75001"),
        "lyon": _city(2996944, "FR", "Lyon", 522_969, 45.75, 4.85, "69001"),
        "madrid": _city(3117735, "ES", "Madrid", 3_255_944, 40.42, -3.70, "28001"),
        "sevilla": _city(2510911, "ES", "Sevilla", 684_234, 37.38, -5.97, "41001"),
        "sevilla_este": _city(9999001, "ES", "Sevilla la Nueva", 9_000, 40.35, -4.03),
    }


def test_default_market_is_fr_and_its_biggest_city(client, places):
    response = client.get(reverse("storefront:home"))
    assert response.status_code == 200
    request = response.wsgi_request
    assert request.market.code == "FR"
    assert request.buyer_city.name == "Paris"
    assert 'class="chip-city">Paris</span>' in response.text


def test_buyer_context_runs_no_query_on_a_page_that_does_not_use_it(client, places, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.text == "ok"


def test_choosing_market_and_city_is_remembered_in_session_and_cookie(client, places):
    sevilla = places["sevilla"]
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city": sevilla.pk, "next": "/search?q=mesa"})
    assert response.status_code == 302
    assert response["Location"] == "/search?q=mesa"
    assert client.session[SESSION_MARKET] == "ES"
    assert client.session[SESSION_CITY] == sevilla.pk
    assert response.cookies[COOKIE_NAME].value == f"ES:{sevilla.pk}"
    # Switching market switches the UI language to the market's default language.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    home = client.get(reverse("storefront:home"))
    assert home.wsgi_request.buyer_city == sevilla
    assert 'class="chip-city">Sevilla</span>' in home.text
    assert 'class="chip-market">ES</span>' in home.text


def test_anonymous_return_visit_uses_the_cookie(places):
    visitor = Client()
    visitor.cookies[COOKIE_NAME] = f"ES:{places['sevilla'].pk}"
    response = visitor.get(reverse("storefront:home"))
    assert response.wsgi_request.market.code == "ES"
    assert response.wsgi_request.buyer_city.name == "Sevilla"


@pytest.mark.parametrize("raw", ["XX:1", "ES:999999", "garbage", "ES:-1", "ES:" + "9" * 40, "FR:%s"])
def test_a_stale_or_forged_cookie_falls_back_to_a_valid_location(places, raw):
    visitor = Client()
    visitor.cookies[COOKIE_NAME] = raw.replace("%s", str(places["sevilla"].pk))
    response = visitor.get(reverse("storefront:home"))
    assert response.status_code == 200
    request = response.wsgi_request
    # A city of another market or an unknown id never leaks through: the market's biggest city applies.
    assert request.buyer_city.country == request.market.code
    expected = {"ES": "Madrid", "FR": "Paris"}[request.market.code]
    assert request.buyer_city.name == expected


def test_typed_city_name_without_javascript_picks_the_biggest_match(client, places):
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city_query": "sevilla"})
    assert response.status_code == 302
    assert client.session[SESSION_CITY] == places["sevilla"].pk


def test_typed_postcode_identifies_the_city(client, places):
    response = client.post(reverse("storefront:location_set"), {"market": "FR", "city_query": "69001"})
    assert response.status_code == 302
    assert client.session[SESSION_CITY] == places["lyon"].pk


def test_market_without_city_takes_its_biggest_city(client, places):
    client.post(reverse("storefront:location_set"), {"market": "es"})
    assert client.session[SESSION_CITY] == places["madrid"].pk


@pytest.mark.parametrize("code", ["XX", "IT", "<s"])
def test_unknown_or_inactive_market_in_the_picker_is_a_400_with_a_message(client, places, code):
    response = client.post(reverse("storefront:location_set"), {"market": code})
    assert response.status_code == 400
    assert "is not a market we serve" in response.text
    assert SESSION_MARKET not in client.session


def test_city_of_another_market_is_refused(client, places):
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city": places["lyon"].pk})
    assert response.status_code == 400
    assert "This city is not in Spain." in response.text
    assert SESSION_CITY not in client.session


def test_unknown_city_id_is_refused(client, places):
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city": 123456789})
    assert response.status_code == 400
    assert "This city is not in Spain." in response.text


def test_unmatched_city_name_is_a_form_error(client, places):
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city_query": "Zzyzx"})
    assert response.status_code == 400
    assert "No city in Spain matches “Zzyzx”." in response.text


def test_next_pointing_to_another_site_is_ignored(client, places):
    response = client.post(reverse("storefront:location_set"), {"market": "FR", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_city_suggest_returns_prefix_matches_biggest_first(client, places):
    response = client.get(reverse("storefront:city_suggest"), {"market": "ES", "city_query": "Sev"})
    assert response.status_code == 200
    text = response.text
    assert text.index(f'value="{places["sevilla"].pk}"') < text.index(f'value="{places["sevilla_este"].pk}"')
    assert "Sevilla la Nueva" in text
    assert "Madrid" not in text
    assert "<html" not in text  # a fragment, not a page


def test_city_suggest_accepts_a_postcode(client, places):
    response = client.get(reverse("storefront:city_suggest"), {"market": "ES", "city_query": "41001"})
    assert f'value="{places["sevilla"].pk}"' in response.text
    assert "Sevilla la Nueva" not in response.text


def test_city_suggest_says_when_nothing_matches(client, places):
    response = client.get(reverse("storefront:city_suggest"), {"market": "FR", "city_query": "Sevilla"})
    assert "No city matches “Sevilla”." in response.text


def test_city_suggest_with_unknown_market_is_a_400(client, places):
    response = client.get(reverse("storefront:city_suggest"), {"market": "ZZ", "city_query": "Sev"})
    assert response.status_code == 400
    assert "Unknown market." in response.text


def test_language_switcher_keeps_the_current_page(client, places):
    page = client.get("/search?q=table&price=0-1000")
    assert 'name="next" value="/search?q=table&amp;price=0-1000"' in page.text
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/search?q=table&price=0-1000"})
    assert response.status_code == 302
    assert response["Location"] == "/search?q=table&price=0-1000"
    assert client.get(reverse("storefront:home")).text.startswith("<!doctype html>\n<html lang=\"fr\">")


def test_unknown_url_renders_the_styled_404(client, places):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find this page" in response.text
    assert 'class="site-header"' in response.text


def test_unknown_category_is_a_styled_404_naming_it(client, places):
    response = client.get("/c/no-such-category/")
    assert response.status_code == 404
    assert "There is no category “no-such-category”." in response.text


def test_unknown_product_is_a_styled_404(client, places):
    response = client.get("/p/987654321/")
    assert response.status_code == 404
    assert "This product does not exist or is no longer sold." in response.text
