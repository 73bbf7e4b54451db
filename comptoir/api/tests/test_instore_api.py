"""/api/v1/reservations for buyers and /api/v1/store-console/{slug}/… for store staff: exact
bodies, specific errors, and a clerk of another store refused (404) on every till endpoint."""
import pytest

from comptoir.api.auth import token_create
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import PosSale, SalesJournalEntry, TryReservation
from comptoir.stores.tests import factories as sf
from comptoir.stores.tests.test_till import tamper
from comptoir.stores.tests.till_factories import on_shelf

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


@pytest.fixture
def shop(db):
    f.market("FR"), f.market("ES")
    a, b = sf.store("Madrid Centro"), sf.store("Sevilla Triana", city_name="Sevilla")
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offers = [on_shelf(a, seller, net_price=1000, units=1, title=f"Item {i}")[0] for i in range(5)]
    return dict(a=a, b=b, offers=offers, clerk=sf.staff(a), other_clerk=sf.staff(b), buyer=f.user())


def test_reservations_create_list_cancel_and_specific_errors(client, shop):
    h = auth(shop["buyer"])
    made = [client.post("/api/v1/reservations", {"store": shop["a"].slug, "offer_id": o.pk}, content_type="application/json", **h) for o in shop["offers"][:3]]
    assert [r.status_code for r in made] == [201, 201, 201]
    assert made[0].json()["state"] == "active" and made[0].json()["live"] is True
    fourth = client.post("/api/v1/reservations", {"store": shop["a"].slug, "offer_id": shop["offers"][3].pk}, content_type="application/json", **h)
    assert (fourth.status_code, fourth.json()["code"]) == (409, "reservation_limit")
    held = client.post("/api/v1/reservations", {"store": shop["a"].slug, "offer_id": shop["offers"][0].pk}, content_type="application/json", **auth(f.user()))
    assert (held.status_code, held.json()["code"]) == (409, "reservation_unit_held")
    listed = client.get("/api/v1/reservations", **h).json()
    assert listed["count"] == 3
    rid = made[0].json()["id"]
    assert client.post(f"/api/v1/reservations/{rid}/cancel", **auth(f.user())).status_code == 404
    cancelled = client.post(f"/api/v1/reservations/{rid}/cancel", **h)
    assert cancelled.json()["state"] == "cancelled"
    assert client.get("/api/v1/reservations").status_code == 401


def test_till_open_scan_pay_receipt_close_and_journal(client, shop):
    h, slug = auth(shop["clerk"]), shop["a"].slug
    opened = client.post(f"/api/v1/store-console/{slug}/till/session", {"opening_float": 5000}, content_type="application/json", **h)
    assert opened.status_code == 201 and opened.json()["z_number"] == 1
    unknown = client.post(f"/api/v1/store-console/{slug}/till/basket", {"gtin": "4006381333931"}, content_type="application/json", **h)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_gtin")
    basket = client.post(f"/api/v1/store-console/{slug}/till/basket", {"gtin": shop["offers"][0].product.gtin}, content_type="application/json", **h)
    assert basket.json()["total"] == 1210
    short = client.post(f"/api/v1/store-console/{slug}/till/pay", {"method": "cash", "cash_given": 1000}, content_type="application/json", **h)
    assert (short.status_code, short.json()["code"]) == (400, "cash_short")
    paid = client.post(f"/api/v1/store-console/{slug}/till/pay", {"method": "cash", "cash_given": 2000}, content_type="application/json", **h)
    assert paid.status_code == 201
    body = paid.json()
    assert (body["total_gross"], body["change"], body["journal_sequence"], len(body["journal_hash"])) == (1210, 790, 1, 64)
    assert client.get(f"/api/v1/store-console/{slug}/till/receipts/{body['number']}", **h).json()["total_vat"] == 210
    closed = client.post(f"/api/v1/store-console/{slug}/till/session/1/close", {"counted_cash": 6200}, content_type="application/json", **h)
    assert (closed.json()["expected_cash"], closed.json()["difference"]) == (6210, -10)
    again = client.post(f"/api/v1/store-console/{slug}/till/session/1/close", {"counted_cash": 6210}, content_type="application/json", **h)
    assert (again.status_code, again.json()["code"]) == (409, "till_already_closed")
    journal = client.get(f"/api/v1/store-console/{slug}/journal", **h).json()
    assert (journal["intact"], journal["entries"], [e["kind"] for e in journal["items"]]) == (True, 2, ["z_report", "receipt"])
    assert (journal["reason"], journal["reason_message"]) == ("", "")
    receipt = SalesJournalEntry.objects.get(store=shop["a"], kind="receipt")
    tamper(receipt.pk, receipt.payload.replace('"gross":1210', '"gross":1'))
    broken = {language: client.get(f"/api/v1/store-console/{slug}/journal", HTTP_ACCEPT_LANGUAGE=language, **h).json()
              for language in ("fr", "pt")}
    assert {language: (b["intact"], b["broken_till"], b["first_broken"], b["reason"], b["reason_message"]) for language, b in broken.items()} == {
        "fr": (False, 1, 1, "content_hash_mismatch", "le contenu ne correspond pas à son empreinte"),
        "pt": (False, 1, 1, "content_hash_mismatch", "o conteúdo não corresponde ao seu hash"),
    }


def test_a_clerk_of_another_store_is_refused_on_every_till_endpoint(client, shop):
    slug = shop["a"].slug
    session = services.till_open(store=shop["a"], user=shop["clerk"], opening_float=0)
    services.basket_add_gtin(session=session, gtin=shop["offers"][0].product.gtin)
    sale = services.sale_pay(session=session, user=shop["clerk"], method="cash", cash_given=2000)
    h = auth(shop["other_clerk"])
    calls = [
        ("post", f"/api/v1/store-console/{slug}/till/session", {"opening_float": 0}),
        ("post", f"/api/v1/store-console/{slug}/till/session/{session.number}/close", {"counted_cash": 0}),
        ("post", f"/api/v1/store-console/{slug}/till/basket", {"gtin": shop["offers"][1].product.gtin}),
        ("get", f"/api/v1/store-console/{slug}/till/basket", None),
        ("post", f"/api/v1/store-console/{slug}/till/pay", {"method": "cash", "cash_given": 5000}),
        ("get", f"/api/v1/store-console/{slug}/till/receipts/{sale.number}", None),
        ("get", f"/api/v1/store-console/{slug}/journal", None),
    ]
    for method, url, data in calls:
        if method == "post":
            response = client.post(url, data, content_type="application/json", **h)
        else:
            response = client.get(url, **h)
        assert (response.status_code, response.json()["code"]) == (404, "store_not_found"), url
    assert PosSale.objects.count() == 1 and TryReservation.objects.count() == 0
