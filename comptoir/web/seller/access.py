"""Who may open a seller-centre page: members of the seller, some pages owners only.

The current seller is the one chosen in the session (a user may be in several teams), else the
user's first. Every seller-centre view receives it from ``seller_member_required`` and reads
only that seller's data; a seller the user is not a member of is a 404.
"""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from comptoir.sellers.models import SellerRole
from comptoir.sellers.selectors import member_of, memberships_of_user, seller_language

SESSION_KEY = "seller_centre_seller_id"


def current_membership(request):
    memberships = memberships_of_user(user=request.user)
    if not memberships:
        return None, []
    chosen = request.session.get(SESSION_KEY)
    membership = next((m for m in memberships if m.seller_id == chosen), memberships[0])
    return membership, memberships


def seller_member_required(view=None, *, owner_only: bool = False):
    """Anonymous → login; not a member of any seller → 404; staff on an owner page → 403.

    The page speaks the seller's language unless the user chose one with the language switch.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership, memberships = current_membership(request)
            if membership is None:
                raise Http404(_("You are not a member of a seller."))
            if owner_only and membership.role != SellerRole.OWNER:
                raise PermissionDenied(_("Only the seller's owners can open this page."))
            request.seller_membership, request.seller_memberships = membership, memberships
            if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
                return view(request, membership.seller, *args, **kwargs)
            # views render with render() (already rendered when returned), so the override holds
            with translation.override(seller_language(membership.seller)):
                return view(request, membership.seller, *args, **kwargs)

        return wrapped

    return decorate(view) if view is not None else decorate


def member_for_switch(request, seller_id: int):
    """The user's membership of ``seller_id`` for the seller switch, else 404."""
    membership = member_of(user=request.user, seller_id=seller_id)
    if membership is None:
        raise Http404
    return membership
