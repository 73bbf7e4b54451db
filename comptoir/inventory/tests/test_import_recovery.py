"""An offers import whose process dies: whole batches stay written with the counts that say so,
the import is failed with its reason once silent for OFFERS_IMPORT_STALE_MINUTES (periodic job,
or the page), a process failed meanwhile writes nothing more, and the file imports again to the end.
An import whose task was lost before any worker took it (still queued as long) is failed too.

The file: 6 batches of 1,000 rows; each batch sets the same 200 offers to the batch's price
(k euros for batch k) and has 800 rows refused (a negative price). After a kill, every offer
carries the price of one batch — the last one committed — never a mix."""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from comptoir.catalog.tests.factories import make_category, make_city, make_location, make_market, make_product, make_seller
from comptoir.inventory.imports import offers_import_create, offers_import_run, offers_imports_fail_stale
from comptoir.inventory.models import ImportStatus, Offer, OfferImport
from comptoir.orders.tests import factories as f
from comptoir.sellers.models import SellerMember

PRODUCTS, BATCHES = 200, 6


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop():
    make_market("FR")
    lyon = make_city("Lyon")
    seller = make_seller("Atelier", city=lyon)
    make_location(seller, lyon, name="Lyon")
    category = make_category("lamps")
    products = [make_product(category=category, index=False) for _ in range(PRODUCTS)]
    lines = ["gtin,price,currency,stock:Lyon"]
    for batch in range(1, BATCHES + 1):
        lines += [f"{p.gtin},{batch}.00,EUR,{batch}" for p in products]
        lines += [f"{products[0].gtin},-1,EUR,1"] * (1000 - PRODUCTS)
    return seller, "\n".join(lines).encode()


def _create(seller, data: bytes) -> OfferImport:
    return offers_import_create(seller=seller, upload=ContentFile(data), name="offers.csv", language="en")


def _prices(seller) -> set[int]:
    return set(Offer.objects.filter(seller=seller).values_list("net_price", flat=True))


def _slow_import(import_id: int) -> None:
    """The child: runs the import, pausing after each batch so that the parent can kill it mid-way."""
    connections.close_all()
    offers_import_run(OfferImport.objects.get(pk=import_id), on_progress=lambda done, total: time.sleep(0.3))


@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_an_import_killed_mid_way_keeps_whole_batches_is_failed_when_stale_and_imports_again(shop):
    seller, data = shop
    offer_import = _create(seller, data)
    child = mp.get_context("fork").Process(target=_slow_import, args=(offer_import.pk,))
    connections.close_all()  # the child must not share (and close) the parent's connection
    child.start()
    deadline = time.monotonic() + 60
    while OfferImport.objects.get(pk=offer_import.pk).rows_done < 2000:
        assert child.is_alive() and time.monotonic() < deadline, "the import did not get past 2 batches"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    assert child.exitcode == -signal.SIGKILL

    killed = OfferImport.objects.get(pk=offer_import.pk)
    batches = killed.rows_done // 1000
    assert killed.status == ImportStatus.RUNNING and killed.rows_done in (2000, 3000)
    assert (killed.rows_total, killed.applied, killed.rejected) == (6000, 200 * batches, 800 * batches)
    assert Offer.objects.filter(seller=seller).count() == PRODUCTS
    assert _prices(seller) == {batches * 100}  # every offer from the last batch committed, none from the next

    assert offers_imports_fail_stale(now=killed.heartbeat_at + timedelta(minutes=9)) == []  # not silent long enough
    call_command("offers_imports_fail_stale", verbosity=0)  # now: the heartbeat is fresh
    assert OfferImport.objects.get(pk=offer_import.pk).status == ImportStatus.RUNNING
    assert offers_imports_fail_stale(now=killed.heartbeat_at + timedelta(minutes=11)) == [offer_import.pk]
    failed = OfferImport.objects.get(pk=offer_import.pk)
    assert failed.status == ImportStatus.FAILED and failed.finished_at is not None
    assert failed.error == (
        f"The import stopped after {batches * 1000} of 6000 rows: it showed no progress for 10 minutes (the process "
        f"running it stopped). The {200 * batches} offers of the rows before were written, nothing after. Import the "
        "file again to finish: rows already written are written again with the same values.")

    again = offers_import_run(_create(seller, data))
    assert (again.status, again.rows_done, again.applied, again.rejected) == ("done", 6000, 1200, 4800)
    assert _prices(seller) == {600} and Offer.objects.filter(seller=seller).count() == PRODUCTS


@pytest.mark.django_db
def test_a_process_failed_as_stale_meanwhile_writes_no_further_batch(shop):
    seller, data = shop
    offer_import = _create(seller, data)

    def declared_dead_after_the_first_batch(done: int, total: int) -> None:
        if done == 1000:
            assert offers_imports_fail_stale(now=timezone.now() + timedelta(minutes=11)) == [offer_import.pk]

    result = offers_import_run(offer_import, on_progress=declared_dead_after_the_first_batch)
    assert (result.status, result.rows_done, result.applied) == ("failed", 1000, 200)
    assert "stopped after 1000 of 6000 rows" in result.error
    assert _prices(seller) == {100}  # the second batch was rolled back with its refused progress
    assert offers_import_run(result).status == "failed"  # a failed import is not run again


@pytest.mark.django_db
def test_the_import_page_shows_a_stale_import_as_failed_and_the_seller_can_upload_again(shop, django_capture_on_commit_callbacks):
    seller, data = shop
    owner = f.user("owner@atelier.fr")
    SellerMember.objects.create(user=owner, seller=seller, role="owner")
    offer_import = _create(seller, data)
    long_ago = timezone.now() - timedelta(minutes=30)
    OfferImport.objects.filter(pk=offer_import.pk).update(status="running", started_at=long_ago, heartbeat_at=long_ago,
                                                         rows_total=6000, rows_done=3000, applied=600, rejected=2400)
    c = Client()
    c.force_login(owner)
    html = c.get(reverse("seller_offers:import_detail", args=[offer_import.pk])).content.decode()
    assert 'data-status="failed"' in html and "hx-trigger" not in html  # no more polling
    assert "The import stopped after 3000 of 6000 rows" in html
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("seller_offers:import"), {"file": ContentFile(data, name="offers.csv")})
    again = OfferImport.objects.exclude(pk=offer_import.pk).get()
    assert r["Location"] == reverse("seller_offers:import_detail", args=[again.pk])
    assert (again.status, again.applied) == ("done", 1200)


NEVER_STARTED = {
    "en": "The import never started: it was still waiting after 60 minutes (its background task was lost). Nothing was "
          "written. Import the file again.",
    "fr": "L'import n'a jamais commencé : il attendait encore après 60 minutes (sa tâche de fond a été perdue). Rien "
          "n'a été écrit. Importez de nouveau le fichier.",
}


def _queued_since(offer_import: OfferImport, minutes: int) -> None:
    OfferImport.objects.filter(pk=offer_import.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_a_queued_import_whose_task_was_lost_is_failed_with_its_reason_and_a_fresh_one_is_left_alone(shop, capsys):
    seller, data = shop
    lost, lost_fr, fresh = _create(seller, data), _create(seller, data), _create(seller, data)
    OfferImport.objects.filter(pk=lost_fr.pk).update(language="fr")
    _queued_since(lost, 61), _queued_since(lost_fr, 61), _queued_since(fresh, 59)
    call_command("offers_imports_fail_stale")
    assert capsys.readouterr().out == f"2 stalled offers imports failed: #{lost.pk}, #{lost_fr.pk}.\n"
    rows = {i.pk: (i.status, i.error, i.finished_at is not None, i.started_at) for i in OfferImport.objects.all()}
    assert rows == {
        lost.pk: (ImportStatus.FAILED, NEVER_STARTED["en"], True, None),
        lost_fr.pk: (ImportStatus.FAILED, NEVER_STARTED["fr"], True, None),
        fresh.pk: (ImportStatus.QUEUED, "", False, None),
    }
    # The lost task turning up after all writes nothing; the fresh import runs.
    assert offers_import_run(OfferImport.objects.get(pk=lost.pk)).status == ImportStatus.FAILED
    assert not Offer.objects.filter(seller=seller).exists()
    assert offers_import_run(OfferImport.objects.get(pk=fresh.pk)).status == ImportStatus.DONE


@pytest.mark.django_db
def test_a_worker_that_takes_a_queued_import_first_keeps_it(shop):
    seller, data = shop
    offer_import = _create(seller, data)
    _queued_since(offer_import, 61)
    started = timezone.now()
    OfferImport.objects.filter(pk=offer_import.pk).update(status="running", started_at=started, heartbeat_at=started)
    assert offers_imports_fail_stale() == []
    assert OfferImport.objects.get(pk=offer_import.pk).status == ImportStatus.RUNNING


@pytest.mark.django_db
def test_the_import_page_shows_a_lost_queued_import_as_failed_in_the_sellers_language(shop):
    seller, data = shop
    owner = f.user("owner@atelier.fr")
    SellerMember.objects.create(user=owner, seller=seller, role="owner")
    lost, fresh = _create(seller, data), _create(seller, data)
    OfferImport.objects.filter(pk__in=[lost.pk, fresh.pk]).update(language="fr")
    _queued_since(lost, 90)
    c = Client()
    c.force_login(owner)
    c.cookies["django_language"] = "fr"
    with translation.override("en"):  # the requests switch this thread to French: back to English after
        html = c.get(reverse("seller_offers:import_detail", args=[lost.pk])).content.decode()
        assert 'data-status="failed"' in html and "hx-trigger" not in html
        assert escape(NEVER_STARTED["fr"]) in html
        html = c.get(reverse("seller_offers:import_detail", args=[fresh.pk])).content.decode()
    assert 'data-status="queued"' in html and "hx-trigger" in html  # still waiting for its worker
    assert OfferImport.objects.get(pk=fresh.pk).status == ImportStatus.QUEUED
