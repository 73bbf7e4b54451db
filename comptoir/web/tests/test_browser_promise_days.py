"""The product page in headless Chromium writes its promise days the Portuguese (Portugal) and the
German way (CLDR via babel): "quinta-feira, 10 de dezembro" in the sentence and "quinta, 10/12" in
the offers table; "Donnerstag, 10. Dezember" and "Do., 10. Dez.". The clock is Monday 7 December
2026 in Seville (Tuesday 8 is a Spanish holiday)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from comptoir.catalog.tests.factories import (
    make_category, make_city, make_location, make_market, make_offer, make_product, make_seller,
)
from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.web.middleware import COOKIE_NAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]

MONDAY = dt.datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.mark.parametrize("language, browser_locale, sentence, cell", [
    ("pt", "pt-PT", "Mais rápido: Calzados Triana, entregue entre quinta-feira, 10 de dezembro e sexta-feira, 11 de dezembro.",
     "quinta, 10/12 – sexta, 11/12"),
    ("de", "de-DE", "Am schnellsten: Calzados Triana, Lieferung zwischen Donnerstag, 10. Dezember und Freitag, 11. Dezember.",
     "Do., 10. Dez. – Fr., 11. Dez."),
])
def test_the_product_page_writes_promise_days_in_the_buyers_language(live_server, browser, screenshot,
                                                                      language, browser_locale, sentence, cell):
    with time_machine.travel(MONDAY, tick=True):
        make_market("ES")
        make_market("FR")
        sevilla = make_city("Sevilla", 37.3886, -5.9823, country="ES", population=684_234)
        dos_hermanas = make_city("Dos Hermanas", 37.2828, -5.9209, country="ES", population=133_000)
        shoes = make_category("shoes", names={"en": "Shoes", "pt": "Sapatilhas", "de": "Schuhe"})
        seller = make_seller("Calzados Triana", country="ES", city=dos_hermanas)
        shoe = make_product(category=shoes, brand="Pistard", texts={
            "pt": ("Sapatilhas de corrida vermelhas", ""), "de": ("Rote Laufschuhe", ""), "en": ("Red running shoes", "")})
        make_offer(seller, shoe, make_location(seller, dos_hermanas), net_price=1000, stock=3, handling_days=1)
        listing_refresh([shoe.pk])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=browser_locale)
        host = live_server.url.split("//")[1].split(":")[0]
        context.add_cookies([{"name": "django_language", "value": language, "domain": host, "path": "/"},
                             {"name": COOKIE_NAME, "value": f"ES:{sevilla.pk}", "domain": host, "path": "/"}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{live_server.url}/p/{shoe.pk}/")
            assert page.locator("html").get_attribute("lang") == language
            # days are written with no-break spaces (a day never breaks across lines)
            assert page.locator(".product-best + p").inner_text().replace("\xa0", " ") == sentence
            assert page.locator("td.promise").first.inner_text().replace("\xa0", " ") == cell
            screenshot(page, f"promise-days-{language}")
        finally:
            context.close()
