"""Inventory background work (Django tasks API): offers imports."""
from __future__ import annotations

from django.tasks import task

from .imports import offers_import_run
from .models import ImportStatus, OfferImport


@task()
def offers_import(import_id: int) -> int:
    """Run a queued offers import; returns the rows applied."""
    offer_import = OfferImport.objects.select_related("seller").get(pk=import_id)
    if offer_import.status != ImportStatus.QUEUED:  # a task delivered twice runs once
        return offer_import.applied
    return offers_import_run(offer_import).applied
