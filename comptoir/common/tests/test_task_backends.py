"""Background tasks through a real worker on the configured backend: the database backend by
default, RQ on Redis when the run has TASKS_BACKEND=rq and REDIS_URL (CI runs these tests both
ways). An order's confirmation email reaches the buyer, also when the process that placed the
order died just after its COMMIT."""
import multiprocessing
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.test import override_settings

from comptoir.common.models import TaskOutbox
from comptoir.common.outbox import outbox_relay, task_enqueue
from comptoir.orders.models import SellerOrder, SellerOrderState
from comptoir.orders.services import seller_order_accept, seller_order_ship
from comptoir.orders.tests.helpers import place, shop

from .tasks_for_tests import append_line

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.tasks]

ON_RQ = settings.TASKS_BACKEND == "django_tasks_rq.RQBackend"
FORK = multiprocessing.get_context("fork")


@pytest.fixture
def backend(tmp_path):
    """The configured backend (not the immediate one of the other tests), emails in files that
    the worker's process writes and the test reads."""
    mailers = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend", "OPTIONS": {"file_path": str(tmp_path / "mail")}}}
    with override_settings(TASKS={"default": {"BACKEND": settings.TASKS_BACKEND}}, MAILERS=mailers):
        if ON_RQ:
            import django_rq

            django_rq.get_connection("default").flushdb()
        yield tmp_path / "mail"


def _work() -> None:
    if ON_RQ:
        import django_rq

        django_rq.get_worker("default").work(burst=True)  # rq's own Worker: a work horse per job
    else:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def run_worker() -> None:
    """One worker process that runs everything queued, then stops."""
    connections.close_all()
    worker = FORK.Process(target=_work)
    worker.start()
    worker.join(60)
    assert worker.exitcode == 0


def _subjects(mail_dir: Path) -> list[str]:
    if not mail_dir.exists():
        return []
    return sorted(line.split(": ", 1)[1] for p in mail_dir.iterdir() for line in p.read_text().splitlines() if line.startswith("Subject: "))


def _ship_then_die(part_id: int, seller_id: int) -> None:
    """Ship a seller's part of an order and die just after the COMMIT, before anything
    registered after it (the push to the queue) runs."""
    from comptoir.sellers.models import Seller

    connections.close_all()
    with transaction.atomic():
        transaction.on_commit(lambda: os._exit(0))
        seller_order_ship(seller_order_id=part_id, seller=Seller.objects.get(pk=seller_id), carrier="La Poste", tracking_number="6A123")


def test_a_task_is_run_by_the_worker_process_once(backend, tmp_path):
    trace = tmp_path / "trace"
    with transaction.atomic():
        task_enqueue(append_line, str(trace), "one")
    assert not trace.exists()
    run_worker()
    run_worker()
    assert trace.read_text() == "one\n"
    assert TaskOutbox.objects.filter(sent_at__isnull=True).count() == 0


def test_an_order_confirmation_is_sent_by_the_worker(backend):
    buyer, _s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 1)])
    assert _subjects(backend) == []
    run_worker()
    assert _subjects(backend) == [f"Your order {order.reference} is confirmed"]  # the shop's sellers have no members


def test_an_order_shipped_by_a_process_that_died_just_after_the_commit_gets_its_email(backend):
    buyer, s1, _s2, a, _b = shop()
    order = place(buyer, [(a, 1)])
    [part] = order.parts.all()
    seller_order_accept(seller_order_id=part.pk, seller=s1)
    run_worker()
    shipped = f"Your order {order.reference} has shipped"
    connections.close_all()
    shipper = FORK.Process(target=_ship_then_die, args=(part.pk, s1.pk))
    shipper.start()
    shipper.join(60)
    assert shipper.exitcode == 0
    assert SellerOrder.objects.get(pk=part.pk).state == SellerOrderState.SHIPPED  # committed
    run_worker()
    if ON_RQ:  # the push never happened: the task waits in the outbox for the relay
        assert shipped not in _subjects(backend)
        assert TaskOutbox.objects.filter(sent_at__isnull=True).count() == 1
        assert outbox_relay(older_than_seconds=0) == 1
        run_worker()
    assert _subjects(backend).count(shipped) == 1
    assert outbox_relay(older_than_seconds=0) == 0
