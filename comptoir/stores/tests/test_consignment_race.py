"""Real processes (own connections, real commits): a seller ships a consignment of a warehouse's
last units while buyers order the same units. Either the shipment or the orders get them, never
both; stock never goes below zero."""
import multiprocessing as mp
import uuid

import pytest
from django.conf import settings
from django.db import connection, connections

from comptoir.inventory.models import StockLevel
from comptoir.orders.tests import factories as f
from comptoir.stores import services
from comptoir.stores.models import Consignment, ConsignmentState, StaffRole
from comptoir.stores.services import UnitsLine

from . import factories as sf

UNITS = 4
ALL_APPS = list(settings.INSTALLED_APPS)


def _run(barrier, results, action: str, user_id: int, target_id: int) -> None:
    from django.contrib.auth import get_user_model

    from comptoir.common.errors import DomainError
    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    connections.close_all()
    user = get_user_model().objects.get(pk=user_id)
    barrier.wait(timeout=60)
    try:
        if action == "ship":
            services.consignment_ship(consignment=Consignment.objects.get(pk=target_id), user=user)
        else:
            order_place(buyer=user, lines=[LineRequest(target_id, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
        results.put((action, "ok"))
    except DomainError as exc:
        results.put((action, exc.code))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        results.put((action, f"crash:{type(exc).__name__}:{exc}"))
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_a_shipment_and_orders_race_for_the_last_units():
    if connection.vendor != "postgresql":
        pytest.skip("writers at once need PostgreSQL")
    f.market("FR"), f.market("ES")
    store = sf.store("Madrid Centro")
    manager = sf.staff(store, role=StaffRole.MANAGER)
    seller, seller_user, warehouse, (offer,) = sf.seller_with_stock("Atelier", stock=UNITS, offers=1)
    c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=[UnitsLine(offer.pk, UNITS)], user=seller_user)
    services.consignment_accept(consignment=c, user=manager)
    buyers = [f.user(f"racer{i}@example.com").pk for i in range(UNITS)]

    connections.close_all()
    ctx = mp.get_context("fork")
    jobs = [("ship", seller_user.pk, c.pk)] + [("buy", b, offer.pk) for b in buyers]
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=_run, args=(barrier, results, *job)) for job in jobs]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    level = StockLevel.objects.get(offer=offer, location=warehouse)
    shipped = ("ship", "ok") in outcomes
    if shipped:  # the shipment took every unit first: every order was refused
        assert outcomes == [("buy", "out_of_stock")] * UNITS + [("ship", "ok")]
        assert (level.on_hand, level.held, Consignment.objects.get(pk=c.pk).state) == (0, 0, ConsignmentState.IN_TRANSIT)
    else:  # an order came first: the shipment was refused whole, the orders hold every unit
        assert outcomes == [("buy", "ok")] * UNITS + [("ship", "consignment_beyond_stock")]
        assert (level.on_hand, level.held, Consignment.objects.get(pk=c.pk).state) == (UNITS, UNITS, ConsignmentState.ACCEPTED)
