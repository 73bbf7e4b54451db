import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from comptoir.inventory.errors import OutOfStock
from comptoir.inventory.models import Hold, HoldState
from comptoir.orders.errors import (
    IdempotencyKeyReused,
    InvalidAddress,
    InvalidQuantity,
    OfferUnavailable,
    PaymentDeclined,
    PriceChanged,
)
from comptoir.orders.models import LiableParty, Order, OrderLine, PaymentStatus, PlacementAttempt, SellerOrder
from comptoir.orders.selectors import order_vat_breakdown
from comptoir.payments.models import Payment

from . import factories as f
from .helpers import DECLINED_CARD, LYON, place, shop

pytestmark = pytest.mark.django_db


def test_order_from_two_sellers_makes_two_seller_orders_with_vat_per_line():
    buyer, s1, s2, a, b = shop()
    order = place(buyer, [(a, 2), (b, 1)])
    parts = list(order.parts.order_by("seller__display_name"))
    assert [p.seller for p in parts] == [s1, s2]
    lamp = OrderLine.objects.get(offer=a)
    chair = OrderLine.objects.get(offer=b)
    # FR standard 20 % on 2 × 10.00; FR books 5.5 % on 25.50 → 1.4025 → 1.40
    assert (lamp.line_net, lamp.vat_rate_bp, lamp.line_vat, lamp.liable_party) == (2000, 2000, 400, LiableParty.SELLER)
    assert (chair.line_net, chair.vat_rate_bp, chair.line_vat) == (2550, 550, 140)
    # Lyon → Lyon and Paris → Lyon are domestic standard deliveries: 4.90 + 20 % each
    assert [(p.delivery_net, p.delivery_vat) for p in parts] == [(490, 98), (490, 98)]
    assert order.goods_net == 4550 and order.delivery_net == 980
    assert order.vat_total == 400 + 140 + 98 + 98
    assert order.total_gross == 4550 + 980 + 736
    assert order.payment_status == PaymentStatus.AUTHORIZED
    assert Payment.objects.get(pk=order.payment_id).amount == order.total_gross
    assert {b_.rate_bp: (b_.net, b_.vat) for b_ in order_vat_breakdown(order)} == {2000: (2980, 596), 550: (2550, 140)}
    assert (f.level(a).held, f.level(b).held) == (2, 1)


def test_placement_sends_confirmation_to_buyer_and_new_order_to_sellers(django_capture_on_commit_callbacks):
    buyer, s1, s2, a, b = shop()
    s1.members.create(user=f.user("owner1@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        order = place(buyer, [(a, 1), (b, 1)], language="en")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == ["buyer@example.com", "owner1@example.com"]  # seller 2 has no member
    assert by_recipient["buyer@example.com"].subject == f"Your order {order.reference} is confirmed"
    assert "1 × Lamp" in by_recipient["buyer@example.com"].body
    assert "1 × Chair" in by_recipient["buyer@example.com"].body
    # the seller (French) reads French: whatever catalogue is compiled, the subject is its French text
    # (test_notifications.py checks the wording with the catalogues compiled)
    with translation.override("fr"):
        expected = gettext("New order %(number)s") % {"number": f"{order.reference}-1"}
    assert by_recipient["owner1@example.com"].subject == expected


def test_no_email_when_the_payment_is_declined(django_capture_on_commit_callbacks):
    buyer, _s1, _s2, a, _b = shop()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PaymentDeclined):
        place(buyer, [(a, 1)], card=DECLINED_CARD)
    assert mail.outbox == []


def test_same_key_same_content_returns_the_same_order_and_charges_once():
    buyer, _s1, _s2, a, _b = shop()
    first = place(buyer, [(a, 1)], key="key-0000001")
    again = place(buyer, [(a, 1)], key="key-0000001")
    assert again.pk == first.pk
    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert f.level(a).held == 1


def test_same_key_with_other_content_is_refused():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 1)], key="key-0000002")
    with pytest.raises(IdempotencyKeyReused) as err:
        place(buyer, [(a, 2)], key="key-0000002")
    assert err.value.code == "idempotency_key_reused"
    assert Order.objects.count() == 1 and f.level(a).held == 1


def test_a_retry_after_the_last_units_went_returns_the_order_not_out_of_stock():
    from comptoir.payments.tests import gateway

    buyer, _s1, _s2, a, _b = shop()  # a: 5 units
    first = place(buyer, [(a, 5)], key="key-0000003")
    again = place(buyer, [(a, 5)], key="key-0000003")  # the quote now finds no stock
    assert again.pk == first.pk
    assert (Order.objects.count(), Payment.objects.count(), len(gateway.charges())) == (1, 1, 1)
    assert PlacementAttempt.objects.count() == 0
    assert f.level(a).held == 5


def test_same_key_with_other_content_is_refused_even_when_the_new_content_cannot_be_placed():
    buyer, _s1, _s2, a, _b = shop()
    place(buyer, [(a, 5)], key="key-0000004")
    with pytest.raises(IdempotencyKeyReused):
        place(buyer, [(a, 1)], key="key-0000004")  # out of stock, and another content
    assert Order.objects.count() == 1 and f.level(a).held == 5


def test_declined_card_leaves_stock_untouched_and_writes_no_order():
    buyer, _s1, _s2, a, b = shop()
    with pytest.raises(PaymentDeclined):
        place(buyer, [(a, 2), (b, 1)], card=DECLINED_CARD, key="key-declined")
    assert (f.level(a).held, f.level(b).held) == (0, 0)
    assert Order.objects.count() == SellerOrder.objects.count() == Hold.objects.count() == 0
    assert Payment.objects.filter(status="authorized").count() == 0
    attempt = PlacementAttempt.objects.get()
    assert (attempt.idempotency_key, attempt.code, attempt.amount) == ("key-declined", "payment_declined", 2400 + 2690 + 2 * 588)
    # the same key can be retried with a good card
    order = place(buyer, [(a, 2), (b, 1)], key="key-declined")
    assert order.payment_status == PaymentStatus.AUTHORIZED


def test_out_of_stock_is_refused_and_nothing_is_taken():
    buyer, _s1, _s2, a, b = shop()
    with pytest.raises(OutOfStock):
        place(buyer, [(a, 1), (b, 4)])
    assert (f.level(a).held, f.level(b).held) == (0, 0)
    assert Order.objects.count() == Payment.objects.count() == 0


@pytest.mark.parametrize("quantity", [0, 100, 10**9])
def test_quantity_out_of_range_is_refused(quantity):
    buyer, _s1, _s2, a, _b = shop()
    with pytest.raises(InvalidQuantity):
        place(buyer, [(a, quantity)])
    assert Order.objects.count() == 0 and f.level(a).held == 0


def test_withdrawn_offer_is_refused():
    buyer, _s1, _s2, a, b = shop()
    a.is_active = False
    a.save()
    with pytest.raises(OfferUnavailable):
        place(buyer, [(a, 1), (b, 1)])
    assert Order.objects.count() == 0 and f.level(b).held == 0


def test_tampered_or_stale_total_is_refused():
    buyer, _s1, _s2, a, _b = shop()
    with pytest.raises(PriceChanged):
        place(buyer, [(a, 1)], expected_total=1)
    assert Order.objects.count() == Payment.objects.count() == 0 and f.level(a).held == 0


def test_wrong_postcode_is_refused_before_anything_is_taken():
    from dataclasses import replace

    buyer, _s1, _s2, a, _b = shop()
    with pytest.raises(InvalidAddress) as err:
        place(buyer, [(a, 1)], address=replace(LYON, postcode="6900"))
    assert err.value.field == "postcode"
    assert Order.objects.count() == 0 and f.level(a).held == 0


def test_non_eu_seller_shipping_from_outside_the_eu_makes_the_marketplace_liable():
    buyer, *_ = shop()
    cn = f.seller("Shenzhen Gadgets", country="CN", city_name="Shenzhen")
    o = f.offer(cn, net_price=4000, stock=5)
    order = place(buyer, [(o, 1)])
    line = OrderLine.objects.get(seller_order__order=order)
    assert (line.liable_party, line.vat_rate_bp, line.line_vat) == (LiableParty.MARKETPLACE, 2000, 800)
    part = order.parts.get()
    assert part.delivery_net == 990  # cross-border


def test_vat_follows_the_destination_market():
    from dataclasses import replace

    buyer, _s1, _s2, a, _b = shop()
    sevilla = replace(LYON, postcode="41001", city="Sevilla", country="ES", phone="+34954590900")
    order = place(buyer, [(a, 1)], address=sevilla)
    line = OrderLine.objects.get(seller_order__order=order)
    assert (line.vat_rate_bp, line.line_vat) == (2100, 210)
    assert order.market.code == "ES"
