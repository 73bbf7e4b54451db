"""Real processes (own connections, real commits) race for the last units of a product, then
cancel in parallel: the storefront listing refreshed on commit ends right both times (on
PostgreSQL through the advisory-lock coalescing of concurrent refreshes)."""
import multiprocessing as mp
import uuid

import pytest
from django.conf import settings
from django.db import connections

from comptoir.inventory.models import OfferPoint, ProductListing
from comptoir.inventory.listing.refresh import listing_refresh_all
from comptoir.orders.models import SellerOrder
from comptoir.orders.tests import factories as f

PROCESSES = 12
UNITS = 5
ALL_APPS = list(settings.INSTALLED_APPS)  # teardown flush with TRUNCATE … CASCADE on PostgreSQL


def _run(barrier, results, action: str, buyer_id: int, target_id: int) -> None:
    from django.contrib.auth import get_user_model

    from comptoir.common.errors import DomainError
    from comptoir.orders.quote import LineRequest
    from comptoir.orders.services import order_place, seller_order_cancel
    from comptoir.orders.tests.helpers import LYON, OK_CARD

    connections.close_all()
    buyer = get_user_model().objects.get(pk=buyer_id)
    barrier.wait(timeout=60)
    try:
        if action == "buy":
            order_place(buyer=buyer, lines=[LineRequest(target_id, 1)], address=LYON, card=OK_CARD, idempotency_key=uuid.uuid4().hex)
        else:
            seller_order_cancel(seller_order_id=target_id, buyer=buyer)
        results.put("ok")
    except DomainError as exc:
        results.put(exc.code)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        results.put(f"crash:{type(exc).__name__}:{exc}")
    finally:
        connections.close_all()


def _race(jobs: list[tuple[str, int, int]]) -> list[str]:
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
    return outcomes


@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_racing_buyers_unlist_the_product_and_parallel_cancellations_relist_it():
    f.market("FR")
    seller = f.seller(city_name="Lyon")
    offer = f.offer(seller, stock=UNITS, net_price=1500)
    other = f.offer(seller, stock=2, net_price=900)
    buyers = [f.user(f"racer{i}@example.com").pk for i in range(PROCESSES)]
    listing_refresh_all()
    assert sorted(ProductListing.objects.values_list("product_id", flat=True)) == sorted([offer.product_id, other.product_id])

    outcomes = _race([("buy", b, offer.pk) for b in buyers])
    assert sorted(outcomes) == ["ok"] * UNITS + ["out_of_stock"] * (PROCESSES - UNITS)
    assert list(ProductListing.objects.values_list("product_id", flat=True)) == [other.product_id]
    assert not OfferPoint.objects.filter(offer_id=offer.pk).exists()

    parts = list(SellerOrder.objects.select_related("order").order_by("pk"))
    assert len(parts) == UNITS
    outcomes = _race([("cancel", p.order.buyer_id, p.pk) for p in parts])
    assert outcomes == ["ok"] * UNITS
    assert sorted(ProductListing.objects.values_list("product_id", flat=True)) == sorted([offer.product_id, other.product_id])
    # one point for the offer again (its `available` is the count seen by the refresh that ran
    # when the first cancellation brought the level back from 0: not refreshed after that)
    assert OfferPoint.objects.filter(offer_id=offer.pk).count() == 1


def _refresh_many(barrier, results, product_ids: list[int], rounds: int, coalesced: bool) -> None:
    from comptoir.inventory.services import holds as services
    from comptoir.inventory.listing.refresh import listing_refresh

    connections.close_all()
    barrier.wait(timeout=60)
    try:
        for _ in range(rounds):
            services._refresh_listing(product_ids) if coalesced else listing_refresh(product_ids)
        results.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        results.put(f"crash:{type(exc).__name__}")
    finally:
        connections.close_all()


@pytest.mark.parametrize("coalesced", [True, False], ids=["after-commit", "direct-listing_refresh"])
@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_concurrent_refreshes_after_commit_of_the_same_products_never_fail(coalesced):
    """After-commit refreshes run outside any transaction, so two of them may rewrite the same
    product at once; the inventory services serialise them (PostgreSQL advisory locks; SQLite's
    write lock) — no unique-constraint failure, one listing row per product at the end. A direct
    listing_refresh() (the admin, a command) is serialised by listing_refresh itself."""
    f.market("FR")
    seller = f.seller(city_name="Lyon")
    offers = [f.offer(seller, stock=3, net_price=1000 + i) for i in range(3)]
    product_ids = sorted(o.product_id for o in offers)
    connections.close_all()
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_refresh_many, args=(barrier, results, product_ids, 5, coalesced)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert outcomes == ["ok"] * PROCESSES
    assert sorted(ProductListing.objects.values_list("product_id", flat=True)) == product_ids
    assert OfferPoint.objects.count() == 3
