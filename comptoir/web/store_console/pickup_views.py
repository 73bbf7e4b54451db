"""Store console: click & collect. Pickups by state (to prepare, ready, locked, done), one pickup
with its lines and the counter's actions: ready, hand over on the code, unlock (managers)."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.errors import DomainError
from comptoir.orders.models import PickupState
from comptoir.orders.selectors import pickup_counts, pickup_for_location, pickups_for_location
from comptoir.stores import services
from comptoir.stores.selectors import shelf_pickups_ready_due

from .access import page_of, query_without_page, store_page
from .forms import PickupCodeForm

TABS = {
    "to_prepare": (PickupState.TO_PREPARE,),
    "ready": (PickupState.READY,),
    "awaiting": (PickupState.AWAITING_SHIPMENT,),
    "done": (PickupState.HANDED_OVER, PickupState.EXPIRED, PickupState.CANCELLED),
}


@store_page()
def pickups(request, store):
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "to_prepare"
    rows = pickups_for_location(location_id=store.location_id, states=TABS[tab])
    if tab == "done":
        rows = rows.order_by("-created_at", "-pk")
    counts = pickup_counts(location_id=store.location_id)
    page = page_of(request, rows)
    if tab == "to_prepare":  # a shelf pickup not ready by its promised time shows as late
        page.object_list = list(page.object_list)
        due = shelf_pickups_ready_due(store=store, pickups=page.object_list)
        now = timezone.now()
        for p in page.object_list:
            p.ready_due = due.get(p.pk)
            p.is_late = p.ready_due is not None and p.ready_due < now
    return render(request, "store_console/pickups.html", {
        "store": store, "active": "pickups", "tab": tab, "page": page, "query": query_without_page(request),
        "counts": {name: sum(counts.get(s, 0) for s in states) for name, states in TABS.items()}, "P": PickupState,
    })


def _pickup_or_404(store, number: str):
    try:
        return pickup_for_location(location_id=store.location_id, number=number)
    except DomainError:
        raise Http404(_("No such pickup at this store.")) from None


@store_page()
@require_http_methods(["GET", "POST"])
def pickup(request, store, number: str):
    """One pickup; POST checks the code the buyer shows and hands the order over."""
    found = _pickup_or_404(store, number)
    form = PickupCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.store_pickup_hand_over(user=request.user, store=store, number=number, code=form.cleaned_data["code"])
            except DomainError as exc:
                form.add_error("code", exc.message)
            else:
                messages.success(request, _("Order %(number)s handed over.") % {"number": number})
                return redirect("store_console:pickup", slug=store.slug, number=number)
        found = _pickup_or_404(store, number)  # the wrong codes counted
        status = 400
    part = found.seller_order
    return render(request, "store_console/pickup.html", {
        "store": store, "active": "pickups", "pickup": found, "part": part, "order": part.order,
        "lines": part.lines.all(), "form": form, "is_manager": request.store_role == "manager", "P": PickupState,
    }, status=status)


@store_page()
@require_POST
def pickup_ready(request, store, number: str):
    _pickup_or_404(store, number)
    try:
        services.store_pickup_ready(user=request.user, store=store, number=number)
        messages.success(request, _("Order %(number)s is ready: the buyer was told by email.") % {"number": number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("store_console:pickup", slug=store.slug, number=number)


@store_page(manager=True)
@require_POST
def pickup_unlock(request, store, number: str):
    _pickup_or_404(store, number)
    try:
        services.store_pickup_unlock(user=request.user, store=store, number=number)
        messages.success(request, _("Order %(number)s unlocked: the code can be tried again.") % {"number": number})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("store_console:pickup", slug=store.slug, number=number)
