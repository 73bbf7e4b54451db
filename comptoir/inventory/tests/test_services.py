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


# --- levels pinned by the caller: holds written before the lock ---------------------------------

def test_pinned_levels_write_the_holds_before_the_lock_and_call_before_lock_with_them():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    o = f.offer(f.seller(), stock=5)
    lv = f.level(o)
    seen = []
    with CaptureQueriesContext(connection) as ctx:
        [h] = holds_take(
            requests=[HoldRequest(o.pk, 2, stock_level_id=lv.pk)], reference="p1",
            before_lock=lambda holds: seen.append([(x.pk, x.stock_level_id, x.quantity) for x in holds]),
        )
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert sqls[0].startswith('INSERT INTO "inventory_hold"')
    if connection.vendor == "postgresql":  # lock, check, update and read back in one statement
        assert sqls[1].startswith("WITH locked AS MATERIALIZED") and len(sqls) == 2
    else:
        assert sqls[1].startswith("SELECT s.id, s.offer_id") and sqls[2].startswith("UPDATE inventory_stocklevel SET held = held + CASE")
        assert len(sqls) == 3
    assert seen == [[(h.pk, lv.pk, 2)]]
    lv.refresh_from_db()
    assert (lv.on_hand, lv.held) == (5, 2)
    assert h.stock_level.offer.product_id == o.product_id


def test_a_shortage_on_pinned_levels_leaves_no_hold_even_when_the_caller_catches_it():
    from django.db import transaction

    s = f.seller()
    a, b = f.offer(s, stock=5), f.offer(s, stock=1)
    requests = [HoldRequest(a.pk, 2, stock_level_id=f.level(a).pk), HoldRequest(b.pk, 2, stock_level_id=f.level(b).pk)]
    with transaction.atomic():
        try:
            holds_take(requests=requests, reference="p2")
        except OutOfStock as exc:
            assert exc.offer_ids == (b.pk,)
        assert transaction.get_rollback() is True  # the caller's block cannot commit the hold rows
    assert Hold.objects.count() == 0
    assert (f.level(a).held, f.level(b).held) == (0, 0)


def test_a_pinned_level_of_another_offer_is_refused():
    from django.db import transaction

    s = f.seller()
    a, b = f.offer(s, stock=5), f.offer(s, stock=5)
    level_of_b = f.level(b).pk
    with pytest.raises(OutOfStock) as err, transaction.atomic():  # a block of its own to go on after the error
        holds_take(requests=[HoldRequest(a.pk, 1, stock_level_id=level_of_b)], reference="p3")
    assert err.value.offer_ids == (a.pk,)
    assert Hold.objects.count() == 0 and f.level(b).held == 0


def test_before_lock_needs_pinned_levels():
    o = f.offer(f.seller(), stock=5)
    with pytest.raises(ValueError):
        holds_take(requests=[HoldRequest(o.pk, 1)], reference="p4", before_lock=lambda holds: None)
    assert Hold.objects.count() == 0
