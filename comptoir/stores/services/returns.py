"""Returns at the till, within 30 days: of an in-store sale (by its receipt number; units may go
back on the shelf) and of an online order (by its seller-order number). Each refund is a
receipt of kind "return": posted in the ledger and appended to the journal.

A refund of an in-store sale carries one return line per sale line it touches, each with its
net, VAT, commission and partner part, so that the Z report's VAT table and the ledger read the
same figures. The amount goes first to the lines whose units come back (up to their price per
unit), the rest in proportion to what remains of every line; within a line it splits in
proportion to what remains of its VAT, commission, partner part and net (exact on a full
refund). A refund of an online order carries no VAT lines: that VAT was not collected at the
till, the order's own refund posting corrects it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.common.errors import DomainError
from comptoir.inventory.services import stock_restock
from comptoir.ledger.services import allocate_proportionally
from comptoir.orders.services.instore import seller_order_refund_in_store
from comptoir.payments.terminals import CardTerminal, get_terminal

from ..errors import AmountInvalid, CardDeclined, RefundExceedsSale, ReturnWindowClosed, SaleNotFound
from ..models import JournalKind, PaymentMethod, PosSale, PosSaleLine, SaleKind, TillSession
from . import till_ledger
from .journal import journal_append
from .till import _amount, _lock_session, receipt_payload
from .till import receipt_number as next_receipt_number  # sale_return's argument is a receipt number

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
        receipts = _lock_session(session, count_receipts=True)
        PosSale.objects.select_for_update().filter(pk=sale.pk).first()
        if amount > sale_refundable(sale):  # re-checked under the sale's lock
            raise RefundExceedsSale(_("A refund larger than what remains of the sale."), field="amount")
        lines = {ln.pk: ln for ln in PosSaleLine.objects.select_for_update().filter(sale=sale)}
        for line_id, qty in units.items():
            line = lines.get(line_id)
            if line is None or qty < 0 or line.returned_quantity + qty > line.quantity:
                raise AmountInvalid(_("More units returned than were sold on this line."), field="units")
        refund = PosSale.objects.create(
            store=session.store, session=session, number=next_receipt_number(session, receipts), kind=SaleKind.RETURN, clerk=user, created_at=at,
            currency=sale.currency, total_net=0, total_vat=0, total_gross=amount, method=sale.method, terminal_reference=reference,
            returned_sale=sale,
        )
        return_lines = PosSaleLine.objects.bulk_create(_return_lines(refund, lines, amount, units))
        PosSale.objects.filter(pk=refund.pk).update(total_net=sum(ln.net for ln in return_lines), total_vat=sum(ln.vat for ln in return_lines))
        refund.total_net, refund.total_vat = sum(ln.net for ln in return_lines), sum(ln.vat for ln in return_lines)
        for line_id, qty in units.items():
            line = lines[line_id]
            PosSaleLine.objects.filter(pk=line_id).update(returned_quantity=line.returned_quantity + qty)
            stock_restock(stock_level_id=line.stock_level_id, quantity=qty)
        parts: dict[tuple, int] = defaultdict(int)
        for line in return_lines:
            for key, value in till_ledger.line_parts(line, market=sale.store.market.code).items():
                parts[key] += value
        till_ledger.post_return(refund=refund, parts=parts, partner_id=sale.store.partner_id)
        payload = receipt_payload(refund, return_lines)
        payload["units"] = {str(k): v for k, v in sorted(units.items())}
        journal_append(session=session, kind=JournalKind.RECEIPT, reference=refund.number, at=at, payload=payload)
        return refund


@dataclass(slots=True)
class _Remaining:
    """What earlier refunds left of a sale line: its VAT, commission less the partner's part,
    the partner's part, and the net less the commission (the four add up to its gross)."""
    vat: int
    commission_own: int
    partner: int
    net_rest: int

    @property
    def gross(self) -> int:
        return self.vat + self.commission_own + self.partner + self.net_rest


def _remaining(lines: dict[int, PosSaleLine]) -> dict[int, _Remaining]:
    left = {pk: _Remaining(ln.vat, ln.commission - ln.partner_share, ln.partner_share, ln.net - ln.commission) for pk, ln in lines.items()}
    for earlier in PosSaleLine.objects.filter(returned_line_id__in=list(lines)):
        r = left[earlier.returned_line_id]
        r.vat -= earlier.vat
        r.commission_own -= earlier.commission - earlier.partner_share
        r.partner -= earlier.partner_share
        r.net_rest -= earlier.net - earlier.commission
    return left


def _return_lines(refund: PosSale, lines: dict[int, PosSaleLine], amount: int, units: dict[int, int]) -> list[PosSaleLine]:
    left = _remaining(lines)
    ids = sorted(lines)
    # First the lines whose units come back, up to their price per unit; then the rest of the
    # amount in proportion to what remains of every line.
    targets = [min(left[pk].gross, lines[pk].gross * units.get(pk, 0) // lines[pk].quantity) for pk in ids]
    first = allocate_proportionally(min(amount, sum(targets)), targets)
    rest = allocate_proportionally(amount - sum(first), [left[pk].gross - f for pk, f in zip(ids, first, strict=True)])
    out = []
    for pk, a, b in zip(ids, first, rest, strict=True):
        share = a + b
        if not share and not units.get(pk):
            continue
        line, r = lines[pk], left[pk]
        vat, own, partner, net_rest = allocate_proportionally(share, [r.vat, r.commission_own, r.partner, r.net_rest])
        out.append(PosSaleLine(
            sale=refund, returned_line=line, offer_id=line.offer_id, stock_level_id=line.stock_level_id, seller_id=line.seller_id,
            title=line.title, gtin=line.gtin, quantity=units.get(pk, 0), unit_net=line.unit_net, rate_bp=line.rate_bp,
            liable_party=line.liable_party, net=net_rest + own + partner, vat=vat, gross=share, commission=own + partner,
            partner_share=partner,
        ))
    return out


def order_return(*, session: TillSession, user, seller_order_number: str, amount: int, at=None) -> PosSale:
    """An online order returned at the till: the buyer gets ``amount`` in cash, the order's
    capture is reversed for it (30 days; never more than remains to refund)."""
    _amount(amount, "amount", minimum=1)
    at = at or timezone.now()
    with transaction.atomic():
        number = next_receipt_number(session, _lock_session(session, count_receipts=True))
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
