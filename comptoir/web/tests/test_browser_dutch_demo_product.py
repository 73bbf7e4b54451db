"""A Dutch buyer in headless Chromium finds a product whose texts the demo composes (demo/compose.py,
demo/vocab_pt_nl.py): the browser says nl-NL, so the first visit is the Netherlands, Amsterdam, Dutch
UI; "gietijzer koekenpan" finds "Gietijzeren koekenpan …" (Snowball's Dutch stemmer; a plural with a
doubled consonant, "koekenpannen", would find it on SQLite only: PostgreSQL's Dutch stemmer is the older
one), and the product page shows the Dutch title, description and attribute values."""
import re

import pytest
from django.conf import settings

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.demo.compose import attribute_values, product_texts
from comptoir.demo.vocab import LEAVES
from comptoir.inventory.listing.refresh import listing_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]


def _demo_product(category, slug, noun_key, variant_key, brand, size, colour):
    leaf = next(leaf for leaf in LEAVES if leaf.slug == slug)
    noun = next(n for n in leaf.nouns if n.key == noun_key)
    variant = next(v for v in leaf.variants if v.key == variant_key)
    return make_product(
        category=category, brand=brand, texts=product_texts(leaf, noun, variant, brand, size, colour, [0, 1]),
        attributes=attribute_values(noun, variant, size, colour, slug),
    )


def test_a_dutch_buyer_finds_a_demo_pan_and_reads_it_in_dutch(live_server, browser, screenshot):
    make_market("FR")
    netherlands = make_market("NL", vat={"standard": 2100})
    netherlands.languages = ["nl", "en"]
    netherlands.save(update_fields=["languages"])
    make_city("Paris", 48.8534, 2.3488, country="FR", population=2_138_551)
    make_city("Amsterdam", 52.3740, 4.8897, country="NL", population=741_636)
    utrecht = make_city("Utrecht", 52.0908, 5.1222, country="NL", population=290_529)
    names = {leaf.slug: leaf.names for leaf in LEAVES}
    cookware = make_category("cookware", names=names["cookware"])
    toys = make_category("toys", names=names["toys"])
    pan = _demo_product(cookware, "cookware", "frying-pan", "cast-iron", "Cuisor", "28 cm", "red")
    game = _demo_product(toys, "toys", "board-game", "classic", "Ludimo", "8+ years", "green")
    seller = make_seller("Kookhuis Utrecht", country="NL", city=utrecht)
    warehouse = make_location(seller, utrecht)
    for product in (pan, game):
        make_offer(seller, product, warehouse, net_price=4990, stock=3, handling_days=1)
    listing_refresh([pan.pk, game.pk])

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "nl"
        assert (page.locator(".chip-market").inner_text(), page.locator(".chip-city").inner_text()) == ("NL", "Amsterdam")

        page.fill(".header-search input[name=q]", "gietijzer koekenpan")
        page.locator(".header-search button").click()
        page.wait_for_url(re.compile(r"/search\?q=gietijzer"))
        cards = page.locator(".card")
        assert cards.count() == 1
        assert "Gietijzeren koekenpan Cuisor – 28 cm, rood" in cards.first.inner_text()
        assert page.locator("#result-count").inner_text() == "1 product"
        screenshot(page, "dutch-demo-search")

        cards.first.click()
        page.wait_for_url(re.compile(rf"/p/{pan.pk}/"))
        assert page.locator("h1").inner_text() == "Gietijzeren koekenpan Cuisor – 28 cm, rood"
        assert "Kookgerei" in page.locator(".breadcrumbs").inner_text()
        assert page.locator("p.product-desc").inner_text().startswith(
            "Gietijzeren koekenpan. Geschikt voor alle warmtebronnen, ook voor inductie.")
        attributes = dict(zip(page.locator("dl.attrs dt").all_inner_texts(), page.locator("dl.attrs dd").all_inner_texts()))
        assert {attributes[k] for k in ("Type", "Variant", "Kleur")} == {"Koekenpan", "Gietijzeren", "Rood"}
        screenshot(page, "dutch-demo-product")

        # a "het" word: the adjective keeps its base form before it
        page.fill(".header-search input[name=q]", "bordspel")
        page.locator(".header-search button").click()
        page.wait_for_url(re.compile(r"/search\?q=bordspel"))
        assert page.locator(".card").count() == 1
        assert "Klassiek bordspel Ludimo – 8+ jaar, groen" in page.locator(".card").first.inner_text()
    finally:
        context.close()
