"""Pages still work under the Content-Security-Policy (no inline script allowed): the browser
reports no CSP violation on the storefront, sign-in, cart, checkout, orders and operator pages,
and the behaviours moved to static/web/comptoir.js (auto-submitting filters, the checkout's
totals update, the city suggestions of htmx) still run."""
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from comptoir.inventory.listing.refresh import listing_refresh_all
from comptoir.orders.tests.helpers import shop
from comptoir.planning.tests.factories import market_lu, store_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def test_no_csp_violation_and_scripts_still_work(live_server, page, screenshot):
    buyer, _s1, _s2, lamp, _chair = shop()
    market_lu()
    store_at("C")
    listing_refresh_all()
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(WATCH)
    url = live_server.url

    page.goto(url + "/")
    page.fill("#id_city_query", "Ly")  # htmx asks the server for suggestions
    page.wait_for_timeout(600)
    assert _violations(page) == []

    page.goto(f"{url}/search?q=Lamp")
    page.wait_for_selector("#result-count")
    assert _violations(page) == []
    sort = page.locator("select[name=sort]")
    if sort.count():
        values = sort.locator("option").evaluate_all("options => options.map(o => o.value)")
        page.select_option("select[name=sort]", values[-1])  # data-autosubmit: the page reloads sorted
        page.wait_for_url(re.compile(r"sort=" + re.escape(values[-1])))
    assert _violations(page) == []

    page.goto(f"{url}/p/{lamp.product_id}/")
    page.click(f"tr[data-offer='{lamp.pk}'] button.add-to-cart")
    page.wait_for_url("**/cart/")
    assert _violations(page) == []

    page.goto(url + "/accounts/login/?next=/checkout/")
    page.fill("input[name=username]", "buyer@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/checkout/")
    page.select_option("select[name=country]", "ES")  # comptoir.js presses "Update totals"
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=country]").input_value() == "ES"
    screenshot(page, "csp-checkout")
    assert _violations(page) == []

    for path in ("/orders/", "/accounts/password/"):
        page.goto(url + path)
        assert _violations(page) == [], path

    _login(page, live_server, get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True, is_superuser=True))
    page.goto(url + "/operator/planner/")
    page.select_option("#id_market", "LU")
    page.fill("#id_new_stores", "1")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#plan-result")
    assert _violations(page) == []
    page.goto(url + "/operator/analytics/")
    page.goto(url + "/admin/")
    page.goto(url + "/admin/ledger/journalentry/")
    assert _violations(page) == []
    assert console == []


def test_a_store_page_draws_its_map_under_the_csp(live_server, page, settings):
    from comptoir.catalog.tests.factories import make_city, make_market
    from comptoir.settings import base
    from comptoir.web.tests.test_store_pages import make_store

    # the deployed map settings (test settings turn the tiles off); the tiles cannot load here
    # (no network), but the CSP must not be what stops them
    settings.COMPTOIR_MAP_TILES_URL, settings.SECURE_CSP = base.COMPTOIR_MAP_TILES_URL, base.SECURE_CSP
    from comptoir.web.middleware import COOKIE_NAME

    es = make_market("ES")
    getafe = make_city("Getafe", 40.3057, -3.7329, country="ES", population=180_000)
    make_store(getafe, "Comptoir Getafe", "getafe", market=es)
    page.context.add_cookies([{"name": COOKIE_NAME, "value": f"ES:{getafe.pk}", "url": live_server.url}])
    page.add_init_script(WATCH)
    page.goto(live_server.url + "/stores/getafe/")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_timeout(1000)  # the tiles are asked for (the CSP lets their server in)
    assert _violations(page) == []
