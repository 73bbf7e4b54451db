"""The buyer's language on the pages: city names, demo product attributes, the card expiry placeholder."""
import re

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.markets.models import CityName
from comptoir.web.checkout.forms import CheckoutForm
from comptoir.demo.compose import attribute_values
from comptoir.demo.vocab import LEAVES
from comptoir.web.middleware import COOKIE_NAME

pytestmark = pytest.mark.django_db


def _shop() -> dict:
    make_market("ES")
    sevilla = make_city(
        "Sevilla", 37.3886, -5.9823, country="ES", population=686_741, geonames_id=2510911, local_name="Sevilla",
        names={"fr": "Séville", "es": "Sevilla", "en": "Seville"},
    )
    CityName.objects.create(city=sevilla, country="ES", search_name="seville", alternate=False)
    make_city("Sevilla la Nueva", 40.3475, -4.0272, country="ES", population=9_000, local_name="Sevilla la Nueva")
    koln = make_city(
        "Köln", 50.9333, 6.95, country="DE", population=1_024_621, geonames_id=2886242, local_name="Köln",
        names={"fr": "Cologne", "es": "Colonia", "en": "Cologne"},
    )
    seller = make_seller("Kölner Laufladen", country="DE", city=koln)
    leaf = next(leaf for leaf in LEAVES if leaf.slug == "running-shoes")
    noun = next(n for n in leaf.nouns if n.key == "trail")
    variant = next(v for v in leaf.variants if v.key == "men")
    shoes = make_category("running-shoes", names={"en": "Running shoes", "fr": "Chaussures de running", "es": "Zapatillas de running"})
    demo = make_product(category=shoes, brand="Kochwerk", texts={
        "en": ("Kochwerk Men's Trail Running Shoes, EU 42, Red", ""),
        "fr": ("Chaussures de trail homme Kochwerk – EU 42, rouges", ""),
        "es": ("Zapatillas de trail hombre Kochwerk – EU 42, rojas", ""),
    }, attributes=attribute_values(noun, variant, "EU 42", "red"))
    plain = make_product(category=shoes, brand="Acme", attributes={"colour": "red", "fit_type": "wide"})
    location = make_location(seller, koln)
    for product in (demo, plain):
        make_offer(seller, product, location, net_price=5000, stock=3)
    listing_refresh([demo.pk, plain.pk])
    return {"sevilla": sevilla, "demo": demo, "plain": plain}


@pytest.fixture
def shop(client):
    rows = _shop()
    client.cookies[COOKIE_NAME] = f"ES:{rows['sevilla'].pk}"
    return rows


def _page(client, url, language, **params):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, params)
    assert response.status_code == 200
    return response.text


def test_demo_attributes_show_in_the_buyer_language(client, compiled, shop):
    url = f"/p/{shop['demo'].pk}/"
    fr = _page(client, url, "fr")
    for pair in ("<dt>Type</dt><dd>Chaussures de trail</dd>", "<dt>Variante</dt><dd>Homme</dd>",
                 "<dt>Taille</dt><dd>EU 42</dd>", "<dt>Couleur</dt><dd>Rouge</dd>"):
        assert pair in fr
    es = _page(client, url, "es")
    for pair in ("<dt>Tipo</dt><dd>Zapatillas de trail</dd>", "<dt>Variante</dt><dd>Hombre</dd>",
                 "<dt>Talla</dt><dd>EU 42</dd>", "<dt>Color</dt><dd>Rojo</dd>"):
        assert pair in es
    en = _page(client, url, "en")
    for pair in ("<dt>Type</dt><dd>Trail Running Shoes</dd>", "<dt>Variant</dt><dd>Men&#x27;s</dd>",
                 "<dt>Size</dt><dd>EU 42</dd>", "<dt>Colour</dt><dd>Red</dd>"):
        assert pair in en
    assert "Rouge" not in es and "Rojo" not in fr


def test_free_text_attributes_keep_their_value_under_a_translated_name(client, compiled, shop):
    fr = _page(client, f"/p/{shop['plain'].pk}/", "fr")
    assert "<dt>Couleur</dt><dd>red</dd>" in fr
    assert "<dt>Fit type</dt><dd>wide</dd>" in fr


def test_cities_show_in_the_buyer_language_else_the_local_name(client, shop):
    url = f"/p/{shop['demo'].pk}/"
    shown = {lang: _page(client, url, lang) for lang in ("fr", "es", "en")}
    assert 'class="chip-city">Séville</span>' in shown["fr"]
    assert 'class="chip-city">Sevilla</span>' in shown["es"]
    assert 'class="chip-city">Seville</span>' in shown["en"]
    # the ship-from city of the offer: the seller's Köln
    assert '<td class="ship-from">Cologne <span class="flag" title="Allemagne">DE</span>' in shown["fr"]
    assert '<td class="ship-from">Colonia <span class="flag" title="Alemania">DE</span>' in shown["es"]
    assert '<td class="ship-from">Cologne <span class="flag" title="Germany">DE</span>' in shown["en"]


def test_city_suggestions_match_any_name_and_show_the_buyer_s_with_the_local_one(client, shop):
    url = reverse("storefront:city_suggest")
    fr = _page(client, url, "fr", market="ES", city_query="séville")
    assert 'Séville <span class="muted">(Sevilla)</span>' in fr
    assert "Sevilla la Nueva" not in fr  # "séville" is no prefix of it
    es = _page(client, url, "es", market="ES", city_query="sevilla")
    assert "(Sevilla)" not in es  # the name shown is the local one: no repetition
    assert es.index(">Sevilla") < es.index("Sevilla la Nueva")


@pytest.mark.parametrize(("language", "placeholder"), [("fr", "MM/AA"), ("es", "MM/AA"), ("en", "MM/YY")])
def test_card_expiry_placeholder_is_translated(compiled, language, placeholder):
    make_market("ES")
    with translation.override(language):
        html = str(CheckoutForm()["card_expiry"])
    assert f'placeholder="{placeholder}"' in html


def _markets():
    for code in ("FR", "DE", "BE", "NL", "IE"):
        make_market(code)


@pytest.mark.parametrize(("language", "options", "current"), [
    ("fr", ["Allemagne (EUR)", "Belgique (EUR)", "Espagne (EUR)", "France (EUR)", "Irlande (EUR)", "Pays-Bas (EUR)"],
     "Offres affichées pour Séville, Espagne."),
    ("es", ["Alemania (EUR)", "Bélgica (EUR)", "España (EUR)", "Francia (EUR)", "Irlanda (EUR)", "Países Bajos (EUR)"],
     "Mostrando ofertas para Sevilla, España."),
    ("en", ["Belgium (EUR)", "France (EUR)", "Germany (EUR)", "Ireland (EUR)", "Netherlands (EUR)", "Spain (EUR)"],
     "Showing offers for Seville, Spain."),
])
def test_market_picker_names_and_sorts_countries_in_the_buyer_language(client, compiled, shop, language, options, current):
    _markets()
    html = _page(client, "/", language)
    select = re.search(r'<select name="market" id="id_market".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option [^>]*>([^<]*)</option>", select) == options
    assert f'<option value="ES" selected>{options[2 if language != "en" else 5]}</option>' in select
    assert f'<p class="location-current">{current}</p>' in html
    spain = {"fr": "Espagne", "es": "España", "en": "Spain"}[language]
    assert f'<span title="{spain}" class="chip-market">ES</span>' in html


@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Aucune ville du marché Espagne ne correspond à « Atlantis »."),
    ("es", "Ninguna ciudad del mercado España coincide con «Atlantis»."),
])
def test_the_picker_s_errors_name_the_market_in_the_buyer_language(client, compiled, shop, language, message):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("storefront:location_set"), {"market": "ES", "city_query": "Atlantis", "next": "/"})
    assert message.replace(" »", "\u00a0»").replace("« ", "«\u00a0") in response.text


@pytest.mark.parametrize(("language", "choices"), [
    ("fr", [("DE", "Allemagne"), ("BE", "Belgique"), ("ES", "Espagne"), ("FR", "France"), ("IE", "Irlande"), ("NL", "Pays-Bas")]),
    ("es", [("DE", "Alemania"), ("BE", "Bélgica"), ("ES", "España"), ("FR", "Francia"), ("IE", "Irlanda"), ("NL", "Países Bajos")]),
])
def test_checkout_country_select_names_and_sorts_countries_in_the_buyer_language(language, choices):
    make_market("ES")
    _markets()
    with translation.override(language):
        assert CheckoutForm().fields["country"].choices == choices


@pytest.mark.parametrize(("language", "offer", "site", "hold", "condition"), [
    ("fr", "active", "actif", ["Active", "Libérée", "Consommée"], ["Neuf", "Reconditionné", "Occasion"]),
    ("es", "activa", "activo", ["Activa", "Liberada", "Consumida"], ["Nuevo", "Reacondicionado", "Usado"]),
    ("en", "active", "active", ["Active", "Released", "Consumed"], ["New", "Refurbished", "Used"]),
])
def test_offer_and_candidate_site_labels_agree_with_their_noun(compiled, language, offer, site, hold, condition):
    from comptoir.inventory.models import Condition, HoldState, Offer
    from comptoir.planning.models import CandidateSite

    with translation.override(language):
        assert str(Offer._meta.get_field("is_active").verbose_name) == offer  # une offre active / una oferta activa
        assert str(CandidateSite._meta.get_field("is_active").verbose_name) == site  # un site actif / un emplazamiento activo
        assert [str(label) for label in HoldState.labels] == hold  # une réservation libérée
        assert [str(label) for label in Condition.labels] == condition  # un produit neuf


def test_order_invoice_and_seller_pages_name_the_country_in_the_reader_s_language(client, compiled):
    from comptoir.orders.tests import factories as of
    from comptoir.orders.tests.helpers import place, shop as order_shop

    buyer, seller, _s2, lamp, _chair = order_shop()
    order = place(buyer, [(lamp, 1)])
    part = order.parts.get()
    owner = of.user("owner@example.com")
    seller.members.create(user=owner)
    client.force_login(buyer)
    assert "69001 Lyon<br>France</p>" in _page(client, f"/orders/{order.reference}/", "fr")
    assert "69001 Lyon<br>Francia</p>" in _page(client, f"/orders/{order.reference}/", "es")
    invoice = _page(client, f"/orders/{order.reference}/invoice/{part.number}/", "es")
    assert "69001 Lyon<br>Francia</div>" in invoice  # the customer
    client.force_login(owner)
    assert "69001 Lyon (Francia)" in _page(client, "/seller/orders/", "es")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_french_buyer_finds_seville_and_reads_the_product_in_french(live_server, page, screenshot, compiled):
    rows = _shop()
    _markets()
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "fr", "url": live_server.url}])
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#id_market option").all_inner_texts() == [
        "Allemagne (EUR)", "Belgique (EUR)", "Espagne (EUR)", "France (EUR)", "Irlande (EUR)", "Pays-Bas (EUR)"]
    page.select_option("#id_market", "ES")
    page.fill("#id_city_query", "sévi")
    suggestion = page.locator(f'#city-suggestions button[value="{rows['sevilla'].pk}"]')
    suggestion.wait_for()
    assert suggestion.inner_text().startswith("Séville (Sevilla)")
    assert page.locator("#city-suggestions li").count() == 2  # Séville, Sevilla la Nueva
    screenshot(page, "l10n-city-suggestions-fr")
    suggestion.click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"  # picking Spain switches to Spanish
    assert page.locator(".chip-city").inner_text() == "Sevilla"
    assert page.locator(".location-current").inner_text() == "Mostrando ofertas para Sevilla, España."
    assert page.locator("#id_market option:checked").inner_text() == "España (EUR)"
    screenshot(page, "l10n-market-picker-es")

    page.goto(f"{live_server.url}/p/{rows['demo'].pk}/")
    page.locator(".lang-switch button[value=fr]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".chip-city").inner_text() == "Séville"
    assert page.locator("h2", has_text="Offres pour Séville").count() == 1
    specs = page.locator("dl.attrs").inner_text()
    assert re.search(r"Couleur\s+Rouge", specs) and re.search(r"Taille\s+EU 42", specs), specs
    assert page.locator("td.ship-from").first.inner_text().startswith("Cologne")
    screenshot(page, "l10n-product-fr")
