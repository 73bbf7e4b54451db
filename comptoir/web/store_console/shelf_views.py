"""Store console: the shelf by seller (search, pagination), a manager's recount of a line, the
corrections log, units sent back to a seller, and the store's staff."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.common.errors import DomainError
from comptoir.sellers.models import Seller
from comptoir.stores import selectors, services
from comptoir.stores.errors import StoreNotFound

from .access import page_of, query_without_page, store_page
from .forms import CorrectForm, StaffAddForm, UnitsForm


def _titled(levels) -> list:
    levels = list(levels)
    titles = selectors.product_titles(lv.offer.product_id for lv in levels)
    for lv in levels:
        lv.title = titles.get(lv.offer.product_id, lv.offer.product.gtin)
    return levels


def _seller_param(request) -> int | None:
    value = request.GET.get("seller", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@store_page()
def shelf(request, store):
    query, seller_id = request.GET.get("q", "")[:100], _seller_param(request)
    page = page_of(request, selectors.shelf_levels(store=store, query=query, seller_id=seller_id))
    page.object_list = _titled(page.object_list)
    return render(request, "store_console/shelf.html", {
        "store": store, "active": "shelf", "page": page, "query": query_without_page(request), "q": query,
        "seller_id": seller_id, "by_seller": selectors.shelf_by_seller(store=store), "is_manager": request.store_role == "manager",
    })


@store_page(manager=True)
@require_http_methods(["GET", "POST"])
def shelf_correct(request, store, level_id: int):
    try:
        level = selectors.shelf_level_for_store(store=store, level_id=level_id)
    except StoreNotFound:
        raise Http404(_("No such shelf line in this store.")) from None
    form = CorrectForm(request.POST or None, initial={"on_hand": level.on_hand})
    if request.method == "POST" and form.is_valid():
        try:
            services.shelf_correct(store=store, stock_level=level, on_hand=form.cleaned_data["on_hand"], reason=form.cleaned_data["reason"], user=request.user)
        except DomainError as exc:
            form.add_error("on_hand" if exc.field == "on_hand" else None, exc.message)
        else:
            messages.success(request, _("Count corrected and recorded in the log."))
            return redirect("store_console:corrections", slug=store.slug)
    [level] = _titled([level])
    return render(request, "store_console/correct.html", {"store": store, "active": "shelf", "level": level, "form": form},
                  status=400 if request.method == "POST" else 200)


@store_page()
def corrections(request, store):
    page = page_of(request, selectors.corrections_for_store(store=store))
    titles = selectors.product_titles(row.stock_level.offer.product_id for row in page.object_list)
    for row in page.object_list:
        row.title = titles.get(row.stock_level.offer.product_id, "")
    return render(request, "store_console/corrections.html", {"store": store, "active": "corrections", "page": page, "query": query_without_page(request)})


@dataclass(frozen=True)
class _ShelfRow:
    offer_id: int
    title: str
    gtin: str
    condition: str
    on_hand: int
    held: int
    available: int


@store_page(manager=True)
@require_http_methods(["GET", "POST"])
def send_back(request, store):
    """Choose a seller whose units are on the shelf, then how many of each go back to it."""
    sellers = selectors.shelf_by_seller(store=store)
    seller_id = _seller_param(request) or (int(request.POST["seller"]) if request.POST.get("seller", "").isdigit() else None)
    seller = Seller.objects.filter(pk=seller_id, pk__in=[s.seller_id for s in sellers]).first() if seller_id else None
    form = None
    if seller is not None:
        levels = _titled(selectors.shelf_levels(store=store, seller_id=seller.pk)[:200])
        rows = [_ShelfRow(lv.offer_id, lv.title, lv.offer.product.gtin, lv.offer.get_condition_display(), lv.on_hand, lv.held, lv.available) for lv in levels]
        form = UnitsForm(request.POST or None, rows=rows, note_label=_("Reason"), note_required=True)
        if request.method == "POST" and form.is_valid():
            try:
                back = services.consignment_return_send(store=store, seller=seller, lines=form.units(), reason=form.cleaned_data["note"], user=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Consignment %(ref)s: the units left the shelf and are on their way back to %(seller)s.") % {"ref": back.reference, "seller": seller.display_name})
                return redirect("store_console:consignment", slug=store.slug, reference=back.reference)
    return render(request, "store_console/send_back.html", {"store": store, "active": "send_back", "sellers": sellers, "seller": seller, "form": form},
                  status=400 if request.method == "POST" else 200)


@store_page(manager=True)
@require_http_methods(["GET", "POST"])
def staff(request, store):
    """A manager adds people (by the email of their account) as clerks or managers, changes a
    role, or removes someone."""
    form = StaffAddForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and form.is_valid():
            user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
            if user is None:
                form.add_error("email", _("No account uses this email: ask them to sign up first."))
            else:
                services.store_staff_add(store=store, user=user, role=form.cleaned_data["role"])
                messages.success(request, _("%(email)s now works at this store.") % {"email": user.email})
                return redirect("store_console:staff", slug=store.slug)
        elif action == "remove":
            member = selectors.store_staff(store=store).filter(pk=request.POST.get("staff", "0") if request.POST.get("staff", "").isdigit() else 0).first()
            if member is None:
                raise Http404(_("No such staff member at this store."))
            try:
                services.store_staff_remove(store=store, user=member.user, by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(email)s no longer works at this store.") % {"email": member.user.email})
            return redirect("store_console:staff", slug=store.slug)
    return render(request, "store_console/staff.html", {"store": store, "active": "staff", "staff": selectors.store_staff(store=store), "form": form},
                  status=400 if request.method == "POST" else 200)
