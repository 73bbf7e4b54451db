"""A payment changed outside the checkout reaches orders through one explicit route, once: the
webhook view, the settle command (in-process or over HTTP) and the admin's cancel action each
call payments, then orders. What orders does is counted, not mocked: the order row it locks,
the emails it sends, the parts it cancels, the stock it releases, the ledger it leaves alone."""
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.ledger.models import JournalEntry
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders.models import Order, PaymentStatus, SellerOrder, SellerOrderState
from comptoir.payments.models import Payment
from comptoir.payments.models import PaymentStatus as PaymentRecordStatus
from comptoir.payments.providers import get_provider
from comptoir.payments.tests.gateway import charges

from . import factories as f
from .helpers import place, shop
from comptoir.orders.services import CardDetails

ASYNC_CARD = CardDetails("4000000000003220", "12/34", "123")
URL = "/payments/webhooks/test/"


def post(client, body, headers):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(URL, data=body, content_type="application/json", **extra)


def order_row_locks(queries) -> int:
    """How many times orders looked up (and locked, FOR UPDATE on PostgreSQL) the order of the
    payment: once per time it was told."""
    return sum(1 for q in queries if q["sql"].startswith("SELECT") and 'FROM "orders_order"' in q["sql"] and '"payment_id" =' in q["sql"])


def pending_order():
    buyer, _s1, _s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)], card=ASYNC_CARD)
    assert (order.payment_status, len(mail.outbox)) == (PaymentStatus.PENDING, 0)  # confirmation waits for the payment
    return order, a, b


@pytest.mark.django_db
def test_a_webhook_confirming_a_payment_tells_orders_once(client, django_capture_on_commit_callbacks):
    order, _a, _b = pending_order()
    payment = Payment.objects.get(pk=order.payment_id)
    body, headers = get_provider("test").settle(reference=payment.provider_reference, outcome="authorized")
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, headers)
    assert response.status_code == 200
    assert response.json() == {"payment": payment.pk, "status": "authorized"}
    assert order_row_locks(queries.captured_queries) == 1
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]  # the confirmation (the sellers have no members here)
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.AUTHORIZED


@pytest.mark.django_db
def test_a_webhook_declining_a_payment_cancels_the_parts_once_and_releases_the_stock(client):
    order, a, b = pending_order()
    payment = Payment.objects.get(pk=order.payment_id)
    body, headers = get_provider("test").settle(reference=payment.provider_reference, outcome="declined")
    with CaptureQueriesContext(connection) as queries:
        assert post(client, body, headers).status_code == 200
    assert order_row_locks(queries.captured_queries) == 1
    assert list(SellerOrder.objects.filter(order=order).values_list("state", "cancelled_by")) == [("cancelled", "payment")] * 2
    assert (f.level(a).held, f.level(b).held) == (0, 0)
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.FAILED


@pytest.mark.django_db
def test_the_settle_command_tells_orders_once(django_capture_on_commit_callbacks, capsys):
    order, _a, _b = pending_order()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        call_command("payments_settle_pending")
    assert order_row_locks(queries.captured_queries) == 1
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.AUTHORIZED
    assert "is authorized" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_settle_command_over_http_tells_orders_once(live_server, capsys):
    order, _a, _b = pending_order()
    call_command("payments_settle_pending", url=live_server.url + URL)
    assert "webhook POST answered HTTP 200" in capsys.readouterr().out
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.AUTHORIZED
    assert [m.to for m in mail.outbox] == [["buyer@example.com"]]
    # the payment event log says orders was told by one route: one webhook event applied
    payment = Payment.objects.get(pk=order.payment_id)
    assert list(payment.events.values_list("kind", flat=True)) == ["created", "authorize", "webhook:charge.authorized"]


@pytest.mark.django_db
def test_the_admin_cancel_action_voids_the_authorization_cancels_the_parts_and_releases_the_stock(admin_client):
    buyer, _s1, _s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    assert (f.level(a).held, f.level(b).held) == (2, 1)
    entries = JournalEntry.objects.count()
    response = admin_client.post(
        "/admin/payments/payment/", {"action": "cancel_authorizations", "_selected_action": [order.payment_id]}, follow=True,
    )
    assert response.status_code == 200
    assert Payment.objects.get(pk=order.payment_id).status == PaymentRecordStatus.CANCELLED
    assert [c.status for c in charges()] == ["cancelled"]  # voided at the provider
    assert list(SellerOrder.objects.filter(order=order).values_list("state", flat=True)) == [SellerOrderState.CANCELLED] * 2
    assert (f.level(a).held, f.level(b).held) == (0, 0)
    assert Order.objects.get(pk=order.pk).payment_status == PaymentStatus.CANCELLED
    assert JournalEntry.objects.count() == entries  # nothing was captured: the ledger is untouched
    assert_ledger_balanced()
