"""Reads of the sellers app."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .errors import SellerNotFound
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
