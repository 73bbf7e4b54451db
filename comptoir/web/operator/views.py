"""Operator pages: store-site planner and market analytics. Staff only (is_staff)."""
from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.errors import DomainError
from comptoir.planning import analytics as planning_analytics
from comptoir.planning import selectors as planning_selectors
from comptoir.planning.plot import render_plan
from comptoir.planning.services import candidate_site_create, plan_stores

from .access import operator_required
from .charts import weekly_gmv_svg
from .forms import CandidateSiteForm, PlannerForm

ANALYTICS_WEEKS = 12


def _run_or_404(run_id: int):
    run = planning_selectors.plan_run_get(run_id)
    if run is None:
        raise Http404(_("No such plan run."))
    return run


@operator_required
@require_http_methods(["GET", "POST"])
def planner(request):
    if request.method == "POST":
        form = PlannerForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                result = plan_stores(
                    market_code=d["market"],
                    new_stores=d["new_stores"],
                    objective=d["objective"],
                    radius_km=d["radius_km"],
                    detour=d["detour"],
                    use_platform_demand=d["use_platform_demand"],
                    created_by=request.user,
                )
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                return redirect(f"{reverse('operator:planner')}?run={result.run_id}")
    else:
        form = PlannerForm()
    run = None
    run_param = request.GET.get("run", "")
    if run_param.isdigit():
        run = planning_selectors.plan_run_get(int(run_param))
        if run is not None and request.method == "GET":
            form = PlannerForm(initial={k: v for k, v in run.parameters.items() if k in PlannerForm.base_fields})
    return render(
        request,
        "operator/planner.html",
        {
            "form": form,
            "candidate_form": CandidateSiteForm(),
            "run": run,
            "result": run.result if run else None,
            "recent_runs": planning_selectors.plan_runs_recent(limit=15),
        },
        status=400 if request.method == "POST" else 200,
    )


@operator_required
@require_POST
def candidate_add(request):
    form = CandidateSiteForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            site = candidate_site_create(market_code=d["market"], name=d["name"], latitude=d["latitude"], longitude=d["longitude"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Candidate site “%(name)s” added to %(market)s.") % {"name": site.name, "market": d["market"]})
            return redirect("operator:planner")
    return render(
        request,
        "operator/planner.html",
        {"form": PlannerForm(), "candidate_form": form, "run": None, "result": None,
         "recent_runs": planning_selectors.plan_runs_recent(limit=15)},
        status=400,
    )


@operator_required
def planner_csv(request, run_id: int):
    run = _run_or_404(run_id)
    res = run.result
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{run.pk}-{res["market"]}.csv"'
    w = csv.writer(response)
    w.writerow(["rank", "site", "kind", "lat", "lon", "covered_population", "marginal_gain",
                "share_within_radius", "mean_distance_km"])
    for p in res["picks"]:
        w.writerow([p["rank"], p["city"], p["kind"], f'{p["lat"]:.5f}', f'{p["lon"]:.5f}', p["covered_population"],
                    "" if p["marginal_gain"] is None else f'{p["marginal_gain"]:.3f}',
                    f'{p["share_within_radius"]:.6f}', f'{p["mean_distance_km"]:.3f}'])
    return response


@operator_required
def planner_map(request, run_id: int):
    run = _run_or_404(run_id)
    demand = planning_selectors.market_demand(run.result["market"])
    png = render_plan(run.result, demand)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@operator_required
def analytics(request):
    since = timezone.now() - dt.timedelta(weeks=ANALYTICS_WEEKS)
    stats = planning_analytics.market_weekly_stats(since=since)
    markets: dict[str, list] = {}
    for s in stats:
        markets.setdefault(s.market, []).append(s)
    collect: dict[str, list] = {}
    for row in planning_analytics.collect_by_store(since=since):
        collect.setdefault(row.market, []).append(row)
    sections = [
        {"market": m, "currency": rows[0].currency, "rows": rows, "chart": mark_safe(weekly_gmv_svg(m, rows)),
         "collect": collect.get(m, [])}
        for m, rows in markets.items()
    ]
    return render(request, "operator/analytics.html", {"sections": sections, "weeks": ANALYTICS_WEEKS})
