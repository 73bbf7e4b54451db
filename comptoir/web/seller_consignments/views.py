"""Seller pages for consignment: propose units to a store, follow each consignment (ship it,
cancel it, receive units sent back), and see the seller's stock per store. A user sees only
the consignments and units of the sellers they are a member of."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.errors import DomainError
from comptoir.inventory.models import LocationKind, StockLevel, StockLocation
from comptoir.stores import selectors, services
from comptoir.stores.errors import ConsignmentNotFound
from comptoir.stores.models import ConsignmentState, Store

from ..store_console.access import page_of, query_without_page, signed_in
from ..store_console.forms import UnitsForm

MAX_OFFERS_SHOWN = 100


def _sellers_or_403(request):
    sellers = list(selectors.sellers_for_user(user=request.user))
    if not sellers:
        raise PermissionDenied(_("Sellers only: you are not a member of any seller."))
    return sellers


def _chosen(request, sellers, key: str = "seller"):
    value = request.GET.get(key) or request.POST.get(key) or ""
    return next((s for s in sellers if str(s.pk) == value), sellers[0])


@signed_in
def consignment_list(request):
    sellers = _sellers_or_403(request)
    state = request.GET.get("state", "")
    rows = selectors.consignments_for_seller(seller_ids=[s.pk for s in sellers], states=[state] if state in ConsignmentState.values else [])
    return render(request, "seller_consignments/list.html", {
        "sellers": sellers, "page": page_of(request, rows), "query": query_without_page(request), "state": state,
        "states": ConsignmentState.choices, "active": "list",
    })


@dataclass(frozen=True)
class _OfferRow:
    offer_id: int
    title: str
    gtin: str
    condition: str
    net_price: int
    currency: str
    available: int


def _warehouse_rows(warehouse: StockLocation, query: str) -> list[_OfferRow]:
    levels = (
        StockLevel.objects.filter(location=warehouse, on_hand__gt=F("held"))
        .select_related("offer", "offer__product").order_by("offer__product_id", "pk")
    )
    if query:
        levels = levels.filter(Q(offer__product__texts__title__icontains=query) | Q(offer__product__gtin__startswith=query)).distinct()
    levels = list(levels[:MAX_OFFERS_SHOWN])
    titles = selectors.product_titles(lv.offer.product_id for lv in levels)
    return [
        _OfferRow(lv.offer_id, titles.get(lv.offer.product_id, lv.offer.product.gtin), lv.offer.product.gtin,
                  lv.offer.get_condition_display(), lv.offer.net_price, lv.offer.currency, lv.on_hand - lv.held)
        for lv in levels
    ]


@signed_in
@require_http_methods(["GET", "POST"])
def consignment_new(request):
    """Propose units of the seller's offers, from one of its warehouses, to an open or planned store."""
    sellers = _sellers_or_403(request)
    seller = _chosen(request, sellers)
    warehouses = list(StockLocation.objects.filter(seller=seller, kind=LocationKind.WAREHOUSE).order_by("name", "pk"))
    stores = list(selectors.stores_public())
    warehouse = next((w for w in warehouses if str(w.pk) == (request.GET.get("warehouse") or request.POST.get("warehouse"))), warehouses[0] if warehouses else None)
    # any store by its slug: a store closed since the page was shown gets the service's own error
    store = Store.objects.select_related("location").filter(slug=request.POST.get("store") or request.GET.get("store") or "").first()
    query = request.GET.get("q", "")[:100].strip()
    rows = _warehouse_rows(warehouse, query) if warehouse else []
    form = UnitsForm(request.POST or None, rows=rows, note_label=_("Note for the store"), note_required=False)
    if request.method == "POST" and form.is_valid():
        if store is None:
            form.add_error(None, _("Choose the store."))
        else:
            try:
                c = services.consignment_propose(seller=seller, store=store, warehouse=warehouse, lines=form.units(), user=request.user, note=form.cleaned_data["note"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Consignment %(ref)s proposed to %(store)s.") % {"ref": c.reference, "store": store.name})
                return redirect("seller_consignments:detail", reference=c.reference)
    return render(request, "seller_consignments/new.html", {
        "sellers": sellers, "seller": seller, "warehouses": warehouses, "warehouse": warehouse, "stores": stores, "store": store,
        "form": form, "q": query, "active": "new", "max_shown": MAX_OFFERS_SHOWN,
    }, status=400 if request.method == "POST" else 200)


def _mine_or_404(request, reference: str):
    try:
        return selectors.consignment_for_user_as_seller(user=request.user, reference=reference)
    except ConsignmentNotFound:
        raise Http404(_("No such consignment.")) from None


@signed_in
def consignment_detail(request, reference: str):
    _sellers_or_403(request)
    c = _mine_or_404(request, reference)
    return render(request, "seller_consignments/detail.html", {"c": c, "lines": selectors.consignment_lines(c), "S": ConsignmentState, "active": "list"})


@signed_in
@require_POST
def consignment_action(request, reference: str, action: str):
    _sellers_or_403(request)
    c = _mine_or_404(request, reference)
    steps = {
        "ship": (services.consignment_ship, _("Consignment %(ref)s shipped: the units left your warehouse.")),
        "cancel": (services.consignment_cancel, _("Consignment %(ref)s cancelled.")),
        "receive": (services.consignment_return_receive, _("Consignment %(ref)s received: the units are back in your warehouse.")),
    }
    if action not in steps:
        raise Http404()
    service, done = steps[action]
    try:
        service(consignment=c, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done % {"ref": reference})
    return redirect("seller_consignments:detail", reference=reference)


@signed_in
def stock_per_store(request):
    sellers = _sellers_or_403(request)
    seller = _chosen(request, sellers)
    page = page_of(request, selectors.seller_stock_by_store(seller=seller), size=50)
    titles = selectors.product_titles(lv.offer.product_id for lv in page.object_list)
    for lv in page.object_list:
        lv.title = titles.get(lv.offer.product_id, lv.offer.product.gtin)
    return render(request, "seller_consignments/stock.html", {
        "sellers": sellers, "seller": seller, "page": page, "query": query_without_page(request), "active": "stock",
    })
