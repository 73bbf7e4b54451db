"""Helpers shared by the consignment and shelf services: lines, permissions, references, locks."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from comptoir.inventory.models import StockLevel
from comptoir.sellers.models import Seller, SellerMember

from ..errors import SellerForbidden
from ..models import Consignment, Store
from ..selectors import store_role_require

MAX_UNITS_PER_LINE = 9_999
MAX_LINES = 200
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a counter


@dataclass(frozen=True, slots=True)
class UnitsLine:
    """Units of one offer to move (a consignment line, units sent back)."""

    offer_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class LineCount:
    """What the clerk counted for one consignment line, and why it differs from what was sent."""

    line_id: int
    counted: int
    reason: str = ""


def seller_member_require(*, user, seller: Seller) -> None:
    """``user=None`` is a system call (demo data, operator scripts); anyone else must be a
    member of the seller."""
    if user is None:
        return
    if not (user.is_authenticated and SellerMember.objects.filter(user=user, seller=seller).exists()):
        raise SellerForbidden(_("You do not act for this seller."), field="seller")


def staff_require(*, user, store: Store, manager: bool = False) -> None:
    """``user=None`` is a system call; anyone else must work at the store (as a manager when
    `manager`), be a member of its partner, or be an operator."""
    if user is not None:
        store_role_require(user=user, store=store, manager=manager)


def acting_user(user):
    """The user to record as having done something (None for a system call)."""
    return user if user is not None and user.is_authenticated else None


def reference_new() -> str:
    while True:
        reference = "CS-" + "".join(secrets.choice(_ALPHABET) for _i in range(8))
        if not Consignment.objects.filter(reference=reference).exists():
            return reference


def levels_lock(level_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Lock the stock levels in primary-key order (SQLite: the write lock taken at BEGIN
    IMMEDIATE already serialises writers) and read them under the lock."""
    levels = StockLevel.objects.select_for_update().filter(pk__in=sorted(set(level_ids))).order_by("pk")
    return {level.pk: level for level in levels}


def levels_get_or_create(offer_ids: Iterable[int], location_id: int) -> dict[int, int]:
    """{offer id: stock level id} at the location, creating empty levels where missing."""
    offer_ids = sorted(set(offer_ids))
    found = dict(StockLevel.objects.filter(location_id=location_id, offer_id__in=offer_ids).values_list("offer_id", "pk"))
    for offer_id in offer_ids:
        if offer_id not in found:
            found[offer_id] = StockLevel.objects.get_or_create(offer_id=offer_id, location_id=location_id)[0].pk
    return found


def consignment_lock(consignment: Consignment) -> Consignment:
    """Re-read the consignment under a row lock: two clicks on "receive" do not both count."""
    return Consignment.objects.select_for_update(of=("self",)).select_related("store", "store__location", "seller", "warehouse").get(pk=consignment.pk)
