"""Bulk offers import pages: upload (the import runs as a background task), its progress (the
page polls a fragment with htmx until the import ends), the report download and a template
file naming the seller's locations."""
from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.common.outbox import task_enqueue
from comptoir.inventory.imports import (
    OPTIONAL,
    REQUIRED,
    STOCK_PREFIX,
    FileProblem,
    offers_import_create,
    offers_imports_fail_stale,
    seller_locations,
)
from comptoir.inventory.models import OfferImport
from comptoir.inventory.tasks import offers_import

from .access import offers_member_required
from .forms import ImportForm
from .views import page


def _import_or_404(seller, import_id: int) -> OfferImport:
    found = OfferImport.objects.filter(seller=seller, pk=import_id).first()
    if found is None:
        raise Http404(_("No such import."))
    return found


@offers_member_required
@require_http_methods(["GET", "POST"])
def import_page(request, seller):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():  # the import and its task commit together (the task outbox)
                offer_import = offers_import_create(seller=seller, upload=upload, name=upload.name, user=request.user,
                                                    language=(get_language() or "en")[:2])
                task_enqueue(offers_import, offer_import.pk)
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            return redirect("seller_offers:import_detail", import_id=offer_import.pk)
    offers_imports_fail_stale(seller=seller)  # an import whose process died is listed as failed, with its reason
    imports = Paginator(OfferImport.objects.filter(seller=seller), 10).get_page(request.GET.get("page"))
    return page(request, "seller_offers/import.html", seller, "import", form=form, page_obj=imports,
                locations=seller_locations(seller).items())


REPORT_SHOWN = 50


def _report_head(offer_import: OfferImport) -> list[list[str]]:
    """The report's first rows, shown on the page once the import ends."""
    if not (offer_import.finished and offer_import.report):
        return []
    with offer_import.report.open("rb") as f:
        lines = io.TextIOWrapper(f, encoding="utf-8", newline="")
        reader = csv.reader(lines)
        next(reader, None)
        return [row for _n, row in zip(range(REPORT_SHOWN), reader)]


@offers_member_required
@require_http_methods(["GET"])
def import_detail(request, seller, import_id: int):
    offer_import = _import_or_404(seller, import_id)
    if offer_import.is_stale():  # its process died: say so now rather than at the next periodic run
        offers_imports_fail_stale(seller=seller)
        offer_import.refresh_from_db()
    context = {"imp": offer_import, "report_rows": _report_head(offer_import), "report_shown": REPORT_SHOWN}
    if request.htmx:
        return render(request, "seller_offers/_import_progress.html", context)
    return page(request, "seller_offers/import_detail.html", seller, "import", **context)


@offers_member_required
@require_http_methods(["GET"])
def import_report(request, seller, import_id: int):
    offer_import = _import_or_404(seller, import_id)
    if not offer_import.report:
        raise Http404(_("The report is ready when the import ends."))
    return FileResponse(offer_import.report.open("rb"), as_attachment=True, content_type="text/csv",
                        filename=f"offers-import-{offer_import.pk}-report.csv")


@offers_member_required
@require_http_methods(["GET"])
def import_template(request, seller):
    """A CSV to fill: the columns, one stock column per location of the seller, one example row."""
    locations = seller_locations(seller)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["gtin", "title", *REQUIRED[1:], *OPTIONAL, *(f"{STOCK_PREFIX}{name}" for name in locations.values())])
    writer.writerow(["3017620422003", "Example product", "12.50", "EUR", "new", "2", *(["5"] * len(locations))])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="offers-template.csv"'
    return response
