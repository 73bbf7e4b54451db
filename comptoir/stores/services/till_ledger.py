"""Ledger postings of the till. One balanced entry per receipt and per cash difference:

| event            | debit                                   | credit                                                                        |
|------------------|-----------------------------------------|-------------------------------------------------------------------------------|
| sale             | till cash (store) or card terminal cash | seller payable, commission revenue (minus the partner's part), partner payable, VAT payable/market where the marketplace is liable |
| return           | the parts of its return lines (each a share of a sale line, split as the line was) | till cash or card terminal cash |
| cash difference  | adjustments (short) / till cash (over)  | till cash (short) / adjustments (over)                                        |

The seller's share is the gross less the commission and less the VAT the marketplace owes; a
seller liable for its VAT (an EU seller) keeps it in its share, as online."""
from __future__ import annotations

from collections import defaultdict

from comptoir.ledger.models import Account, AccountKind, EntryKind, OwnerType
from comptoir.ledger.services import LineSpec, account_get_or_create, accounts_for_keys, entry_post

from ..models import PaymentMethod, PosSale, TillSession

MARKETPLACE = "marketplace"


def _money_key(*, store_id: int, method: str, terminal: str = "test") -> tuple:
    if method == PaymentMethod.CASH:
        return (AccountKind.TILL_CASH, OwnerType.STORE, store_id)
    return (AccountKind.CASH, OwnerType.PROVIDER, f"terminal:{terminal}")


def money_account(*, store_id: int, method: str, currency: str, terminal: str = "test"):
    kind, owner_type, owner_id = _money_key(store_id=store_id, method=method, terminal=terminal)
    return account_get_or_create(kind=kind, currency=currency, owner_type=owner_type, owner_id=owner_id)


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


def _with_partner(parts: dict[tuple, int], partner_id: int | None) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for (kind, owner_type, owner_id), amount in parts.items():
        if amount:
            out[(kind, owner_type, partner_id if owner_type == OwnerType.PARTNER else owner_id)] += amount
    return out


def _accounts(parts: dict[tuple, int], *, currency: str, partner_id: int | None, money: tuple) -> tuple[dict, Account]:
    """The parts by account, and the money account (till cash or terminal), in one read."""
    parts = _with_partner(parts, partner_id)
    accounts = accounts_for_keys(keys=[*parts, money], currency=currency)
    out: dict = defaultdict(int)
    for key, amount in parts.items():
        out[accounts[key]] += amount
    return out, accounts[money]


def post_sale(*, sale: PosSale, lines) -> None:
    store = sale.store
    parts: dict[tuple, int] = defaultdict(int)
    for line in lines:
        for key, amount in line_parts(line, market=store.market.code).items():
            parts[key] += amount
    credits, debit = _accounts(parts, currency=sale.currency, partner_id=store.partner_id,
                               money=_money_key(store_id=store.pk, method=sale.method))
    entry_post(
        kind=EntryKind.POS_SALE, reference=f"pos_sale:{sale.number}", currency=sale.currency, unique_key=f"pos_sale:{sale.number}",
        lines=[LineSpec(debit, sale.total_gross)] + [LineSpec(a, -v) for a, v in credits.items() if v], memo=sale.number,
    )


def post_return(*, refund: PosSale, parts: dict[tuple, int], partner_id: int | None) -> None:
    debits, credit = _accounts(parts, currency=refund.currency, partner_id=partner_id,
                               money=_money_key(store_id=refund.store_id, method=refund.method))
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
