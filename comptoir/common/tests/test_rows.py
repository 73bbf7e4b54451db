"""rows_insert writes what bulk_create would, from a statement compiled once."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.common import rows
from comptoir.common.rows import rows_insert
from comptoir.payments.models import Payment, PaymentEvent

pytestmark = pytest.mark.django_db


def _payment(ref: str) -> Payment:
    return Payment(order_ref=ref, provider="test", amount=1234, currency="EUR", idempotency_key=f"k-{ref}", status="authorized")


def test_rows_get_their_keys_their_defaults_and_are_read_back_equal():
    payment = _payment("o1")
    rows_insert([payment])
    assert payment.pk is not None and payment._state.adding is False
    assert payment.created_at is not None  # auto_now_add went through pre_save
    events = [PaymentEvent(payment=payment, kind="created", payload={"amount": 1234, "nested": {"a": [1, 2]}}),
              PaymentEvent(payment=payment, kind="authorize", payload={})]
    rows_insert(events)
    stored = Payment.objects.get(pk=payment.pk)
    assert (stored.order_ref, stored.amount, stored.currency, stored.status, stored.captured_amount) == ("o1", 1234, "EUR", "authorized", 0)
    assert [(e.pk, e.kind, e.payload, e.dedup_key) for e in PaymentEvent.objects.order_by("pk")] == [
        (events[0].pk, "created", {"amount": 1234, "nested": {"a": [1, 2]}}, None),
        (events[1].pk, "authorize", {}, None),
    ]


def test_a_foreign_key_set_from_an_instance_saved_after_assignment_is_written():
    payment = _payment("o2")
    event = PaymentEvent(payment=payment, kind="created", payload={})  # payment has no key yet
    rows_insert([payment])
    rows_insert([event])
    assert PaymentEvent.objects.get(pk=event.pk).payment_id == payment.pk


def test_the_statement_is_compiled_once_per_model_and_row_count():
    rows._statements.clear()
    rows_insert([_payment("o3")])
    rows_insert([_payment("o4")])
    rows_insert([_payment("o5"), _payment("o6")])
    assert sorted(n for (model, n, _alias, _vendor, _conflict) in rows._statements if model is Payment) == [1, 2]
    with CaptureQueriesContext(connection) as ctx:
        rows_insert([_payment("o7")])
    assert len(ctx.captured_queries) == 1 and ctx.captured_queries[0]["sql"].startswith('INSERT INTO "payments_payment"')
    assert Payment.objects.count() == 5


def test_a_unique_key_violation_raises_and_writes_nothing():
    from django.db import IntegrityError, transaction

    rows_insert([_payment("o8")])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([_payment("o8")])
    assert Payment.objects.filter(order_ref="o8").count() == 1


def test_unless_conflict_inserts_a_new_row_and_skips_an_existing_one_without_an_error():
    first = _payment("o8")
    assert rows_insert([first], unless_conflict=("idempotency_key",)) is True and first.pk is not None
    again = _payment("o8")
    again.idempotency_key = first.idempotency_key
    assert rows_insert([again], unless_conflict=("idempotency_key",)) is False and again.pk is None
    assert Payment.objects.filter(idempotency_key=first.idempotency_key).count() == 1
