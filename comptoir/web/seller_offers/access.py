"""Who may open the offers pages: any member of the current seller (owner or staff: offers and
stock are staff work too), chosen as in the rest of the seller centre; another seller's
offers, imports and proposals are 404. The proposals queue is for operators (staff users)."""
from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from comptoir.sellers.models import SellerStatus
from comptoir.web.operator.access import operator_required  # noqa: F401  (the proposals queue)
from comptoir.web.seller.access import seller_member_required


def offers_member_required(view):
    """The seller centre's access rule (``comptoir.web.seller.access.seller_member_required``:
    anonymous → login, not a member → 404, the page in the seller's language), and a suspended
    seller's POST → 403: its offers stay readable, not changeable."""

    @seller_member_required
    @wraps(view)
    def wrapped(request, seller, *args, **kwargs):
        if request.method == "POST" and seller.status == SellerStatus.SUSPENDED:
            raise PermissionDenied(_("Your seller account is suspended: offers cannot be changed."))
        return view(request, seller, *args, **kwargs)

    return wrapped

