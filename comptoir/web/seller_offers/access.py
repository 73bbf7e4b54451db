"""Who may open the offers pages: any member of the seller (owner or staff; offers and stock
are staff work too). The current seller is the one chosen in the seller centre's switch (the
same session key), else the user's first; a seller the user is not a member of is never
reachable: its offers and imports are 404."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from comptoir.sellers.models import SellerMember, SellerStatus

SESSION_KEY = "seller_centre_seller_id"  # shared with the seller centre's switch (comptoir.web.seller)


def membership_current(request) -> SellerMember | None:
    memberships = list(SellerMember.objects.filter(user=request.user).select_related("seller").order_by("seller__display_name", "pk"))
    chosen = request.session.get(SESSION_KEY)
    return next((m for m in memberships if m.seller_id == chosen), memberships[0] if memberships else None)


def offers_member_required(view):
    """Anonymous → login; not a member of a seller → 404; a suspended seller's POST → 403
    (its pages stay readable)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = membership_current(request)
        if membership is None:
            raise Http404(_("You are not a member of a seller."))
        if request.method == "POST" and membership.seller.status == SellerStatus.SUSPENDED:
            raise PermissionDenied(_("Your seller account is suspended: offers cannot be changed."))
        request.seller_membership = membership
        return view(request, membership.seller, *args, **kwargs)

    return wrapped


def operator_required(view):
    """Anonymous → login page; a signed-in user who is not staff → 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("Operators only."))
        return view(request, *args, **kwargs)

    return wrapped
