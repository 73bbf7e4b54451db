"""Seller centre: dashboard, API keys, team, bank details, settings (/seller/…).

Every view gets the current seller from ``seller_member_required`` and reads only its data.
"""
from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.common.errors import DomainError
from comptoir.inventory.selectors import seller_low_stock
from comptoir.ledger.selectors import seller_balances
from comptoir.orders.selectors import seller_orders_waiting, seller_sales_by_day
from comptoir.sellers import selectors as seller_selectors
from comptoir.sellers import services as seller_services
from comptoir.sellers.errors import InvitationInvalid, SellerInvalid
from comptoir.sellers.models import SellerRole

from .access import SESSION_KEY, member_for_switch, seller_member_required
from .charts import daily_sales_svg

SALES_DAYS = 30


def _page(request, template: str, seller, active: str, **context):
    return render(request, template, {
        "seller": seller, "membership": request.seller_membership, "memberships": request.seller_memberships,
        "is_owner": request.seller_membership.role == SellerRole.OWNER, "active": active,
        "may_trade": seller_selectors.seller_may_trade(seller), **context,
    })


@seller_member_required
def dashboard(request, seller):
    today = timezone.localdate()
    since = today - dt.timedelta(days=SALES_DAYS - 1)
    rows = seller_sales_by_day(seller_id=seller.pk, since=since)
    currency = rows[0].currency if rows else "EUR"
    by_day = {r.day: r.gross for r in rows if r.currency == currency}
    days = [since + dt.timedelta(days=i) for i in range(SALES_DAYS)]
    chart = daily_sales_svg(days=days, amounts=[by_day.get(d, 0) for d in days], currency=currency,
                            empty_label=_("No sales in these %(n)d days yet.") % {"n": SALES_DAYS})
    return _page(request, "seller/dashboard.html", seller, "dashboard",
                 chart=mark_safe(chart), sales_total=sum(by_day.values()), sales_parts=sum(r.parts for r in rows),
                 currency=currency, waiting=seller_orders_waiting(seller_id=seller.pk),
                 low_stock=seller_low_stock(seller_id=seller.pk, language=get_language()[:2]),
                 balances=sorted(seller_balances(seller_id=seller.pk).items()) or [("EUR", 0)])


@require_POST
def switch(request, seller_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("seller:dashboard"))
    membership = member_for_switch(request, seller_id)
    request.session[SESSION_KEY] = membership.seller_id
    if request.POST.get("focus") == "switch":  # comptoir.js: the keyboard user goes on from the switch
        return HttpResponseRedirect(reverse("seller:dashboard") + "?focus=switch")
    return redirect("seller:dashboard")


# --- API keys --------------------------------------------------------------------------------

class ApiKeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80, help_text=gettext_lazy("What the key is for, e.g. “ERP” or “warehouse scanner”."))


@seller_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def api_keys(request, seller):
    form = ApiKeyForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        _key, secret = seller_services.apikey_create(seller=seller, name=form.cleaned_data["name"])
        form = ApiKeyForm()
    keys = list(seller_selectors.api_keys_of_seller(seller=seller)[:100])
    return _page(request, "seller/api_keys.html", seller, "api_keys", form=form, secret=secret, keys=keys)


@seller_member_required(owner_only=True)
@require_POST
def api_key_revoke(request, seller, key_id: int):
    key = seller_selectors.api_keys_of_seller(seller=seller).filter(pk=key_id).first()
    if key is None:
        raise Http404
    seller_services.apikey_revoke(key=key)
    messages.success(request, _("The key %(name)s is revoked.") % {"name": key.name})
    return redirect("seller:api_keys")


# --- team ------------------------------------------------------------------------------------

class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=SellerRole.choices, initial=SellerRole.STAFF)


@seller_member_required
@require_http_methods(["GET", "POST"])
def team(request, seller):
    is_owner = request.seller_membership.role == SellerRole.OWNER
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_owner:
            raise Http404
        if form.is_valid():
            try:
                invitation, token = seller_services.member_invite(seller=seller, invited_by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                link = request.build_absolute_uri(reverse("seller:invitation", args=[token]))
                seller_services.invitation_send(invitation=invitation, link=link)
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
                return redirect("seller:team")
    return _page(request, "seller/team.html", seller, "team", form=form,
                 members=seller_selectors.team_of_seller(seller=seller),
                 invitations=seller_selectors.invitations_open(seller=seller) if is_owner else [])


@seller_member_required(owner_only=True)
@require_POST
def team_remove(request, seller, member_id: int):
    try:
        seller_services.member_remove(seller=seller, member_id=member_id)
        messages.success(request, _("Team member removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("seller:team")


@seller_member_required(owner_only=True)
@require_POST
def invitation_revoke(request, seller, invitation_id: int):
    seller_services.invitation_revoke(seller=seller, invitation_id=invitation_id)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("seller:team")


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The link of an invitation email: sign in (or sign up) as the invited address, then join."""
    try:
        inv = seller_services.invitation_for_token(token=token)
    except InvitationInvalid as exc:
        return render(request, "seller/invitation.html", {"error": exc.message}, status=410)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            seller_services.invitation_accept(token=token, user=request.user)
        except InvitationInvalid as exc:
            return render(request, "seller/invitation.html", {"invitation": inv, "error": exc.message}, status=403)
        request.session[SESSION_KEY] = inv.seller_id
        messages.success(request, _("You joined %(name)s.") % {"name": inv.seller.display_name})
        return redirect("seller:dashboard")
    return render(request, "seller/invitation.html", {"invitation": inv})


# --- bank details and settings ------------------------------------------------------------------

class IbanForm(forms.Form):
    iban = forms.CharField(label=gettext_lazy("IBAN"), max_length=50)


@seller_member_required(owner_only=True)
@require_http_methods(["GET", "POST"])
def bank(request, seller):
    form = IbanForm(request.POST or None, initial={"iban": seller.iban})
    if request.method == "POST" and form.is_valid():
        try:
            seller_services.seller_iban_set(seller=seller, iban=form.cleaned_data["iban"])
        except SellerInvalid as exc:
            form.add_error("iban", exc.errors["iban"])
        else:
            messages.success(request, _("Payout account saved."))
            return redirect("seller:bank")
    return _page(request, "seller/bank.html", seller, "bank", form=form)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language we write to you in"), choices=settings.LANGUAGES)


@seller_member_required
@require_http_methods(["GET", "POST"])
def seller_settings(request, seller):
    form = LanguageForm(request.POST or None, initial={"language": seller_selectors.seller_language(seller)})
    if request.method == "POST":
        if request.seller_membership.role != SellerRole.OWNER:
            raise Http404
        if form.is_valid():
            seller_services.seller_language_set(seller=seller, language=form.cleaned_data["language"])
            messages.success(request, _("Settings saved."))
            return redirect("seller:settings")
    return _page(request, "seller/settings.html", seller, "settings", form=form)
