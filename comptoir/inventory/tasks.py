"""Inventory background work (Django tasks API): offers imports."""
from __future__ import annotations

from django.tasks import task

from .imports import offers_import_run
from .models import OfferImport


@task()
def offers_import(import_id: int) -> int:
    """Run a queued offers import; returns the rows applied."""
    offer_import = OfferImport.objects.select_related("seller").get(pk=import_id)
    # a task delivered twice runs once: offers_import_run claims only a queued import
    return offers_import_run(offer_import).applied
