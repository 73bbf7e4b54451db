"""Store console: the store picker, the partner's view of its stores, a store's incoming
consignments and their receipt. The shelf, its corrections and units sent back are in
shelf_views. Every page resolves the store for the signed-in user (access.store_page)."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.errors import DomainError
from comptoir.inventory.models import StockLevel
from comptoir.stores import selectors, services
from comptoir.stores.errors import ConsignmentNotFound
from comptoir.stores.models import ConsignmentDirection, ConsignmentState

from .access import page_of, query_without_page, signed_in, store_page
from .forms import ReceiveForm, RefuseForm

INCOMING = (ConsignmentState.PROPOSED, ConsignmentState.ACCEPTED, ConsignmentState.IN_TRANSIT)


def _shelf_totals(store_ids) -> dict[int, tuple[int, int]]:
    rows = (
        StockLevel.objects.filter(location__store__in=list(store_ids), on_hand__gt=0)
        .values("location__store").annotate(units=Sum("on_hand"), sellers=Count("offer__seller", distinct=True))
    )
    return {r["location__store"]: (r["units"], r["sellers"]) for r in rows}


@signed_in
def picker(request):
    """The stores the user may act on; with exactly one, straight to it."""
    stores = list(selectors.stores_for_user(user=request.user))
    partners = selectors.partners_for_user(user=request.user)
    if len(stores) == 1 and not partners.exists() and not request.GET.get("all"):
        return redirect("store_console:dashboard", slug=stores[0].slug)
    totals = _shelf_totals(s.pk for s in stores)
    for s in stores:
        s.units, s.sellers = totals.get(s.pk, (0, 0))
        s.role = selectors.store_role(user=request.user, store=s)
    return render(request, "store_console/picker.html", {"stores": stores, "has_partners": partners.exists()})


@signed_in
def partners(request):
    """A partner member's view: each of its partners with its stores (an operator sees all)."""
    sections = []
    for partner in selectors.partners_for_user(user=request.user).prefetch_related("stores__location__city"):
        stores = list(partner.stores.select_related("location", "location__city").order_by("location__name"))
        totals = _shelf_totals(s.pk for s in stores)
        for s in stores:
            s.units, s.sellers = totals.get(s.pk, (0, 0))
            s.incoming = sum(selectors.store_pending_counts(store=s).values())
        sections.append({"partner": partner, "stores": stores})
    return render(request, "store_console/partners.html", {"sections": sections})


@store_page()
def dashboard(request, store):
    incoming = selectors.consignments_for_store(store=store, states=INCOMING).filter(direction=ConsignmentDirection.TO_STORE)
    by_seller = selectors.shelf_by_seller(store=store)
    return render(request, "store_console/dashboard.html", {
        "store": store, "active": "incoming", "incoming": list(incoming[:50]), "by_seller": by_seller,
        "units": sum(s.on_hand for s in by_seller), "pending": selectors.store_pending_counts(store=store),
    })


@store_page()
def consignments(request, store):
    state = request.GET.get("state", "")
    states = [state] if state in ConsignmentState.values else []
    rows = selectors.consignments_for_store(store=store, states=states)
    direction = request.GET.get("direction", "")
    if direction in ConsignmentDirection.values:
        rows = rows.filter(direction=direction)
    return render(request, "store_console/consignments.html", {
        "store": store, "active": "consignments", "page": page_of(request, rows), "query": query_without_page(request),
        "state": state, "states": ConsignmentState.choices, "direction": direction, "directions": ConsignmentDirection.choices,
    })


def _consignment_or_404(store, reference: str):
    try:
        return selectors.consignment_for_store(store=store, reference=reference)
    except ConsignmentNotFound:
        raise Http404(_("No such consignment at this store.")) from None


@store_page()
@require_http_methods(["GET", "POST"])
def consignment(request, store, reference: str):
    """A consignment's lines; the receive form while it is in transit to the store."""
    found = _consignment_or_404(store, reference)
    lines = selectors.consignment_lines(found)
    receivable = found.direction == ConsignmentDirection.TO_STORE and found.state == ConsignmentState.IN_TRANSIT
    form = ReceiveForm(request.POST or None, lines=lines) if receivable else None
    status = 200
    if request.method == "POST":
        if form is None:
            messages.error(request, _("This consignment cannot be received now."))
            return redirect("store_console:consignment", slug=store.slug, reference=reference)
        if form.is_valid():
            try:
                services.consignment_receive(consignment=found, user=request.user, counts=form.counts())
            except DomainError as exc:
                form.add_error(form.field_for(exc.field), exc.message)
            else:
                messages.success(request, _("Consignment %(ref)s received: the counted units are on the shelf.") % {"ref": reference})
                return redirect("store_console:consignment", slug=store.slug, reference=reference)
        status = 400
    return render(request, "store_console/consignment.html", {
        "store": store, "active": "consignments", "c": found, "lines": lines, "form": form, "refuse_form": RefuseForm(),
        "is_manager": request.store_role == "manager", "S": ConsignmentState,
    }, status=status)


@store_page(manager=True)
@require_POST
def consignment_decide(request, store, reference: str, decision: str):
    """A manager accepts or refuses a proposal."""
    found = _consignment_or_404(store, reference)
    try:
        if decision == "accept":
            services.consignment_accept(consignment=found, user=request.user)
            messages.success(request, _("Consignment %(ref)s accepted: the seller can ship it.") % {"ref": reference})
        elif decision == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the consignment is refused."))
            else:
                services.consignment_refuse(consignment=found, user=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("Consignment %(ref)s refused.") % {"ref": reference})
        else:
            raise Http404()
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("store_console:consignment", slug=store.slug, reference=reference)
