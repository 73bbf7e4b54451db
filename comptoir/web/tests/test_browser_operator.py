import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from comptoir.planning.tests.factories import market_lu, store_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_operator_plans_stores_and_sees_analytics(page, live_server, screenshot):
    market_lu()
    store_at("C")
    _login(page, live_server, get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True))
    page.goto(f"{live_server.url}/operator/planner/")
    page.select_option("#id_market", "LU")
    page.fill("#id_new_stores", "2")
    page.select_option("#id_objective", "coverage")
    page.fill("#id_radius_km", "10")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#plan-result")
    rows = page.locator("#picks tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("td").nth(1).inner_text() == "A1"
    # the map PNG loads (naturalWidth > 0 only once the image decoded)
    page.wait_for_function("() => { const i = document.querySelector('img.op-map'); return i && i.complete && i.naturalWidth > 0; }")
    screenshot(page, "operator-planner")

    page.click("text=Market analytics")
    page.wait_for_selector("h1:has-text('Market analytics')")
    assert page.locator("#no-orders").inner_text() == "No orders yet."
    screenshot(page, "operator-analytics")


def test_non_operator_is_refused_in_the_browser(page, live_server):
    _login(page, live_server, get_user_model().objects.create_user("buyer", "b@example.com", "pw"))
    response = page.goto(f"{live_server.url}/operator/planner/")
    assert response.status == 403
