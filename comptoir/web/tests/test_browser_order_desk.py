"""The order desk in a real browser: a support lead finds an order by the buyer's e-mail and
refunds one lamp with a reason; a support agent without the refund permission sees no refund
button and is refused."""
import pytest
from django.contrib.auth.models import Group
from django.test import Client

from comptoir.orders.models import Refund
from comptoir.orders.services import seller_order_accept, seller_order_ship
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import place, shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def _staff(email, group):
    """A staff user in one of the groups the migration creates (a transactional test's flush
    empties the groups table: they are made again from the migration's own function)."""
    if not Group.objects.filter(name=group).exists():
        import importlib

        from django.apps import apps

        importlib.import_module("comptoir.orders.migrations.0004_support_groups").forwards(apps, None)
    user = f.user(email, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _shipped_order():
    buyer, s1, s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    p1 = order.parts.order_by("pk").first()
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="Colissimo", tracking_number="6A123")
    return order, p1


def test_support_lead_finds_an_order_by_email_and_refunds_one_line(page, live_server, screenshot):
    order, p1 = _shipped_order()
    line = p1.lines.get()
    _login(page, live_server, _staff("lead@comptoir.example", "Support lead"))
    page.goto(f"{live_server.url}/operator/orders/")
    page.get_by_label("Buyer e-mail").fill("buyer@example.com")
    page.click("#order-search button[type=submit]")
    page.wait_for_selector(f"#orders tr[data-reference='{order.reference}']")
    screenshot(page, "order-desk-search")
    page.click(f"#orders a:has-text('{order.reference}')")
    page.wait_for_selector("h1:has-text('Order')")
    page.get_by_label("Units of “Lamp” to refund").fill("1")
    page.get_by_label("Reason for the refund").fill("Lamp arrived broken")
    page.click("#refund-selected")
    page.wait_for_selector(".messages li")
    assert "Refunded €12.00 to the buyer." in page.locator(".messages").inner_text()
    assert page.locator(f".desk-part[data-number='{p1.number}'] .part-refunded").inner_text() == "€12.00"
    assert "Lamp arrived broken" in page.locator("#audit").inner_text()
    assert "Lamp arrived broken" in page.locator("#refunds").inner_text()
    screenshot(page, "order-desk-refunded")
    assert Refund.objects.get().amount == 1200


def test_support_without_permission_sees_no_refund_button_and_a_post_is_refused(page, live_server, screenshot):
    order, p1 = _shipped_order()
    _login(page, live_server, _staff("support@comptoir.example", "Support"))
    page.goto(f"{live_server.url}/operator/orders/{order.reference}/")
    page.wait_for_selector("#no-refund-permission")
    assert page.locator("#refund-form").count() == 0
    assert page.locator("button:has-text('Refund')").count() == 0
    screenshot(page, "order-desk-no-permission")
    # A forged POST from the page (its CSRF cookie and token) is refused.
    status = page.evaluate(
        """async ([url, line]) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken='));
            const body = new URLSearchParams({['qty_' + line]: '1', reason: 'x'});
            const r = await fetch(url, {method: 'POST', body, headers: {'X-CSRFToken': token ? token.split('=')[1] : ''}});
            return r.status;
        }""",
        [f"/operator/orders/{order.reference}/refund/", p1.lines.get().pk],
    )
    assert status == 403
    assert Refund.objects.count() == 0
