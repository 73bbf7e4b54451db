"""Seller centre: webhook endpoints and the delivery log (/seller/webhooks/, owners only)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.errors import DomainError
from comptoir.sellers import selectors as seller_selectors
from comptoir.sellers.models import WebhookEvent
from comptoir.sellers.webhooks import webhook_endpoint_create, webhook_endpoint_disable, webhook_resend

from .access import seller_member_required
from .views import _page

PAGE_SIZE = 25


class EndpointForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("Endpoint URL"), max_length=500, help_text=gettext_lazy("https://… on a public address."))
    events = forms.MultipleChoiceField(label=gettext_lazy("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)


@seller_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def webhooks(request, seller):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_create(seller=seller, url=form.cleaned_data["url"], events=form.cleaned_data["events"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Endpoint added."))
            return redirect("seller:webhooks")
    page = Paginator(seller_selectors.webhook_deliveries_of_seller(seller=seller), PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(request, "seller/webhooks.html", seller, "webhooks", form=form, page=page,
                 endpoints=seller_selectors.webhook_endpoints_of_seller(seller=seller))


@seller_member_required(owner_only=True)
@require_POST
def endpoint_disable(request, seller, endpoint_id: int):
    webhook_endpoint_disable(seller=seller, endpoint_id=endpoint_id)
    messages.success(request, _("Endpoint removed."))
    return redirect("seller:webhooks")


@seller_member_required(owner_only=True)
@require_POST
def delivery_resend(request, seller, delivery_id: int):
    try:
        webhook_resend(seller=seller, delivery_id=delivery_id)
        messages.success(request, _("The event is being sent again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("seller:webhooks")
