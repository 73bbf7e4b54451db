"""Operator payouts page: /operator/payouts/ — what each seller and store partner would be paid
now, run the weekly payouts, download each run's pain.001 file, mark a run paid (staff only)."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.common.errors import DomainError
from comptoir.ledger.models import PayoutRun
from comptoir.ledger.payouts import payout_run_mark_paid
from comptoir.ledger.selectors import payout_runs
from comptoir.web.payouts import plan_now, run_now

from .views import operator_required

PAGE_SIZE = 20


@operator_required
@require_GET
def payouts(request):
    plan = plan_now()
    page = Paginator(payout_runs(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "operator/payouts.html", {
        "plan": plan, "to_pay": sum(line.amount for line in plan),
        "paid_count": sum(1 for line in plan if line.amount and not line.is_partner),
        "partners_paid_count": sum(1 for line in plan if line.amount and line.is_partner), "page": page,
    })


@operator_required
@require_POST
def payouts_run(request):
    try:
        run = run_now(created_by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        partners = run.payouts.filter(partner_id__isnull=False).count()
        messages.success(request, _("Payout run %(id)d prepared: %(n)d sellers and %(p)d store partners.") % {
            "id": run.pk, "n": run.payout_count - partners, "p": partners})
    return redirect("operator:payouts")


def _run_or_404(run_id: int) -> PayoutRun:
    run = payout_runs().filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


@operator_required
@require_GET
def payouts_file(request, run_id: int):
    run = _run_or_404(run_id)
    response = HttpResponse(run.sepa_xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="comptoir-payouts-{run.pk}.xml"'
    return response


@operator_required
@require_POST
def payouts_mark_paid(request, run_id: int):
    try:
        payout_run_mark_paid(run=_run_or_404(run_id))
        messages.success(request, _("Payout run %(id)d marked paid; sellers are told.") % {"id": run_id})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("operator:payouts")
