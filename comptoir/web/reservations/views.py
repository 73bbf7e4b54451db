"""Buyer pages for reserve to try: reserve from a product page, "My reservations" with cancel."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.common.errors import DomainError
from comptoir.stores import sales_selectors, services
from comptoir.stores.models import MAX_ACTIVE_RESERVATIONS, Store

from ..store_console.access import page_of, query_without_page, signed_in


@require_POST
def reserve(request):
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    store = Store.objects.select_related("location", "market").filter(slug=request.POST.get("store", "")).first()
    if store is None:
        raise Http404(_("No such store."))
    try:
        offer_id = int(request.POST.get("offer_id") or 0)
        reservation = services.reservation_create(buyer=request.user, store=store, offer_id=offer_id)
    except ValueError:
        messages.error(request, _("Choose an offer to reserve."))
        return redirect(back)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("Reserved at %(store)s until %(until)s: it is kept for you to try.") % {
        "store": store.name, "until": timezone.localtime(reservation.expires_at).strftime("%d/%m %H:%M")})
    return redirect("reservations:mine")


@signed_in
def mine(request):
    rows = sales_selectors.reservations_for_buyer(buyer=request.user)
    page = page_of(request, rows, size=20)
    now = timezone.now()
    items = sales_selectors.titled(page.object_list)
    for r in items:
        r.live = r.is_live(now)
    return render(request, "web/reservations.html", {
        "page": page, "items": items, "query": query_without_page(request), "limit": MAX_ACTIVE_RESERVATIONS,
        "live": sum(1 for r in rows.filter(state="active", expires_at__gt=now)),
    })


@signed_in
@require_POST
def cancel(request, reservation_id: int):
    try:
        services.reservation_cancel(buyer=request.user, reservation_id=reservation_id)
        messages.success(request, _("Reservation cancelled: the item is back on the shelf."))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        messages.error(request, exc.message)
    return redirect("reservations:mine")
