import pytest

from comptoir.orders.errors import InvalidQuantity, OfferUnavailable
from comptoir.orders.models import Cart, CartLine
from comptoir.orders.selectors import cart_acknowledge, cart_view
from comptoir.orders.services import cart_add, cart_for_request_owner, cart_merge, cart_set_quantity

from . import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_cart_merges_into_the_users_cart_on_login():
    f.market("FR")
    s = f.seller()
    a, b = f.offer(s), f.offer(s)
    user = f.user()
    mine = cart_for_request_owner(user=user)
    cart_add(cart=mine, offer_id=a.pk, quantity=1)
    anon = cart_for_request_owner(session_key="sess-1")
    cart_add(cart=anon, offer_id=a.pk, quantity=2)
    cart_add(cart=anon, offer_id=b.pk, quantity=1)
    merged = cart_merge(session_key="sess-1", user=user)
    assert merged.pk == mine.pk
    assert dict(CartLine.objects.filter(cart=mine).values_list("offer_id", "quantity")) == {a.pk: 3, b.pk: 1}
    assert not Cart.objects.filter(pk=anon.pk).exists()


def test_cart_refuses_withdrawn_offer_and_bad_quantities():
    s = f.seller()
    a = f.offer(s)
    cart = cart_for_request_owner(session_key="sess-2")
    with pytest.raises(InvalidQuantity):
        cart_add(cart=cart, offer_id=a.pk, quantity=0)
    with pytest.raises(InvalidQuantity):
        cart_add(cart=cart, offer_id=a.pk, quantity=10**9)
    a.is_active = False
    a.save()
    with pytest.raises(OfferUnavailable):
        cart_add(cart=cart, offer_id=a.pk, quantity=1)
    assert CartLine.objects.count() == 0


def test_cart_view_flags_price_change_withdrawal_and_short_stock():
    m = f.market("FR")
    s = f.seller()
    a, b, c = f.offer(s, net_price=1000), f.offer(s, stock=10), f.offer(s, stock=2)
    cart = cart_for_request_owner(session_key="sess-3")
    cart_add(cart=cart, offer_id=a.pk, quantity=1)
    cart_add(cart=cart, offer_id=b.pk, quantity=1)
    cart_add(cart=cart, offer_id=c.pk, quantity=2)
    a.net_price = 1200
    a.save()
    b.is_active = False
    b.save()
    cart_set_quantity(cart=cart, offer_id=c.pk, quantity=3)
    view = cart_view(cart=cart, market=m)
    assert sorted((n.code, n.offer_id) for n in view.notices) == sorted(
        [("price_changed", a.pk), ("offer_unavailable", b.pk), ("out_of_stock", c.pk)]
    )
    assert [ql.offer_id for g in view.quote.groups for ql in g.lines] == [a.pk]
    assert view.quote.totals.goods_net == 1200
    cart_acknowledge(cart)
    assert [n.code for n in cart_view(cart=cart, market=m).notices if n.code == "price_changed"] == []
