"""Till, reservations, journal and figures pages: they work for the store's staff and are refused
to staff of another store (404: its existence is not revealed); the buyer's reservation pages."""
import re

import pytest
from django.urls import reverse
from django.utils.translation import override as translation_override

from comptoir.inventory.models import StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import PosSale, SalesJournalEntry, StaffRole, TryReservation
from comptoir.stores.tests import factories as sf
from comptoir.stores.tests.test_till import tamper
from comptoir.stores.tests.till_factories import on_shelf

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    f.market("FR"), f.market("ES")
    a, b = sf.store("Madrid Centro"), sf.store("Sevilla Triana", city_name="Sevilla")
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(a, seller, net_price=1000, units=3)
    w = dict(a=a, b=b, offer=offer, level=level,
             a_clerk=sf.staff(a, email="clerk.a@example.com"), a_manager=sf.staff(a, role=StaffRole.MANAGER, email="m.a@example.com"),
             b_clerk=sf.staff(b, email="clerk.b@example.com"), buyer=f.user("buyer@example.com"))
    session = services.till_open(store=a, user=w["a_clerk"], opening_float=5000)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    w["sale"] = services.sale_pay(session=session, user=w["a_clerk"], method="cash", cash_given=2000)
    w["session"] = session
    w["reservation"] = services.reservation_create(buyer=w["buyer"], store=a, offer_id=offer.pk)
    return w


def _pages(w):
    a, sale = w["a"].slug, w["sale"]
    return [
        reverse("store_console:till", args=[a]), reverse("store_console:till_sessions", args=[a]),
        reverse("store_console:returns", args=[a]) + f"?receipt={sale.number}",
        reverse("store_console:z_report", args=[a, w["session"].number]),
        reverse("store_console:receipt", args=[a, sale.number]), reverse("store_console:receipt_pdf", args=[a, sale.number]),
        reverse("store_console:reservations", args=[a]), reverse("store_console:journal", args=[a]) + "?check=1",
    ]


def test_every_till_page_works_for_the_clerk_and_is_404_for_a_clerk_of_another_store(client, shop):
    client.force_login(shop["a_clerk"])
    for url in _pages(shop):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(reverse("store_console:receipt_pdf", args=[shop["a"].slug, shop["sale"].number]))["Content-Type"] == "application/pdf"
    client.force_login(shop["b_clerk"])
    for url in _pages(shop):
        assert client.get(url).status_code == 404, url


def test_a_clerk_of_another_store_cannot_sell_refund_release_or_read_the_journal(client, shop):
    client.force_login(shop["b_clerk"])
    a = shop["a"].slug
    for action in ("open", "scan", "pay", "close", "reservation"):
        assert client.post(reverse("store_console:till_action", args=[a, action]), {"float": "10", "gtin": shop["offer"].product.gtin}).status_code == 404
    assert client.post(reverse("store_console:returns", args=[a]), {"receipt": shop["sale"].number, "amount": "12.10"}).status_code == 404
    assert client.post(reverse("store_console:reservation_release", args=[a, shop["reservation"].pk])).status_code == 404
    assert client.get(reverse("store_console:journal", args=[a])).status_code == 404
    # B's own till cannot take A's units either
    services.till_open(store=shop["b"], user=shop["b_clerk"], opening_float=0)
    client.post(reverse("store_console:till_action", args=[shop["b"].slug, "add"]), {"level": shop["level"].pk})
    assert StockLevel.objects.get(pk=shop["level"].pk).held == 1  # only the reservation
    assert PosSale.objects.count() == 1 and TryReservation.objects.get().state == "active"


def test_the_journal_page_says_why_a_tampered_chain_is_broken_in_the_clerks_language(client, shop):
    entry = SalesJournalEntry.objects.get(store=shop["a"], till=1, sequence=1)
    tamper(entry.pk, entry.payload.replace('"gross":1210', '"gross":1'))
    client.force_login(shop["a_clerk"])
    url = reverse("store_console:journal", args=[shop["a"].slug]) + "?check=1"
    said = {}
    for language in ("fr", "nl", "en"):
        client.cookies["django_language"] = language
        html = client.get(url).content.decode()
        said[language] = re.search(r'<p id="chain-result" class="diff-neg" data-reason="([a-z_]+)">([^<]+)</p>', html).groups()
    assert said == {
        "fr": ("content_hash_mismatch", "Chaîne de la caisse 1 rompue à l’entrée 1 : le contenu ne correspond pas à son empreinte."),
        "nl": ("content_hash_mismatch", "Keten van kassa 1 verbroken bij regel 1: de inhoud komt niet overeen met zijn hash."),
        "en": ("content_hash_mismatch", "Chain of till 1 broken at entry 1: the content does not match its hash."),
    }


def test_figures_are_for_managers_only(client, shop):
    url = reverse("store_console:report", args=[shop["a"].slug])
    client.force_login(shop["a_clerk"])
    assert client.get(url).status_code == 403
    client.force_login(shop["a_manager"])
    response = client.get(url)
    assert response.status_code == 200
    assert 'id="kpi-gross">€12.10<' in response.content.decode()
    client.force_login(shop["b_clerk"])
    assert client.get(url).status_code == 404


def test_scan_pay_in_cash_and_close_through_the_pages(client, shop):
    client.force_login(shop["a_clerk"])
    a = shop["a"].slug
    client.post(reverse("store_console:till_action", args=[a, "scan"]), {"gtin": "0000"})
    assert "is not a GTIN" in client.get(reverse("store_console:till", args=[a])).content.decode()
    client.post(reverse("store_console:till_action", args=[a, "scan"]), {"gtin": shop["offer"].product.gtin})
    response = client.post(reverse("store_console:till_action", args=[a, "pay"]), {"method": "cash", "cash_given": "20"})
    sale = PosSale.objects.order_by("-pk").first()
    assert response.url == reverse("store_console:receipt", args=[a, sale.number])
    assert (sale.total_gross, sale.change) == (1210, 790)
    response = client.post(reverse("store_console:till_action", args=[a, "close"]), {"counted": "74.00"})
    shop["session"].refresh_from_db()
    assert shop["session"].difference == 7400 - (5000 + 2420) == -20
    assert response.url == reverse("store_console:z_report", args=[a, shop["session"].number])
    assert SalesJournalEntry.objects.filter(store=shop["a"]).count() == 3


def test_buyer_reserves_sees_and_cancels_and_cannot_cancel_anothers(client, shop):
    other = f.user("other@example.com")
    client.force_login(shop["buyer"])
    page = client.get(reverse("reservations:mine")).content.decode()
    assert "Madrid Centro" in page and "1 of 3 active" in page
    client.force_login(other)
    assert client.post(reverse("reservations:cancel", args=[shop["reservation"].pk])).status_code == 404
    client.force_login(shop["buyer"])
    client.post(reverse("reservations:cancel", args=[shop["reservation"].pk]))
    assert TryReservation.objects.get().state == "cancelled"
    response = client.post(reverse("reservations:reserve"), {"offer_id": shop["offer"].pk, "store": shop["a"].slug, "next": "/"})
    assert response.url == reverse("reservations:mine") and TryReservation.objects.filter(state="active").count() == 1


def test_a_belgian_receipt_shows_the_daily_papers_0_percent_vat_line(client):
    from comptoir.markets.services import markets_seed

    markets_seed()  # BE: daily newspapers 0 %, other press 6 %
    store = sf.store("Comptoir Bruxelles", city_name="Bruxelles")
    clerk = sf.staff(store, email="clerk.be@example.com")
    seller = f.seller("Presse Bruxelles", country="BE", city_name="Bruxelles")
    daily, _level = on_shelf(store, seller, net_price=250, units=2, title="Le Soir", tax_class="daily_press")
    monthly, _level = on_shelf(store, seller, net_price=500, units=1, title="Monthly", tax_class="press")
    session = services.till_open(store=store, user=clerk, opening_float=0)
    for offer in (daily, monthly):
        services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=1000)
    assert (sale.total_gross, sale.total_vat) == (250 + 530, 30)
    client.force_login(clerk)
    with translation_override("en"):
        page = client.get(reverse("store_console:receipt", args=[store.slug, sale.number]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rows = re.findall(r'<td class="muted">VAT ([\d.]+ %) on ([^<]+)</td><td class="r">([^<]+)</td>', page)
    assert rows == [("6 %", "€5.00", "€0.30"), ("0 %", "€2.50", "€0.00")]
