"""A card authorized is never forgotten: a placement whose process died after the provider's
answer is completed by a retry with the same key, or voided by reconciliation."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from comptoir.orders.models import Order
from comptoir.orders.services import payments_reconcile
from comptoir.payments.models import Payment, PaymentStatus
from comptoir.payments.services import card_validate, payment_attempt_record, payment_provider_authorize
from comptoir.payments.tests.gateway import charges

from .helpers import OK_CARD, place, shop

pytestmark = pytest.mark.django_db


def died_after_the_provider_answered(buyer, key: str, amount: int) -> Payment:
    """What a placement leaves when its process is killed between the provider's yes and the
    order's COMMIT: the committed attempt, the authorization at the provider, no order."""
    card = card_validate(number=OK_CARD.number, expiry=OK_CARD.expiry, cvc=OK_CARD.cvc)
    payment, _created = payment_attempt_record(
        order_ref="CDIEDAFTER", amount=amount, currency="EUR", idempotency_key=f"order:{buyer.pk}:{key}", card=card,
    )
    payment_provider_authorize(payment, card)
    return payment


def test_a_retry_with_the_same_key_completes_the_order_with_the_same_authorization():
    buyer, _s1, _s2, a, _b = shop()
    total = place(buyer, [(a, 1)]).total_gross
    orphan = died_after_the_provider_answered(buyer, "key-died-0001", total)
    order = place(buyer, [(a, 1)], key="key-died-0001")
    assert (order.payment_id, order.reference, order.payment_status) == (orphan.pk, "CDIEDAFTER", "authorized")
    assert [p.number for p in order.parts.all()] == ["CDIEDAFTER-1"]
    assert len(charges()) == 2  # the first order's and this one: no second charge for the retry
    assert Payment.objects.get(pk=orphan.pk).status == PaymentStatus.AUTHORIZED


def test_reconciliation_voids_an_authorization_without_an_order_and_keeps_the_others():
    buyer, _s1, _s2, a, _b = shop()
    kept = place(buyer, [(a, 1)])
    orphan = died_after_the_provider_answered(buyer, "key-died-0002", kept.total_gross)
    assert payments_reconcile(older_than=dt.timedelta(minutes=15)).examined == 0  # too recent: maybe still in flight
    report = payments_reconcile(older_than=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1))
    assert (report.examined, report.kept, report.voided, report.failed) == (2, 1, [orphan.pk], [])
    assert Payment.objects.get(pk=orphan.pk).status == PaymentStatus.CANCELLED
    assert Payment.objects.get(pk=kept.payment_id).status == PaymentStatus.AUTHORIZED
    assert sorted(c.status for c in charges()) == ["authorized", "cancelled"]
    # a late retry of the voided attempt is refused, and charges nothing
    with pytest.raises(Exception) as caught:
        place(buyer, [(a, 1)], key="key-died-0002")
    assert caught.value.code == "payment_abandoned"
    assert (Order.objects.count(), len(charges())) == (1, 2)


def test_the_reconcile_command_reports_what_it_voided(capsys):
    buyer, _s1, _s2, a, _b = shop()
    orphan = died_after_the_provider_answered(buyer, "key-died-0003", 1200)
    Payment.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - dt.timedelta(minutes=16))
    call_command("payments_reconcile")
    assert capsys.readouterr().out.splitlines() == [
        f"1 payments examined: 0 held by an order, 1 voided (#{orphan.pk}), 0 left for the next run.",
        "0 cancelled seller orders' refunds checked, 0 failed.",
    ]
    assert [c.status for c in charges()] == ["cancelled"]


def test_accepting_again_after_a_crash_between_the_capture_and_its_record_captures_once():
    from comptoir.ledger.tests.helpers import assert_ledger_balanced
    from comptoir.orders.services import seller_order_accept
    from comptoir.payments.services import payment_capture

    buyer, s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 2)])
    part = order.parts.get()
    payment = Payment.objects.get(pk=order.payment_id)
    # the first accept captured at the provider, then its process died before recording the acceptance
    payment_capture(payment=payment, amount=part.total_gross, idempotency_key=f"seller_order:{part.pk}:capture")
    accepted = seller_order_accept(seller_order_id=part.pk, seller=s1)
    assert (accepted.state, accepted.captured_amount) == ("accepted", part.total_gross)
    assert [(c.captured, c.amount) for c in charges()] == [(part.total_gross, order.total_gross)]  # captured once
    assert Payment.objects.get(pk=payment.pk).captured_amount == part.total_gross
    assert_ledger_balanced()


def test_reconciliation_finishes_a_cancellation_a_crash_interrupted():
    from django.db import transaction

    from comptoir.payments.services import payment_cancel_begin

    buyer, _s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 1)])
    with transaction.atomic():  # the buyer's cancellation committed its claim, then its process died
        payment_cancel_begin(order.payment_id)
    assert [c.status for c in charges()] == ["authorized"]
    report = payments_reconcile(older_than=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1))
    assert (report.voided, report.kept, report.failed) == ([order.payment_id], 0, [])
    assert Payment.objects.get(pk=order.payment_id).status == PaymentStatus.CANCELLED
    assert [c.status for c in charges()] == ["cancelled"]


def test_a_cancellation_whose_refund_did_not_reach_the_provider_is_refunded_by_reconciliation(settings, tmp_path):
    from comptoir.ledger.tests.helpers import assert_ledger_balanced
    from comptoir.orders.services import seller_order_accept, seller_order_cancel
    from comptoir.payments.errors import ProviderUnavailable

    buyer, s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 2)])
    part = seller_order_accept(seller_order_id=order.parts.get().pk, seller=s1)
    gateway = dict(settings.PAYMENT_PROVIDER_SETTINGS["test"])
    # the provider cannot be reached when the refund follows the committed cancellation
    settings.PAYMENT_PROVIDER_SETTINGS = {**settings.PAYMENT_PROVIDER_SETTINGS, "test": {**gateway, "state_path": str(tmp_path)}}
    with pytest.raises(ProviderUnavailable):
        seller_order_cancel(seller_order_id=part.pk, buyer=buyer)
    settings.PAYMENT_PROVIDER_SETTINGS = {**settings.PAYMENT_PROVIDER_SETTINGS, "test": gateway}
    assert [(c.captured, c.refunded) for c in charges()] == [(part.total_gross, 0)]
    report = payments_reconcile(older_than=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1))
    assert (report.refunds_checked, report.refunds_failed) == (1, [])
    assert [(c.captured, c.refunded) for c in charges()] == [(part.total_gross, part.total_gross)]
    assert Payment.objects.get(pk=order.payment_id).status == PaymentStatus.REFUNDED
    again = payments_reconcile(older_than=dt.timedelta(0), now=timezone.now() + dt.timedelta(seconds=1))
    assert again.refunds_checked == 1 and charges()[0].refunded == part.total_gross  # refunded once
    assert_ledger_balanced()
