"""Reads of the sellers app."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from django.utils.translation import gettext as _

from .errors import SellerNotFound, SellerNotTrading
from .models import Seller, SellerStatus


def sellers_visible_q(prefix: str = "") -> Q:
    """Q for rows whose seller is visible to buyers (approved only).

    ``prefix`` is the path to the seller: ``Seller.objects.filter(sellers_visible_q())``,
    ``Offer.objects.filter(sellers_visible_q("seller__"))``.
    """
    return Q(**{f"{prefix}status": SellerStatus.APPROVED})


def seller_is_visible(seller: Seller) -> bool:
    """True when buyers may see the seller and its offers (status approved)."""
    return seller.status == SellerStatus.APPROVED


def sellers_visible() -> QuerySet[Seller]:
    return Seller.objects.filter(sellers_visible_q())


def seller_get(*, seller_id: int) -> Seller:
    try:
        return Seller.objects.get(pk=seller_id)
    except (Seller.DoesNotExist, ValueError, TypeError):
        raise SellerNotFound(f"unknown seller {seller_id!r}", field="seller") from None


def sellers_of_user(*, user) -> QuerySet[Seller]:
    """Sellers the user is a member of (empty for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return Seller.objects.none()
    return Seller.objects.filter(members__user=user).order_by("display_name")


def seller_may_trade(seller: Seller) -> bool:
    """True when the seller may act on orders (accept, ship, cancel): approved only."""
    return seller.status == SellerStatus.APPROVED


def seller_require_trading(seller: Seller) -> None:
    """Raise ``SellerNotTrading`` (403) unless the seller is approved.

    Read from the row given: callers pass the seller they locked or read in the same
    transaction. Reading orders and the balance stays open to a suspended seller.
    """
    if not seller_may_trade(seller):
        if seller.status == SellerStatus.SUSPENDED:
            message = _("Your seller account is suspended: you can read your orders and balance, but not accept, ship or cancel orders.")
        else:
            message = _("Your seller account is not approved yet: you cannot accept, ship or cancel orders.")
        raise SellerNotTrading(message, field="seller")
