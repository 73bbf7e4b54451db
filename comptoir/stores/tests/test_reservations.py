"""Reserve to try: one unit for 48 hours, at most three, expiry frees the unit with no worker."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from comptoir.inventory.models import Hold, StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores import errors, services
from comptoir.stores.models import TryReservation

from .till_factories import on_shelf, setup

pytestmark = pytest.mark.django_db


def test_reserve_holds_one_unit_for_48_hours_and_a_fourth_is_refused():
    store, _clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    buyer = f.user()
    offers = [on_shelf(store, seller, title=f"Item {i}")[0] for i in range(4)]
    now = timezone.now()
    made = [services.reservation_create(buyer=buyer, store=store, offer_id=o.pk, now=now) for o in offers[:3]]
    assert made[0].expires_at == now + timedelta(hours=48)
    assert StockLevel.objects.get(offer=offers[0], location=store.location).held == 1
    with pytest.raises(errors.ReservationLimitReached):
        services.reservation_create(buyer=buyer, store=store, offer_id=offers[3].pk)
    assert TryReservation.objects.count() == 3 and StockLevel.objects.get(offer=offers[3], location=store.location).held == 0
    services.reservation_cancel(buyer=buyer, reservation_id=made[0].pk)
    assert StockLevel.objects.get(offer=offers[0], location=store.location).held == 0
    services.reservation_create(buyer=buyer, store=store, offer_id=offers[3].pk)


def test_a_unit_already_held_cannot_be_reserved_and_another_buyer_cannot_cancel():
    store, _clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, _level = on_shelf(store, seller)
    first, second = f.user(), f.user()
    mine = services.reservation_create(buyer=first, store=store, offer_id=offer.pk)
    with pytest.raises(errors.ReservationUnitHeld):
        services.reservation_create(buyer=second, store=store, offer_id=offer.pk)
    with pytest.raises(errors.ReservationNotFound):
        services.reservation_cancel(buyer=second, reservation_id=mine.pk)
    assert TryReservation.objects.count() == 1


def test_an_expired_reservation_frees_its_unit_for_the_next_taker_with_no_worker_running():
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller)
    gone = services.reservation_create(buyer=f.user(), store=store, offer_id=offer.pk, now=timezone.now() - timedelta(hours=49))
    # No tidy-up ran: the hold is still active in the table, yet the till can sell the unit.
    assert Hold.objects.get(pk=gone.hold_id).state == "active"
    session = services.till_open(store=store, user=clerk, opening_float=0)
    services.basket_add_gtin(session=session, gtin=offer.product.gtin)
    services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210)
    assert Hold.objects.get(pk=gone.hold_id).state == "released"
    assert StockLevel.objects.filter(pk=level.pk).values_list("on_hand", "held").get() == (0, 0)
    call_command("reservations_expire")
    assert TryReservation.objects.get(pk=gone.pk).state == "expired"


def test_the_periodic_command_marks_expired_reservations_and_releases_their_units():
    store, _clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller)
    old = services.reservation_create(buyer=f.user(), store=store, offer_id=offer.pk, now=timezone.now() - timedelta(hours=48, seconds=1))
    call_command("reservations_expire")
    assert TryReservation.objects.get(pk=old.pk).state == "expired"
    assert StockLevel.objects.get(pk=level.pk).held == 0


def test_the_clerk_converts_a_reservation_into_a_sale():
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller)
    reservation = services.reservation_create(buyer=f.user(), store=store, offer_id=offer.pk)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    services.basket_add_reservation(session=session, reservation_id=reservation.pk)
    sale = services.sale_pay(session=session, user=clerk, method="cash", cash_given=1210)
    reservation.refresh_from_db()
    assert reservation.state == "converted" and reservation.sale_line.sale == sale
    assert StockLevel.objects.filter(pk=level.pk).values_list("on_hand", "held").get() == (0, 0)
