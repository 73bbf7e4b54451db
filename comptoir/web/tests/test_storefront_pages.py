"""Category, search and product pages on real rows (catalog factories + listing refresh)."""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.core.cache import cache
from django.test.utils import CaptureQueriesContext

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.catalog.listing_cache import memo_clear
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import StockLevel
from comptoir.web.storefront.views import CSRF_PLACEHOLDER
from django.middleware.csrf import _unmask_cipher_token
from comptoir.web.middleware import COOKIE_NAME, buyer_memo_clear

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(client):
    es = make_market("ES")
    make_market("FR")
    sevilla = make_city("Sevilla", 37.3886, -5.9823, country="ES", population=684_234)
    dos_hermanas = make_city("Dos Hermanas", 37.2828, -5.9209, country="ES", population=133_000)
    madrid = make_city("Madrid", 40.4165, -3.7026, country="ES", population=3_255_944)
    lyon = make_city("Lyon", 45.7578, 4.8320, country="FR", population=522_969)
    sport = make_category("sport", names={"en": "Sport", "es": "Deporte", "fr": "Sport"})
    shoes = make_category("shoes", parent=sport, names={"en": "Shoes", "es": "Zapatillas", "fr": "Chaussures"})
    near = make_seller("Calzados Triana", country="ES", city=dos_hermanas)
    far = make_seller("Madrid Running", country="ES", city=madrid)
    french = make_seller("Atelier Lyon", country="FR", city=lyon)
    pending = make_seller("Pendiente", country="ES", city=sevilla, status="pending")
    near_loc, far_loc, fr_loc, pend_loc = (make_location(s, c) for s, c in
                                          ((near, dos_hermanas), (far, madrid), (french, lyon), (pending, sevilla)))
    red = make_product(category=shoes, brand="Pistard", texts={
        "es": ("Zapatillas rojas de correr", "Ligeras y cómodas."),
        "fr": ("Chaussures de course rouges", "Légères et confortables."),
        "en": ("Red running shoes", "Light and comfortable."),
    }, attributes={"colour": "red", "size": "EU 42"})
    blue = make_product(category=shoes, brand="Stridea", texts={
        "es": ("Zapatillas azules de trail", ""), "en": ("Blue trail shoes", ""),
    })
    # red: near seller (10.00 net, 1 handling day), far seller (9.00 net, 0 days), French seller (8.00 net):
    # the near one is promised first although it is the dearest.
    make_offer(near, red, near_loc, net_price=1000, stock=3, handling_days=1)
    make_offer(far, red, far_loc, net_price=900, stock=2, handling_days=0)
    make_offer(french, red, fr_loc, net_price=800, stock=5, handling_days=0)
    make_offer(pending, red, pend_loc, net_price=100, stock=5)  # not approved: never shown
    make_offer(french, blue, fr_loc, net_price=5000, stock=1)
    listing_refresh([red.pk, blue.pk])
    client.cookies[COOKIE_NAME] = f"ES:{sevilla.pk}"
    client.cookies["django_language"] = "es"
    return {"es": es, "sevilla": sevilla, "red": red, "blue": blue, "shoes": shoes, "sport": sport,
            "near": near, "far": far, "french": french, "fr_loc": fr_loc, "lyon": lyon}


def test_search_shows_cards_with_gross_price_offer_count_and_nearest_distance(client, shop):
    response = client.get("/search", {"q": "zapatillas"})
    assert response.status_code == 200
    cards = response.context["cards"]
    assert [c["title"] for c in cards] == ["Zapatillas azules de trail", "Zapatillas rojas de correr"]
    red = cards[1]
    assert red["brand"] == "Pistard"
    assert red["price"] == "9,68\xa0€"  # 8.00 net + 21 % Spanish VAT
    assert red["offer_count"] == 3  # the pending seller's offer is not counted
    assert red["distance"] == "13\xa0km"  # Dos Hermanas warehouse, 12.96 km from Sevilla
    assert red["url"] == f"/p/{shop['red'].pk}/zapatillas-rojas-de-correr/"
    assert response.context["listing"].total == 2
    assert "9,68\xa0€" in response.text


def test_search_with_an_inflected_spanish_word_finds_the_product(client, shop):
    response = client.get("/search", {"q": "zapatilla roja"})
    assert [c["id"] for c in response.context["cards"]] == [shop["red"].pk]


def test_category_page_lists_its_subcategories_products_with_breadcrumbs(client, shop):
    response = client.get("/c/sport/")
    assert response.status_code == 200
    assert response.context["category_name"] == "Deporte"
    assert [c["id"] for c in response.context["cards"]] == [shop["blue"].pk, shop["red"].pk]
    assert '<a href="/c/shoes/">Zapatillas</a>' in response.text  # sub-category chip
    shoes = client.get("/c/shoes/")
    assert [b.name for b in shoes.context["breadcrumbs"]] == ["Deporte", "Zapatillas"]


def test_facets_show_seller_countries_and_price_buckets_with_counts(client, shop):
    response = client.get("/search", {"q": "zapatillas"})
    assert response.context["country_facets"] == [
        {"code": "FR", "name": "Francia", "count": 2},
        {"code": "ES", "name": "España", "count": 1},
    ]
    assert [(f["label"], f["count"]) for f in response.context["price_facets"]] == [
        ("Menos de 10,00\xa0€", 1), ("50,00\xa0€ – 100,00\xa0€", 1),
    ]


def test_country_filter_and_local_filter_narrow_the_results(client, shop):
    only_es = client.get("/search", {"q": "zapatillas", "country": "ES"})
    assert [c["id"] for c in only_es.context["cards"]] == [shop["red"].pk]
    local = client.get("/c/shoes/", {"local_km": "30"})
    assert [c["id"] for c in local.context["cards"]] == [shop["red"].pk]
    assert 'value="30" checked' in local.text


def test_price_filter_keeps_products_in_the_range(client, shop):
    response = client.get("/c/shoes/", {"price": "5000-10000"})
    assert [c["id"] for c in response.context["cards"]] == [shop["blue"].pk]


def test_empty_state_offers_a_way_back(client, shop):
    response = client.get("/search", {"q": "paraguas"})
    assert response.status_code == 200
    assert "Ningún producto coincide" in response.text
    assert 'href="/#categories"' in response.text
    filtered = client.get("/c/shoes/", {"local_km": "10"})
    assert "Ningún producto coincide" in filtered.text
    assert "Borrar filtros" in filtered.text


def test_minimum_price_above_maximum_is_a_400_with_the_reason(client, shop):
    response = client.get("/c/shoes/", {"price": "9000-100"})
    assert response.status_code == 400
    assert "Minimum price is above maximum price" in response.text


def test_invalid_filter_values_are_reported_and_ignored(client, shop):
    client.cookies["django_language"] = "en"
    response = client.get("/c/shoes/", {"deliver_by": "not-a-date", "local_km": "7", "page": "x", "per_page": "1000"})
    assert response.status_code == 200
    assert response.context["listing"].total == 2
    assert "Enter a valid date." in response.text


def test_deliver_by_filter_drops_products_that_cannot_arrive_in_time(client, shop):
    far_future = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    assert client.get("/c/shoes/", {"deliver_by": far_future}).context["listing"].total == 2
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert client.get("/c/shoes/", {"deliver_by": tomorrow}).context["listing"].total == 0


def test_pagination_links_keep_the_filters(client, shop):
    shoes, french, loc = shop["shoes"], shop["french"], shop["fr_loc"]
    extra = [make_product(category=shoes, texts={"es": (f"Zapatillas modelo {i}", "")}) for i in range(12)]
    for product in extra:
        make_offer(french, product, loc, net_price=2000, stock=1)
    listing_refresh([p.pk for p in extra])
    response = client.get("/c/shoes/", {"country": "FR", "per_page": "12"})
    listing = response.context["listing"]
    assert (listing.total, listing.num_pages, len(response.context["cards"])) == (14, 2, 12)  # 12 + red + blue
    assert 'href="?country=FR&amp;per_page=12&amp;page=2"' in response.text
    second = client.get("/c/shoes/", {"country": "FR", "per_page": "12", "page": "2"})
    assert len(second.context["cards"]) == 2
    assert "14 productos" in second.text


def test_a_page_past_the_end_shows_the_way_back_to_page_one(client, shop):
    response = client.get("/c/shoes/", {"page": "50"})
    assert response.status_code == 200
    assert "Esta página está más allá del último resultado." in response.text


HOSTILE = ['"', "'", '"zapatillas', "*", "zap*", "-zapatillas", "NEAR", "zapatillas NEAR rojas", "OR", "a OR b",
           "AND NOT", "'; DROP TABLE catalog_product; --", "1=1 UNION SELECT 1", "%", "_", "\\", "()", "^",
           "a" * 2000, "zapatillas " * 300, "\x00", "🙂", ""]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_strings_render_a_page_never_a_500(client, shop, query):
    response = client.get("/search", {"q": query})
    assert response.status_code == 200
    assert "Comptoir" in response.text


def _count_queries(client, url, params=None, *, cold=True):
    if cold:  # empty caches and memos: every query the page can run
        cache.clear()
        memo_clear()
        buyer_memo_clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_listing_pages_run_the_same_number_of_queries_whatever_the_page_size(client, shop):
    shoes, french, loc = shop["shoes"], shop["french"], shop["fr_loc"]
    extra = [make_product(category=shoes, texts={"es": (f"Zapatillas modelo {i}", "")}) for i in range(30)]
    for product in extra:
        make_offer(french, product, loc, net_price=2000, stock=1)
    listing_refresh([p.pk for p in extra])
    small, r12 = _count_queries(client, "/c/shoes/", {"per_page": "12"})
    large, r48 = _count_queries(client, "/c/shoes/", {"per_page": "48"})
    assert (len(r12.context["cards"]), len(r48.context["cards"])) == (12, 32)
    assert small == large
    s_small, _ = _count_queries(client, "/search", {"q": "zapatillas", "per_page": "12"})
    s_large, _ = _count_queries(client, "/search", {"q": "zapatillas", "per_page": "48"})
    assert s_small == s_large


def _without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_a_warm_listing_page_is_served_from_the_page_cache_without_a_query(client, shop):
    cold, first = _count_queries(client, "/c/shoes/", {"per_page": "12"})
    warm, again = _count_queries(client, "/c/shoes/", {"per_page": "12"}, cold=False)
    # cold: market, default city, listing versions, categories, VAT rates, facet snapshot (none),
    # facet aggregate, page rows, ship-from points; warm: nothing (versions memoised for 1 s)
    assert (cold, warm) == (9, 0)
    assert again.context is None  # not rendered again
    assert _without_csrf(again.content) == _without_csrf(first.content)
    assert b"Zapatillas rojas de correr" in again.content
    other_size, _ = _count_queries(client, "/c/shoes/", {"per_page": "48"}, cold=False)
    assert other_size == 3  # VAT rates, page rows, ship-from points (facets cached)


def test_a_cached_page_carries_the_visitor_s_own_csrf_token(client, shop):
    first = client.get("/c/shoes/")
    assert first.context is not None and CSRF_PLACEHOLDER not in first.text  # rendered, token filled in
    assert re.search(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"', first.content)
    response = client.get("/c/shoes/")
    assert response.context is None  # from the page cache
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content).group(1).decode()
    assert CSRF_PLACEHOLDER not in response.text
    assert _unmask_cipher_token(token) == client.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_listing_refresh_shows_on_the_next_request_despite_the_page_cache(client, shop):
    before = client.get("/c/shoes/")
    assert "Zapatillas azules de trail" in before.text
    StockLevel.objects.filter(offer__product=shop["blue"]).update(on_hand=0)
    listing_refresh([shop["blue"].pk])
    after = client.get("/c/shoes/")
    assert after.context is not None  # rendered afresh
    assert "Zapatillas azules de trail" not in after.text
    assert [c["title"] for c in after.context["cards"]] == ["Zapatillas rojas de correr"]


def test_signed_in_buyers_get_freshly_rendered_pages(client, shop, django_user_model):
    client.force_login(django_user_model.objects.create_user("b@example.com", "b@example.com", "pw"))
    client.get("/c/shoes/")
    assert client.get("/c/shoes/").context is not None


def test_product_page_ranks_offers_local_first_with_distance_promise_and_gross_price(client, shop):
    response = client.get(f"/p/{shop['red'].pk}/")
    assert response.status_code == 200
    rows = response.context["offers"]
    assert [r["offer"].seller_name for r in rows] == ["Calzados Triana", "Madrid Running", "Atelier Lyon"]
    local = rows[0]
    assert local["offer"].is_local and not rows[1]["offer"].is_local
    assert local["price"] == "12,10\xa0€"  # 10.00 net + 21 % VAT
    assert local["distance"] == "13\xa0km"
    assert rows[1]["distance"] == "390\xa0km"
    promise = local["offer"].promise
    assert promise.earliest <= promise.latest
    text = response.text
    assert text.count('class="badge badge-local"') == 1
    assert "Pendiente" not in text
    assert "Orden local primero" in text
    assert "Zapatillas rojas de correr" in text and "Ligeras y cómodas." in text
    assert text.index("Calzados Triana") < text.index("Madrid Running") < text.index("Atelier Lyon")
    # country chips name the country in the reader's language when pointed at
    assert '<span class="flag" title="Francia">FR</span>' in text and '<span class="flag" title="España">ES</span>' in text


def test_product_page_with_a_slug_is_the_same_page(client, shop):
    response = client.get(f"/p/{shop['red'].pk}/zapatillas-rojas-de-correr/")
    assert response.status_code == 200
    assert f'<link rel="canonical" href="/p/{shop["red"].pk}/zapatillas-rojas-de-correr/">' in response.text


def test_product_page_in_french_shows_the_french_catalogue_text(client, shop):
    client.cookies["django_language"] = "fr"
    response = client.get(f"/p/{shop['red'].pk}/")
    assert response.text.startswith('<!doctype html>\n<html lang="fr">')
    assert "Chaussures de course rouges" in response.text
    assert "Sport</a> › <a href=\"/c/shoes/\">Chaussures</a>" in response.text


def test_product_page_runs_the_same_number_of_queries_whatever_the_offer_count(client, shop):
    blue = shop["blue"]  # one offer
    one, r1 = _count_queries(client, f"/p/{blue.pk}/")
    assert len(r1.context["offers"]) == 1
    for i in range(5):
        city = make_city(f"Pueblo {i}", 37.0 + i / 10, -5.5, country="ES")
        seller = make_seller(f"Tienda {i}", country="ES", city=city)
        make_offer(seller, blue, make_location(seller, city), net_price=4000 + i, stock=2)
    many, r6 = _count_queries(client, f"/p/{blue.pk}/")
    assert len(r6.context["offers"]) == 6
    assert one == many


def test_inactive_product_is_a_404(client, shop):
    shop["blue"].is_active = False
    shop["blue"].save()
    response = client.get(f"/p/{shop['blue'].pk}/")
    assert response.status_code == 404
    assert "Este producto no existe o ya no se vende." in response.text


def test_a_search_matching_more_than_it_reads_says_so(client, shop, monkeypatch):
    # "shoes" matches both shoes; with a limit of one, the page lists the best
    # one and says more matched, and a filter counts among that best one.
    client.cookies["django_language"] = "en"
    monkeypatch.setattr("comptoir.catalog.search.base.MAX_MATCHES", 1)
    page = client.get("/search", {"q": "shoes"}).content.decode()
    count = re.search(r'id="result-count">([^<]*)<', page).group(1)
    assert count == "More than 1 products match: the most relevant are listed."
    filtered = client.get("/search", {"q": "shoes", "price": "0-100000"}).content.decode()
    assert re.search(r'id="result-count">([^<]*)<', filtered).group(1) == "1 product among the 1 most relevant matches"
    monkeypatch.setattr("comptoir.catalog.search.base.MAX_MATCHES", 2)
    cache.clear()  # the page cache does not know the limit
    page = client.get("/search", {"q": "shoes"}).content.decode()
    assert re.search(r'id="result-count">([^<]*)<', page).group(1) == "2 products"


def test_product_page_writes_promise_days_in_each_languages_conventions(client, shop):
    # Monday 7 December 2026, 9:00 in Seville; Tuesday 8 December is a Spanish holiday.
    url = f"/p/{shop['red'].pk}/"
    seen = {}
    with time_machine.travel(datetime.datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Europe/Madrid")), tick=False):
        for language in ("fr", "es", "en", "de", "it", "pt", "nl"):
            client.cookies["django_language"] = language
            text = client.get(url).text
            fastest = re.search(r'<div class="product-best">.*?</div>\s*<p>\s*(.*?)\s*</p>', text, re.S)
            cells = re.findall(r'<td class="promise">([^<]*)</td>', text)
            assert "\xa0" in cells[0]  # a day never breaks across lines
            # days are written with no-break spaces: compared here with plain ones
            seen[language] = (fastest.group(1).replace("\xa0", " "), [c.replace("\xa0", " ") for c in cells])
    # Calzados Triana (13 km, 1 handling day) and Madrid Running: Thursday 10 – Friday 11;
    # Atelier Lyon (France to Spain): Monday 14 – Wednesday 16. Long days in the sentence, short in the table.
    assert seen == {
        "fr": ("Le plus rapide : Calzados Triana, livraison entre le jeudi 10 décembre et le vendredi 11 décembre.",
               ["jeu. 10 déc. – ven. 11 déc.", "jeu. 10 déc. – ven. 11 déc.", "lun. 14 déc. – mer. 16 déc."]),
        "es": ("Lo más rápido: Calzados Triana, entrega entre el jueves, 10 de diciembre y el viernes, 11 de diciembre.",
               ["jue, 10 dic – vie, 11 dic", "jue, 10 dic – vie, 11 dic", "lun, 14 dic – mié, 16 dic"]),
        "en": ("Fastest: Calzados Triana, delivered between Thursday 10 December and Friday 11 December.",
               ["Thu 10 Dec – Fri 11 Dec", "Thu 10 Dec – Fri 11 Dec", "Mon 14 Dec – Wed 16 Dec"]),
        "de": ("Am schnellsten: Calzados Triana, Lieferung zwischen Donnerstag, 10. Dezember und Freitag, 11. Dezember.",
               ["Do., 10. Dez. – Fr., 11. Dez.", "Do., 10. Dez. – Fr., 11. Dez.", "Mo., 14. Dez. – Mi., 16. Dez."]),
        "it": ("Il più rapido: Calzados Triana, consegna tra giovedì 10 dicembre e venerdì 11 dicembre.",
               ["gio 10 dic – ven 11 dic", "gio 10 dic – ven 11 dic", "lun 14 dic – mer 16 dic"]),
        "pt": ("Mais rápido: Calzados Triana, entregue entre quinta-feira, 10 de dezembro e sexta-feira, 11 de dezembro.",
               ["quinta, 10/12 – sexta, 11/12", "quinta, 10/12 – sexta, 11/12", "segunda, 14/12 – quarta, 16/12"]),
        "nl": ("Snelst: Calzados Triana, bezorgd tussen donderdag 10 december en vrijdag 11 december.",
               ["do 10 dec – vr 11 dec", "do 10 dec – vr 11 dec", "ma 14 dec – wo 16 dec"]),
    }


# The focus hint of comptoir.js ("focus": the control to focus after a reload, WCAG 3.2.2) ----------


def _autofocused(content: bytes) -> list[str]:
    return [m.decode() for m in re.findall(rb"<(?:input|select|button)[^>]* autofocus[^>]*>", content)]


def test_the_focus_hint_puts_autofocus_on_its_control_only(client, shop):
    response = client.get("/c/shoes/", {"sort": "price_asc", "focus": "sort"})
    assert response.status_code == 200
    assert _autofocused(response.content) == ['<select name="sort" form="filters" data-autosubmit data-refocus="sort" autofocus>']
    # a radio group: its checked radio; a checkbox: the one named
    radio = client.get("/c/shoes/", {"local_km": "30", "focus": "local_km"})
    assert _autofocused(radio.content) == ['<input type="radio" name="local_km" value="30" checked data-refocus="local_km" autofocus>']
    box = client.get("/c/shoes/", {"country": "FR", "focus": "country-FR"})
    assert _autofocused(box.content) == ['<input type="checkbox" name="country" value="FR" checked data-refocus="country-FR" autofocus>']
    # without a hint, with an unknown or malformed one: no autofocus at all
    for params in ({}, {"focus": "nothing"}, {"focus": 'sort" onfocus="x'}, {"focus": ""}):
        assert _autofocused(client.get("/c/shoes/", params).content) == [], params


def test_the_focus_hint_shares_the_page_cache_entry_and_the_cached_page_has_no_autofocus(client, shop):
    cold, first = _count_queries(client, "/c/shoes/", {"sort": "price_asc", "focus": "sort"})
    assert cold == 9  # as many as the page without the hint
    assert len(_autofocused(first.content)) == 1
    warm, plain = _count_queries(client, "/c/shoes/", {"sort": "price_asc"}, cold=False)
    assert (warm, plain.context) == (0, None)  # the same cache entry as the hinted request
    assert _autofocused(plain.content) == []
    warm, hinted = _count_queries(client, "/c/shoes/", {"sort": "price_asc", "focus": "local_km"}, cold=False)
    assert (warm, hinted.context) == (0, None)
    assert _autofocused(hinted.content) == ['<input type="radio" name="local_km" value="" checked data-refocus="local_km" autofocus>']
    assert _without_csrf(hinted.content).replace(b" autofocus", b"") == _without_csrf(plain.content)


def test_the_focus_hint_stays_out_of_the_pagination_and_per_page_links(client, shop):
    shoes, french, loc = shop["shoes"], shop["french"], shop["fr_loc"]
    extra = [make_product(category=shoes, texts={"es": (f"Zapatillas modelo {i}", "")}) for i in range(12)]
    for product in extra:
        make_offer(french, product, loc, net_price=2000, stock=1)
    listing_refresh([p.pk for p in extra])
    response = client.get("/c/shoes/", {"country": "FR", "focus": "country-FR", "per_page": "12"})
    assert 'href="?country=FR&amp;per_page=12&amp;page=2"' in response.text
    assert 'href="?country=FR&amp;per_page=24"' in response.text
    assert re.findall(r"(?:\?|&amp;)focus=", response.text) == []  # nor in the language switch's and sign-in's "next"
    assert 'name="next" value="/c/shoes/?country=FR&amp;per_page=12"' in response.text


def test_a_signed_in_buyer_s_page_gets_the_autofocus_too(client, shop, django_user_model):
    client.force_login(django_user_model.objects.create_user("b@example.com", "b@example.com", "pw"))
    response = client.get("/search", {"q": "zapatillas", "focus": "store_km"})
    assert _autofocused(response.content) == ['<input type="radio" name="store_km" value="" checked data-refocus="store_km" autofocus>']
