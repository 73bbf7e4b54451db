"""Real processes (own connections, real commits): the last unit on a store's shelf raced at once
by a reservation to try, a till sale, a click & collect order and a home-delivery order shipped
from the shelf. Exactly one wins; the others get a clear error; stock never goes below zero."""
import multiprocessing as mp
import uuid

import pytest
from django.conf import settings
from django.db import connection, connections

from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order, Pickup
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import PosSale, TryReservation

from .till_factories import ledger_sums, on_shelf, setup

ALL_APPS = list(settings.INSTALLED_APPS)


def _run(barrier, results, action: str, user_id: int, store_id: int, offer_id: int, session_id: int) -> None:
    from django.contrib.auth import get_user_model

    from comptoir.common.errors import DomainError
    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD
    from comptoir.stores.tests.pickup_helpers import MADRID
    from comptoir.stores.models import Store, TillSession

    connections.close_all()
    user = get_user_model().objects.get(pk=user_id)
    store = Store.objects.select_related("location", "market").get(pk=store_id)
    session = TillSession.objects.select_related("store__market", "store__location").get(pk=session_id)
    gtin = StockLevel.objects.select_related("offer__product").filter(offer_id=offer_id).first().offer.product.gtin
    barrier.wait(timeout=60)
    try:
        if action == "reserve":
            services.reservation_create(buyer=user, store=store, offer_id=offer_id)
        elif action == "till":
            services.basket_add_gtin(session=session, gtin=gtin)
            services.sale_pay(session=session, user=user, method="cash", cash_given=5000)
        elif action == "collect":
            seller_id = StockLevel.objects.filter(offer_id=offer_id).values_list("offer__seller_id", flat=True).first()
            order_place(buyer=user, lines=[LineRequest(offer_id, 1)], address=MADRID, card=OK_CARD, idempotency_key=uuid.uuid4().hex,
                        delivery_choices={f"{seller_id}-{store.location_id}": f"pickup_shelf@{store.location_id}"})
        else:
            order_place(buyer=user, lines=[LineRequest(offer_id, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
        results.put((action, "ok"))
    except DomainError as exc:
        results.put((action, exc.code))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        results.put((action, f"crash:{type(exc).__name__}:{exc}"))
    finally:
        connections.close_all()


REFUSED = {"reserve": "reservation_unit_held", "till": "shelf_out_of_stock", "collect": "out_of_stock", "order": "out_of_stock"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
@pytest.mark.parametrize("round_", range(3))
def test_the_last_unit_raced_by_a_click_and_collect_order_a_reservation_a_till_sale_and_a_home_order(round_):
    if connection.vendor != "postgresql":
        pytest.skip("writers at once need PostgreSQL")
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller, net_price=1000, units=1)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    buyer, collector, shopper = f.user().pk, f.user().pk, f.user().pk

    connections.close_all()
    ctx = mp.get_context("fork")
    jobs = [("collect", collector), ("reserve", buyer), ("till", clerk.pk), ("order", shopper)]
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(barrier, results, a, u, store.pk, offer.pk, session.pk)) for a, u in jobs]
    for p in procs:
        p.start()
    outcomes = dict(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    winners = [a for a, r in outcomes.items() if r == "ok"]
    assert len(winners) == 1, outcomes
    assert {a: r for a, r in outcomes.items() if a not in winners} == {a: REFUSED[a] for a in REFUSED if a not in winners}
    lv = StockLevel.objects.get(pk=level.pk)
    assert lv.on_hand >= 0 and lv.held >= 0 and lv.held <= lv.on_hand
    assert (lv.on_hand, lv.held) == {"reserve": (1, 1), "till": (0, 0), "collect": (1, 1), "order": (1, 1)}[winners[0]]
    assert TryReservation.objects.count() == (winners[0] == "reserve")
    assert PosSale.objects.count() == (winners[0] == "till")
    assert Pickup.objects.count() == (winners[0] == "collect")
    assert Order.objects.count() == (winners[0] in ("collect", "order"))
    assert set(ledger_sums().values()) <= {0}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
@pytest.mark.parametrize("action", ["collect", "order"])
def test_each_online_racer_alone_takes_the_unit(action):
    """The online orders of the race are slower to reach the stock lock (quote, payment) and
    mostly lose: alone, the same job gets the unit, so their refusal above is the race's."""
    if connection.vendor != "postgresql":
        pytest.skip("writers at once need PostgreSQL")
    store, clerk = setup()
    seller = f.seller("Taller", country="ES", city_name="Madrid")
    offer, level = on_shelf(store, seller, net_price=1000, units=1)
    session = services.till_open(store=store, user=clerk, opening_float=0)
    buyer = f.user().pk
    connections.close_all()  # the child must not share the parent's connection
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(1), ctx.Queue()
    proc = ctx.Process(target=_run, args=(barrier, results, action, buyer, store.pk, offer.pk, session.pk))
    proc.start()
    assert results.get(timeout=120) == (action, "ok")
    proc.join(timeout=60)
    assert StockLevel.objects.filter(pk=level.pk).values_list("on_hand", "held").get() == (1, 1)
    assert Pickup.objects.count() == (action == "collect") and Order.objects.count() == 1
