"""Weekly seller payouts: what each seller is paid, one balanced journal entry per payout, and
the SEPA credit-transfer file (pain.001.001.03, built and validated against its XSD by sepaxml)
for the operator's bank.

Amount per seller and currency = balance − reserve, when positive, where
* balance is what the journal says the marketplace owes the seller (``seller_balance``);
* reserve is the seller's remaining share of its seller orders whose return window is still
  open (the caller names them: orders knows deliveries and windows, the ledger knows shares).
A payout never exceeds the balance (``ledger_post_payout`` checks it under the account's row
lock, and a CHECK constraint backs it). A negative balance (a refund after a payout) pays
nothing and is carried forward: later sales make it up. Sellers that are not approved, or have
no IBAN, are held (listed with the reason, not paid).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.sellers.models import Seller, SellerStatus, WebhookEvent
from comptoir.sellers.webhooks import webhook_emit

from . import errors
from .models import AccountKind, JournalLine, OwnerType, Payout, PayoutRun, PayoutRunState
from .selectors import capture_reference, reversal_references
from .services import ledger_post_payout

SEPA_CURRENCY = "EUR"


@dataclass(frozen=True, slots=True)
class PayoutLine:
    """One seller in a payout plan (amounts in minor units)."""

    seller_id: int
    seller_name: str
    iban: str
    balance: int
    reserve: int
    amount: int
    held_reason: str  # empty when paid


def _balances(currency: str) -> dict[int, int]:
    rows = (
        JournalLine.objects.filter(account__kind=AccountKind.SELLER_PAYABLE, account__owner_type=OwnerType.SELLER, currency=currency)
        .values("account__owner_id").annotate(s=Sum("amount")).order_by()
    )
    return {int(r["account__owner_id"]): -r["s"] for r in rows if r["s"]}


def reserves_for(seller_order_refs: Iterable[str], currency: str) -> dict[int, int]:
    """{seller id: remaining seller share} of the given seller orders (``seller_order:<id>``):
    what their captures credited the seller, less their refunds and cancellations. One query."""
    references = []
    for ref in seller_order_refs:
        references += [capture_reference(ref), *reversal_references(ref)]
    if not references:
        return {}
    rows = (
        JournalLine.objects.filter(account__kind=AccountKind.SELLER_PAYABLE, account__owner_type=OwnerType.SELLER,
                                   currency=currency, entry__reference__in=references)
        .values("account__owner_id").annotate(s=Sum("amount")).order_by()
    )
    return {int(r["account__owner_id"]): max(0, -r["s"]) for r in rows}


def payout_plan(*, currency: str, open_seller_order_refs: Iterable[str]) -> list[PayoutLine]:
    """Every seller with a non-zero balance in ``currency``, with what it would be paid now."""
    balances = _balances(currency)
    reserves = reserves_for(open_seller_order_refs, currency)
    sellers = Seller.objects.in_bulk(list(balances))
    lines = []
    for seller_id in sorted(balances, key=lambda pk: (sellers[pk].display_name, pk)):
        seller, balance = sellers[seller_id], balances[seller_id]
        reserve = min(reserves.get(seller_id, 0), max(balance, 0))
        amount = balance - reserve
        held = ""
        if amount <= 0:
            held = _("negative balance carried forward") if balance < 0 else _("nothing available yet")
        elif seller.status != SellerStatus.APPROVED:
            held = _("seller is %(status)s") % {"status": seller.get_status_display().lower()}
        elif not seller.iban:
            held = _("no IBAN")
        lines.append(PayoutLine(seller_id, seller.legal_name or seller.display_name, seller.iban, balance, reserve,
                                amount if not held else 0, held))
    return lines


def _sepa_file(run: PayoutRun, payouts: list[Payout], debtor: Mapping[str, str]) -> tuple[str, str]:
    """(pain.001 XML, message id), validated against the pain.001.001.03 XSD by sepaxml."""
    from sepaxml import SepaTransfer

    config = {"name": debtor["name"], "IBAN": debtor["iban"], "batch": True, "currency": run.currency}
    if debtor.get("bic"):
        config["BIC"] = debtor["bic"]
    sepa = SepaTransfer(config, clean=True)
    for payout in payouts:
        sepa.add_payment({
            "name": payout.beneficiary[:70], "IBAN": payout.iban, "amount": payout.amount,
            "execution_date": run.execution_date, "description": f"Comptoir payout {run.pk} {payout.end_to_end_id}"[:140],
            "endtoend_id": payout.end_to_end_id,
        })
    xml = sepa.export(validate=True).decode("utf-8")
    return xml, sepa.msg_id


@transaction.atomic
def payout_run_create(
    *, open_seller_order_refs: Iterable[str], debtor: Mapping[str, str], execution_date: dt.date | None = None,
    currency: str = SEPA_CURRENCY, created_by=None,
) -> PayoutRun:
    """Pay every seller its available balance: one payout (and journal entry: Dr seller payable,
    Cr payouts) per seller, one pain.001 file. All or nothing: a failure (the file does not
    validate, a balance moved under us) writes nothing."""
    if currency != SEPA_CURRENCY:
        raise errors.LedgerError(_("SEPA credit transfers are in euros only."), code="payout_currency")
    plan = [line for line in payout_plan(currency=currency, open_seller_order_refs=list(open_seller_order_refs)) if line.amount > 0]
    if not plan:
        raise errors.LedgerError(_("No seller has a balance to pay out."), code="payout_nothing_to_pay")
    run = PayoutRun.objects.create(currency=currency, execution_date=execution_date or timezone.localdate(), created_by=created_by)
    payouts = []
    for line in plan:
        entry = ledger_post_payout(
            seller_id=line.seller_id, currency=currency, amount=line.amount,
            unique_key=f"payout_run:{run.pk}:seller:{line.seller_id}:{currency}", reference=f"payout:{run.pk}:seller:{line.seller_id}",
        )
        payouts.append(Payout(
            run=run, seller_id=line.seller_id, currency=currency, balance=line.balance, reserve=line.reserve,
            amount=line.amount, iban=line.iban, beneficiary=line.seller_name, end_to_end_id=f"CPT-{run.pk}-{line.seller_id}",
            entry=entry,
        ))
    Payout.objects.bulk_create(payouts)
    run.sepa_xml, run.message_id = _sepa_file(run, payouts, debtor)
    run.total, run.payout_count = sum(p.amount for p in payouts), len(payouts)
    run.save(update_fields=["sepa_xml", "message_id", "total", "payout_count"])
    return run


@transaction.atomic
def payout_run_mark_paid(*, run: PayoutRun) -> PayoutRun:
    """The bank executed the file: the run is paid and each seller's webhooks get ``payout.paid``."""
    run = PayoutRun.objects.select_for_update().get(pk=run.pk)
    if run.state == PayoutRunState.PAID:
        raise errors.LedgerError(_("This payout run is already marked paid."), code="payout_run_already_paid")
    run.state, run.paid_at = PayoutRunState.PAID, timezone.now()
    run.save(update_fields=["state", "paid_at"])
    for payout in run.payouts.all():
        webhook_emit(seller_id=payout.seller_id, event=WebhookEvent.PAYOUT_PAID, data={"payout": {
            "run": run.pk, "end_to_end_id": payout.end_to_end_id, "amount": payout.amount, "currency": payout.currency,
            "iban_last4": payout.iban[-4:], "execution_date": run.execution_date,
        }})
    return run
