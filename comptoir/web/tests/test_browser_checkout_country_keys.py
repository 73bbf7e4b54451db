"""WCAG 3.2.2 On Input at checkout: arrowing through the country select (or a delivery group's
radios) with the keyboard does not reload the page at each step; the totals are recomputed once
the keyboard user commits the choice (Tab out of the control, or Enter), and after that reload the
focus is where the user was going. A choice made with the pointer still recomputes at once."""
import pytest
from django.conf import settings
from django.test import Client

from comptoir.orders import services
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop

from .test_browser_keyboard import Keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]

_ACTIVE = "document.activeElement === document.body ? null : document.activeElement.outerHTML.slice(0, 80)"


def _checkout(live_server, page):
    """The buyer (signed in) on the checkout page with the lamp (10.00 excl. VAT) in the cart; the
    markets are France, Germany and Spain (in this order in English). Returns the list of the
    page's loads, which grows at each full page load."""
    buyer, _s1, _s2, lamp, _chair = shop()
    f.market("DE")
    services.cart_add(cart=services.cart_for_request_owner(user=buyer), offer_id=lamp.pk, quantity=1)
    client = Client()
    client.force_login(buyer)
    url = live_server.url
    page.context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url},
    ])
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    page.goto(url + "/checkout/")
    assert page.locator("select[name=country] option").all_inner_texts() == ["France", "Germany", "Spain"]
    return loads


def _summary(page) -> list[str]:
    return [" ".join(t.split()) for t in page.locator("table.co-sum tr").all_inner_texts()]


FRANCE = ["Items (excl. VAT) €10.00", "Delivery (excl. VAT) €4.90", "VAT 20 % €2.98", "Total €17.88"]
# from Lyon to Spain or Germany the standard delivery costs 9.90 excl. VAT; VAT at the destination's rate
SPAIN = ["Items (excl. VAT) €10.00", "Delivery (excl. VAT) €9.90", "VAT 21 % €4.18", "Total €24.08"]
GERMANY = ["Items (excl. VAT) €10.00", "Delivery (excl. VAT) €9.90", "VAT 19 % €3.78", "Total €23.68"]
CHECKED = "section[data-group] input[type=radio]:checked"


def _active(page):
    return page.evaluate(_ACTIVE)


def test_arrowing_through_the_countries_does_not_reload_tab_commits_once(live_server, page, screenshot):
    loads = _checkout(live_server, page)
    assert len(loads) == 1
    assert _summary(page) == FRANCE
    keys = Keyboard(page)
    keys.tab_to("select[name=country]")
    for key, value in [("ArrowDown", "DE"), ("ArrowDown", "ES"), ("ArrowUp", "DE"), ("ArrowDown", "ES")]:
        keys.press(key)
        page.wait_for_timeout(300)  # time enough for a reload to start
        assert page.locator("select[name=country]").input_value() == value
        assert len(loads) == 1, f"reloaded after {key}"
    assert _summary(page) == FRANCE  # not recomputed yet
    screenshot(page, "country-keys-01-arrowed-to-spain")

    with page.expect_navigation():
        keys.press("Tab")  # leaves the select: the choice is committed
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert len(loads) == 2
    assert page.locator("select[name=country]").input_value() == "ES"
    assert _summary(page) == SPAIN
    assert page.locator(CHECKED).get_attribute("value") == "standard"
    # the focus is on the field the Tab was moving to, not at the top of the page
    assert page.evaluate("document.activeElement.name") == "phone", _active(page)
    screenshot(page, "country-keys-02-spain-phone-focused")
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"


def test_enter_commits_the_country_and_keeps_the_focus_on_the_select(live_server, page, screenshot):
    loads = _checkout(live_server, page)
    keys = Keyboard(page)
    keys.tab_to("select[name=country]")
    keys.press("Enter")  # nothing to commit: the rendered country
    page.wait_for_timeout(300)
    assert len(loads) == 1
    keys.press("ArrowDown")
    page.wait_for_timeout(300)
    assert len(loads) == 1
    with page.expect_navigation():
        keys.press("Enter")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert len(loads) == 2
    assert page.locator("select[name=country]").input_value() == "DE"
    assert _summary(page) == GERMANY
    assert page.locator(CHECKED).get_attribute("value") == "standard"
    assert page.evaluate("document.activeElement.name") == "country", _active(page)
    screenshot(page, "country-keys-03-germany-select-focused")


def test_picking_a_country_with_the_pointer_updates_at_once(live_server, page, screenshot):
    loads = _checkout(live_server, page)
    with page.expect_navigation():
        page.select_option("select[name=country]", "ES")
    page.wait_for_load_state("load")
    assert len(loads) == 2
    assert page.locator("select[name=country]").input_value() == "ES"
    assert _summary(page) == SPAIN
    assert page.evaluate("document.activeElement.name") == "country", _active(page)
    screenshot(page, "country-keys-06-pointer-spain")


def test_arrowing_through_the_delivery_options_does_not_reload_enter_or_tab_commits(live_server, page, screenshot):
    loads = _checkout(live_server, page)
    standard = FRANCE
    express = ["Items (excl. VAT) €10.00", "Delivery (excl. VAT) €9.90", "VAT 20 % €3.98", "Total €23.88"]
    assert _summary(page) == standard
    checked = CHECKED
    keys = Keyboard(page)
    keys.tab_to(checked)
    assert page.locator(checked).get_attribute("value") == "standard"
    for key, value in [("ArrowDown", "express"), ("ArrowUp", "standard"), ("ArrowDown", "express")]:
        keys.press(key)
        page.wait_for_timeout(300)
        assert page.locator(checked).get_attribute("value") == value
        assert len(loads) == 1, f"reloaded after {key}"
    assert _summary(page) == standard

    with page.expect_navigation():
        keys.press("Enter")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert len(loads) == 2
    assert _summary(page) == express
    # the focus is back on the chosen option
    focused = "document.activeElement.type === 'radio' && document.activeElement.checked && document.activeElement.value"
    assert page.evaluate(focused) == "express", _active(page)
    screenshot(page, "country-keys-04-express-focused")

    keys.press("ArrowUp")
    page.wait_for_timeout(300)
    assert len(loads) == 2
    with page.expect_navigation():
        keys.press("Tab")  # leaves the group: committed, the focus goes on to the card number
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert len(loads) == 3
    assert _summary(page) == standard
    assert page.evaluate("document.activeElement.name") == "card_number", _active(page)
    screenshot(page, "country-keys-05-standard-card-focused")
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"


def test_picking_a_delivery_option_with_the_pointer_updates_at_once(live_server, page):
    loads = _checkout(live_server, page)
    with page.expect_navigation():
        page.click("section[data-group] label.co-option:has(input[value=express])")
    page.wait_for_load_state("load")
    assert len(loads) == 2
    assert page.locator("section[data-group] input[type=radio]:checked").get_attribute("value") == "express"
    assert _summary(page) == ["Items (excl. VAT) €10.00", "Delivery (excl. VAT) €9.90", "VAT 20 % €3.98", "Total €23.88"]
