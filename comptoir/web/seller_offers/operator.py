"""The operator's product proposals queue (/operator/proposals/, staff only): review a
proposal's texts, attributes, pictures and offer terms; approve (the product and the seller's
offer are created) or reject with a reason."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.catalog.errors import InvalidProposal
from comptoir.catalog.models import CATALOG_LANGUAGES, ProductProposal, ProposalStatus
from comptoir.common.errors import DomainError
from comptoir.inventory.models import Condition, StockLocation
from comptoir.inventory.services import proposal_approve, proposal_reject
from comptoir.sellers.models import Seller

from .access import operator_required
from .forms import LANGUAGE_NAMES, RejectForm


@operator_required
@require_http_methods(["GET"])
def proposal_queue(request):
    status = request.GET.get("status") or ProposalStatus.PENDING
    if status not in ProposalStatus.values:
        status = ProposalStatus.PENDING
    proposals = ProductProposal.objects.filter(status=status).select_related("category")
    current = Paginator(proposals, 25).get_page(request.GET.get("page"))
    sellers = dict(Seller.objects.filter(pk__in={p.seller_id for p in current}).values_list("pk", "display_name"))
    return render(request, "seller_offers/operator_queue.html", {
        "active": "proposals", "page_obj": current, "status": status, "statuses": ProposalStatus.choices,
        "rows": [(p, sellers.get(p.seller_id, "?")) for p in current],
    })


def _proposal_or_404(proposal_id: int) -> ProductProposal:
    proposal = ProductProposal.objects.filter(pk=proposal_id).select_related("category").first()
    if proposal is None:
        raise Http404(_("No such proposal."))
    return proposal


@operator_required
@require_http_methods(["GET", "POST"])
def proposal_review(request, proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_reject(proposal=proposal, reason=form.cleaned_data["reason"])
        except InvalidProposal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Proposal rejected; the seller sees the reason."))
            return redirect("proposals:queue")
    seller = Seller.objects.filter(pk=proposal.seller_id).first()
    stock = proposal.offer.get("stock") or {}
    names = dict(StockLocation.objects.filter(pk__in=[int(k) for k in stock]).values_list("pk", "name"))
    return render(request, "seller_offers/operator_review.html", {
        "active": "proposals", "proposal": proposal, "seller": seller, "form": form,
        "texts": [(LANGUAGE_NAMES[lang], proposal.texts[lang]) for lang in CATALOG_LANGUAGES if lang in proposal.texts],
        "stock": [(names.get(int(k), k), v) for k, v in stock.items()],
        "condition": dict(Condition.choices).get(proposal.offer.get("condition"), proposal.offer.get("condition")),
    })


@operator_required
@require_POST
def proposal_accept(request, proposal_id: int):
    proposal = _proposal_or_404(proposal_id)
    try:
        offer = proposal_approve(proposal=proposal)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("proposals:review", proposal_id=proposal.pk)
    messages.success(request, _("Product created; the seller's offer is live.") if offer
                     else _("Product created."))
    return redirect("proposals:queue")
