"""Browser journey: two sellers' items in one cart, a declined card, then a double-clicked Pay."""
import pytest
from django.conf import settings

from comptoir.orders.models import Order, SellerOrder
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop
from comptoir.payments.models import Payment

# available_apps = every app: the teardown flush then uses TRUNCATE … CASCADE on PostgreSQL (raw
# tables such as catalog_search_pg reference catalog_product).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]


def _fill(page, card):
    page.fill("input[name=full_name]", "Ana Ruiz")
    page.fill("input[name=line1]", "1 rue de la République")
    page.fill("input[name=postcode]", "69001")
    page.fill("input[name=city]", "Lyon")
    page.select_option("select[name=country]", "FR")
    page.fill("input[name=phone]", "04 72 10 30 30")
    page.fill("input[name=card_number]", card)
    page.fill("input[name=card_expiry]", "12/34")
    page.fill("input[name=card_cvc]", "123")


def test_two_sellers_one_checkout_declined_then_double_clicked_pay(live_server, page, screenshot):
    buyer, s1, s2, a, b = shop()
    url = live_server.url
    for offer in (a, b):
        page.goto(f"{url}/p/{offer.product_id}/")
        page.click(f"tr[data-offer='{offer.pk}'] button.add-to-cart")
        page.wait_for_url("**/cart/")
    assert page.locator("section[data-group]").count() == 2
    screenshot(page, "checkout-cart")

    page.click("#go-checkout")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", "buyer@example.com")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/checkout/")

    _fill(page, "4000 0000 0000 0002")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "checkout-form")
    page.click("#pay")
    page.wait_for_selector(".errorlist")
    assert "Your payment was declined" in page.content()
    assert Order.objects.count() == 0
    assert (f.level(a).held, f.level(b).held) == (0, 0)
    assert (f.level(a).on_hand, f.level(b).on_hand) == (5, 3)

    page.fill("input[name=card_number]", "4242 4242 4242 4242")
    page.dblclick("#pay")
    page.wait_for_url("**/orders/C*/")
    page.wait_for_selector(".order-part")
    screenshot(page, "checkout-order")
    assert page.locator(".order-part").count() == 2
    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert SellerOrder.objects.filter(order=order).count() == 2
    assert Payment.objects.filter(status="authorized").count() == 1
    assert (f.level(a).held, f.level(b).held) == (1, 1)
