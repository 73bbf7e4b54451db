import pytest
from django.test import Client

from comptoir.api.auth import token_create
from comptoir.orders.models import Order
from comptoir.orders.tests import factories as f
from comptoir.orders.tests.helpers import shop
from comptoir.payments.models import Payment

pytestmark = pytest.mark.django_db

ADDRESS = {"full_name": "Ana Ruiz", "line1": "1 rue de la République", "postcode": "69001", "city": "Lyon", "country": "FR", "phone": "+33472103030"}
CARD = {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"}


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user)}"}


def body(*lines, card=CARD, **extra):
    return {"lines": [{"offer_id": o.pk, "quantity": q} for o, q in lines], "address": ADDRESS, "card": card, **extra}


def post_order(client, user, payload, key="api-key-0001"):
    return client.post("/api/v1/orders", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **auth(user))


def test_anonymous_order_is_401():
    buyer, _s1, _s2, a, _b = shop()
    r = Client().post("/api/v1/orders", body((a, 1)), content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-key-0001")
    assert r.status_code == 401
    assert Order.objects.count() == 0


def test_token_from_email_and_password():
    f.user("ana@example.com", password="s3cret-pass-123")
    r = Client().post("/api/v1/auth/token", {"email": "ana@example.com", "password": "s3cret-pass-123"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["token"].startswith("cpt_")
    bad = Client().post("/api/v1/auth/token", {"email": "ana@example.com", "password": "wrong"}, content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (401, "invalid_credentials")


def test_place_order_then_replay_with_same_key_returns_same_order():
    buyer, _s1, _s2, a, b = shop()
    c = Client()
    r1 = post_order(c, buyer, body((a, 2), (b, 1)))
    assert r1.status_code == 201, r1.content
    data = r1.json()
    assert len(data["parts"]) == 2
    assert data["total_gross"] == data["goods_net"] + data["delivery_net"] + data["vat_total"]
    assert sum(v["vat"] for v in data["vat_breakdown"]) == data["vat_total"]
    r2 = post_order(c, buyer, body((a, 2), (b, 1)))
    assert r2.status_code == 201 and r2.json()["reference"] == data["reference"]
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    r3 = post_order(c, buyer, body((a, 1)))
    assert (r3.status_code, r3.json()["code"]) == (409, "idempotency_key_reused")


def test_missing_idempotency_key_is_422():
    buyer, _s1, _s2, a, _b = shop()
    r = Client().post("/api/v1/orders", body((a, 1)), content_type="application/json", **auth(buyer))
    assert r.status_code == 422
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    "change,status,code",
    [
        ({"address": {**ADDRESS, "postcode": "6900"}}, 422, "invalid_postcode"),
        ({"address": {**ADDRESS, "phone": "12"}}, 422, "invalid_phone"),
        ({"card": {**CARD, "number": "4000000000000002"}}, 402, "payment_declined"),
        ({"expected_total": 1}, 409, "price_changed"),
    ],
)
def test_bad_input_is_a_specific_error_and_takes_nothing(change, status, code):
    buyer, _s1, _s2, a, _b = shop()
    r = post_order(Client(), buyer, body((a, 1)) | change)
    assert (r.status_code, r.json()["code"]) == (status, code)
    assert Order.objects.count() == 0 and f.level(a).held == 0


@pytest.mark.parametrize("quantity", [0, 10**9])
def test_quantity_out_of_range_is_422(quantity):
    buyer, _s1, _s2, a, _b = shop()
    r = post_order(Client(), buyer, body((a, quantity)))
    assert r.status_code == 422
    assert Order.objects.count() == 0 and f.level(a).held == 0


def test_a_buyer_cannot_read_another_buyers_order():
    buyer, _s1, _s2, a, _b = shop()
    ref = post_order(Client(), buyer, body((a, 1))).json()["reference"]
    assert Client().get(f"/api/v1/orders/{ref}", **auth(buyer)).status_code == 200
    other = f.user("mallory@example.com")
    r = Client().get(f"/api/v1/orders/{ref}", **auth(other))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert Client().get("/api/v1/orders", **auth(other)).json() == []


def test_a_seller_reads_its_own_seller_order_and_not_another_sellers():
    buyer, s1, s2, a, b = shop()
    owner1, owner2 = f.user("o1@example.com"), f.user("o2@example.com")
    s1.members.create(user=owner1)
    s2.members.create(user=owner2)
    data = post_order(Client(), buyer, body((a, 1), (b, 1))).json()
    number1 = next(p["number"] for p in data["parts"] if p["seller_id"] == s1.pk)
    mine = Client().get(f"/api/v1/seller-orders/{number1}", **auth(owner1))
    assert mine.status_code == 200 and mine.json()["ship_to_postcode"] == "69001"
    theirs = Client().get(f"/api/v1/seller-orders/{number1}", **auth(owner2))
    assert theirs.status_code == 404
    refused = Client().post(f"/api/v1/seller-orders/{number1}/accept", **auth(owner2))
    assert refused.status_code == 404
    assert [p["number"] for p in Client().get("/api/v1/seller-orders", **auth(owner2)).json()] != [number1]
    accepted = Client().post(f"/api/v1/seller-orders/{number1}/accept", **auth(owner1))
    assert (accepted.status_code, accepted.json()["state"]) == (200, "accepted")


def test_seller_api_key_sees_only_its_seller_orders():
    from comptoir.sellers.services import apikey_create

    buyer, s1, s2, a, b = shop()
    post_order(Client(), buyer, body((a, 1), (b, 1)))
    _key, secret = apikey_create(seller=s2, name="erp")
    r = Client().get("/api/v1/seller-orders", HTTP_X_API_KEY=secret)
    assert r.status_code == 200
    assert [p["seller_id"] for p in r.json()] == [s2.pk]


# --- query budget of the order endpoints --------------------------------------------------------

def _count(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_order_list_reads_a_constant_number_of_queries_whatever_the_number_of_orders():
    from django.test import override_settings

    buyer, _s1, _s2, a, b = shop()
    headers = auth(buyer)
    c = Client()
    with override_settings(COMPTOIR_REFERENCE_MAX_AGE=3600):
        c.post("/api/v1/orders", body((a, 1), (b, 1)), content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-q-0001", **headers)
        one = _count(lambda: c.get("/api/v1/orders", **headers))
        for i in range(2, 5):
            c.post("/api/v1/orders", body((a, 1)), content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"api-q-000{i}", **headers)
        four = _count(lambda: c.get("/api/v1/orders", **headers))
    assert len(c.get("/api/v1/orders", **headers).json()) == 4
    assert one == four == 1 + 2  # the token; the orders; their parts with sellers and lines


def test_the_seller_order_list_names_the_seller_and_its_lines_in_a_constant_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.sellers.services import apikey_create

    buyer, _s1, s2, a, b = shop()
    _key, secret = apikey_create(seller=s2, name="erp")
    c = Client()

    def order_queries() -> int:  # the key's checks and rate limit are not the list's
        with CaptureQueriesContext(connection) as ctx:
            c.get("/api/v1/seller-orders", HTTP_X_API_KEY=secret)
        return sum("orders_sellerorder" in q["sql"] for q in ctx.captured_queries)

    post_order(c, buyer, body((a, 1), (b, 1)))  # b: 3 units in stock
    one = order_queries()
    for i in range(2):
        post_order(Client(), buyer, body((b, 1)), key=f"api-key-000{i + 2}")
    three = order_queries()
    parts = c.get("/api/v1/seller-orders", HTTP_X_API_KEY=secret).json()
    assert [(p["seller_name"], [line["quantity"] for line in p["lines"]]) for p in parts] == [
        ("Boutique Paris", [1]), ("Boutique Paris", [1]), ("Boutique Paris", [1]),
    ]
    assert one == three == 2  # the seller orders with their orders; their parts with sellers and lines


def test_placing_through_the_api_adds_two_queries_to_the_placement():
    from django.test import override_settings

    buyer, _s1, _s2, a, _b = shop()
    headers = auth(buyer)
    c = Client()
    db_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the task row is one of the 13
    with override_settings(COMPTOIR_REFERENCE_MAX_AGE=3600, TASKS=db_tasks):
        c.post("/api/v1/orders", body((a, 1)), content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-q-0010", **headers)
        n = _count(lambda: c.post("/api/v1/orders", body((a, 1)), content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-q-0011", **headers))
    # the token (its last use is stamped at most once a minute), the placement's 12 (13 on
    # SQLite), the parts with their sellers and lines for the response (one query)
    from django.db import connection

    assert n == 1 + (12 if connection.vendor == "postgresql" else 13) + 1


def test_a_token_stamps_its_last_use_at_most_once_a_minute():
    import datetime as dt

    from comptoir.api.auth import token_user
    from comptoir.api.models import ApiToken

    user = f.user("stamp@example.com")
    raw = token_create(user=user)
    assert token_user(raw) == user
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    token_user(raw)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    token_user(raw)
    assert ApiToken.objects.get().last_used_at > first - dt.timedelta(minutes=2)


def test_the_order_document_matches_what_was_stored():
    from comptoir.orders.models import SellerOrder

    buyer, s1, s2, a, b = shop()
    headers = auth(buyer)
    created = Client().post("/api/v1/orders", body((a, 2), (b, 1)), content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY="api-doc-0001", **headers).json()
    fetched = Client().get(f"/api/v1/orders/{created['reference']}", **headers).json()
    listed = Client().get("/api/v1/orders", **headers).json()
    assert created == fetched == listed[0]
    stored = {p.number: p for p in SellerOrder.objects.filter(order__reference=created["reference"]).prefetch_related("lines")}
    assert [p["number"] for p in created["parts"]] == sorted(stored)
    for part in created["parts"]:
        row = stored[part["number"]]
        assert (part["seller_name"], part["total_gross"], part["promised_from"], part["promised_to"]) == (
            row.seller.display_name, row.total_gross, row.promised_from.isoformat(), row.promised_to.isoformat()
        )
        assert [(l["offer_id"], l["quantity"], l["line_gross"]) for l in part["lines"]] == [
            (l.offer_id, l.quantity, l.line_gross) for l in row.lines.all()
        ]
    assert sum(b["net"] + b["vat"] for b in created["vat_breakdown"]) == created["total_gross"]
