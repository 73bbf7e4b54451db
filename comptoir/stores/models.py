"""Physical stores, the partners who run some of them, their staff, and consigned stock.

A store is a stock location of kind "store" (comptoir.inventory: its address, coordinates,
status, time zone and opening hours live there, as the delivery promise needs them); this app
adds who runs it, who works there and how sellers' units get onto its shelves. Units on a shelf
still belong to their seller: they are the seller's offer's StockLevel at the store's location.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.inventory.models import Offer, StockLevel, StockLocation
from comptoir.markets.models import Market
from comptoir.sellers.models import Seller


class Partner(models.Model):
    """A company that runs stores for the marketplace; its identity is checked like a seller's,
    and it earns `share_bp` of the marketplace's commission on its stores' sales."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    company_id = models.CharField(_("company registration number"), max_length=30)
    # Where its share is paid (the weekly payout run, a SEPA transfer); checked like a seller's.
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    iban_holder = models.CharField(_("account holder"), max_length=70, blank=True,
                                   help_text=_("The name the bank account is held in; blank: the legal name."))
    share_bp = models.PositiveIntegerField(_("share of the commission (basis points)"), default=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store partner")
        verbose_name_plural = _("store partners")
        constraints = [models.CheckConstraint(condition=Q(share_bp__lte=10_000), name="partner_share_at_most_100pct")]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def beneficiary(self) -> str:
        """The name its payouts are sent to."""
        return self.iban_holder or self.legal_name


class PartnerMember(models.Model):
    """A partner's employee who sees and runs the partner's stores (and only those)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="members")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "partner"], name="partnermember_unique")]


class Store(models.Model):
    """A physical store: its stock location, its market and, when a partner runs it, the partner."""

    location = models.OneToOneField(StockLocation, on_delete=models.PROTECT, related_name="store")
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="stores")
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="stores")
    slug = models.SlugField(unique=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return self.location.name

    @property
    def name(self) -> str:
        return self.location.name

    @property
    def status(self) -> str:
        return self.location.status


class StaffRole(models.TextChoices):
    MANAGER = "manager", pgettext_lazy("store staff role", "Manager")
    CLERK = "clerk", pgettext_lazy("store staff role", "Clerk")


class StoreStaff(models.Model):
    """A user working at a store. Managers also unlock pickups, correct counts and see figures."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="store_memberships")
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(_("role"), max_length=8, choices=StaffRole.choices, default=StaffRole.CLERK)

    class Meta:
        verbose_name = _("store staff member")
        verbose_name_plural = _("store staff")
        constraints = [models.UniqueConstraint(fields=["user", "store"], name="storestaff_unique")]


class ConsignmentDirection(models.TextChoices):
    TO_STORE = "to_store", _("To the store")
    TO_SELLER = "to_seller", _("Back to the seller")


class ConsignmentState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("consignment state", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("consignment state", "Accepted")
    REFUSED = "refused", pgettext_lazy("consignment state", "Refused")
    IN_TRANSIT = "in_transit", pgettext_lazy("consignment state", "In transit")
    RECEIVED = "received", pgettext_lazy("consignment state", "Received")
    CANCELLED = "cancelled", pgettext_lazy("consignment state", "Cancelled")


class Consignment(models.Model):
    """Units of a seller's offers moving between one of its warehouses and a store, either way.

    to_store: proposed by the seller → accepted by the store → in transit (the units leave the
    warehouse) → received (the clerk counts each line; only what was counted goes on the shelf).
    to_seller: the store sends units back (they leave the shelf) → received by the seller."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="consignments")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="consignments")
    warehouse = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="+")  # the seller's side
    direction = models.CharField(max_length=10, choices=ConsignmentDirection.choices, default=ConsignmentDirection.TO_STORE)
    state = models.CharField(_("state"), max_length=12, choices=ConsignmentState.choices, default=ConsignmentState.PROPOSED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    refusal_reason = models.CharField(_("reason for the refusal"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consignment")
        verbose_name_plural = _("consignments")
        indexes = [models.Index(fields=["store", "state"]), models.Index(fields=["seller", "state"])]

    def __str__(self) -> str:
        return self.reference


class ConsignmentLine(models.Model):
    """Units of one offer in a consignment: sent, then counted on arrival."""

    consignment = models.ForeignKey(Consignment, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity sent"))
    quantity_received = models.PositiveIntegerField(_("quantity counted"), null=True, blank=True)
    difference_reason = models.CharField(_("reason for a difference"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="consignmentline_quantity_positive"),
            models.UniqueConstraint(fields=["consignment", "offer"], name="consignmentline_one_per_offer"),
        ]

    @property
    def difference(self) -> int | None:
        return None if self.quantity_received is None else self.quantity_received - self.quantity


class CorrectionKind(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("shelf correction", "Consignment received")
    SENT_BACK = "sent_back", pgettext_lazy("shelf correction", "Sent back to the seller")
    RECOUNT = "recount", pgettext_lazy("shelf correction", "Recount")


class StockCorrection(models.Model):
    """The audit trail of a store's shelf: every change of its units that is not a sale or a
    hold — a consignment received or sent back, a recount — with its reason, who and when.
    Rows are only ever added."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="corrections")
    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=CorrectionKind.choices, default=CorrectionKind.RECOUNT)
    delta = models.IntegerField(_("units"))
    on_hand_after = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=200)
    consignment_line = models.ForeignKey(ConsignmentLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stock correction")
        verbose_name_plural = _("stock corrections")
        indexes = [models.Index(fields=["store", "-created_at"], name="stockcorrection_store_recent")]


class StoreSite(StockLocation):
    """The operator's admin entry for a store: its stock location (address, coordinates, time
    zone, status) edited with its Store row, weekly hours and closed days inline."""

    class Meta:
        proxy = True
        verbose_name = _("store")
        verbose_name_plural = _("stores")


# --- reserve to try, the till, in-store sales and the sales journal (issue 10) ---------------

TRY_HOURS = 48
MAX_ACTIVE_RESERVATIONS = 3


class ReservationState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("reservation state", "Active")
    CONVERTED = "converted", pgettext_lazy("reservation state", "Sold in store")
    CANCELLED = "cancelled", pgettext_lazy("reservation state", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("reservation state", "Expired")
    RELEASED = "released", pgettext_lazy("reservation state", "Released by the store")


class TryReservation(models.Model):
    """One unit held in a store for a buyer to try, free, for 48 hours. Its hold (kind "try")
    carries the expiry: past it the unit is free for the next taker even before the periodic
    tidy-up marks the reservation expired."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="try_reservations")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="reservations")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="+")
    hold = models.OneToOneField("inventory.Hold", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=ReservationState.choices, default=ReservationState.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("reserved at"), default=timezone_now)
    closed_at = models.DateTimeField(null=True, blank=True)
    sale_line = models.ForeignKey("PosSaleLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reservation to try")
        verbose_name_plural = _("reservations to try")
        indexes = [
            models.Index(fields=["buyer", "state"], name="tryres_buyer_state"),
            models.Index(fields=["store", "state", "expires_at"], name="tryres_store_state"),
        ]

    def is_live(self, now) -> bool:
        return self.state == ReservationState.ACTIVE and self.expires_at > now


class TillSession(models.Model):
    """A till from opening with a cash float to its counted cash-up; one open session per till."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="till_sessions")
    till = models.PositiveSmallIntegerField(_("till"), default=1)
    number = models.PositiveIntegerField(_("Z number"))
    currency = models.CharField(max_length=3)
    opening_float = models.PositiveIntegerField(_("cash float"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone_now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    expected_cash = models.BigIntegerField(null=True, blank=True)
    counted_cash = models.BigIntegerField(null=True, blank=True)
    difference = models.BigIntegerField(_("cash difference"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("till session")
        verbose_name_plural = _("till sessions")
        constraints = [
            models.UniqueConstraint(fields=["store", "till"], condition=Q(closed_at__isnull=True), name="till_one_open_session"),
            models.UniqueConstraint(fields=["store", "number"], name="till_session_number_unique"),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __str__(self) -> str:
        return f"Z{self.number} · {self.till}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")


class SaleKind(models.TextChoices):
    SALE = "sale", pgettext_lazy("till receipt", "Sale")
    RETURN = "return", pgettext_lazy("till receipt", "Return")


class PosSale(models.Model):
    """A receipt of a till: a sale, or a return (of an in-store sale or of an online order).
    Amounts are positive minor units; a return's amounts are what went back to the buyer."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="sales")
    session = models.ForeignKey(TillSession, on_delete=models.PROTECT, related_name="sales")
    number = models.CharField(_("receipt number"), max_length=32, unique=True)
    kind = models.CharField(max_length=8, choices=SaleKind.choices, default=SaleKind.SALE)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone_now, db_index=True)
    currency = models.CharField(max_length=3)
    total_net = models.BigIntegerField()
    total_vat = models.BigIntegerField()
    total_gross = models.BigIntegerField()
    method = models.CharField(_("payment"), max_length=8, choices=PaymentMethod.choices)
    cash_given = models.BigIntegerField(null=True, blank=True)
    change = models.BigIntegerField(null=True, blank=True)
    terminal_reference = models.CharField(max_length=64, blank=True)
    returned_sale = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="returns")
    returned_order_ref = models.CharField(max_length=64, blank=True)  # an online seller order returned in store

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("till receipt")
        verbose_name_plural = _("till receipts")
        indexes = [models.Index(fields=["store", "created_at"], name="possale_store_created")]
        constraints = [models.CheckConstraint(condition=Q(total_gross__gte=0), name="possale_total_nonnegative")]

    def __str__(self) -> str:
        return self.number


class PosSaleLine(models.Model):
    """Units of one offer on a receipt with their price, VAT, who is liable and how the gross
    splits (seller share, commission, the partner's part of it)."""

    sale = models.ForeignKey(PosSale, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    gtin = models.CharField(max_length=14, blank=True)
    quantity = models.PositiveIntegerField()
    unit_net = models.BigIntegerField()
    rate_bp = models.PositiveIntegerField()
    liable_party = models.CharField(max_length=12)
    net = models.BigIntegerField()
    vat = models.BigIntegerField()
    gross = models.BigIntegerField()
    commission = models.BigIntegerField(default=0)
    partner_share = models.BigIntegerField(default=0)
    returned_quantity = models.PositiveIntegerField(default=0)
    # On a return receipt: the sale line this refunds part of (quantity = units back, 0 for money only).
    returned_line = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="returns")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1) | Q(returned_line__isnull=False, quantity__gte=0),
                                              name="possaleline_quantity_positive")]


class JournalKind(models.TextChoices):
    RECEIPT = "receipt", pgettext_lazy("sales journal", "Receipt")
    Z_REPORT = "z_report", pgettext_lazy("sales journal", "Z report")


class ChainBreak(models.TextChoices):
    """Why ``journal_verify`` found a till's chain broken: a stable code (the API's ``reason``)
    and a message that completes "Chain of till N broken at entry M: …"."""
    MISSING_ENTRY = "missing_entry", pgettext_lazy("sales journal", "an entry is missing")
    PREVIOUS_HASH_MISMATCH = "previous_hash_mismatch", pgettext_lazy("sales journal", "the previous entry's hash does not match")
    CONTENT_HASH_MISMATCH = "content_hash_mismatch", pgettext_lazy("sales journal", "the content does not match its hash")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise JournalImmutable("The sales journal is append-only: entries cannot be changed.")

    def delete(self):
        raise JournalImmutable("The sales journal is append-only: entries cannot be deleted.")


class JournalImmutable(Exception):
    """An attempt to change or delete a sales journal entry (refused in the model and by the database)."""


class SalesJournalEntry(models.Model):
    """One line of a store's sales journal: a receipt or a Z report, in canonical JSON, with the
    SHA-256 of the previous entry's hash and this payload — the chain NF525 and Verifactu ask
    for. Each till register keeps its own chain and sequence (both rules allow one chain per
    register), so tills never wait for each other; till 0 is the store-wide chain written before
    per-till chains. Append-only: the model, its manager and a database trigger refuse updates
    and deletes."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="journal")
    till = models.PositiveSmallIntegerField(_("till"))
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=JournalKind.choices)
    reference = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone_now)
    payload = models.TextField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["store", "till", "sequence"]
        verbose_name = _("sales journal entry")
        verbose_name_plural = _("sales journal")
        constraints = [models.UniqueConstraint(fields=["store", "till", "sequence"], name="salesjournal_till_sequence_unique")]
        indexes = [models.Index(fields=["store", "-created_at"], name="salesjournal_store_recent")]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.till}/{self.sequence} {self.reference}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise JournalImmutable("The sales journal is append-only: entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise JournalImmutable("The sales journal is append-only: entries cannot be deleted.")
