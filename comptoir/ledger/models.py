"""Double-entry journal.

Sign convention: a JournalLine amount is a signed integer of minor units, **debit positive,
credit negative**. Every entry balances: for each currency, the sum of its lines is 0.
The balance of an account is the sum of its lines, so asset-like accounts (buyer clearing,
cash) carry positive balances and liability/revenue accounts (seller payable, commission
revenue, VAT payable) carry negative ones. Selectors that speak to people (``seller_balance``)
flip the sign so that "the marketplace owes the seller 12.00" reads as +1200.

The journal is append-only: corrections are new entries, never edits.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    BUYER_CLEARING = "buyer_clearing", _("Buyer clearing")
    SELLER_PAYABLE = "seller_payable", _("Seller payable")
    COMMISSION_REVENUE = "commission_revenue", _("Commission revenue")
    VAT_PAYABLE = "vat_payable", _("VAT payable")
    REFUNDS = "refunds", _("Refunds")
    PAYOUTS = "payouts", _("Payouts")
    CASH = "cash", _("Cash at payment provider")
    ADJUSTMENTS = "adjustments", _("Adjustments")
    PARTNER_PAYABLE = "partner_payable", _("Store partner payable")
    TILL_CASH = "till_cash", _("Cash in store tills")


class OwnerType(models.TextChoices):
    NONE = "", _("Marketplace")
    SELLER = "seller", _("Seller")
    MARKET = "market", _("Market")
    PROVIDER = "provider", _("Payment provider")
    PARTNER = "partner", _("Store partner")
    STORE = "store", _("Store")


class Account(models.Model):
    """One account per (kind, owner, currency). No owner is stored as empty strings (so that
    the uniqueness holds on every database, unlike NULLs)."""

    kind = models.CharField(_("kind"), max_length=24, choices=AccountKind.choices)
    owner_type = models.CharField(_("owner type"), max_length=16, choices=OwnerType.choices, blank=True, default="")
    owner_id = models.CharField(_("owner id"), max_length=64, blank=True, default="")
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "owner_type", "owner_id", "currency"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_type", "owner_id", "currency"], name="ledger_account_unique"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_account_currency_iso"),
            models.CheckConstraint(
                condition=(Q(owner_type="") & Q(owner_id="")) | (~Q(owner_type="") & ~Q(owner_id="")),
                name="ledger_account_owner_pair",
            ),
        ]

    def __str__(self) -> str:
        owner = f" {self.owner_type}:{self.owner_id}" if self.owner_type else ""
        return f"{self.kind}{owner} [{self.currency}]"


class EntryKind(models.TextChoices):
    CAPTURE = "capture", _("Capture")
    REFUND = "refund", _("Refund")
    CANCELLATION = "cancellation", _("Cancellation")
    PAYMENT_CAPTURE = "payment_capture", _("Payment captured")
    PAYMENT_REFUND = "payment_refund", _("Payment refunded")
    PAYOUT = "payout", _("Payout")
    ADJUSTMENT = "adjustment", _("Adjustment")
    POS_SALE = "pos_sale", _("In-store sale")
    POS_RETURN = "pos_return", _("In-store return")
    CASH_DIFFERENCE = "cash_difference", _("Till cash difference")


class JournalEntry(models.Model):
    """What caused a money movement. ``unique_key`` makes posting a business event idempotent."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    reference = models.CharField(_("reference"), max_length=200, db_index=True)
    unique_key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True, unique=True)
    memo = models.CharField(_("memo"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}"


class JournalLine(models.Model):
    """One side of an entry. amount: signed minor units, debit > 0, credit < 0, never 0."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField(_("amount (minor units, debit +, credit −)"))
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["entry_id", "id"]
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_nonzero"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_line_currency_iso"),
        ]
        indexes = [models.Index(fields=["account", "currency"])]

    def __str__(self) -> str:
        return f"{self.account} {self.amount:+d}"


class PayoutRunState(models.TextChoices):
    PREPARED = "prepared", _("File ready for the bank")
    PAID = "paid", _("Paid")


class PayoutRun(models.Model):
    """One weekly payout run: a payout per seller and per store partner with a positive available
    balance, one SEPA credit-transfer file (pain.001) for the operator's bank."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    currency = models.CharField(_("currency"), max_length=3)
    execution_date = models.DateField(_("execution date"))
    state = models.CharField(_("state"), max_length=10, choices=PayoutRunState.choices, default=PayoutRunState.PREPARED)
    message_id = models.CharField(_("message id"), max_length=40, blank=True)
    total = models.BigIntegerField(_("total (minor units)"), default=0)
    payout_count = models.PositiveIntegerField(_("payouts"), default=0)
    sepa_xml = models.TextField(_("pain.001 file"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payout run")
        verbose_name_plural = _("payout runs")
        constraints = [models.CheckConstraint(condition=Q(total__gte=0), name="ledger_payoutrun_total_nonneg")]


class Payout(models.Model):
    """What one payee is paid in a run, and why: its balance, the reserve kept for sales whose
    return window is still open, the amount (balance − reserve, never more than the balance).
    The payee is a seller, or a store partner paid its share of the commission on its stores'
    sales (``partner_id``: comptoir.stores' Partner, by id, as its ledger accounts name it — the
    ledger sits below stores)."""

    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payouts")
    seller = models.ForeignKey("sellers.Seller", null=True, blank=True, on_delete=models.PROTECT, related_name="payouts")
    partner_id = models.PositiveBigIntegerField(_("store partner"), null=True, blank=True, db_index=True)
    currency = models.CharField(_("currency"), max_length=3)
    balance = models.BigIntegerField(_("balance before"))
    reserve = models.BigIntegerField(_("reserve"))
    amount = models.BigIntegerField(_("amount"))
    iban = models.CharField(_("IBAN"), max_length=34)
    beneficiary = models.CharField(_("beneficiary"), max_length=200)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payout")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run_id", "partner_id", "seller_id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(amount__lte=F("balance")), name="ledger_payout_within_balance"),
            models.UniqueConstraint(fields=["run", "seller", "currency"], name="ledger_payout_one_per_run"),
            models.UniqueConstraint(fields=["run", "partner_id", "currency"], condition=Q(partner_id__isnull=False),
                                    name="ledger_payout_one_per_run_partner"),
            models.CheckConstraint(
                condition=(Q(seller__isnull=False) & Q(partner_id__isnull=True)) | (Q(seller__isnull=True) & Q(partner_id__isnull=False)),
                name="ledger_payout_one_payee",
            ),
        ]

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None
