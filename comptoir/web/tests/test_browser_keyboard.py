"""Keyboard-only journeys in headless Chromium: the buyer searches, opens a product, adds it to the
cart, signs in, pays with the test card and lands on the order; the clerk opens the till, scans a
GTIN, takes cash and gets the receipt. Only key presses and typing drive the pages (no click),
every element the Tab key reaches shows where the focus is, and the first Tab reaches "Skip to
content"."""
import re

import pytest
from django.conf import settings
from django.test import Client

from comptoir.catalog.services import search_reindex_all
from comptoir.inventory.listing.refresh import listing_refresh_all
from comptoir.orders.models import Order
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop
from comptoir.stores.models import PosSale, StaffRole, TillSession
from comptoir.stores.tests import factories as sf
from comptoir.stores.tests.till_factories import on_shelf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]

_FOCUSED = """selector => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  // focus inside a built-in control's own part (a date field's calendar button): the browser draws it
  const inner = !el.matches(":focus") && el.matches(":focus-within");
  return {html: el.outerHTML.slice(0, 140), visible: ring || inner || style.boxShadow !== "none", matches: el.matches(selector)};
}"""


class Keyboard:
    """Tab through a page as a keyboard user does, keeping the elements whose focus was invisible."""

    def __init__(self, page):
        self.page = page
        self.invisible: list[str] = []
        self.presses = 0

    def tab_to(self, selector: str, *, limit: int = 80, shift: bool = False) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if shift else "Tab")
            self.presses += 1
            focused = self.page.evaluate(_FOCUSED, selector)
            if focused is None:
                continue
            if not focused["visible"]:
                self.invisible.append(focused["html"])
            if focused["matches"]:
                return
        raise AssertionError(f"{selector} not reached with {limit} presses of Tab on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


def _language(page, url):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url}])


def test_a_buyer_searches_buys_and_pays_with_the_keyboard_only(live_server, page, screenshot):
    buyer, _s1, _s2, lamp, _chair = shop()
    search_reindex_all()
    listing_refresh_all()
    url = live_server.url
    _language(page, url)
    page.goto(url + "/")
    keys = Keyboard(page)

    # The first Tab reaches the skip link; Enter moves the focus to the page's content.
    keys.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    assert page.evaluate(_FOCUSED, "a.skip-link")["visible"]
    screenshot(page, "keyboard-01-skip-link")
    keys.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"

    keys.tab_to("header input[name=q]", shift=True)
    keys.type("Lamp")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Lamp"))
    assert page.locator("a.card").count() == 1, page.locator("main").inner_text()[-600:]
    keys.tab_to("a.card")
    screenshot(page, "keyboard-02-search-card-focused")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/p/\d+/"))
    keys.tab_to(f"tr[data-offer='{lamp.pk}'] button.add-to-cart")
    keys.press("Enter")
    page.wait_for_url("**/cart/")
    keys.tab_to("#go-checkout")
    keys.press("Enter")
    page.wait_for_url("**/accounts/login/**")
    keys.tab_to("input[name=username]")
    keys.type("buyer@example.com")
    keys.tab_to("input[name=password]")
    keys.type("correct-horse-battery")
    keys.press("Enter")
    page.wait_for_url(url + "/checkout/")

    for name, text in [("full_name", "Ana Ruiz"), ("line1", "1 rue de la République"), ("postcode", "69001"),
                       ("city", "Lyon"), ("phone", "04 72 10 30 30"), ("card_number", "4242 4242 4242 4242"),
                       ("card_expiry", "12/34"), ("card_cvc", "123")]:
        keys.tab_to(f"input[name={name}]")
        keys.type(text)
    assert page.locator("select[name=country]").input_value() == "FR"
    keys.tab_to("#pay")
    screenshot(page, "keyboard-03-checkout-pay-focused")
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/orders/C\w+/"))
    order = Order.objects.get(buyer=buyer)
    assert page.url.endswith(f"/orders/{order.reference}/")
    assert page.locator(".order-part").count() == 1
    screenshot(page, "keyboard-04-order")
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"


def test_a_clerk_opens_the_till_scans_and_takes_cash_with_the_keyboard_only(live_server, page, screenshot):
    f.market("FR"), f.market("ES")
    store = sf.store("Comptoir Madrid Malasaña")
    clerk = sf.staff(store, role=StaffRole.CLERK, email="clerk@example.com")
    seller = f.seller("Cerámica Lavapiés", country="ES", city_name="Madrid")
    mug, _level = on_shelf(store, seller, net_price=800, units=5, title="Stoneware mug")
    client = Client()
    client.force_login(clerk)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    _language(page, live_server.url)
    page.goto(f"{live_server.url}/store/{store.slug}/till/")
    keys = Keyboard(page)

    keys.tab_to("#float")
    keys.press("Control+A")
    keys.type("50.00")
    keys.press("Enter")
    page.wait_for_selector("#gtin")
    assert TillSession.objects.get(store=store).opening_float == 5000
    # the scanner's field has the focus when the till opens: the scanner types the digits and Enter
    assert page.evaluate("document.activeElement.id") == "gtin"
    keys.type(mug.product.gtin)
    keys.press("Enter")
    page.wait_for_selector("table.basket tr[data-line]")
    assert page.locator("#total").inner_text() == "€9.68"  # 8.00 + 21 % VAT
    keys.tab_to("#cash_given")
    keys.type("10")
    keys.tab_to("button[value=cash]")
    screenshot(page, "keyboard-05-till-cash-focused")
    keys.press("Enter")
    page.wait_for_selector("#receipt")
    assert page.locator("#receipt-change").inner_text() == "€0.32"
    assert PosSale.objects.get().total_gross == 968
    screenshot(page, "keyboard-06-till-receipt")
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"
