"""WCAG 3.2.2 On Input on the pages that reload when a control changes (comptoir.js, commitOnInput):
the storefront's sort order and filter radios, and the seller switch. Arrowing through a closed
select or a radio group with the keyboard does not reload the page at each step; Enter, or leaving
the control with a changed value, commits once, and after the reload the focus is where the user
was. A choice made with the pointer still reloads at once. The focus hint ("focus") stays out of
the address bar and of the pagination links."""
import pytest
from django.conf import settings
from django.test import Client

from comptoir.orders.tests import factories as f

from .test_browser_keyboard import Keyboard
from .test_browser_storefront import _catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]

_ACTIVE = "document.activeElement === document.body ? null : document.activeElement.outerHTML.slice(0, 120)"
SORT = "select[name=sort]"


def _category(live_server, page, query=""):
    """The running shoes in English. Returns the list of the page's loads, which grows at each full
    page load; page.requested lists the URLs requested by the navigations (page.url, after the
    load, has lost the focus hint)."""
    _catalogue()
    url = live_server.url
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url}])
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    page.requested = []
    page.on("request", lambda r: r.is_navigation_request() and page.requested.append(r.url))
    page.goto(f"{url}/c/running-shoes/{query}")
    return loads


def _reloaded(page, keys, key):
    with page.expect_navigation():
        keys.press(key)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)


def _titles(page):
    return page.locator("a.card h3, a.card .title").all_inner_texts()


def test_arrowing_through_the_sort_order_does_not_reload_enter_commits(live_server, page, screenshot):
    loads = _category(live_server, page)
    assert len(loads) == 1
    keys = Keyboard(page)
    keys.tab_to(SORT)
    for key, value in [("ArrowDown", "price_asc"), ("ArrowDown", "price_desc"), ("ArrowUp", "price_asc")]:
        keys.press(key)
        page.wait_for_timeout(300)  # time enough for a reload to start
        assert page.locator(SORT).input_value() == value
        assert len(loads) == 1, f"reloaded after {key}"
    screenshot(page, "autosubmit-keys-01-sort-arrowed")

    _reloaded(page, keys, "Enter")
    assert len(loads) == 2
    assert "sort=price_asc" in page.requested[-1] and "focus=sort" in page.requested[-1]
    assert page.locator(SORT).input_value() == "price_asc"
    assert page.evaluate("document.activeElement.name") == "sort", page.evaluate(_ACTIVE)
    # the hint did its work: not in the address bar
    assert "focus" not in page.url and "sort=price_asc" in page.url
    screenshot(page, "autosubmit-keys-02-sort-committed-focused")

    keys.press("ArrowDown")
    page.wait_for_timeout(300)
    assert len(loads) == 2
    _reloaded(page, keys, "Tab")  # leaves the select with another value: committed
    assert len(loads) == 3
    assert page.locator(SORT).input_value() == "price_desc"
    assert page.evaluate("document.activeElement.name") == "sort", page.evaluate(_ACTIVE)
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"


def test_tab_out_of_an_unchanged_sort_order_does_not_reload(live_server, page):
    loads = _category(live_server, page)
    keys = Keyboard(page)
    keys.tab_to(SORT)
    keys.press("ArrowDown")
    keys.press("ArrowUp")  # back to the rendered value
    keys.press("Tab")
    page.wait_for_timeout(400)
    assert len(loads) == 1


def test_picking_a_sort_order_with_the_pointer_reloads_at_once(live_server, page):
    loads = _category(live_server, page)
    with page.expect_navigation():
        page.select_option(SORT, "price_desc")
    page.wait_for_load_state("load")
    assert len(loads) == 2
    assert page.locator(SORT).input_value() == "price_desc"
    assert page.evaluate("document.activeElement.name") == "sort", page.evaluate(_ACTIVE)


def test_arrowing_through_a_filter_radio_group_does_not_reload_tab_commits(live_server, page, screenshot):
    loads = _category(live_server, page)
    checked = "#filters input[name=local_km]:checked"
    keys = Keyboard(page)
    keys.tab_to(checked)
    assert page.locator(checked).get_attribute("value") == ""
    for key, value in [("ArrowDown", "10"), ("ArrowDown", "30"), ("ArrowUp", "10"), ("ArrowDown", "30")]:
        keys.press(key)
        page.wait_for_timeout(300)
        assert page.locator(checked).get_attribute("value") == value
        assert len(loads) == 1, f"reloaded after {key}"
    screenshot(page, "autosubmit-keys-03-radios-arrowed")

    _reloaded(page, keys, "Tab")  # leaves the group: committed; the focus goes on to the next group
    assert len(loads) == 2
    assert "local_km=30" in page.requested[-1] and "focus=store_km" in page.requested[-1]
    assert page.locator(checked).get_attribute("value") == "30"
    focused = "document.activeElement.type === 'radio' && document.activeElement.checked && document.activeElement.name"
    assert page.evaluate(focused) == "store_km", page.evaluate(_ACTIVE)
    assert "focus" not in page.url
    screenshot(page, "autosubmit-keys-04-radios-committed-next-group-focused")

    keys.tab_to(checked, shift=True)
    keys.press("ArrowDown")
    page.wait_for_timeout(300)
    assert len(loads) == 2
    _reloaded(page, keys, "Enter")
    assert len(loads) == 3
    assert page.locator(checked).get_attribute("value") == "50"
    assert page.evaluate(focused) == "local_km", page.evaluate(_ACTIVE)
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"


def test_clicking_a_filter_radio_reloads_at_once(live_server, page):
    loads = _category(live_server, page)
    with page.expect_navigation():
        page.click("#filters label.facet-option:has(input[name=local_km][value='100'])")
    page.wait_for_load_state("load")
    assert len(loads) == 2
    assert page.locator("#filters input[name=local_km]:checked").get_attribute("value") == "100"


def test_the_focus_hint_stays_out_of_the_links(live_server, page):
    _category(live_server, page, "?per_page=12&sort=newest&focus=sort")
    assert page.evaluate("document.activeElement.name") == "sort", page.evaluate(_ACTIVE)
    hrefs = page.locator(".per-page a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs == ["?per_page=24&sort=newest", "?per_page=48&sort=newest"]


def test_arrowing_through_the_seller_switch_does_not_switch_enter_does(live_server, page, screenshot):
    user = f.user("owner@example.com")
    f.seller("Atelier Lyon", user=user)
    f.seller("Boutique Paris", user=user, city_name="Paris")
    client = Client()
    client.force_login(user)
    url = live_server.url
    page.context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url},
    ])
    loads = []
    page.on("load", lambda p: loads.append(p.url))
    page.goto(url + "/seller/")
    assert page.locator(".sc-seller").inner_text() == "Atelier Lyon"
    keys = Keyboard(page)
    keys.tab_to("#switch-select")
    keys.press("ArrowDown")
    page.wait_for_timeout(400)
    assert len(loads) == 1
    assert page.locator(".sc-seller").inner_text() == "Atelier Lyon"
    _reloaded(page, keys, "Enter")
    assert page.locator(".sc-seller").inner_text() == "Boutique Paris"
    assert page.evaluate("document.activeElement.id") == "switch-select", page.evaluate(_ACTIVE)
    assert "focus" not in page.url
    screenshot(page, "autosubmit-keys-05-seller-switched")
    assert keys.invisible == [], f"focus not visible on: {keys.invisible}"
