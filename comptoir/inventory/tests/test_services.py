import pytest

from comptoir.inventory.errors import InvalidQuantity, OutOfStock
from comptoir.inventory.models import Hold, HoldState, StockLevel
from comptoir.inventory.services import HoldRequest, holds_consume, holds_release, holds_take, stock_restock
from comptoir.orders.tests import factories as f

pytestmark = pytest.mark.django_db


def test_holds_take_counts_units_as_held_and_leaves_on_hand():
    o = f.offer(f.seller(), stock=5)
    [h] = holds_take(requests=[HoldRequest(o.pk, 3)], reference="t1")
    lv = f.level(o)
    assert (lv.on_hand, lv.held, lv.available) == (5, 3, 2)
    assert (h.quantity, h.state, h.reference) == (3, HoldState.ACTIVE, "t1")


def test_holds_take_is_all_or_nothing_when_one_offer_is_short():
    s = f.seller()
    a, b = f.offer(s, stock=5), f.offer(s, stock=1)
    with pytest.raises(OutOfStock) as err:
        holds_take(requests=[HoldRequest(a.pk, 2), HoldRequest(b.pk, 2)], reference="t2")
    assert err.value.code == "out_of_stock"
    assert err.value.offer_ids == (b.pk,)
    assert f.level(a).held == 0 and f.level(b).held == 0
    assert Hold.objects.count() == 0


def test_holds_take_counts_two_requests_for_the_same_offer_together():
    o = f.offer(f.seller(), stock=3)
    with pytest.raises(OutOfStock):
        holds_take(requests=[HoldRequest(o.pk, 2), HoldRequest(o.pk, 2)], reference="t3")
    assert f.level(o).held == 0


def test_holds_take_picks_the_location_nearest_to_the_buyer():
    s = f.seller(city_name="Paris")
    o = f.offer(s, stock=4)
    lyon = f.location(s, city_name="Lyon")
    StockLevel.objects.create(offer=o, location=lyon, on_hand=4)
    [h] = holds_take(requests=[HoldRequest(o.pk, 1)], reference="t4", near=(45.75, 4.85))
    assert h.stock_level.location_id == lyon.pk


def test_holds_take_falls_back_to_a_location_with_enough_units():
    s = f.seller(city_name="Paris")
    o = f.offer(s, stock=4)  # Paris
    lyon = f.location(s, city_name="Lyon")
    StockLevel.objects.create(offer=o, location=lyon, on_hand=1)
    [h] = holds_take(requests=[HoldRequest(o.pk, 3)], reference="t5", near=(45.75, 4.85))
    assert h.stock_level.location.city.name == "Paris"


@pytest.mark.parametrize("quantity", [0, -1, 10**9])
def test_holds_take_refuses_quantity_out_of_range(quantity):
    o = f.offer(f.seller(), stock=5)
    with pytest.raises(InvalidQuantity):
        holds_take(requests=[HoldRequest(o.pk, quantity)], reference="t6")
    assert f.level(o).held == 0


def test_holds_release_returns_units_and_is_idempotent():
    o = f.offer(f.seller(), stock=5)
    [h] = holds_take(requests=[HoldRequest(o.pk, 2)], reference="t7")
    assert [x.state for x in holds_release(hold_ids=[h.pk])] == [HoldState.RELEASED]
    assert holds_release(hold_ids=[h.pk]) == []
    lv = f.level(o)
    assert (lv.on_hand, lv.held) == (5, 0)


def test_holds_consume_removes_units_from_on_hand():
    o = f.offer(f.seller(), stock=5)
    [h] = holds_take(requests=[HoldRequest(o.pk, 2)], reference="t8")
    holds_consume(hold_ids=[h.pk])
    lv = f.level(o)
    assert (lv.on_hand, lv.held) == (3, 0)
    assert Hold.objects.get(pk=h.pk).state == HoldState.CONSUMED
    assert holds_release(hold_ids=[h.pk]) == []  # a consumed hold cannot be released


def test_stock_restock_adds_units():
    o = f.offer(f.seller(), stock=1)
    assert stock_restock(stock_level_id=f.level(o).pk, quantity=2).on_hand == 3
