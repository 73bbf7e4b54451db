"""The buyer's journey in headless Chromium: pick Spain and Sevilla, search in Spanish, open a
product, compare the ranked offers, switch to French."""
import re

import pytest

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory.listing.refresh import listing_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _catalogue():
    make_market("FR")
    make_market("ES")
    make_city("Paris", 48.8534, 2.3488, country="FR", population=2_138_551)
    lyon = make_city("Lyon", 45.7578, 4.8320, country="FR", population=522_969)
    make_city("Madrid", 40.4165, -3.7026, country="ES", population=3_255_944)
    sevilla = make_city("Sevilla", 37.3886, -5.9823, country="ES", population=684_234)
    make_city("Sevilla la Nueva", 40.3475, -4.0272, country="ES", population=9_000)
    dos_hermanas = make_city("Dos Hermanas", 37.2828, -5.9209, country="ES", population=133_000)
    valencia = make_city("Valencia", 39.4697, -0.3774, country="ES", population=792_000)
    sport = make_category("sport", names={"en": "Sport", "es": "Deporte", "fr": "Sport"})
    shoes = make_category("running-shoes", parent=sport, names={"en": "Running shoes", "es": "Zapatillas de running", "fr": "Chaussures de running"})
    make_category("books", names={"en": "Books", "es": "Libros", "fr": "Livres"})
    make_category("garden", names={"en": "Garden", "es": "Jardín", "fr": "Jardin"})
    sellers = [
        (make_seller("Calzados Triana", country="ES", city=dos_hermanas), dos_hermanas, 1),
        (make_seller("Valencia Runners", country="ES", city=valencia), valencia, 0),
        (make_seller("Atelier Lyon Sport", country="FR", city=lyon), lyon, 0),
    ]
    locations = [(s, make_location(s, c), h) for s, c, h in sellers]
    products = []
    for i, (colour_es, colour_fr, colour_en) in enumerate([("rojas", "rouges", "red"), ("azules", "bleues", "blue"), ("verdes", "vertes", "green")]):
        product = make_product(category=shoes, brand=["Pistard", "Stridea", "Laufwerk"][i], texts={
            "es": (f"Zapatillas de trail {colour_es}", "Mediasuela amortiguada y malla transpirable."),
            "fr": (f"Chaussures de trail {colour_fr}", "Semelle amortie et tige respirante."),
            "en": (f"{colour_en.capitalize()} trail shoes", "Cushioned midsole and breathable mesh."),
        }, attributes={"size": "EU 42", "colour": colour_en})
        for j, (seller, location, handling) in enumerate(locations):
            make_offer(seller, product, location, net_price=8900 - 700 * j + 100 * i, stock=3, handling_days=handling)
        products.append(product)
    listing_refresh([p.pk for p in products])
    return sevilla


def test_buyer_picks_sevilla_searches_in_spanish_and_compares_ranked_offers(live_server, page, screenshot):
    sevilla = _catalogue()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#id_market", "ES")
    page.fill("#id_city_query", "Sev")
    suggestion = page.locator("#city-suggestions button", has_text=re.compile(r"^Sevilla\b"))
    suggestion.first.wait_for()
    assert page.locator("#city-suggestions li").count() == 2  # Sevilla, Sevilla la Nueva
    screenshot(page, "storefront-home")
    page.locator(f'#city-suggestions button[value="{sevilla.pk}"]').click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator(".chip-city").inner_text() == "Sevilla"
    assert page.locator(".chip-market").inner_text() == "ES"
    assert page.locator("html").get_attribute("lang") == "es"  # picking Spain switches to Spanish

    page.fill(".header-search input[name=q]", "zapatilla")
    page.locator(".header-search button").click()
    page.wait_for_url(re.compile(r"/search\?q=zapatilla"))
    cards = page.locator(".card")
    assert cards.count() == 3
    assert page.locator("#result-count").inner_text() == "3 productos"
    assert "Zapatillas de trail" in cards.first.inner_text()
    assert "13\xa0km" in cards.first.inner_text()  # the Dos Hermanas seller
    screenshot(page, "storefront-search")

    page.locator(".card", has_text="Zapatillas de trail rojas").click()
    page.wait_for_url(re.compile(r"/p/\d+/"))
    assert page.locator("h1").inner_text() == "Zapatillas de trail rojas"
    rows = page.locator("table.offers tbody tr")
    assert rows.count() == 3
    sellers = [rows.nth(i).locator(".seller-name").inner_text() for i in range(3)]
    assert sellers == ["Calzados Triana", "Valencia Runners", "Atelier Lyon Sport"]
    assert rows.nth(0).locator(".distance").inner_text() == "13\xa0km"
    assert rows.nth(0).locator(".badge-local").count() == 1
    assert rows.nth(1).locator(".badge-local").count() == 0
    assert re.search(r"\d", rows.nth(0).locator(".promise").inner_text())
    assert rows.nth(0).locator(".offer-price").inner_text() == "107,69\xa0€"  # 89.00 net + 21 % VAT
    screenshot(page, "storefront-product")

    page.locator(".lang-switch button[value=fr]").click()
    page.wait_for_load_state()
    assert re.search(r"/p/\d+/", page.url)  # the switcher keeps the page
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Chaussures de trail rouges"
    assert "Chaussures de running" in page.locator(".breadcrumbs").inner_text()
    assert page.locator("#offers h2, h2", has_text="Offres pour Sevilla").count() == 1
    assert page.locator(".lang-switch button[value=fr]").count() == 1
    screenshot(page, "storefront-product-fr")
