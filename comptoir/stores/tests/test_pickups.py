"""Click & collect through the services: placement with a pickup, the store's steps (ready
captures, the code checked, counted and locked, a manager unlocks), expiry refunds, isolation."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from comptoir.inventory.models import HoldState, StockLevel
from comptoir.ledger.tests.helpers import assert_ledger_balanced
from comptoir.orders import services as orders
from comptoir.orders.errors import InvalidDeliveryChoice, InvalidTransition, NotFound, PickupLocked, PickupWrongCode
from comptoir.orders.models import PICKUP_CODE_ALPHABET, Order, Pickup, PickupState, SellerOrderState
from comptoir.orders.quote import LineRequest, quote_build
from comptoir.orders.tests import factories as f
from comptoir.payments.models import Payment
from comptoir.stores import services
from comptoir.stores.errors import StoreForbidden

from .pickup_helpers import group_key, place_collect, scene

pytestmark = pytest.mark.django_db


def _levels(s):
    shelf, warehouse = StockLevel.objects.get(pk=s.shelf.pk), StockLevel.objects.get(pk=s.warehouse_level.pk)
    return (shelf.on_hand, shelf.held), (warehouse.on_hand, warehouse.held)


def _ready(s, order, capture_hooks):
    part = order.parts.get()
    with capture_hooks(execute=True):
        services.store_pickup_ready(user=s.clerk, store=s.store, number=part.number)
    return Pickup.objects.get(seller_order=part)


def test_the_quote_offers_the_nearest_stores_with_promised_dates():
    s = scene()
    q = quote_build(lines=[LineRequest(s.offer.pk, 1)], market=f.market("ES"), destination=(40.4168, -3.7038), pickup=True)
    (group,) = q.groups
    codes = [o.code for o in group.options]
    assert codes[:2] == ["standard", "express"]
    # Planned on the Madrid shelf (the nearest stock): collected from that shelf.
    assert codes[2:] == [f"pickup_shelf@{s.store.location_id}"]
    shelf = group.options[2]
    assert (shelf.net, shelf.store_name, shelf.store_km) == (0, "Comptoir Malasaña", 0.0)
    # Three units do not fit the shelf: the warehouse ships home or to either store, nearest first.
    q = quote_build(lines=[LineRequest(s.offer.pk, 3)], market=f.market("ES"), destination=(40.4168, -3.7038), pickup=True)
    assert [o.code for o in q.groups[0].options] == [
        "standard", "express", f"pickup_shipped@{s.store.location_id}", f"pickup_shipped@{s.other_store.location_id}",
    ]
    shipped = q.groups[0].options[2]
    assert shipped.net == 290 and shipped.earliest > shelf.earliest


def test_placement_collected_from_the_shelf_holds_the_store_units_and_totals_exactly():
    s = scene(shelf_units=2)
    order = place_collect(s, 2)
    part = order.parts.get()
    assert (order.goods_net, order.delivery_net, order.vat_total, order.total_gross) == (2000, 0, 420, 2420)
    assert (part.delivery_method, part.location_id, part.pickup_location_id) == ("pickup_shelf", s.store.location_id, s.store.location_id)
    pickup = part.pickup
    assert pickup.state == PickupState.TO_PREPARE and len(pickup.code) == 6 and set(pickup.code) <= set(PICKUP_CODE_ALPHABET)
    assert _levels(s) == ((2, 2), (5, 0))  # held on the store's shelf, not in the warehouse


def test_quantity_beyond_the_shelf_is_refused_and_nothing_is_written():
    s = scene(shelf_units=2)
    with pytest.raises(InvalidDeliveryChoice) as err:
        place_collect(s, 3, group=f"{s.seller.pk}-{s.warehouse_level.location_id}")  # 3 do not fit the shelf: planned in the warehouse
    assert err.value.code == "pickup_shelf_short"
    assert "Only 2 of “Jarra azul” on the shelf of Comptoir Malasaña" in str(err.value.message)
    assert not Order.objects.exists() and not Pickup.objects.exists()
    assert _levels(s) == ((2, 0), (5, 0))


def test_ready_captures_emails_the_code_and_the_right_code_hands_over_after_a_wrong_one(django_capture_on_commit_callbacks):
    s = scene(shelf_units=2)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_collect(s, 2)
    part = order.parts.get()
    confirmation = mail.outbox[0]
    assert part.pickup.code in confirmation.body and confirmation.attachments[0][0] == f"pickup-{part.number}.png"
    pickup = _ready(s, order, django_capture_on_commit_callbacks)
    assert pickup.state == PickupState.READY and pickup.collect_by == pickup.ready_at + dt.timedelta(days=7)
    assert Payment.objects.get(pk=order.payment_id).captured_amount == 2420
    part.refresh_from_db()
    assert (part.state, part.captured_amount) == (SellerOrderState.ACCEPTED, 2420)
    ready_mail = mail.outbox[-1]
    assert "ready for collection" in ready_mail.subject and pickup.code in ready_mail.body
    assert_ledger_balanced()

    wrong = "AAAAAA" if pickup.code != "AAAAAA" else "CCCCCC"
    with pytest.raises(PickupWrongCode) as err:
        services.store_pickup_hand_over(user=s.clerk, store=s.store, number=part.number, code=wrong)
    assert str(err.value.message) == "Wrong code for this order (4 tries left before it is locked)."
    assert Pickup.objects.get(pk=pickup.pk).wrong_codes == 1  # counted although refused
    services.store_pickup_hand_over(user=s.clerk, store=s.store, number=part.number, code=pickup.code.lower())
    pickup.refresh_from_db(), part.refresh_from_db()
    assert (pickup.state, pickup.handed_over_by, part.state) == (PickupState.HANDED_OVER, s.clerk, SellerOrderState.DELIVERED)
    assert _levels(s) == ((0, 0), (5, 0))  # the held units left the shelf
    assert set(part.lines.values_list("hold__state", flat=True)) == {HoldState.CONSUMED}


def test_five_wrong_codes_lock_the_pickup_until_a_manager_unlocks_it(django_capture_on_commit_callbacks):
    s = scene()
    order = place_collect(s)
    pickup = _ready(s, order, django_capture_on_commit_callbacks)
    number = order.parts.get().number
    wrong = "AAAAAA" if pickup.code != "AAAAAA" else "CCCCCC"
    for _ in range(4):
        with pytest.raises(PickupWrongCode):
            services.store_pickup_hand_over(user=s.clerk, store=s.store, number=number, code=wrong)
    with pytest.raises(PickupLocked):
        services.store_pickup_hand_over(user=s.clerk, store=s.store, number=number, code=wrong)
    with pytest.raises(PickupLocked):  # even the right code, now
        services.store_pickup_hand_over(user=s.clerk, store=s.store, number=number, code=pickup.code)
    assert Pickup.objects.get(pk=pickup.pk).wrong_codes == 5
    with pytest.raises(StoreForbidden):  # a clerk may not unlock
        services.store_pickup_unlock(user=s.clerk, store=s.store, number=number)
    services.store_pickup_unlock(user=s.manager, store=s.store, number=number)
    pickup.refresh_from_db()
    assert (pickup.wrong_codes, pickup.locked_at) == (0, None)
    services.store_pickup_hand_over(user=s.clerk, store=s.store, number=number, code=pickup.code)
    assert Pickup.objects.get(pk=pickup.pk).state == PickupState.HANDED_OVER


def test_the_code_of_another_order_is_a_wrong_code(django_capture_on_commit_callbacks):
    s = scene(shelf_units=2)
    first, second = place_collect(s), place_collect(s)
    pickup = _ready(s, first, django_capture_on_commit_callbacks)
    other_code = second.parts.get().pickup.code
    if other_code != pickup.code:
        with pytest.raises(PickupWrongCode):
            services.store_pickup_hand_over(user=s.clerk, store=s.store, number=first.parts.get().number, code=other_code)
        assert Pickup.objects.get(pk=pickup.pk).wrong_codes == 1


def test_not_collected_in_7_days_goes_back_to_stock_refunded(django_capture_on_commit_callbacks):
    s = scene(shelf_units=2)
    order = place_collect(s, 2)
    pickup = _ready(s, order, django_capture_on_commit_callbacks)
    assert orders.pickups_expire(now=pickup.collect_by - dt.timedelta(minutes=1)).expired == ()
    with django_capture_on_commit_callbacks(execute=True):
        report = orders.pickups_expire(now=pickup.collect_by + dt.timedelta(minutes=1))
    part = order.parts.get()
    assert report.expired == (part.pk,) and report.failed == ()
    expired = Pickup.objects.get(pk=pickup.pk)
    assert (expired.state, part.state, part.refunded_amount) == (PickupState.EXPIRED, SellerOrderState.CANCELLED, 2420)
    payment = Payment.objects.get(pk=order.payment_id)
    assert (payment.captured_amount, payment.refunded_amount) == (2420, 2420)
    assert _levels(s) == ((2, 0), (5, 0))  # back on the shelf, nothing held
    assert "Refund" in mail.outbox[-1].subject
    assert_ledger_balanced()
    assert orders.pickups_expire(now=timezone.now() + dt.timedelta(days=30)).expired == ()  # once


def test_shipped_to_the_store_becomes_to_prepare_when_the_seller_ships(django_capture_on_commit_callbacks):
    s = scene(shelf_units=0)
    order = place_collect(s, 1, method="pickup_shipped", group=f"{s.seller.pk}-{s.warehouse_level.location_id}")
    part = order.parts.get()
    assert (part.location_id, part.pickup_location_id, part.delivery_net) == (s.warehouse_level.location_id, s.store.location_id, 290)
    assert part.pickup.state == PickupState.AWAITING_SHIPMENT
    with pytest.raises(InvalidTransition):  # nothing to prepare before the parcel is on its way
        services.store_pickup_ready(user=s.clerk, store=s.store, number=part.number)
    orders.seller_order_accept(seller_order_id=part.pk, seller=s.seller)
    orders.seller_order_ship(seller_order_id=part.pk, seller=s.seller, carrier="SEUR", tracking_number="ES123")
    assert Pickup.objects.get(seller_order=part).state == PickupState.TO_PREPARE
    pickup = _ready(s, order, django_capture_on_commit_callbacks)
    assert Payment.objects.get(pk=order.payment_id).captured_amount == part.total_gross  # captured once, at acceptance
    services.store_pickup_hand_over(user=s.clerk, store=s.store, number=part.number, code=pickup.code)
    part.refresh_from_db()
    assert part.state == SellerOrderState.DELIVERED
    assert_ledger_balanced()


def test_the_seller_neither_accepts_nor_ships_a_shelf_pickup():
    s = scene()
    part = place_collect(s).parts.get()
    with pytest.raises(InvalidTransition):
        orders.seller_order_accept(seller_order_id=part.pk, seller=s.seller)


def test_staff_of_another_store_cannot_act_on_this_stores_pickups(django_capture_on_commit_callbacks):
    s = scene()
    number = place_collect(s).parts.get().number
    for action in (services.store_pickup_ready, services.store_pickup_unlock):
        with pytest.raises(StoreForbidden):
            action(user=s.other_clerk, store=s.store, number=number)
    with pytest.raises(StoreForbidden):
        services.store_pickup_hand_over(user=s.other_clerk, store=s.store, number=number, code="AAAAAA")
    with pytest.raises(NotFound):  # through their own store: not found there
        services.store_pickup_ready(user=s.other_clerk, store=s.other_store, number=number)
    assert Pickup.objects.get().state == PickupState.TO_PREPARE


def test_a_seller_who_opts_out_of_ship_from_store_ships_homes_from_its_warehouse():
    s = scene(shelf_units=2)
    s.seller.ships_from_stores = False
    s.seller.save()
    q = quote_build(lines=[LineRequest(s.offer.pk, 1)], market=f.market("ES"), destination=(40.4168, -3.7038))
    assert q.groups[0].location_id == s.warehouse_level.location_id  # not the nearer shelf
    StockLevel.objects.filter(pk=s.warehouse_level.pk).update(on_hand=0)
    q = quote_build(lines=[LineRequest(s.offer.pk, 1)], market=f.market("ES"), destination=(40.4168, -3.7038), pickup=True)
    assert [o.code for o in q.groups[0].options] == [f"pickup_shelf@{s.store.location_id}"]  # collect only
    q = quote_build(lines=[LineRequest(s.offer.pk, 1)], market=f.market("FR"), destination=(45.76, 4.83))
    assert q.groups == () and q.notices[0].code == "out_of_stock"
    assert group_key(s)  # the shelf group key is what the checkout posts


def test_market_analytics_count_click_and_collect_by_store_and_week():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.planning.analytics import collect_by_store, market_weekly_stats

    s = scene(shelf_units=2)
    place_collect(s, 1)  # from the shelf: 1000 + 21 % = 1210
    place_collect(s, 3, method="pickup_shipped", group=f"{s.seller.pk}-{s.warehouse_level.location_id}")  # 3630
    with CaptureQueriesContext(connection) as queries:
        (row,) = collect_by_store(market_code="ES")
    assert len(queries.captured_queries) == 1  # however many seller orders
    assert (row.store_name, row.from_shelf, row.shipped_there, row.gmv) == ("Comptoir Malasaña", 1, 1, 4840)
    (week,) = market_weekly_stats(market_code="ES")
    assert (week.gmv_collect, week.gmv_delivery) == (4840, 0)
