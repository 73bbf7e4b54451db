"""The seller's offers: list (search, filters, pages, pause and resume in bulk) and edit
(price, handling time, units per location, pause or resume)."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.money import Money
from comptoir.inventory import selectors
from comptoir.inventory.errors import StockBelowHeld
from comptoir.inventory.services import offer_update, offers_active_set, stock_set
from comptoir.sellers.models import SellerRole
from comptoir.sellers.selectors import seller_may_trade

from .access import offers_member_required
from .forms import OfferEditForm, OfferSearchForm

PAGE_SIZE = 25


def page(request, template: str, seller, active: str, **context):
    """Render an offers page inside the seller centre's frame."""
    membership = request.seller_membership
    return render(request, template, {
        "seller": seller, "membership": membership, "memberships": request.seller_memberships, "active": active,
        "is_owner": membership.role == SellerRole.OWNER, "may_trade": seller_may_trade(seller), **context,
    })


def _filters(form: OfferSearchForm) -> dict:
    data = form.cleaned_data if form.is_valid() else {}
    status, stock = data.get("status"), data.get("stock")
    return {"query": data.get("q", ""), "active": {"active": True, "paused": False}.get(status),
            "in_stock": {"in": True, "out": False}.get(stock)}


@offers_member_required
@require_http_methods(["GET"])
def offer_list(request, seller):
    form = OfferSearchForm(request.GET or None)
    offers = selectors.seller_offers(seller_id=seller.pk, **_filters(form))
    paginator = Paginator(offers, PAGE_SIZE)
    current = paginator.get_page(request.GET.get("page"))
    titles = selectors.product_titles([o.product_id for o in current], (get_language() or "en")[:2])
    rows = [(offer, titles.get(offer.product_id, offer.product.gtin)) for offer in current]
    query = request.GET.copy()
    query.pop("page", None)
    return page(request, "seller_offers/list.html", seller, "offers", form=form, rows=rows, page_obj=current,
                query=query.urlencode(), total=paginator.count,
                filtered=any(v not in (None, "") for v in _filters(form).values()))


@offers_member_required
@require_POST
def offers_bulk(request, seller):
    """Pause or resume the ticked offers (only the seller's own are touched)."""
    action = request.POST.get("action")
    ids = [int(v) for v in request.POST.getlist("offer") if v.isdigit()]
    if action not in ("pause", "resume") or not ids:
        messages.error(request, _("Tick at least one offer, then pause or resume."))
    else:
        changed = offers_active_set(offer_ids=ids, active=action == "resume", seller=seller)
        messages.success(request, (_("%(n)d offers paused.") if action == "pause" else _("%(n)d offers resumed."))
                         % {"n": changed})
    return redirect(request.POST.get("next") or "seller_offers:list")


def _offer_or_404(seller, offer_id: int):
    offer = selectors.seller_offer_get(seller_id=seller.pk, offer_id=offer_id)
    if offer is None:
        raise Http404(_("No such offer."))
    return offer


def _edit_save(form: OfferEditForm, offer, stock_rows) -> bool:
    """Apply the form in one transaction; a units field below the held units is a form error."""
    current = {location.pk: on_hand for location, on_hand, _held in stock_rows}
    try:
        with transaction.atomic():
            offer_update(offer=offer, net_price=form.cleaned_data["net_price"],
                         handling_days=form.cleaned_data["handling_days"])
            for location in form.locations:
                units = form.cleaned_data.get(f"stock_{location.pk}")
                if units is not None and units != current.get(location.pk):
                    try:
                        stock_set(offer=offer, location=location, on_hand=units)
                    except StockBelowHeld:
                        held = next(h for loc, _o, h in stock_rows if loc.pk == location.pk)
                        form.add_error(f"stock_{location.pk}", _(
                            "%(held)d units are held for orders or reservations: on hand cannot go below that."
                        ) % {"held": held})
                        raise
    except StockBelowHeld:
        return False
    return True


@offers_member_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, seller, offer_id: int):
    offer = _offer_or_404(seller, offer_id)
    stock_rows = selectors.seller_offer_stock(offer=offer)
    locations = [location for location, _on_hand, _held in stock_rows]
    initial = {"price": Money(offer.net_price, offer.currency).as_decimal(), "handling_days": offer.handling_days,
               **{f"stock_{loc.pk}": on_hand for loc, on_hand, _held in stock_rows}}
    form = OfferEditForm(request.POST or None, initial=initial, locations=locations, currency=offer.currency)
    if request.method == "POST" and form.is_valid() and _edit_save(form, offer, stock_rows):
        messages.success(request, _("Offer saved."))
        return redirect("seller_offers:edit", offer_id=offer.pk)
    title = selectors.product_titles([offer.product_id], (get_language() or "en")[:2]).get(offer.product_id, offer.product.gtin)
    return page(request, "seller_offers/edit.html", seller, "offers", offer=offer, title=title, form=form,
                stock_rows=[(form[f"stock_{loc.pk}"], loc, on_hand, held) for loc, on_hand, held in stock_rows])


@offers_member_required
@require_POST
def offer_active(request, seller, offer_id: int, action: str):
    offer = _offer_or_404(seller, offer_id)
    offers_active_set(offer_ids=[offer.pk], active=action == "resume", seller=seller)
    messages.success(request, _("Offer paused: buyers no longer see it.") if action == "pause"
                     else _("Offer resumed: buyers see it where it has stock."))
    return redirect("seller_offers:edit", offer_id=offer.pk)
