"""Returns at the till, within 30 days: of an in-store sale (by its receipt number; units may go
back on the shelf) and of an online order (by its seller-order number). Each refund is a
receipt of kind "return": posted in the ledger and appended to the journal."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.errors import DomainError
from comptoir.inventory.services import stock_restock
from comptoir.orders.services.instore import seller_order_refund_in_store
from comptoir.payments.terminals import CardTerminal, get_terminal

from ..errors import AmountInvalid, CardDeclined, RefundExceedsSale, ReturnWindowClosed, SaleNotFound
from ..models import JournalKind, PaymentMethod, PosSale, PosSaleLine, SaleKind, TillSession
from . import till_ledger
from .journal import journal_append
from .till import _amount, _open_session, receipt_payload
from .till import receipt_number as next_receipt_number

RETURN_DAYS = 30


def sale_refundable(sale: PosSale) -> int:
    returned = sum(PosSale.objects.filter(returned_sale=sale).values_list("total_gross", flat=True))
    return sale.total_gross - returned


def sale_return(
    *, session: TillSession, user, receipt_number: str, amount: int, units: dict[int, int] | None = None,
    terminal: CardTerminal | None = None, at=None,
) -> PosSale:
    """Refund ``amount`` of an in-store sale of this store (cash from the till, or back to the
    card), with ``units`` {sale line id: quantity} put back on the shelf."""
    _amount(amount, "amount", minimum=1)
    at = at or timezone.now()
    units = {int(k): int(v) for k, v in (units or {}).items() if int(v)}
    sale = PosSale.objects.filter(number=(receipt_number or "").strip(), store=session.store, kind=SaleKind.SALE).first()
    if sale is None:
        raise SaleNotFound(_("No sale %(n)s at this store.") % {"n": (receipt_number or "")[:32]}, field="receipt")
    if at - sale.created_at > timedelta(days=RETURN_DAYS):
        raise ReturnWindowClosed(_("This sale is more than 30 days old: it cannot be returned."), field="receipt")
    if amount > sale_refundable(sale):
        raise RefundExceedsSale(_("A refund of %(a)s is more than what remains of sale %(n)s (%(r)s).") % {
            "a": f"{amount / 100:.2f}", "n": sale.number, "r": f"{sale_refundable(sale) / 100:.2f}"}, field="amount")
    reference = ""
    if sale.method == PaymentMethod.CARD:
        terminal = terminal or get_terminal()
        answer = terminal.refund(reference=sale.terminal_reference, amount=amount, idempotency_key=f"{sale.number}:{amount}:{at.isoformat()}")
        if not answer.approved:
            raise CardDeclined(_("The card refund was refused (%(code)s).") % {"code": answer.decline_code}, field="amount")
        reference = answer.reference
    with transaction.atomic():
        session = _open_session(session)
        PosSale.objects.select_for_update().filter(pk=sale.pk).first()
        if amount > sale_refundable(sale):  # re-checked under the sale's lock
            raise RefundExceedsSale(_("A refund larger than what remains of the sale."), field="amount")
        lines = {ln.pk: ln for ln in PosSaleLine.objects.select_for_update().filter(sale=sale)}
        for line_id, qty in units.items():
            line = lines.get(line_id)
            if line is None or qty < 0 or line.returned_quantity + qty > line.quantity:
                raise AmountInvalid(_("More units returned than were sold on this line."), field="units")
        parts: dict[tuple, int] = defaultdict(int)
        for line in lines.values():
            for key, value in till_ledger.line_parts(line, market=sale.store.market.code).items():
                parts[key] += value
        remaining = _remaining_parts(sale, parts)  # before this refund is written
        refund = PosSale.objects.create(
            store=session.store, session=session, number=next_receipt_number(session), kind=SaleKind.RETURN, clerk=user, created_at=at,
            currency=sale.currency, total_net=0, total_vat=0, total_gross=amount, method=sale.method, terminal_reference=reference,
            returned_sale=sale,
        )
        refunded = till_ledger.split_refund(amount, remaining)
        returned_lines = []
        for line_id, qty in units.items():
            line = lines[line_id]
            PosSaleLine.objects.filter(pk=line_id).update(returned_quantity=line.returned_quantity + qty)
            stock_restock(stock_level_id=line.stock_level_id, quantity=qty)
            returned_lines.append(line)
        till_ledger.post_return(refund=refund, parts=refunded, partner_id=sale.store.partner_id)
        payload = receipt_payload(refund, [])
        payload["units"] = {str(k): v for k, v in sorted(units.items())}
        journal_append(session=session, kind=JournalKind.RECEIPT, reference=refund.number, at=at, payload=payload)
        return refund


def _remaining_parts(sale: PosSale, parts: dict[tuple, int]) -> dict[tuple, int]:
    """What remains of each part after the earlier returns of the sale (the same proportions
    applied to their amounts in order, so successive refunds add up to the sale exactly)."""
    remaining = dict(parts)
    for earlier in PosSale.objects.filter(returned_sale=sale).order_by("pk").values_list("total_gross", flat=True):
        for key, value in till_ledger.split_refund(earlier, remaining).items():
            remaining[key] -= value
    return {k: v for k, v in remaining.items() if v > 0}


def order_return(*, session: TillSession, user, seller_order_number: str, amount: int, at=None) -> PosSale:
    """An online order returned at the till: the buyer gets ``amount`` in cash, the order's
    capture is reversed for it (30 days; never more than remains to refund)."""
    _amount(amount, "amount", minimum=1)
    at = at or timezone.now()
    with transaction.atomic():
        session = _open_session(session)
        number = next_receipt_number(session)
        try:
            part = seller_order_refund_in_store(number=seller_order_number, amount=amount, reference=f"pos_return:{number}", now=at)
        except DomainError as exc:
            if exc.code == "refund_exceeds_sale":
                raise RefundExceedsSale(exc.message, field="amount") from None
            if exc.code == "return_window_closed":
                raise ReturnWindowClosed(exc.message, field="order") from None
            raise SaleNotFound(exc.message, field="order") from None
        refund = PosSale.objects.create(
            store=session.store, session=session, number=number, kind=SaleKind.RETURN, clerk=user, created_at=at,
            currency=part.order.currency, total_net=0, total_vat=0, total_gross=amount, method=PaymentMethod.CASH,
            returned_order_ref=part.number,
        )
        till_ledger.post_cash_out(refund=refund)
        journal_append(session=session, kind=JournalKind.RECEIPT, reference=refund.number, at=at, payload=receipt_payload(refund, []))
        return refund
