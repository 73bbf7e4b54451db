"""The till in a real browser: a buyer reserves to try and the clerk sells the reserved unit; a
sale by scanned GTIN paid in cash with its printed receipt; the till closed with a cash
difference and its Z report; a tampered journal entry found by the chain check."""
import pytest
from django.test import Client

from comptoir.inventory.listing.refresh import listing_refresh
from comptoir.inventory.models import StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores.models import PosSale, SalesJournalEntry, StaffRole, TillSession, TryReservation
from comptoir.stores.tests import factories as sf
from comptoir.stores.tests.test_till import tamper
from comptoir.stores.tests.till_factories import on_shelf
from comptoir.web.middleware import COOKIE_NAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user, city=None):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    cookies = [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
               {"name": "django_language", "value": "en", "url": live_server.url}]
    if city is not None:
        cookies.append({"name": COOKIE_NAME, "value": f"ES:{city.pk}", "url": live_server.url})
    page.context.add_cookies(cookies)


def test_reserve_to_try_then_sold_at_the_till_a_scanned_sale_the_z_report_and_a_tampered_journal(page, live_server, screenshot):
    f.market("FR"), f.market("ES")
    store = sf.store("Comptoir Madrid Malasaña")
    clerk = sf.staff(store, role=StaffRole.MANAGER, email="clerk@example.com")
    seller = f.seller("Cerámica Lavapiés", country="ES", city_name="Madrid")
    vase, vase_level = on_shelf(store, seller, net_price=2500, units=1, title="Blue vase")
    mug, mug_level = on_shelf(store, seller, net_price=800, units=5, title="Stoneware mug")
    listing_refresh([vase.product_id, mug.product_id])
    buyer = f.user("ana@example.com")

    # The buyer reserves the vase to try from the product page.
    _login(page, live_server, buyer, city=f.city("Madrid"))
    page.goto(f"{live_server.url}/p/{vase.product_id}/")
    page.wait_for_selector("button.reserve-to-try")
    assert "Reserve to try in Comptoir Madrid Malasaña" in page.locator("button.reserve-to-try").inner_text()
    screenshot(page, "till-01-product-reserve")
    page.click("button.reserve-to-try")
    page.wait_for_selector("#reservations")
    assert "Blue vase" in page.locator("#reservations").inner_text()
    screenshot(page, "till-02-my-reservations")
    assert StockLevel.objects.get(pk=vase_level.pk).held == 1

    # The clerk opens the till with a 100.00 float and sells the reserved vase.
    _login(page, live_server, clerk)
    page.goto(f"{live_server.url}/store/{store.slug}/till/")
    page.fill("#float", "100.00")
    page.click("text=Open the till >> nth=-1")
    page.wait_for_selector("#gtin")
    page.click("nav.sc-tabs >> text=Reservations")
    page.wait_for_selector("#today")
    screenshot(page, "till-03-reservations-today")
    page.click("#today >> text=Sell")
    page.wait_for_selector("table.basket")
    assert "Blue vase" in page.locator("table.basket").inner_text()
    page.fill("#cash_given", "50")
    page.click("button[value=cash]")
    page.wait_for_selector("#receipt")
    assert page.locator("#receipt-total").inner_text() == "€30.25"
    assert page.locator("#receipt-change").inner_text() == "€19.75"
    assert TryReservation.objects.get().state == "converted"

    # A sale by scanned GTIN: the scanner types the digits and Enter.
    page.goto(f"{live_server.url}/store/{store.slug}/till/")
    page.locator("#gtin").type(mug.product.gtin.lstrip("0"))
    page.keyboard.press("Enter")
    page.wait_for_selector("table.basket")
    page.locator("#gtin").type(mug.product.gtin)
    page.keyboard.press("Enter")
    page.wait_for_selector("table.basket tr[data-line] >> nth=1")
    assert page.locator("#total").inner_text() == "€19.36"
    screenshot(page, "till-04-basket-scanned")
    page.fill("#cash_given", "20")
    page.click("button[value=cash]")
    page.wait_for_selector("#receipt")
    assert page.locator("#receipt-change").inner_text() == "€0.64"
    page.emulate_media(media="print")
    screenshot(page, "till-05-receipt-printed")
    page.emulate_media(media="screen")
    sale = PosSale.objects.order_by("-pk").first()
    pdf = page.request.get(f"{live_server.url}/store/{store.slug}/till/receipts/{sale.number}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:5] == b"%PDF-"
    assert StockLevel.objects.get(pk=mug_level.pk).on_hand == 3

    # Closing: 100.00 + 30.25 + 19.36 = 149.61 expected, 149.00 counted.
    page.goto(f"{live_server.url}/store/{store.slug}/till/")
    page.fill("#counted", "149.00")
    page.click("text=Close and print the Z report")
    page.wait_for_selector("#z-report")
    assert page.locator("#z-difference").inner_text() == "-€0.61"
    screenshot(page, "till-06-z-report")
    assert TillSession.objects.get().difference == -61

    # The journal's chain is intact; an entry changed in the database is found.
    page.goto(f"{live_server.url}/store/{store.slug}/journal/?check=1")
    assert "Chain intact: 3 entries checked." in page.locator("#chain-result").inner_text()
    tamper(SalesJournalEntry.objects.get(store=store, sequence=2).pk, '{"gross":1}')
    page.goto(f"{live_server.url}/store/{store.slug}/journal/?check=1")
    assert page.locator("#chain-result").inner_text() == "Chain of till 1 broken at entry 2: the content does not match its hash."
    assert page.locator("tr.chain-broken").get_attribute("data-till") == "1"
    screenshot(page, "till-07-journal-tampered")
