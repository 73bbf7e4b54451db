"""A first visit picks the market, its biggest city and the UI language from the browser's
Accept-Language; whatever the buyer chooses afterwards sticks."""
import pytest
from django.conf import settings
from django.urls import reverse

from comptoir.markets.models import City, Market
from comptoir.markets.names import search_fold
from comptoir.markets.services import markets_seed
from comptoir.web.middleware import COOKIE_NAME

pytestmark = pytest.mark.django_db

CITIES = [  # (geonames id, country, name, local name, population): each market's biggest city and one more
    (2988507, "FR", "Paris", "", 2_138_551), (2996944, "FR", "Lyon", "", 522_969),
    (3117735, "ES", "Madrid", "", 3_255_944), (2510911, "ES", "Sevilla", "", 684_234),
    (2950159, "DE", "Berlin", "", 3_426_354), (2867714, "DE", "Munich", "München", 1_260_391),
    (3169070, "IT", "Rome", "Roma", 2_318_895), (2267057, "PT", "Lisbon", "Lisboa", 517_802),
    (2759794, "NL", "Amsterdam", "", 741_636), (2800866, "BE", "Brussels", "Bruxelles", 1_019_022),
]


@pytest.fixture
def places(db):
    markets_seed()
    for gid, country, name, local, population in CITIES:
        City.objects.create(
            geonames_id=gid, country=country, name=name, local_name=local, ascii_name=name,
            search_name=search_fold(name), latitude=0.0, longitude=0.0, population=population,
        )


def first_visit(client, accept_language):
    response = client.get(reverse("storefront:home"), headers={"accept-language": accept_language})
    assert response.status_code == 200
    request = response.wsgi_request
    return request.market.code, request.buyer_city.name, request.LANGUAGE_CODE


@pytest.mark.parametrize(("accept", "expected"), [
    ("es-ES,es;q=0.9,en;q=0.8", ("ES", "Madrid", "es")),
    ("de-DE,de;q=0.9,en;q=0.5", ("DE", "Berlin", "de")),
    ("de", ("DE", "Berlin", "de")),
    ("it-IT,it;q=0.9", ("IT", "Rome", "it")),
    ("pt-PT,pt;q=0.9", ("PT", "Lisbon", "pt")),
    ("nl-NL,nl;q=0.9", ("NL", "Amsterdam", "nl")),
    ("nl-BE,nl;q=0.9", ("BE", "Brussels", "nl")),
    ("fr-BE,fr;q=0.9", ("BE", "Brussels", "fr")),
    ("fr-FR,fr;q=0.9", ("FR", "Paris", "fr")),
    ("en-US,en;q=0.9", ("FR", "Paris", "en")),  # unknown: the default market (settings.COMPTOIR_DEFAULT_MARKET)
    ("ja-JP", ("FR", "Paris", "en")),
])
def test_first_visit_picks_market_city_and_language_from_the_browser(client, places, accept, expected):
    assert first_visit(client, accept) == expected


def test_first_visit_page_shows_the_market_and_city_in_the_browser_language(client, places):
    html = client.get("/", headers={"accept-language": "es-ES,es;q=0.9"}).text
    assert '<html lang="es">' in html
    assert 'class="chip-city">Madrid</span>' in html
    assert '<span title="España" class="chip-market">ES</span>' in html
    html = client.get("/", headers={"accept-language": "de-DE"}).text
    assert '<html lang="de">' in html
    assert 'class="chip-city">Berlin</span>' in html
    assert '<span title="Deutschland" class="chip-market">DE</span>' in html


def test_the_page_varies_on_accept_language(client, places):
    response = client.get("/", headers={"accept-language": "it-IT"})
    assert "Accept-Language" in response["Vary"]


def test_a_chosen_market_and_city_stick_over_the_browser_language(client, places):
    sevilla = City.objects.get(name="Sevilla")
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city": sevilla.pk, "next": "/"},
                           headers={"accept-language": "de-DE"})
    assert response.status_code == 302
    # the market changed (Germany from the browser → Spain): the UI language follows the market
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert first_visit(client, "de-DE") == ("ES", "Sevilla", "es")
    # a new browser session that only carries the return-visit cookie
    client.session.flush()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert client.cookies[COOKIE_NAME].value == f"ES:{sevilla.pk}"
    assert first_visit(client, "de-DE") == ("ES", "Sevilla", "de")


def test_a_chosen_language_sticks_over_the_browser_language(client, places):
    response = client.post(reverse("set_language"), {"language": "it", "next": "/"}, headers={"accept-language": "de-DE"})
    assert response.status_code == 302
    # the language is the buyer's choice; the market still follows the browser until one is chosen
    assert first_visit(client, "de-DE") == ("DE", "Berlin", "it")


def test_an_inactive_market_is_not_picked_from_the_browser(client, places):
    Market.objects.filter(code="ES").update(is_active=False)
    assert first_visit(client, "es-ES,es;q=0.9") == ("FR", "Paris", "es")
