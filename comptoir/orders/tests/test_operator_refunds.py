"""Operator refunds and cancellations through the orders services (the desk's pages call these)."""
import pytest
from django.core import mail

from comptoir.audit.models import AuditEntry
from comptoir.ledger.selectors import seller_balance
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders.errors import InvalidTransition, ReasonRequired, RefundInvalid
from comptoir.orders.models import Order, Refund, SellerOrderState as S, SentEmail
from comptoir.orders.services import order_refund, seller_order_accept, seller_order_cancel, seller_order_ship

from . import factories as f
from .helpers import place, shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    buyer, s1, s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    p1, p2 = order.parts.order_by("pk")
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    return order, p1, p2, s1, f.user("lead@comptoir.example", is_staff=True)


def test_units_refunded_in_steps_give_back_the_line_exactly(accepted, django_capture_on_commit_callbacks):
    order, p1, p2, s1, lead = accepted
    seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="DHL", tracking_number="1")
    line = p1.lines.get()
    first = order_refund(order_id=order.pk, operator=lead, reason="one broken", quantities={line.pk: 1})
    second = order_refund(order_id=order.pk, operator=lead, reason="the other too", quantities={line.pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        third = order_refund(order_id=order.pk, operator=lead, reason="late", quantities={}, delivery_for=[p1.pk])
    assert [r[0].amount for r in (first, second, third)] == [1200, 1200, 588]
    p1.refresh_from_db()
    assert (p1.state, p1.refunded_amount) == (S.REFUNDED, 2988)
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 0
    assert_ledger_balanced()
    assert [e.reason for e in AuditEntry.objects.order_by("pk")] == ["one broken", "the other too", "late"]
    assert mail.outbox[-1].subject == f"Refund for your order {order.reference}"
    assert SentEmail.objects.filter(order=order, seller_order=p1, subject=f"Refund for your order {order.reference}").count() == 1


def test_each_refund_email_states_that_refunds_amount_and_the_total_so_far_in_the_buyers_language(django_capture_on_commit_callbacks):
    buyer, s1, _s2, lamp, _chair = shop()
    order = place(buyer, [(lamp, 2)], language="fr")
    part = order.parts.get()
    seller_order_accept(seller_order_id=part.pk, seller=s1)
    seller_order_ship(seller_order_id=part.pk, seller=s1, carrier="DHL", tracking_number="1")
    lead, line = f.user("lead@comptoir.example", is_staff=True), part.lines.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, operator=lead, reason="one broken", quantities={line.pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, operator=lead, reason="late", quantities={}, delivery_for=[part.pk])
    assert [m.subject for m in mail.outbox] == [f"Remboursement de votre commande {order.reference}"] * 2
    assert [m.body for m in mail.outbox] == [
        f"Bonjour Ana Ruiz,\n\nNous vous avons remboursé 12,00\xa0€ sur la partie {part.number} de votre commande.\n\n",
        f"Bonjour Ana Ruiz,\n\nNous vous avons remboursé 5,88\xa0€ sur la partie {part.number} de votre commande.\n"
        "Total remboursé sur cette partie à ce jour : 17,88\xa0€.\n\n",
    ]


def test_cancelling_a_partly_refunded_part_emails_what_was_left(accepted, django_capture_on_commit_callbacks):
    order, p1, _p2, _s1, lead = accepted
    Order.objects.filter(pk=order.pk).update(language="de")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order_id=order.pk, operator=lead, reason="one broken", quantities={p1.lines.get().pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason="seller out of stock, buyer agreed")
    assert [m.body.split("\n\n", 1)[1] for m in mail.outbox] == [
        f"Wir haben Ihnen 12,00\xa0€ für Ihren Bestellteil {p1.number} erstattet.\n\n",
        f"Wir haben Ihnen 17,88\xa0€ für Ihren Bestellteil {p1.number} erstattet.\n"
        "Für diesen Bestellteil bisher insgesamt erstattet: 29,88\xa0€.\n\n",
    ]


def test_refusals_write_nothing(accepted):
    order, p1, p2, s1, lead = accepted
    line, chair = p1.lines.get(), p2.lines.get()
    with pytest.raises(ReasonRequired):
        order_refund(order_id=order.pk, operator=lead, reason="", quantities={line.pk: 1})
    with pytest.raises(RefundInvalid) as not_paid:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={chair.pk: 1})
    assert not_paid.value.code == "refund_not_captured"
    with pytest.raises(RefundInvalid) as too_many:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={line.pk: 3})
    assert (too_many.value.code, too_many.value.field) == ("refund_quantity_exceeded", f"qty_{line.pk}")
    with pytest.raises(RefundInvalid) as everything_before_shipping:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={line.pk: 2}, delivery_for=[p1.pk])
    assert everything_before_shipping.value.code == "refund_cancel_instead"
    with pytest.raises(RefundInvalid) as foreign:
        order_refund(order_id=order.pk, operator=lead, reason="r", quantities={10**9: 1})
    assert foreign.value.code == "refund_unknown_line"
    assert (Refund.objects.count(), AuditEntry.objects.count()) == (0, 0)
    p1.refresh_from_db()
    assert p1.refunded_amount == 0


def test_operator_cancel_of_an_accepted_part_refunds_it_and_is_audited(accepted, django_capture_on_commit_callbacks):
    order, p1, p2, s1, lead = accepted
    with pytest.raises(ReasonRequired):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason="seller out of stock, buyer agreed")
    p1.refresh_from_db()
    assert (p1.state, p1.cancelled_by, p1.refunded_amount) == (S.CANCELLED, "operator", 2988)
    entry = AuditEntry.objects.get()
    assert (entry.before, entry.after) == ({"state": "accepted", "refunded_amount": 0}, {"state": "cancelled", "refunded_amount": 2988})
    with pytest.raises(InvalidTransition):
        seller_order_cancel(seller_order_id=p1.pk, operator=lead, reason="again")
    assert AuditEntry.objects.count() == 1
