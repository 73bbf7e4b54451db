import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from django.db.models import Sum

from comptoir.ledger.models import AccountKind, JournalLine
from comptoir.ledger.selectors import seller_balance
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders.errors import InvalidTransition, NotFound, ReturnWindowClosed
from comptoir.orders.models import PaymentStatus, SellerOrderState as S
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_cancel,
    seller_order_deliver,
    seller_order_refund,
    seller_order_return_receive,
    seller_order_return_request,
    seller_order_ship,
)
from comptoir.payments.models import Payment

from . import factories as f
from .helpers import place, shop

pytestmark = pytest.mark.django_db


def _balance(kind, **account) -> int:
    filters = {f"account__{k}": v for k, v in account.items()}
    return JournalLine.objects.filter(account__kind=kind, currency="EUR", **filters).aggregate(s=Sum("amount"))["s"] or 0


def _parts(order):
    return list(order.parts.order_by("pk"))


def test_full_journey_accept_ship_deliver_return_refund(django_capture_on_commit_callbacks):
    buyer, s1, s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    p1, p2 = _parts(order)
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    assert_ledger_balanced()
    payment = Payment.objects.get(pk=order.payment_id)
    assert payment.captured_amount == p1.total_gross
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.PARTIALLY_CAPTURED
    # commission 12 % of 20.00 net = 2.40; seller-liable VAT stays with the seller
    assert seller_balance(seller_id=s1.pk, currency="EUR") == p1.total_gross - 240
    with django_capture_on_commit_callbacks(execute=True):
        seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="Colissimo", tracking_number="6A123")
    assert mail.outbox[-1].subject == f"Your order {order.reference} has shipped"
    lv = f.level(a)
    assert (lv.on_hand, lv.held) == (3, 0)
    seller_order_deliver(seller_order_id=p1.pk, seller=s1)
    seller_order_return_request(seller_order_id=p1.pk, buyer=buyer, reason="too big")
    seller_order_return_receive(seller_order_id=p1.pk, seller=s1)
    assert f.level(a).on_hand == 5
    with django_capture_on_commit_callbacks(execute=True):
        part = seller_order_refund(seller_order_id=p1.pk, seller=s1)
    assert (part.state, part.refunded_amount) == (S.REFUNDED, p1.total_gross)
    assert mail.outbox[-1].subject == f"Refund for your order {order.reference}"
    assert Payment.objects.get(pk=order.payment_id).refunded_amount == p1.total_gross
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 0
    assert_ledger_balanced()


def test_buyer_cancels_before_acceptance_releases_stock_and_cancels_the_authorization():
    buyer, s1, s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    p1, p2 = _parts(order)
    seller_order_cancel(seller_order_id=p1.pk, buyer=buyer, reason="changed my mind")
    assert f.level(a).held == 0
    assert Payment.objects.get(pk=order.payment_id).status == "authorized"  # the other part is still live
    seller_order_cancel(seller_order_id=p2.pk, seller=s2, reason="damaged")
    assert f.level(b).held == 0
    assert Payment.objects.get(pk=order.payment_id).status == "cancelled"
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.CANCELLED
    assert_ledger_balanced()


def test_seller_cancels_after_acceptance_refunds_and_reverses_the_ledger(django_capture_on_commit_callbacks):
    buyer, s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 1)])
    [p1] = _parts(order)
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    with django_capture_on_commit_callbacks(execute=True):
        part = seller_order_cancel(seller_order_id=p1.pk, seller=s1, reason="out of stock")
    assert (part.state, part.cancelled_by, part.refunded_amount) == (S.CANCELLED, "seller", p1.total_gross)
    assert Payment.objects.get(pk=order.payment_id).refunded_amount == p1.total_gross
    assert seller_balance(seller_id=s1.pk, currency="EUR") == 0
    assert f.level(a).held == 0
    assert mail.outbox[-1].subject == f"Refund for your order {order.reference}"
    assert_ledger_balanced()
    assert _balance(AccountKind.BUYER_CLEARING) == 0  # every cent captured went back


def test_cannot_cancel_after_shipping():
    buyer, s1, _s2, a, _b = shop()
    [p1] = _parts(place(buyer, [(a, 1)]))
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="DHL", tracking_number="X1")
    with pytest.raises(InvalidTransition):
        seller_order_cancel(seller_order_id=p1.pk, buyer=buyer)


def test_another_seller_cannot_act_on_a_seller_order():
    buyer, s1, s2, a, _b = shop()
    [p1] = _parts(place(buyer, [(a, 1)]))
    with pytest.raises(NotFound):
        seller_order_accept(seller_order_id=p1.pk, seller=s2)
    other = f.user("other@example.com")
    with pytest.raises(NotFound):
        seller_order_cancel(seller_order_id=p1.pk, buyer=other)
    p1.refresh_from_db()
    assert p1.state == S.PLACED


def test_return_is_refused_after_14_days():
    buyer, s1, _s2, a, _b = shop()
    [p1] = _parts(place(buyer, [(a, 1)]))
    seller_order_accept(seller_order_id=p1.pk, seller=s1)
    seller_order_ship(seller_order_id=p1.pk, seller=s1, carrier="DHL", tracking_number="X1")
    delivered = timezone.now() - dt.timedelta(days=15)
    seller_order_deliver(seller_order_id=p1.pk, seller=s1, at=delivered)
    with pytest.raises(ReturnWindowClosed):
        seller_order_return_request(seller_order_id=p1.pk, buyer=buyer)
    seller_order_return_request(seller_order_id=p1.pk, buyer=buyer, now=delivered + dt.timedelta(days=13))


def test_marketplace_liable_vat_goes_to_the_market_vat_account():
    buyer, *_ = shop()
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    o = f.offer(cn, net_price=4000, stock=5)
    [p] = _parts(place(buyer, [(o, 1)]))
    seller_order_accept(seller_order_id=p.pk, seller=cn)
    assert _balance(AccountKind.VAT_PAYABLE, owner_id="FR") == -(800 + 198)  # goods + delivery VAT, credited
    # commission 12 % of 40.00 = 4.80; the seller gets the rest of the net and the delivery
    assert seller_balance(seller_id=cn.pk, currency="EUR") == p.total_gross - 998 - 480
    assert_ledger_balanced()
