"""Real processes race for the last units of one offer (SQLite file DB and PostgreSQL).

Each child process opens its own database connection to the test database and places an order
for one unit through orders.services.order_place, i.e. holds_take under row locks.
"""
import multiprocessing as mp
import uuid

import pytest
from django.conf import settings
from django.db import connections

from comptoir.inventory.models import StockLevel
from comptoir.orders.models import Order
from comptoir.orders.tests import factories as f

PROCESSES = 24
UNITS = 5


def _buy(barrier, buyer_id: int, offer_id: int, results) -> None:
    from django.contrib.auth import get_user_model

    from comptoir.common.errors import DomainError
    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    connections.close_all()  # never reuse the parent's socket
    buyer = get_user_model().objects.get(pk=buyer_id)
    barrier.wait(timeout=60)
    try:
        order_place(buyer=buyer, lines=[LineRequest(offer_id, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
        results.put("ok")
    except DomainError as exc:
        results.put(exc.code)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        results.put(f"crash:{type(exc).__name__}:{exc}")
    finally:
        connections.close_all()


# available_apps = every app makes the teardown flush use TRUNCATE … CASCADE on PostgreSQL, which
# also empties raw tables that reference ours (catalog_search_pg → catalog_product).
ALL_APPS = list(settings.INSTALLED_APPS)


@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_processes_racing_for_the_last_units_sell_exactly_the_stock():
    f.market("FR")
    s = f.seller(city_name="Lyon")
    offer = f.offer(s, stock=UNITS, net_price=1500)
    buyers = [f.user(f"racer{i}@example.com").pk for i in range(PROCESSES)]
    connections.close_all()

    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_buy, args=(barrier, b, offer.pk, results)) for b in buyers]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    assert sorted(set(outcomes)) == ["ok", "out_of_stock"], outcomes
    assert outcomes.count("ok") == UNITS
    assert outcomes.count("out_of_stock") == PROCESSES - UNITS
    level = StockLevel.objects.get(offer=offer)
    assert (level.on_hand, level.held, level.available) == (UNITS, UNITS, 0)
    assert Order.objects.count() == UNITS


def _hold_the_row_then_sell_out(level_id: int, locked, release) -> None:
    """Another buyer's transaction: locks the level, waits, then takes every unit and commits."""
    from django.db import transaction

    connections.close_all()
    try:
        with transaction.atomic():
            level = StockLevel.objects.select_for_update().get(pk=level_id)
            locked.set()
            release.wait(timeout=30)
            StockLevel.objects.filter(pk=level_id).update(held=level.on_hand)
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_a_placement_that_waited_for_the_lock_sees_the_stock_as_committed_meanwhile():
    """Deterministic interleaving: the placement's statement starts (and takes its snapshot) while
    another transaction holds the row, which then sells the last units and commits. The placement
    must judge the stock as committed by then, not by its statement's snapshot."""
    import threading
    import time as _time

    from django.db import connection

    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    f.market("FR")
    offer = f.offer(f.seller(), stock=3)
    buyer = f.user("waiter@example.com")
    level = f.level(offer)
    locked, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_hold_the_row_then_sell_out, args=(level.pk, locked, release))
    other.start()
    assert locked.wait(timeout=30)
    outcome = {}

    def place() -> None:
        try:
            order_place(buyer=buyer, lines=[LineRequest(offer.pk, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
            outcome["result"] = "ok"
        except Exception as exc:  # noqa: BLE001 - the assertion below names it
            outcome["result"] = getattr(exc, "code", type(exc).__name__)
        finally:
            connections.close_all()

    placing = threading.Thread(target=place)
    placing.start()
    _time.sleep(1.0)  # the placement is now waiting for the row lock
    release.set()
    other.join(timeout=30)
    placing.join(timeout=30)
    assert outcome == {"result": "out_of_stock"}
    level.refresh_from_db()
    assert (level.on_hand, level.held) == (3, 3)
    assert Order.objects.count() == 0
