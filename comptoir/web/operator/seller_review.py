"""Operator review queue of seller applications: /operator/sellers/ (staff only)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from comptoir.common.errors import DomainError
from comptoir.inventory.services import seller_approve
from comptoir.sellers import selectors as seller_selectors
from comptoir.sellers.models import Seller
from comptoir.sellers.services import seller_reject, seller_review_notify

from .views import operator_required

PAGE_SIZE = 20


class RejectForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (sent to the seller)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


@operator_required
@require_GET
def review_queue(request):
    page = Paginator(seller_selectors.sellers_pending_review(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(seller, seller_selectors.seller_checks(seller)) for seller in page.object_list]
    return render(request, "operator/sellers.html", {"page": page, "rows": rows, "reject_form": RejectForm()})


def _pending_or_404(seller_id: int) -> Seller:
    seller = seller_selectors.sellers_pending_review().filter(pk=seller_id).first()
    if seller is None:
        raise Http404(_("No pending application with this number."))
    return seller


@operator_required
@require_POST
def review_approve(request, seller_id: int):
    seller = _pending_or_404(seller_id)
    try:
        with transaction.atomic():
            seller_approve(seller=seller)  # inventory: the status, the first warehouse and the listing together
            seller_review_notify(seller=seller)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is approved; the seller was told by email.") % {"name": seller.display_name})
    return redirect("operator:sellers")


@operator_required
@require_POST
def review_reject(request, seller_id: int):
    seller = _pending_or_404(seller_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the application is rejected; the seller reads it."))
        return redirect("operator:sellers")
    try:
        seller_reject(seller=seller, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is rejected; the seller was told by email.") % {"name": seller.display_name})
    return redirect("operator:sellers")


