"""Real processes (own connections, real commits) race for the last unit on a store's shelf:
buyers collecting it in the store and buyers having it shipped home from the store at once.
Exactly one gets it; the others are told it is out of stock; the shelf never goes below zero."""
import multiprocessing as mp
import uuid

import pytest
from django.conf import settings
from django.db import connection, connections

from comptoir.inventory.models import Hold, HoldState, StockLevel
from comptoir.orders.models import Order, Pickup, PlacementAttempt
from comptoir.orders.tests import factories as f

from .pickup_helpers import MADRID, group_key, scene

COLLECTORS = 4
HOME_BUYERS = 4
ALL_APPS = list(settings.INSTALLED_APPS)


def _run(barrier, results, buyer_id: int, offer_id: int, choices: dict) -> None:
    from django.contrib.auth import get_user_model

    from comptoir.common.errors import DomainError
    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import OK_CARD

    connections.close_all()
    buyer = get_user_model().objects.get(pk=buyer_id)
    barrier.wait(timeout=60)
    kind = "collect" if choices else "home"
    try:
        order_place(buyer=buyer, lines=[LineRequest(offer_id, 1)], address=MADRID, card=OK_CARD,
                    idempotency_key=uuid.uuid4().hex, delivery_choices=choices)
        results.put((kind, "ok"))
    except DomainError as exc:
        results.put((kind, exc.code, str(exc.message)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        results.put((kind, f"crash:{type(exc).__name__}:{exc}"))
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_collect_and_home_orders_race_for_the_last_unit_on_a_shelf():
    if connection.vendor != "postgresql":
        pytest.skip("writers at once need PostgreSQL")
    s = scene(shelf_units=1, warehouse_units=0)
    collect = {group_key(s): f"pickup_shelf@{s.store.location_id}"}
    jobs = [(f.user().pk, s.offer.pk, collect) for _ in range(COLLECTORS)] + [(f.user().pk, s.offer.pk, {}) for _ in range(HOME_BUYERS)]
    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(barrier, results, *job)) for job in jobs]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    winners = [o for o in outcomes if o[1] == "ok"]
    losers = [o for o in outcomes if o[1] != "ok"]
    assert len(winners) == 1, outcomes
    assert {o[1] for o in losers} == {"out_of_stock"}, outcomes
    # Refused under the stock lock, or by the quote when the winner had committed already.
    assert {o[2] for o in losers} <= {"Not enough stock for some items.", "Only 0 left of “Jarra azul”."}, losers
    shelf = StockLevel.objects.get(pk=s.shelf.pk)
    assert (shelf.on_hand, shelf.held) == (1, 1)
    assert Hold.objects.filter(stock_level=shelf, state=HoldState.ACTIVE).count() == 1
    assert Order.objects.count() == 1 and PlacementAttempt.objects.count() == COLLECTORS + HOME_BUYERS - 1
    assert Pickup.objects.count() == (1 if winners[0][0] == "collect" else 0)
