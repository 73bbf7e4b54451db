"""Marketplace commission: which rate applies and how much it is. Pure functions, no ORM writes."""
from __future__ import annotations

from typing import Protocol

from comptoir.common.money import apply_rate_bp


class _HasCommissionBp(Protocol):
    commission_bp: int | None


def commission_bp_for(*, category: _HasCommissionBp, seller: _HasCommissionBp) -> int:
    """The seller's override when set (``Seller.commission_bp`` not None, 0 included), else the
    category's ``commission_bp``."""
    if seller is not None and seller.commission_bp is not None:
        return int(seller.commission_bp)
    return int(category.commission_bp)


def commission_amount(net_minor: int, bp: int) -> int:
    """Commission on a net amount in minor units, rounded half up to a minor unit."""
    if not isinstance(net_minor, int) or isinstance(net_minor, bool):
        raise TypeError("net_minor must be an int of minor units")
    if not isinstance(bp, int) or isinstance(bp, bool) or bp < 0 or bp > 10_000:
        raise ValueError("commission rate must be an int between 0 and 10000 basis points")
    return apply_rate_bp(net_minor, bp)
