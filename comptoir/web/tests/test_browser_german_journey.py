"""A German buyer's journey in headless Chromium, all in German: the browser says de-DE, so the
first visit is Germany, Berlin, German UI; search "Laufschuhe", open the product, buy it.

The expected UI strings are read from the German catalogue (gettext under translation.override)
and checked to differ from English, plus a few literal ones, so the test follows the translators'
wording and still fails on an English page."""
import re

import pytest
from django.conf import settings
from django.utils import translation

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.orders.models import Order
from comptoir.orders.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]


def de(msgid: str) -> str:
    with translation.override("de"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no German for {msgid!r}"
    return text


def _german_shop():
    make_market("FR")
    germany = make_market("DE")
    germany.languages = ["de", "en"]
    germany.save(update_fields=["languages"])
    make_city("Paris", 48.8534, 2.3488, country="FR", population=2_138_551)
    berlin = make_city("Berlin", 52.5244, 13.4105, country="DE", population=3_426_354)
    potsdam = make_city("Potsdam", 52.3989, 13.0657, country="DE", population=159_456)
    sport = make_category("sport", names={"en": "Sports", "de": "Sport", "fr": "Sport"})
    shoes = make_category("running-shoes", parent=sport, names={"en": "Running shoes", "de": "Laufschuhe", "fr": "Chaussures de running"})
    pan = make_category("cookware", names={"en": "Cookware", "de": "Kochgeschirr"})
    seller = make_seller("Laufladen Potsdam", country="DE", city=potsdam)
    warehouse = make_location(seller, potsdam)
    shoe = make_product(category=shoes, brand="Laufwerk", texts={
        "de": ("Trail-Laufschuhe für Damen Laufwerk – EU 40, Blau", "Gedämpfte Zwischensohle und atmungsaktives Mesh-Obermaterial."),
        "en": ("Women's Trail Running Shoes Laufwerk – EU 40, Blue", "Cushioned midsole and breathable mesh upper."),
    })
    other = make_product(category=pan, brand="Kochwerk", texts={"de": ("Bratpfanne aus Gusseisen", "Für alle Herdarten.")})
    for product in (shoe, other):
        make_offer(seller, product, warehouse, net_price=8900, stock=4, handling_days=1)
    listing_refresh([shoe.pk, other.pk])
    f.user("kaeufer@example.com")
    return berlin, shoe


def test_a_german_buyer_searches_laufschuhe_and_checks_out_in_german(live_server, browser, screenshot):
    _berlin, shoe = _german_shop()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    url = live_server.url
    try:
        page.goto(url + "/")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator(".chip-city").inner_text() == "Berlin"
        assert page.locator(".chip-market").inner_text() == "DE"
        assert page.locator(".chip-market").get_attribute("title") == "Deutschland"
        assert page.locator(".header-search button").inner_text() == de("Search") == "Suchen"
        assert page.locator(".header-search input[name=q]").get_attribute("placeholder") == de("Search products, brands…")
        screenshot(page, "german-home")

        page.fill(".header-search input[name=q]", "Laufschuhe")
        page.locator(".header-search button").click()
        page.wait_for_url(re.compile(r"/search\?q=Laufschuhe"))
        cards = page.locator(".card")
        assert cards.count() == 1
        assert "Trail-Laufschuhe für Damen" in cards.first.inner_text()
        assert page.locator("#result-count").inner_text() == "1 Produkt"
        screenshot(page, "german-search")

        cards.first.click()
        page.wait_for_url(re.compile(rf"/p/{shoe.pk}/"))
        assert page.locator("h1").inner_text() == "Trail-Laufschuhe für Damen Laufwerk – EU 40, Blau"
        assert "Laufschuhe" in page.locator(".breadcrumbs").inner_text()
        add = page.locator("button.add-to-cart").first
        assert add.inner_text() == de("Add to cart") == "In den Warenkorb"
        assert page.locator(".offer-price").first.inner_text() == "105,91\xa0€"  # 89.00 net + 19 % VAT
        screenshot(page, "german-product")

        add.click()
        page.wait_for_url("**/cart/")
        assert page.locator("#go-checkout").inner_text() == de("Checkout")
        screenshot(page, "german-cart")
        page.click("#go-checkout")
        page.wait_for_url("**/accounts/login/**")
        assert page.locator("html").get_attribute("lang") == "de"
        page.fill("input[name=username]", "kaeufer@example.com")
        page.fill("input[name=password]", "correct-horse-battery")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/checkout/")
        assert page.locator("#pay").inner_text() == de("Pay")
        page.fill("input[name=full_name]", "Anna Schmidt")
        page.fill("input[name=line1]", "Unter den Linden 1")
        page.fill("input[name=postcode]", "10117")
        page.fill("input[name=city]", "Berlin")
        page.select_option("select[name=country]", "DE")
        assert page.locator("select[name=country] option[value=DE]").inner_text() == "Deutschland"
        page.fill("input[name=phone]", "+49 30 1234567")
        page.fill("input[name=card_number]", "4242 4242 4242 4242")
        page.fill("input[name=card_expiry]", "12/34")
        page.fill("input[name=card_cvc]", "123")
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, "german-checkout")
        page.click("#pay")
        page.wait_for_url("**/orders/C*/")
        page.wait_for_selector(".order-part")
        assert page.locator("html").get_attribute("lang") == "de"
        assert "Trail-Laufschuhe für Damen" in page.content()
        assert de("My orders") in page.locator(".header-nav").inner_text()
        screenshot(page, "german-order")
        order = Order.objects.get()
        assert (order.market.code, order.language) == ("DE", "de")
    finally:
        context.close()
