"""Browser journey: a buyer near Madrid finds a product in a store, collects it there (click &
collect from the shelf); the clerk prepares it and hands it over on the right code after a
wrong one."""
import re

import pytest
from django.conf import settings
from django.test import Client

from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order, Pickup, PickupState, SellerOrderState
from comptoir.stores.tests.pickup_helpers import scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))]
PASSWORD = "correct-horse-battery"


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
    ])


def test_a_buyer_collects_in_madrid_and_the_clerk_hands_it_over_on_the_right_code(live_server, page, screenshot):
    s = scene(shelf_units=2, warehouse_units=5, net_price=2400)
    s.buyer.set_password(PASSWORD)
    s.buyer.save()
    product = s.offer.product
    listing_refresh([product.pk])
    url = live_server.url

    # The buyer picks Madrid, filters "in a store within 10 km" and finds the jar.
    page.goto(url + "/")
    page.select_option("#id_market", "ES")
    page.fill("#id_city_query", "Madr")
    page.locator("#city-suggestions button", has_text=re.compile(r"^Madrid\b")).first.click()
    page.wait_for_url(url + "/")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": url}])
    page.goto(f"{url}/c/{product.category.slug}/?store_km=10")
    card = page.locator(".card", has_text="Jarra azul")
    card.wait_for()
    screenshot(page, "collect-listing-in-store-near-madrid")
    card.click()
    page.wait_for_selector(f"tr[data-offer='{s.offer.pk}']")
    assert "In store at Comptoir Malasaña" in page.locator(f"tr[data-offer='{s.offer.pk}']").inner_text()
    screenshot(page, "collect-product-in-store")
    page.click(f"tr[data-offer='{s.offer.pk}'] button.add-to-cart")
    page.wait_for_url("**/cart/")

    # Checkout: signed in, the address in Madrid, click & collect at the store's shelf.
    page.click("#go-checkout")
    page.wait_for_url("**/accounts/login/**")
    page.fill("input[name=username]", s.buyer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/checkout/")
    page.fill("input[name=full_name]", "Lucía Gómez")
    page.fill("input[name=line1]", "Calle de Fuencarral 45")
    page.fill("input[name=postcode]", "28004")
    page.fill("input[name=city]", "Madrid")
    page.select_option("select[name=country]", "ES")
    page.fill("input[name=phone]", "+34 911 234 567")
    page.wait_for_selector(f"input[value='pickup_shelf@{s.store.location_id}']")
    page.check(f"input[value='pickup_shelf@{s.store.location_id}']")  # submits "Update totals"
    page.wait_for_selector(f"input[value='pickup_shelf@{s.store.location_id}']:checked")
    assert "Comptoir Malasaña" in page.locator(".co-pickup").first.inner_text()
    page.fill("input[name=card_number]", "4242 4242 4242 4242")
    page.fill("input[name=card_expiry]", "12/34")
    page.fill("input[name=card_cvc]", "123")
    screenshot(page, "collect-checkout")
    page.click("#pay")
    page.wait_for_url("**/orders/C*/")
    order = Order.objects.get()
    part = order.parts.get()
    assert (order.total_gross, part.delivery_method, part.pickup_location_id) == (2904, "pickup_shelf", s.store.location_id)
    code = Pickup.objects.get().code
    assert page.locator(f"#pickup-code-{part.number}").inner_text() == code
    assert page.locator(".pickup-qr svg").count() == 1
    screenshot(page, "collect-order-with-code")
    assert StockLevel.objects.get(pk=s.shelf.pk).held == 1

    # The clerk prepares it, then a wrong code is refused and the right one hands it over.
    _login(page, live_server, s.clerk)
    page.goto(f"{url}/store/{s.store.slug}/pickups/")
    page.wait_for_selector(f"tr[data-number='{part.number}']")
    screenshot(page, "collect-console-to-prepare")
    page.click(f"tr[data-number='{part.number}'] a")
    page.click("#mark-ready")
    page.wait_for_selector("#handover-form")
    assert Pickup.objects.get().state == PickupState.READY
    wrong = "AAAAAA" if code != "AAAAAA" else "CCCCCC"
    page.fill("#handover-form input[name=code]", wrong)
    page.click("#handover-form button[type=submit]")
    page.wait_for_selector("#handover-form .errorlist")
    assert "Wrong code for this order (4 tries left" in page.locator("#handover-form .errorlist").inner_text()
    screenshot(page, "collect-console-wrong-code")
    page.fill("#handover-form input[name=code]", code.lower())
    page.click("#handover-form button[type=submit]")
    page.wait_for_selector(".messages li")
    assert f"Order {part.number} handed over." in page.locator(".messages li").inner_text()
    screenshot(page, "collect-console-handed-over")
    part.refresh_from_db()
    assert part.state == SellerOrderState.DELIVERED
    shelf = StockLevel.objects.get(pk=s.shelf.pk)
    assert (shelf.on_hand, shelf.held) == (1, 0)
