"""An online seller order returned at a store's till: the store pays the buyer back (cash or
card at the till) and the order's capture is reversed in the ledger for that amount. Called by
comptoir.stores' returns inside its transaction."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.errors import DomainError

from comptoir.ledger.services import ledger_post_refund

from ..errors import NotFound, ReturnWindowClosed
from ..models import SellerOrder, SellerOrderState as S
from .lifecycle import ledger_ref

INSTORE_RETURN_WINDOW = dt.timedelta(days=30)
RETURNABLE = (S.ACCEPTED, S.SHIPPED, S.DELIVERED, S.RETURN_REQUESTED, S.RETURN_RECEIVED)


class RefundAboveCaptured(DomainError):
    code = "refund_exceeds_sale"
    status = 409


def seller_order_refund_in_store(*, number: str, amount: int, reference: str, now=None) -> SellerOrder:
    """Refund ``amount`` of a seller order (by its number) returned in store, within 30 days of
    the order. Raises NotFound, ReturnWindowClosed, RefundAboveCaptured (more than remains)."""
    now = now or timezone.now()
    part = SellerOrder.objects.select_for_update(of=("self",)).select_related("order").filter(number=number.strip()).first()
    if part is None or part.state not in RETURNABLE:
        raise NotFound(_("No online order %(n)s that can be returned.") % {"n": number[:30]}, field="order")
    if now - part.order.created_at > INSTORE_RETURN_WINDOW:
        raise ReturnWindowClosed(_("This order is more than 30 days old: it cannot be returned in store."), field="order")
    remaining = part.captured_amount - part.refunded_amount
    if amount > remaining:
        raise RefundAboveCaptured(
            _("A refund of %(a)s is more than what remains to refund on this order (%(r)s).") % {
                "a": f"{amount / 100:.2f}", "r": f"{remaining / 100:.2f}"}, field="amount")
    ledger_post_refund(
        seller_order_ref=ledger_ref(part), currency=part.order.currency, refund_gross=amount, unique_key=f"{reference}:order_refund",
    )
    part.refunded_amount += amount
    part.refunded_at = now
    part.save(update_fields=["refunded_amount", "refunded_at"])
    return part
