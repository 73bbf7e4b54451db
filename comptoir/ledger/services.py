"""Ledger writes: accounts, balanced journal entries, and the postings orders and payments use.

Sign convention (see models): debit positive, credit negative; each entry sums to 0 per currency.

Postings for one seller order ``ref`` (e.g. "seller_order:45"):

* ``ledger_post_capture``      reference "<ref>:capture"       Dr buyer clearing, Cr seller payable,
                                                              Cr commission revenue, Cr VAT payable/market
* ``ledger_post_refund``       reference "<ref>:refund"        the mirror, for part or all of what remains
                                                              (split as given, or in proportion)
* ``ledger_post_cancellation`` reference "<ref>:cancellation"  reverses everything that remains

Payments post the money side: ``ledger_post_payment_capture`` (Dr cash at provider, Cr buyer
clearing) and ``ledger_post_payment_refund`` (its mirror), so that buyer clearing returns to 0
when the payment captures match the seller-order captures.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from comptoir.common.rows import rows_insert

from . import errors
from .commissions import commission_amount, commission_bp_for  # noqa: F401  (re-exported)
from .models import Account, AccountKind, EntryKind, JournalEntry, JournalLine, OwnerType
from .selectors import account_balance, capture_reference, reversal_references

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One line to post: amount in signed minor units (debit +, credit −). ``currency``
    defaults to the account's and must equal it when given."""

    account: Account
    amount: int
    currency: str | None = None


def _check_currency(currency: str) -> str:
    if not isinstance(currency, str) or not _CURRENCY_RE.match(currency):
        raise errors.CurrencyMismatch(f"Not an ISO 4217 currency code: {currency!r}", code="ledger_invalid_currency")
    return currency


def _check_int(value, name: str, *, minimum: int | None = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise errors.InvalidAmount(f"{name} must be an integer of minor units, got {type(value).__name__}")
    if minimum is not None and value < minimum:
        raise errors.InvalidAmount(f"{name} must be ≥ {minimum}, got {value}")
    return value


def account_get_or_create(
    *, kind: str, currency: str, owner_type: str | None = None, owner_id: int | str | None = None
) -> Account:
    """The account for (kind, owner, currency), created on first use. No owner: both None."""
    if kind not in AccountKind.values:
        raise errors.LedgerError(f"Unknown account kind {kind!r}", code="ledger_unknown_account_kind")
    _check_currency(currency)
    owner_type = owner_type or ""
    owner_id = "" if owner_id is None else str(owner_id)
    if owner_type not in OwnerType.values:
        raise errors.LedgerError(f"Unknown owner type {owner_type!r}", code="ledger_unknown_owner_type")
    if bool(owner_type) != bool(owner_id):
        raise errors.LedgerError("owner_type and owner_id go together", code="ledger_owner_incomplete")
    account, _ = Account.objects.get_or_create(kind=kind, owner_type=owner_type, owner_id=owner_id, currency=currency)
    return account


def accounts_for_keys(*, keys: Iterable[tuple[str, str | None, int | str | None]], currency: str) -> dict[tuple, Account]:
    """The accounts of (kind, owner type, owner id) keys in one currency, as ``{key: Account}``:
    read in one query, any missing one created (``account_get_or_create``). A till sale posts to
    four or five accounts; the SQL is written here because compiling the ORM's OR of five
    lookups cost more CPU than the database's work (bench/store.py). ``created_at`` is deferred."""
    _check_currency(currency)
    keys = list(dict.fromkeys(keys))
    stored = {key: (key[0], key[1] or "", "" if key[2] is None else str(key[2])) for key in keys}
    found: dict[tuple, Account] = {}
    if keys:
        connection = transaction.get_connection()
        columns = ["id", "kind", "owner_type", "owner_id", "currency"]
        match = " OR ".join(["(kind = %s AND owner_type = %s AND owner_id = %s)"] * len(keys))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {Account._meta.db_table} WHERE currency = %s AND ({match})",
                           [currency, *(v for key in keys for v in stored[key])])
            for row in cursor.fetchall():
                found[row[1:4]] = Account.from_db(connection.alias, columns, row)
    return {
        key: found.get(stored[key]) or account_get_or_create(kind=key[0], currency=currency, owner_type=key[1], owner_id=key[2])
        for key in keys
    }


def _normalise_lines(lines, currency: str | None) -> list[tuple[Account, int, str]]:
    result = []
    for line in lines:
        if isinstance(line, LineSpec):
            account, amount, line_currency = line.account, line.amount, line.currency
        else:
            account, amount = line
            line_currency = None
        if not isinstance(account, Account) or account.pk is None:
            raise errors.LedgerError("Each line needs a saved Account", code="ledger_bad_line")
        _check_int(amount, "line amount", minimum=None)
        if amount == 0:
            raise errors.ZeroLine(f"A line of 0 on {account} carries nothing; leave it out")
        line_currency = line_currency or account.currency
        if line_currency != account.currency:
            raise errors.CurrencyMismatch(f"Line in {line_currency} on account {account} kept in {account.currency}")
        if currency and line_currency != currency:
            raise errors.CurrencyMismatch(f"Line in {line_currency} in an entry declared in {currency}")
        result.append((account, amount, line_currency))
    return result


def entry_post(
    *,
    kind: str,
    reference: str,
    lines: Iterable[tuple[Account, int]] | Iterable[LineSpec],
    currency: str | None = None,
    unique_key: str | None = None,
    memo: str = "",
) -> JournalEntry:
    """Post one balanced entry, atomically.

    Refuses an empty entry, a 0 line, a line whose currency is not its account's (or not
    ``currency`` when given), and any entry whose lines do not sum to 0 in each currency.
    With ``unique_key``: if an entry with that key exists, it is returned and nothing is posted
    (same kind and reference required, else ``UniqueKeyConflict``).
    """
    if kind not in EntryKind.values:
        raise errors.LedgerError(f"Unknown entry kind {kind!r}", code="ledger_unknown_entry_kind")
    if not reference:
        raise errors.LedgerError("An entry needs a reference", code="ledger_no_reference")
    if currency is not None:
        _check_currency(currency)
    normalised = _normalise_lines(lines, currency)
    if not normalised:
        raise errors.EmptyEntry("A journal entry needs at least two lines")
    sums: dict[str, int] = defaultdict(int)
    for _account, amount, line_currency in normalised:
        sums[line_currency] += amount
    off = {c: s for c, s in sums.items() if s != 0}
    if off:
        detail = ", ".join(f"{c} {s:+d}" for c, s in sorted(off.items()))
        raise errors.UnbalancedEntry(f"Entry {reference!r} does not balance: {detail} (debits − credits)")
    # rows_insert: the INSERTs of every posting compiled once (comptoir.common.rows). A key already
    # posted (a retry, or another transaction first) inserts nothing and returns that entry.
    entry = JournalEntry(kind=kind, reference=reference, unique_key=unique_key or None, memo=memo)
    with transaction.atomic(savepoint=False):
        if not rows_insert([entry], unless_conflict=("unique_key",) if unique_key else ()):
            return _existing(unique_key, kind, reference)
        rows_insert([JournalLine(entry=entry, account=a, amount=amt, currency=cur) for a, amt, cur in normalised])
    return entry


def _existing(unique_key: str, kind: str, reference: str) -> JournalEntry | None:
    existing = JournalEntry.objects.filter(unique_key=unique_key).first()
    if existing is not None and (existing.kind != kind or existing.reference != reference):
        raise errors.UniqueKeyConflict(
            f"Key {unique_key!r} was used for {existing.kind} {existing.reference}, not {kind} {reference}"
        )
    return existing


# --- seller orders -------------------------------------------------------------------------

def _seller_account(seller_id: int, currency: str) -> Account:
    return account_get_or_create(
        kind=AccountKind.SELLER_PAYABLE, currency=currency, owner_type=OwnerType.SELLER, owner_id=seller_id
    )


def _split_lines(
    *, currency: str, seller_id: int, seller_net_share: int, commission: int, vat: Mapping[str, int], sign: int
) -> list[LineSpec]:
    """Credit lines (sign −1) or debit lines (sign +1) for the parts of a seller order."""
    lines = []
    if seller_net_share:
        lines.append(LineSpec(_seller_account(seller_id, currency), sign * seller_net_share))
    if commission:
        lines.append(LineSpec(account_get_or_create(kind=AccountKind.COMMISSION_REVENUE, currency=currency), sign * commission))
    for market in sorted(vat):
        if vat[market]:
            account = account_get_or_create(
                kind=AccountKind.VAT_PAYABLE, currency=currency, owner_type=OwnerType.MARKET, owner_id=market
            )
            lines.append(LineSpec(account, sign * vat[market]))
    return lines


def _check_parts(seller_net_share: int, commission: int, vat: Mapping[str, int]) -> None:
    _check_int(seller_net_share, "seller_net_share")
    _check_int(commission, "commission")
    for market, amount in vat.items():
        if not isinstance(market, str) or not re.match(r"^[A-Z]{2}$", market):
            raise errors.LedgerError(f"VAT market must be a 2-letter code, got {market!r}", code="ledger_bad_market")
        _check_int(amount, f"VAT for {market}")


@transaction.atomic
def ledger_post_capture(
    *,
    seller_order_ref: str,
    currency: str,
    gross_total: int,
    seller_id: int,
    seller_net_share: int,
    commission: int,
    vat_by_market_marketplace_liable: Mapping[str, int],
    unique_key: str,
    memo: str = "",
) -> JournalEntry:
    """Money captured for a seller order: Dr buyer clearing ``gross_total``; Cr seller payable
    ``seller_net_share``, Cr commission revenue ``commission``, Cr VAT payable per market where
    the marketplace is liable. Requires gross = share + commission + Σ VAT. Idempotent on
    ``unique_key``."""
    _check_currency(currency)
    _check_int(gross_total, "gross_total", minimum=1)
    vat = dict(vat_by_market_marketplace_liable or {})
    _check_parts(seller_net_share, commission, vat)
    parts = seller_net_share + commission + sum(vat.values())
    if parts != gross_total:
        raise errors.UnbalancedEntry(
            f"Capture of {seller_order_ref}: gross {gross_total} ≠ seller share {seller_net_share} + commission "
            f"{commission} + marketplace VAT {sum(vat.values())} = {parts}"
        )
    buyer = account_get_or_create(kind=AccountKind.BUYER_CLEARING, currency=currency)
    lines = [LineSpec(buyer, gross_total)] + _split_lines(
        currency=currency, seller_id=seller_id, seller_net_share=seller_net_share, commission=commission, vat=vat, sign=-1
    )
    return entry_post(
        kind=EntryKind.CAPTURE, reference=capture_reference(seller_order_ref), lines=lines,
        currency=currency, unique_key=unique_key, memo=memo,
    )


def _remaining_parts(seller_order_ref: str, currency: str) -> tuple[dict[int, int], dict[int, Account]]:
    """Per credited account of the seller order's captures: what remains to reverse (> 0)."""
    refs = [capture_reference(seller_order_ref), *reversal_references(seller_order_ref)]
    remaining: dict[int, int] = defaultdict(int)
    accounts: dict[int, Account] = {}
    for line in JournalLine.objects.filter(entry__reference__in=refs, currency=currency).select_related("account"):
        if line.account.kind == AccountKind.BUYER_CLEARING:
            continue
        remaining[line.account_id] -= line.amount
        accounts[line.account_id] = line.account
    return {k: v for k, v in remaining.items() if v}, accounts


_PART_ORDER = {AccountKind.SELLER_PAYABLE: 0, AccountKind.COMMISSION_REVENUE: 1, AccountKind.VAT_PAYABLE: 2}


def _round_half_up_div(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def allocate_proportionally(amount: int, parts: list[int]) -> list[int]:
    """Split ``amount`` (0 ≤ amount ≤ Σ parts) over ``parts`` in proportion, exactly.

    Cumulative rounding: share_j = r(P_j·a/T) − r(P_{j−1}·a/T) with P the prefix sums, T = Σ parts
    and r rounding half up. Each share lies in [0, part], the shares sum to ``amount``, the first
    part's share is r(part·a/T) (so put the seller first), and a = T returns the parts exactly.
    """
    total = sum(parts)
    if not 0 <= amount <= total:
        raise errors.InvalidAmount(f"Cannot allocate {amount} over {total}")
    if total == 0:
        return [0 for _ in parts]
    shares, prefix, previous = [], 0, 0
    for part in parts:
        prefix += part
        current = _round_half_up_div(prefix * amount, total)
        shares.append(current - previous)
        previous = current
    return shares


def _fits(explicit: tuple[int, int, int, dict[str, int]], remaining: dict[int, int], accounts: dict[int, Account]) -> bool:
    """Whether explicit parts are each within what remains of their account."""
    share, commission, _vat_total, vat = explicit
    left = {AccountKind.SELLER_PAYABLE: 0, AccountKind.COMMISSION_REVENUE: 0}
    left_vat: dict[str, int] = {}
    for pk, value in remaining.items():
        kind = accounts[pk].kind
        if kind == AccountKind.VAT_PAYABLE:
            left_vat[accounts[pk].owner_id] = value
        elif kind in left:
            left[kind] = value
    return (
        share <= left[AccountKind.SELLER_PAYABLE] and commission <= left[AccountKind.COMMISSION_REVENUE]
        and all(v <= left_vat.get(m, 0) for m, v in vat.items())
    )


def _post_reversal(
    *, kind: str, seller_order_ref: str, currency: str, amount: int | None, unique_key: str, memo: str,
    explicit: tuple[int, int, int, dict[str, int]] | None = None, fallback_proportional: bool = False,
) -> JournalEntry | None:
    existing = _existing(unique_key, kind, f"{seller_order_ref}:{kind}") if unique_key else None
    if existing is not None:
        return existing
    remaining, accounts = _remaining_parts(seller_order_ref, currency)
    if not accounts:
        if kind == EntryKind.CANCELLATION:
            return None
        raise errors.NothingCaptured(f"Nothing was captured in {currency} for {seller_order_ref}")
    # Serialise reversals of the same seller order: lock its seller account row.
    seller_ids = [a.pk for a in accounts.values() if a.kind == AccountKind.SELLER_PAYABLE]
    list(Account.objects.select_for_update().filter(pk__in=sorted(seller_ids) or [min(accounts)]).order_by("pk"))
    remaining, accounts = _remaining_parts(seller_order_ref, currency)
    total_remaining = sum(remaining.values())
    if amount is None:
        amount = total_remaining
    if amount > total_remaining:
        raise errors.RefundExceedsCapture(
            f"Refund of {amount} exceeds what remains captured for {seller_order_ref}: {total_remaining}"
        )
    if amount == 0:
        if kind == EntryKind.CANCELLATION:
            return None
        raise errors.InvalidAmount("A refund must be greater than 0")
    order = sorted(remaining, key=lambda pk: (_PART_ORDER.get(accounts[pk].kind, 9), accounts[pk].owner_id, pk))
    if explicit is not None and fallback_proportional and not _fits(explicit, remaining, accounts):
        explicit = None
    if explicit is None:
        shares = dict(zip(order, allocate_proportionally(amount, [remaining[pk] for pk in order])))
    else:
        share, commission, _vat_total, vat = explicit
        vat = dict(vat)
        shares = {}
        for pk in order:
            account = accounts[pk]
            if account.kind == AccountKind.SELLER_PAYABLE:
                shares[pk] = share
            elif account.kind == AccountKind.COMMISSION_REVENUE:
                shares[pk] = commission
            elif account.kind == AccountKind.VAT_PAYABLE:
                shares[pk] = vat.pop(account.owner_id, 0)
        unknown = {m: v for m, v in vat.items() if v}
        known_total = sum(shares.values())
        if unknown or known_total != amount:
            raise errors.UnbalancedEntry(
                f"Refund parts of {seller_order_ref} do not match what was captured or sum to {known_total} ≠ {amount}"
            )
        for pk, value in shares.items():
            if value > remaining[pk]:
                raise errors.RefundExceedsCapture(
                    f"Refund of {value} on {accounts[pk]} exceeds its remaining {remaining[pk]} for {seller_order_ref}"
                )
    buyer = account_get_or_create(kind=AccountKind.BUYER_CLEARING, currency=currency)
    lines = [LineSpec(buyer, -amount)] + [LineSpec(accounts[pk], shares[pk]) for pk in order if shares[pk]]
    return entry_post(
        kind=kind, reference=f"{seller_order_ref}:{kind}", lines=lines, currency=currency,
        unique_key=unique_key, memo=memo,
    )


@transaction.atomic
def ledger_post_refund(
    *,
    seller_order_ref: str,
    currency: str,
    refund_gross: int,
    unique_key: str,
    seller_id: int | None = None,
    seller_net_share: int | None = None,
    commission: int | None = None,
    vat_by_market_marketplace_liable: Mapping[str, int] | None = None,
    fallback_proportional: bool = False,
    memo: str = "",
) -> JournalEntry:
    """Reverse ``refund_gross`` of a seller order's captures: Cr buyer clearing, Dr the parts.

    Without parts, the refund is split in proportion to what remains of each part (seller share
    first, rounded half up; see ``allocate_proportionally``), so that refunds adding up to the
    capture reverse it exactly. With parts (seller_net_share, commission and the VAT dict all
    given: what the refunded units were captured with), they must sum to ``refund_gross`` and
    none may exceed what remains (``RefundExceedsCapture``), unless ``fallback_proportional``:
    then parts that no longer fit (an earlier refund of the order was split in proportion) give
    way to the split in proportion. A refund beyond what remains captured raises
    ``RefundExceedsCapture``. Idempotent on ``unique_key``.
    """
    _check_currency(currency)
    _check_int(refund_gross, "refund_gross", minimum=1)
    explicit = None
    given = [seller_net_share is not None, commission is not None, vat_by_market_marketplace_liable is not None]
    if any(given):
        if not all(given):
            raise errors.LedgerError(
                "Give all of seller_net_share, commission and vat_by_market_marketplace_liable, or none",
                code="ledger_partial_split",
            )
        vat = dict(vat_by_market_marketplace_liable)
        _check_parts(seller_net_share, commission, vat)
        explicit = (seller_net_share, commission, sum(vat.values()), vat)
    if seller_id is not None:
        _remaining, accounts = _remaining_parts(seller_order_ref, currency)
        owners = {a.owner_id for a in accounts.values() if a.kind == AccountKind.SELLER_PAYABLE}
        if owners and owners != {str(seller_id)}:
            raise errors.LedgerError(f"{seller_order_ref} was not captured for seller {seller_id}", code="ledger_wrong_seller")
    return _post_reversal(
        kind=EntryKind.REFUND, seller_order_ref=seller_order_ref, currency=currency, amount=refund_gross,
        unique_key=unique_key, memo=memo, explicit=explicit, fallback_proportional=fallback_proportional,
    )


@transaction.atomic
def ledger_post_cancellation(*, seller_order_ref: str, currency: str, unique_key: str, memo: str = "") -> JournalEntry | None:
    """Reverse everything that remains captured for a seller order (after any refunds).

    Returns None when nothing remains (never captured, or already fully refunded): a seller
    order cancelled before capture moved no money. Idempotent on ``unique_key``.
    """
    _check_currency(currency)
    return _post_reversal(
        kind=EntryKind.CANCELLATION, seller_order_ref=seller_order_ref, currency=currency, amount=None,
        unique_key=unique_key, memo=memo,
    )


# --- payments and payouts ------------------------------------------------------------------

def _cash_account(provider: str, currency: str) -> Account:
    return account_get_or_create(kind=AccountKind.CASH, currency=currency, owner_type=OwnerType.PROVIDER, owner_id=provider)


def ledger_post_payment_capture(
    *, payment_ref: str, provider: str, currency: str, amount: int, unique_key: str
) -> JournalEntry:
    """The provider captured the buyer's money: Dr cash at provider, Cr buyer clearing."""
    _check_currency(currency)
    _check_int(amount, "amount", minimum=1)
    buyer = account_get_or_create(kind=AccountKind.BUYER_CLEARING, currency=currency)
    return entry_post(
        kind=EntryKind.PAYMENT_CAPTURE, reference=f"{payment_ref}:capture", currency=currency, unique_key=unique_key,
        lines=[LineSpec(_cash_account(provider, currency), amount), LineSpec(buyer, -amount)],
    )


def ledger_post_payment_refund(
    *, payment_ref: str, provider: str, currency: str, amount: int, unique_key: str
) -> JournalEntry:
    """The provider returned money to the buyer: Dr buyer clearing, Cr cash at provider."""
    _check_currency(currency)
    _check_int(amount, "amount", minimum=1)
    buyer = account_get_or_create(kind=AccountKind.BUYER_CLEARING, currency=currency)
    return entry_post(
        kind=EntryKind.PAYMENT_REFUND, reference=f"{payment_ref}:refund", currency=currency, unique_key=unique_key,
        lines=[LineSpec(buyer, amount), LineSpec(_cash_account(provider, currency), -amount)],
    )


def _partner_account(partner_id: int, currency: str) -> Account:
    return account_get_or_create(
        kind=AccountKind.PARTNER_PAYABLE, currency=currency, owner_type=OwnerType.PARTNER, owner_id=partner_id
    )


@transaction.atomic
def ledger_post_payout(
    *, currency: str, amount: int, unique_key: str, reference: str = "", seller_id: int | None = None,
    partner_id: int | None = None,
) -> JournalEntry:
    """Pay a seller (Dr seller payable) or a store partner (Dr partner payable) out, Cr payouts.
    Exactly one payee. Refuses more than the payee's balance, read under its account's row lock."""
    _check_currency(currency)
    _check_int(amount, "amount", minimum=1)
    if (seller_id is None) == (partner_id is None):
        raise errors.LedgerError("A payout pays one seller or one store partner", code="ledger_payout_payee")
    if seller_id is not None:
        payable, who = _seller_account(seller_id, currency), f"seller {seller_id}"
        reference = reference or f"payout:seller:{seller_id}"
    else:
        payable, who = _partner_account(partner_id, currency), f"store partner {partner_id}"
        reference = reference or f"payout:partner:{partner_id}"
    existing = _existing(unique_key, EntryKind.PAYOUT, reference)
    if existing is not None:
        return existing
    Account.objects.select_for_update().filter(pk=payable.pk).first()
    balance = -account_balance(payable)
    if amount > balance:
        raise errors.InsufficientBalance(f"Payout of {amount} exceeds {who}'s balance of {balance} {currency}")
    payouts = account_get_or_create(kind=AccountKind.PAYOUTS, currency=currency)
    return entry_post(
        kind=EntryKind.PAYOUT, reference=reference, currency=currency, unique_key=unique_key,
        lines=[LineSpec(payable, amount), LineSpec(payouts, -amount)],
    )
