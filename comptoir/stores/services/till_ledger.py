"""Ledger postings of the till. One balanced entry per receipt and per cash difference:

| event            | debit                                   | credit                                                                        |
|------------------|-----------------------------------------|-------------------------------------------------------------------------------|
| sale             | till cash (store) or card terminal cash | seller payable, commission revenue (minus the partner's part), partner payable, VAT payable/market where the marketplace is liable |
| return           | the credits of the sale, in proportion  | till cash or card terminal cash                                               |
| cash difference  | adjustments (short) / till cash (over)  | till cash (short) / adjustments (over)                                        |

The seller's share is the gross less the commission and less the VAT the marketplace owes; a
seller liable for its VAT (an EU seller) keeps it in its share, as online."""
from __future__ import annotations

from collections import defaultdict

from comptoir.ledger.models import AccountKind, EntryKind, OwnerType
from comptoir.ledger.services import LineSpec, account_get_or_create, allocate_proportionally, entry_post

from ..models import PaymentMethod, PosSale, TillSession

MARKETPLACE = "marketplace"


def money_account(*, store_id: int, method: str, currency: str, terminal: str = "test"):
    if method == PaymentMethod.CASH:
        return account_get_or_create(kind=AccountKind.TILL_CASH, currency=currency, owner_type=OwnerType.STORE, owner_id=store_id)
    return account_get_or_create(kind=AccountKind.CASH, currency=currency, owner_type=OwnerType.PROVIDER, owner_id=f"terminal:{terminal}")


def line_parts(line, *, market: str) -> dict[tuple, int]:
    """The credit parts of one sale line: {(kind, owner_type, owner_id): amount}."""
    vat = line.vat if line.liable_party == MARKETPLACE else 0
    parts = {
        (AccountKind.SELLER_PAYABLE, OwnerType.SELLER, line.seller_id): line.gross - line.commission - vat,
        (AccountKind.COMMISSION_REVENUE, OwnerType.NONE, None): line.commission - line.partner_share,
    }
    if line.partner_share:
        parts[(AccountKind.PARTNER_PAYABLE, OwnerType.PARTNER, "partner")] = line.partner_share
    if vat:
        parts[(AccountKind.VAT_PAYABLE, OwnerType.MARKET, market)] = vat
    return parts


def _accounts(parts: dict[tuple, int], *, currency: str, partner_id: int | None) -> dict:
    out: dict = defaultdict(int)
    for (kind, owner_type, owner_id), amount in parts.items():
        if owner_type == OwnerType.PARTNER:
            owner_id = partner_id
        if amount:
            account = account_get_or_create(kind=kind, currency=currency, owner_type=owner_type or None, owner_id=owner_id)
            out[account] += amount
    return out


def post_sale(*, sale: PosSale, lines) -> None:
    store = sale.store
    parts: dict[tuple, int] = defaultdict(int)
    for line in lines:
        for key, amount in line_parts(line, market=store.market.code).items():
            parts[key] += amount
    credits = _accounts(parts, currency=sale.currency, partner_id=store.partner_id)
    debit = money_account(store_id=store.pk, method=sale.method, currency=sale.currency)
    entry_post(
        kind=EntryKind.POS_SALE, reference=f"pos_sale:{sale.number}", currency=sale.currency, unique_key=f"pos_sale:{sale.number}",
        lines=[LineSpec(debit, sale.total_gross)] + [LineSpec(a, -v) for a, v in credits.items() if v], memo=sale.number,
    )


def split_refund(amount: int, parts: dict[tuple, int]) -> dict[tuple, int]:
    """``amount`` split over the parts in proportion (seller first), exactly."""
    keys = sorted(parts, key=lambda k: (k[0] != AccountKind.SELLER_PAYABLE, str(k)))
    return dict(zip(keys, allocate_proportionally(amount, [parts[k] for k in keys]), strict=True))


def post_return(*, refund: PosSale, parts: dict[tuple, int], partner_id: int | None) -> None:
    debits = _accounts(parts, currency=refund.currency, partner_id=partner_id)
    credit = money_account(store_id=refund.store_id, method=refund.method, currency=refund.currency)
    entry_post(
        kind=EntryKind.POS_RETURN, reference=f"pos_return:{refund.number}", currency=refund.currency,
        unique_key=f"pos_return:{refund.number}",
        lines=[LineSpec(a, v) for a, v in debits.items() if v] + [LineSpec(credit, -refund.total_gross)], memo=refund.number,
    )


def post_cash_out(*, refund: PosSale) -> None:
    """An online order refunded in store: the buyer's money leaves the till (the order's capture
    is reversed by ledger_post_refund, which credits buyer clearing)."""
    buyer = account_get_or_create(kind=AccountKind.BUYER_CLEARING, currency=refund.currency)
    credit = money_account(store_id=refund.store_id, method=refund.method, currency=refund.currency)
    entry_post(
        kind=EntryKind.POS_RETURN, reference=f"pos_return:{refund.number}", currency=refund.currency,
        unique_key=f"pos_return:{refund.number}", memo=refund.number,
        lines=[LineSpec(buyer, refund.total_gross), LineSpec(credit, -refund.total_gross)],
    )


def post_cash_difference(*, session: TillSession) -> None:
    till = money_account(store_id=session.store_id, method=PaymentMethod.CASH, currency=session.currency)
    adjustments = account_get_or_create(kind=AccountKind.ADJUSTMENTS, currency=session.currency)
    d = session.difference
    entry_post(
        kind=EntryKind.CASH_DIFFERENCE, reference=f"till_session:{session.pk}", currency=session.currency,
        unique_key=f"cash_difference:{session.pk}", memo=f"Z{session.number}",
        lines=[LineSpec(till, d), LineSpec(adjustments, -d)],
    )
