"""The store console in a real browser: a clerk receives a consignment with a miscount and the
shelf shows the counted units; the seller follows it; the partner sees its stores."""
import pytest
from django.test import Client

from comptoir.inventory.models import StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import StaffRole, StockCorrection
from comptoir.stores.services import UnitsLine
from comptoir.stores.tests import factories as sf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def test_a_clerk_receives_a_consignment_with_a_miscount(page, live_server, screenshot):
    f.market("FR"), f.market("ES")
    partner = services.partner_create(legal_name="Tiendas Sur SL", country="ES", vat_number="ESB58378431", company_id="B58378431", iban="ES9121000418450200051332")
    store = sf.store("Comptoir Madrid Centro", partner=partner)
    sf.store("Comptoir Sevilla", city_name="Sevilla", partner=partner)
    manager = sf.staff(store, role=StaffRole.MANAGER)
    clerk = sf.staff(store, role=StaffRole.CLERK, email="lucia@example.com")
    seller, seller_user, warehouse, (lamp, chair) = sf.seller_with_stock("Atelier Lyon", stock=12)
    c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(lamp.pk, 5), UnitsLine(chair.pk, 4)], user=seller_user, note="Spring collection")
    services.consignment_accept(consignment=c, user=manager)
    services.consignment_ship(consignment=c, user=seller_user)
    lamp_line, chair_line = c.lines.order_by("pk")

    _login(page, live_server, clerk)
    page.goto(f"{live_server.url}/store/")  # one store: straight to its console
    page.wait_for_selector(f"tr[data-reference='{c.reference}']")
    screenshot(page, "store-console-incoming")
    page.click(f"tr[data-reference='{c.reference}'] >> text=Receive")
    page.wait_for_selector("#receive-form")
    page.fill(f"#id_count_{lamp_line.pk}", "5")
    page.fill(f"#id_count_{chair_line.pk}", "3")  # one chair short, no reason yet: refused
    page.click("#receive-form button[type=submit]")
    page.wait_for_selector(f"tr[data-line='{chair_line.pk}'] .errorlist")
    assert "3 counted, 4 sent" in page.locator(f"tr[data-line='{chair_line.pk}'] .errorlist").inner_text()
    screenshot(page, "store-console-receive-needs-reason")
    page.fill(f"#id_reason_{chair_line.pk}", "one chair missing from the box")
    page.click("#receive-form button[type=submit]")
    page.wait_for_selector(".messages li")
    assert f"Consignment {c.reference} received" in page.locator(".messages li").inner_text()
    assert page.locator(f"tr[data-line='{chair_line.pk}'] td").nth(2).inner_text() == "3"
    screenshot(page, "store-console-received")

    page.click("nav.sc-tabs >> text=Shelf")
    page.wait_for_selector("table.offers")
    on_hand = {int(r.get_attribute("data-offer")): r.locator("td").nth(3).inner_text() for r in page.locator("tr[data-offer]").all()}
    assert on_hand == {lamp.pk: "5", chair.pk: "3"}
    assert StockLevel.objects.get(offer=chair, location=store.location).on_hand == 3
    screenshot(page, "store-console-shelf")
    page.click("nav.sc-tabs >> text=Corrections log")
    page.wait_for_selector("table.offers")
    assert "one chair missing from the box" in page.content()
    assert StockCorrection.objects.filter(store=store).count() == 2
    screenshot(page, "store-console-corrections")

    _login(page, live_server, manager)
    page.goto(f"{live_server.url}/store/{store.slug}/send-back/?seller={seller.pk}")
    page.wait_for_selector("form.sc-form")
    screenshot(page, "store-console-send-back")
    page.goto(f"{live_server.url}/store/{store.slug}/staff/")
    page.fill("#id_email", "lucia@example.com")
    page.select_option("#id_role", "manager")
    page.click("form.sc-form button[type=submit]")
    page.wait_for_selector(".messages li")
    assert page.locator(f"tr[data-staff] >> text=lucia@example.com").count() == 1
    screenshot(page, "store-console-staff")

    member = f.user("partner@example.com")
    services.partner_member_add(partner=partner, user=member)
    _login(page, live_server, member)
    page.goto(f"{live_server.url}/store/")
    page.wait_for_selector(".sc-store")
    assert page.locator(".sc-store").count() == 2
    screenshot(page, "store-console-picker")
    page.goto(f"{live_server.url}/store/partners/")
    screenshot(page, "store-console-partners")

    _login(page, live_server, seller_user)
    page.goto(f"{live_server.url}/seller/consignments/")
    page.wait_for_selector(f"tr[data-reference='{c.reference}']")
    screenshot(page, "seller-consignments")
    page.goto(f"{live_server.url}/seller/consignments/{c.reference}/")
    screenshot(page, "seller-consignment-detail")
    page.goto(f"{live_server.url}/seller/consignments/new/")
    page.wait_for_selector("#propose-form")
    screenshot(page, "seller-consignment-new")
    page.goto(f"{live_server.url}/seller/consignments/stock/")
    screenshot(page, "seller-stock-per-store")


@pytest.mark.parametrize("lang, incoming, receive", [("fr", "Dépôts à recevoir", "Recevoir et mettre en rayon"), ("es", "Depósitos entrantes", "Recibir y colocar en el estante")])
def test_the_console_speaks_french_and_spanish(page, live_server, screenshot, compiled, lang, incoming, receive):
    f.market("FR"), f.market("ES")
    store = sf.store("Comptoir Madrid Centro")
    manager = sf.staff(store, role=StaffRole.MANAGER)
    seller, seller_user, warehouse, (lamp, chair) = sf.seller_with_stock("Atelier Lyon", stock=12)
    c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(lamp.pk, 5), UnitsLine(chair.pk, 4)], user=seller_user)
    services.consignment_accept(consignment=c, user=manager)
    services.consignment_ship(consignment=c, user=seller_user)
    _login(page, live_server, manager)
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto(f"{live_server.url}/store/{store.slug}/")
    assert page.locator("section.sc-card h2").first.inner_text() == incoming
    screenshot(page, f"store-console-incoming-{lang}")
    page.goto(f"{live_server.url}/store/{store.slug}/consignments/{c.reference}/")
    assert page.locator("#receive-form button[type=submit]").inner_text() == receive
    screenshot(page, f"store-console-receive-{lang}")
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet at the counter
    screenshot(page, f"store-console-receive-{lang}-tablet")
