"""Browser: the operator sees a store partner's line apart in the payout plan and runs the
payouts; the partner's member reads its statement with the payout in the store console."""
import pytest
from django.test import Client

from comptoir.orders.tests import factories as f
from comptoir.stores.models import PartnerMember
from comptoir.stores.tests.test_partner_payouts import till_world  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
                              {"name": "django_language", "value": "en", "url": live_server.url}])


def test_operator_pays_the_partner_and_the_partner_reads_its_statement(browser, live_server, screenshot, till_world):  # noqa: F811
    partner = till_world["partner"]
    op_page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    _login(op_page, live_server, f.user("op@comptoir.test", is_staff=True))
    op_page.goto(f"{live_server.url}/operator/payouts/")
    row = op_page.locator(f"#payout-plan tr[data-partner='{partner.pk}']")
    assert row.locator(".op-tag").inner_text() == "Store partner"
    assert op_page.locator("#plan-total").inner_text().replace("\xa0", "") == "€30.30"
    screenshot(op_page, "operator-payouts-plan-with-partner")
    op_page.click("#run-payouts")
    op_page.wait_for_selector("#payout-runs tr[data-run]")
    assert "1 store partners" in op_page.content() or "1 store partner" in op_page.content()
    op_page.context.close()

    member = f.user("socio@example.es")
    PartnerMember.objects.create(user=member, partner=partner)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    _login(page, live_server, member)
    page.goto(f"{live_server.url}/store/partners/")
    page.click("text=Statement and payouts")
    page.wait_for_selector("#partner-statement")
    assert page.locator("#partner-balance").inner_text().replace("\xa0", "") == "€1.20"
    assert page.locator("#partner-payouts tbody tr").count() == 1
    assert page.locator("#partner-statement tbody tr").count() == 5
    screenshot(page, "store-partner-statement")
    page.context.close()
