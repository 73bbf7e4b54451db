"""Ledger reads. Balances follow the journal sign convention (debit +, credit −) unless stated."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Account, AccountKind, EntryKind, JournalEntry, JournalLine, OwnerType, Payout, PayoutRun


def account_balance(account: Account) -> int:
    """Σ of the account's lines (debit +, credit −); 0 for an account with no lines."""
    return JournalLine.objects.filter(account=account).aggregate(s=Coalesce(Sum("amount"), Value(0)))["s"]


def seller_balance(*, seller_id: int, currency: str) -> int:
    """What the marketplace owes the seller, in minor units (positive = owed to the seller).

    This is the seller payable account's balance with its sign flipped (it is credit-normal).
    """
    total = JournalLine.objects.filter(
        account__kind=AccountKind.SELLER_PAYABLE,
        account__owner_type=OwnerType.SELLER,
        account__owner_id=str(seller_id),
        currency=currency,
    ).aggregate(s=Coalesce(Sum("amount"), Value(0)))["s"]
    return -total


def trial_balance(currency: str | None = None) -> dict[str, int]:
    """Σ of every journal line per currency. A sound journal gives 0 for each currency.

    With ``currency``, the dict has exactly that key (0 when the journal has none of it).
    """
    qs = JournalLine.objects.all()
    if currency:
        qs = qs.filter(currency=currency)
    result = {row["currency"]: row["s"] for row in qs.values("currency").annotate(s=Sum("amount")).order_by("currency")}
    if currency:
        result.setdefault(currency, 0)
    return result


def entries_for_reference(prefix: str) -> QuerySet[JournalEntry]:
    """Entries whose reference starts with ``prefix`` (e.g. "seller_order:45"), oldest first,
    lines prefetched with their accounts."""
    return (
        JournalEntry.objects.filter(reference__startswith=prefix)
        .prefetch_related("lines__account")
        .order_by("id")
    )


def accounts_with_balances() -> QuerySet[Account]:
    """Every account annotated with ``balance`` (debit +, credit −) and ``line_count``."""
    from django.db.models import Count

    return Account.objects.annotate(
        balance=Coalesce(Sum("lines__amount"), Value(0)), line_count=Count("lines")
    ).order_by("kind", "owner_type", "owner_id", "currency")


@dataclass(frozen=True, slots=True)
class SellerOrderLedger:
    """Money of one seller order as the journal sees it (positive minor units)."""

    reference: str
    currency: str | None
    captured_gross: int
    reversed_gross: int  # refunded + cancelled

    @property
    def remaining_gross(self) -> int:
        return self.captured_gross - self.reversed_gross


def capture_reference(seller_order_ref: str) -> str:
    return f"{seller_order_ref}:capture"


def reversal_references(seller_order_ref: str) -> tuple[str, str]:
    return f"{seller_order_ref}:refund", f"{seller_order_ref}:cancellation"


def seller_order_ledger(seller_order_ref: str) -> SellerOrderLedger:
    """Captured and reversed gross of a seller order, read from its buyer clearing lines."""
    lines = JournalLine.objects.filter(account__kind=AccountKind.BUYER_CLEARING)
    captured = lines.filter(
        entry__kind=EntryKind.CAPTURE, entry__reference=capture_reference(seller_order_ref)
    )
    reversed_ = lines.filter(
        Q(entry__kind=EntryKind.REFUND) | Q(entry__kind=EntryKind.CANCELLATION),
        entry__reference__in=reversal_references(seller_order_ref),
    )
    currency = captured.values_list("currency", flat=True).first()
    captured_sum = captured.aggregate(s=Coalesce(Sum("amount"), Value(0)))["s"]
    reversed_sum = reversed_.aggregate(s=Coalesce(Sum("amount"), Value(0)))["s"]
    return SellerOrderLedger(
        reference=seller_order_ref, currency=currency, captured_gross=captured_sum, reversed_gross=-reversed_sum
    )


def seller_balances(*, seller_id: int) -> dict[str, int]:
    """{currency: what the marketplace owes the seller} for every currency the seller has lines in."""
    rows = (
        JournalLine.objects.filter(
            account__kind=AccountKind.SELLER_PAYABLE, account__owner_type=OwnerType.SELLER, account__owner_id=str(seller_id)
        ).values("currency").annotate(s=Sum("amount")).order_by("currency")
    )
    return {row["currency"]: -row["s"] for row in rows}


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One movement of a seller's or a store partner's balance (amount positive = owed to them)."""

    at: object
    kind: str
    kind_label: str
    reference: str
    memo: str
    amount: int
    balance: int


def _statement(*, kind: str, owner_type: str, owner_id: int, currency: str) -> list[StatementLine]:
    rows = (
        JournalLine.objects.filter(
            account__kind=kind, account__owner_type=owner_type, account__owner_id=str(owner_id), currency=currency,
        ).select_related("entry").order_by("entry_id", "id")
    )
    labels = dict(EntryKind.choices)
    lines, balance = [], 0
    for row in rows:
        balance -= row.amount
        entry = row.entry
        lines.append(StatementLine(entry.created_at, entry.kind, str(labels.get(entry.kind, entry.kind)), entry.reference,
                                   entry.memo, -row.amount, balance))
    return lines


def seller_statement(*, seller_id: int, currency: str) -> list[StatementLine]:
    """Every movement of the seller's payable account in ``currency``, oldest first, with the
    running balance (captures, refunds, cancellations, payouts)."""
    return _statement(kind=AccountKind.SELLER_PAYABLE, owner_type=OwnerType.SELLER, owner_id=seller_id, currency=currency)


def partner_balance(*, partner_id: int, currency: str) -> int:
    """What the marketplace owes a store partner (its share of the commission on its stores'
    in-store sales, less returns and payouts), positive = owed to the partner."""
    total = JournalLine.objects.filter(
        account__kind=AccountKind.PARTNER_PAYABLE, account__owner_type=OwnerType.PARTNER,
        account__owner_id=str(partner_id), currency=currency,
    ).aggregate(s=Coalesce(Sum("amount"), Value(0)))["s"]
    return -total


def partner_balances(*, partner_id: int) -> dict[str, int]:
    """{currency: what the marketplace owes the partner} for every currency it has lines in."""
    rows = (
        JournalLine.objects.filter(
            account__kind=AccountKind.PARTNER_PAYABLE, account__owner_type=OwnerType.PARTNER, account__owner_id=str(partner_id)
        ).values("currency").annotate(s=Sum("amount")).order_by("currency")
    )
    return {row["currency"]: -row["s"] for row in rows}


def partner_statement(*, partner_id: int, currency: str) -> list[StatementLine]:
    """Every movement of the partner's payable account in ``currency``, oldest first, with the
    running balance (in-store sales, returns, payouts)."""
    return _statement(kind=AccountKind.PARTNER_PAYABLE, owner_type=OwnerType.PARTNER, owner_id=partner_id, currency=currency)


def payout_runs() -> QuerySet[PayoutRun]:
    return PayoutRun.objects.order_by("-created_at", "-pk")


def payouts_of_seller(*, seller_id: int) -> QuerySet[Payout]:
    return Payout.objects.filter(seller_id=seller_id).select_related("run").order_by("-run__created_at", "-pk")


def payouts_of_partner(*, partner_id: int) -> QuerySet[Payout]:
    return Payout.objects.filter(partner_id=partner_id).select_related("run").order_by("-run__created_at", "-pk")
