"""A new offer by GTIN: a catalogue product gets the seller's offer at once; an unknown GTIN
opens a product proposal (texts per language, category, attributes, pictures and the offer's
terms) that the operator reviews. The seller's own proposals are listed here too."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comptoir.catalog.errors import InvalidProposal
from comptoir.catalog.models import Product, ProductProposal, ProposalStatus
from comptoir.catalog.proposals import proposal_create
from comptoir.common.errors import DomainError
from comptoir.inventory import selectors
from comptoir.inventory.errors import OfferExists
from comptoir.inventory.models import LocationKind, StockLocation
from comptoir.inventory.services import OfferTerms, offer_create, offer_terms_check

from .access import offers_member_required
from .forms import GtinForm, OfferForm, ProposalForm
from .views import page


def _locations(seller):
    return list(StockLocation.objects.filter(seller=seller, kind=LocationKind.WAREHOUSE).order_by("name", "pk"))


def _terms(form: OfferForm) -> OfferTerms:
    d = form.cleaned_data
    return OfferTerms(net_price=d["net_price"], currency=d["currency"], condition=d["condition"],
                      handling_days=d["handling_days"], stock=form.stock())


def _offer_step(request, seller, product: Product):
    form = OfferForm(request.POST or None, locations=_locations(seller))
    if request.method == "POST" and form.is_valid():
        try:
            offer = offer_create(seller=seller, product=product, terms=_terms(form))
        except OfferExists:
            form.add_error("condition", _("You already have an offer on this product in this condition."))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Offer created."))
            return redirect("seller_offers:edit", offer_id=offer.pk)
    title = selectors.product_titles([product.pk], request.LANGUAGE_CODE[:2]).get(product.pk, product.gtin)
    return page(request, "seller_offers/new_offer.html", seller, "new", form=form, product=product, title=title)


def _proposal_step(request, seller, gtin: str):
    pending = ProductProposal.objects.filter(seller_id=seller.pk, gtin=gtin, status=ProposalStatus.PENDING).first()
    form = ProposalForm(request.POST or None, request.FILES or None, locations=_locations(seller))
    if request.method == "POST" and pending is None and form.is_valid():
        terms = _terms(form)
        try:
            offer_terms_check(seller, terms)
            proposal_create(seller_id=seller.pk, user=request.user, gtin=gtin, brand=form.cleaned_data["brand"],
                            category=form.cleaned_data["category"], texts=form.texts(),
                            attributes=form.cleaned_data["attributes"], offer=terms.as_json(),
                            pictures=form.cleaned_data["pictures"])
        except InvalidProposal as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Product proposed. Your offer goes live once an operator approves the product."))
            return redirect("seller_offers:proposals")
    return page(request, "seller_offers/new_proposal.html", seller, "new", form=form, gtin=gtin, pending=pending)


@offers_member_required
@require_http_methods(["GET", "POST"])
def offer_new(request, seller):
    """Step 1: the GTIN (?gtin=…). Step 2: the offer form, or the product proposal form."""
    gtin_form = GtinForm(request.GET if "gtin" in request.GET else None)
    if not gtin_form.is_valid():
        return page(request, "seller_offers/new_gtin.html", seller, "new", form=gtin_form)
    gtin = gtin_form.cleaned_data["gtin"]
    product = Product.objects.filter(gtin=gtin).first()
    if product is not None:
        return _offer_step(request, seller, product)
    return _proposal_step(request, seller, gtin)


@offers_member_required
@require_http_methods(["GET"])
def proposal_list(request, seller):
    proposals = ProductProposal.objects.filter(seller_id=seller.pk).select_related("category")
    current = Paginator(proposals, 25).get_page(request.GET.get("page"))
    return page(request, "seller_offers/proposals.html", seller, "proposals", page_obj=current)
