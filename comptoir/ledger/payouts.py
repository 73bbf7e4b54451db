"""Weekly payouts to sellers and store partners: what each is paid, one balanced journal entry
per payout, and the SEPA credit-transfer file (pain.001.001.03, built and validated against its
XSD by sepaxml) for the operator's bank.

Amount per payee and currency = balance − reserve, when positive, where
* balance is what the journal says the marketplace owes the payee (``seller_balance``;
  ``partner_balance``: a store partner's share of the commission on its stores' in-store sales);
* reserve is the payee's remaining share of the sales whose return window is still open. The
  caller names them (orders knows deliveries and windows; stores knows its till sales, returnable
  in store for 30 days, and their returns so far), the ledger knows shares: a seller's reserve
  is its share of its open seller orders and of the open till sales; a partner's, its share of
  the open till sales at its stores (a return at the till debits both shares back).
A payout never exceeds the balance (``ledger_post_payout`` checks it under the account's row
lock, and a CHECK constraint backs it). A negative balance (a refund after a payout) pays
nothing and is carried forward: later sales make it up. Sellers that are not approved, and
payees without an IBAN, are held (listed with the reason, not paid). The ledger sits below
stores: the caller gives each partner's name, IBAN and any reason to hold it (``PartnerPayee``).
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
    """One payee in a payout plan (amounts in minor units): a seller, or a store partner
    (``partner_id`` set, ``seller_id`` None)."""

    seller_id: int | None
    seller_name: str  # the beneficiary's name
    iban: str
    balance: int
    reserve: int
    amount: int
    held_reason: str  # empty when paid
    partner_id: int | None = None

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None


@dataclass(frozen=True, slots=True)
class PartnerPayee:
    """A store partner as the payout run needs it: who is paid, where, or why not."""

    partner_id: int
    name: str  # the account holder's name
    iban: str
    held_reason: str = ""


def _balances(currency: str, kind: str = AccountKind.SELLER_PAYABLE, owner_type: str = OwnerType.SELLER) -> dict[int, int]:
    rows = (
        JournalLine.objects.filter(account__kind=kind, account__owner_type=owner_type, currency=currency)
        .values("account__owner_id").annotate(s=Sum("amount")).order_by()
    )
    return {int(r["account__owner_id"]): -r["s"] for r in rows if r["s"]}


def till_reserves_for(till_refs: Iterable[str], currency: str, kind: str, owner_type: str) -> dict[int, int]:
    """{owner id: remaining share} of the payable accounts of ``kind`` over the given till
    entries (the in-store sales still returnable, ``pos_sale:<number>``, and their returns so
    far, ``pos_return:<number>``): what a return at the till could still take back. One query."""
    references = list(till_refs)
    if not references:
        return {}
    rows = (
        JournalLine.objects.filter(account__kind=kind, account__owner_type=owner_type, currency=currency,
                                   entry__reference__in=references)
        .values("account__owner_id").annotate(s=Sum("amount")).order_by()
    )
    return {int(r["account__owner_id"]): max(0, -r["s"]) for r in rows}


def _amount_and_reason(balance: int, reserve: int) -> tuple[int, int, str]:
    reserve = min(reserve, max(balance, 0))
    amount = balance - reserve
    if amount <= 0:
        return reserve, amount, _("negative balance carried forward") if balance < 0 else _("nothing available yet")
    return reserve, amount, ""


def _partner_plan(currency: str, partners: Mapping[int, PartnerPayee], open_till_refs: list[str]) -> list[PayoutLine]:
    balances = _balances(currency, AccountKind.PARTNER_PAYABLE, OwnerType.PARTNER)
    reserves = till_reserves_for(open_till_refs, currency, AccountKind.PARTNER_PAYABLE, OwnerType.PARTNER)
    lines = []
    for partner_id in sorted(balances, key=lambda pk: (partners[pk].name if pk in partners else "", pk)):
        payee, balance = partners.get(partner_id), balances[partner_id]
        reserve, amount, held = _amount_and_reason(balance, reserves.get(partner_id, 0))
        if not held:
            if payee is None:
                held = _("unknown store partner")
            elif payee.held_reason:
                held = payee.held_reason
            elif not payee.iban:
                held = _("no IBAN")
        lines.append(PayoutLine(None, payee.name if payee else f"#{partner_id}", payee.iban if payee else "", balance, reserve,
                                amount if not held else 0, held, partner_id=partner_id))
    return lines


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


def payout_plan(
    *, currency: str, open_seller_order_refs: Iterable[str], partners: Mapping[int, PartnerPayee] | None = None,
    open_till_refs: Iterable[str] = (),
) -> list[PayoutLine]:
    """Every seller, then every store partner, with a non-zero balance in ``currency``, with what
    it would be paid now."""
    open_till_refs = list(open_till_refs)
    balances = _balances(currency)
    reserves = reserves_for(open_seller_order_refs, currency)
    for seller_id, amount in till_reserves_for(open_till_refs, currency, AccountKind.SELLER_PAYABLE, OwnerType.SELLER).items():
        reserves[seller_id] = reserves.get(seller_id, 0) + amount
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
    return lines + _partner_plan(currency, partners or {}, open_till_refs)


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
    currency: str = SEPA_CURRENCY, created_by=None, partners: Mapping[int, PartnerPayee] | None = None,
    open_till_refs: Iterable[str] = (),
) -> PayoutRun:
    """Pay every seller and store partner its available balance: one payout (and journal entry:
    Dr seller or partner payable, Cr payouts) per payee, one pain.001 file. All or nothing: a
    failure (the file does not validate, a balance moved under us) writes nothing."""
    if currency != SEPA_CURRENCY:
        raise errors.LedgerError(_("SEPA credit transfers are in euros only."), code="payout_currency")
    plan = [line for line in payout_plan(currency=currency, open_seller_order_refs=list(open_seller_order_refs), partners=partners,
                                         open_till_refs=list(open_till_refs)) if line.amount > 0]
    if not plan:
        raise errors.LedgerError(_("No seller or store partner has a balance to pay out."), code="payout_nothing_to_pay")
    run = PayoutRun.objects.create(currency=currency, execution_date=execution_date or timezone.localdate(), created_by=created_by)
    payouts = []
    for line in plan:
        if line.is_partner:
            entry = ledger_post_payout(
                partner_id=line.partner_id, currency=currency, amount=line.amount,
                unique_key=f"payout_run:{run.pk}:partner:{line.partner_id}:{currency}",
                reference=f"payout:{run.pk}:partner:{line.partner_id}",
            )
            payouts.append(Payout(
                run=run, partner_id=line.partner_id, currency=currency, balance=line.balance, reserve=line.reserve,
                amount=line.amount, iban=line.iban, beneficiary=line.seller_name, end_to_end_id=f"CPT-{run.pk}-P{line.partner_id}",
                entry=entry,
            ))
            continue
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
    """The bank executed the file: the run is paid and each paid seller's webhooks get
    ``payout.paid`` (store partners have no webhooks: their statement shows the payout)."""
    run = PayoutRun.objects.select_for_update().get(pk=run.pk)
    if run.state == PayoutRunState.PAID:
        raise errors.LedgerError(_("This payout run is already marked paid."), code="payout_run_already_paid")
    run.state, run.paid_at = PayoutRunState.PAID, timezone.now()
    run.save(update_fields=["state", "paid_at"])
    for payout in run.payouts.filter(seller__isnull=False):
        webhook_emit(seller_id=payout.seller_id, event=WebhookEvent.PAYOUT_PAID, data={"payout": {
            "run": run.pk, "end_to_end_id": payout.end_to_end_id, "amount": payout.amount, "currency": payout.currency,
            "iban_last4": payout.iban[-4:], "execution_date": run.execution_date,
        }})
    return run
