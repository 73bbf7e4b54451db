"""Browser journeys of a seller: an Italian company signs up (a wrong partita IVA is refused), the
operator approves it, it sees its dashboard; a staff member cannot see the bank details."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from comptoir.orders.tests import factories as f
from comptoir.sellers.models import Seller, SellerMember
from comptoir.sellers.tests.factories import make_city
from comptoir.ledger.tests.test_payouts import demo  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_italian_seller_signs_up_is_approved_and_sees_its_dashboard(browser, live_server, screenshot):
    make_city(name="Milano", country="IT", geonames_id=3173435, lat=45.4643, lon=9.1895, postcode="20121")
    seller_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = seller_ctx.new_page()
    page.goto(f"{live_server.url}/sell/")
    screenshot(page, "seller-sell-landing")
    page.click("text=Open my shop")
    page.fill("#id_email", "owner@verdi.it")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("#signup-sent")
    assert "owner@verdi.it" in page.inner_text("#signup-sent")
    screenshot(page, "seller-wizard-check-email")
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/accounts/signup/\S+)", message.body).group(1)
    page.goto(live_server.url + link)
    page.fill("input[name=new_password1]", "a-Long-pass-9876")
    page.fill("input[name=new_password2]", "a-Long-pass-9876")
    page.click("main form button[type=submit]")

    page.wait_for_selector("#step-entity")
    page.select_option("#id_country", "IT")
    page.fill("#id_legal_name", "Bottega Verdi S.r.l.")
    page.fill("#id_display_name", "Bottega Verdi")
    page.fill("#id_legal_form", "S.r.l.")
    page.fill("#id_company_id", "00743110158")  # wrong check digit
    page.fill("#id_vat_number", "IT00743110157")
    page.click("button:has-text('Continue')")
    error = page.locator("#step-entity .errorlist").first.inner_text()
    assert error == "partita IVA 00743110158: the check digits do not match (checksum error); check for a typo."
    screenshot(page, "seller-wizard-wrong-partita-iva")
    page.fill("#id_company_id", "00743110157")
    page.click("button:has-text('Continue')")

    page.wait_for_selector("#step-payout")
    page.fill("#id_iban", "IT60 X054 2811 1010 0000 0123 456")
    page.click("button:has-text('Continue')")

    page.wait_for_selector("#step-warehouse")
    page.fill("#id_address", "Via Roma 1")
    page.fill("#id_postcode", "20121")
    page.fill("#id_city", "Mil")
    page.wait_for_function("() => document.querySelectorAll('#city-options option').length > 0")
    page.fill("#id_city", "Milano")
    page.select_option("#id_language", "en")
    screenshot(page, "seller-wizard-warehouse")
    page.click("button:has-text('Continue')")

    page.wait_for_selector("#step-review")
    screenshot(page, "seller-wizard-review")
    page.click("#submit-application")
    page.wait_for_selector("#application-pending")
    seller = Seller.objects.get()
    assert (seller.status, seller.company_id, seller.iban) == ("pending", "00743110157", "IT60X0542811101000000123456")

    op_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    _login(op_page, live_server, get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True))
    op_page.goto(f"{live_server.url}/operator/sellers/")
    card = op_page.locator(f"#application-{seller.pk}")
    assert card.locator(".check-ok").count() == 5
    screenshot(op_page, "operator-seller-review")
    card.locator("button:has-text('Approve')").click()
    op_page.wait_for_selector("#no-applications")
    op_page.context.close()

    page.goto(f"{live_server.url}/seller/")
    assert page.locator("#seller-status").inner_text() == "Approved"
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("#waiting-placed").inner_text() == "0"
    assert page.locator(".sc-chart svg").count() == 1
    screenshot(page, "seller-dashboard")
    page.click("text=API keys")
    page.fill("#id_name", "ERP")
    page.click("button:has-text('Create key')")
    assert page.locator("#new-secret .sc-secret").inner_text().startswith("cpt_")
    screenshot(page, "seller-api-keys")
    seller_ctx.close()


def test_staff_member_cannot_see_the_bank_details(page, live_server, screenshot):
    f.market("FR")
    s = f.seller("Atelier Lyon")
    Seller.objects.filter(pk=s.pk).update(iban="FR1420041010050500013M02606")
    staff = f.user("staff@atelier.fr")
    SellerMember.objects.create(user=staff, seller=s, role="staff")
    _login(page, live_server, staff)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/seller/")
    assert page.locator("#nav-bank").count() == 0
    assert "FR1420041010050500013M02606" not in page.content()
    screenshot(page, "seller-dashboard-staff")
    response = page.goto(f"{live_server.url}/seller/bank/")
    assert response.status == 403
    assert "FR1420041010050500013M02606" not in page.content()


def test_payouts_statement_and_webhook_log_pages(browser, live_server, screenshot, demo, settings):  # noqa: F811
    from comptoir.sellers.tests.test_webhooks import Receiver
    from comptoir.sellers.webhooks import webhook_emit, webhook_endpoint_create, webhook_attempt

    fr = demo["fr"]
    owner = f.user("owner@atelier.fr")
    SellerMember.objects.create(user=owner, seller=fr, role="owner")
    op_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    _login(op_page, live_server, get_user_model().objects.create_user("op", "op@example.com", "pw", is_staff=True))
    op_page.goto(f"{live_server.url}/operator/payouts/")
    screenshot(op_page, "operator-payouts-plan")
    op_page.click("#run-payouts")
    op_page.wait_for_selector("#payout-runs tr[data-run]")
    screenshot(op_page, "operator-payouts-run")
    op_page.context.close()

    rx = Receiver([500])
    try:
        endpoint = webhook_endpoint_create(seller=fr, url=rx.url, events=["payout.paid", "order.created"])
        [delivery] = webhook_emit(seller_id=fr.pk, event="payout.paid", data={"amount": 1})
        webhook_attempt(delivery_id=delivery.pk)
        webhook_attempt(delivery_id=delivery.pk)
    finally:
        rx.close()
    _login(page := browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page(), live_server, owner)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/seller/")
    assert page.locator(".sc-chart svg").count() == 1
    screenshot(page, "seller-dashboard-with-sales")
    page.goto(f"{live_server.url}/seller/statement/")
    assert page.locator("#payouts tbody tr").count() == 1
    screenshot(page, "seller-statement")
    page.goto(f"{live_server.url}/seller/webhooks/")
    assert page.locator(f"tr[data-delivery='{delivery.pk}'] .attempts li").count() == 2
    assert endpoint.url in page.content()
    screenshot(page, "seller-webhooks")
    page.context.close()
