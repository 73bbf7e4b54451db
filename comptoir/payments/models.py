"""Payment records and their audit trail (the built-in test provider keeps its own state
outside our database: providers/test_gateway.py).

A Payment refers to its order by a plain string (``order_ref``), not a foreign key: orders
imports payments, never the reverse. Card numbers are never stored: brand and last 4 only.
"""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PaymentStatus(models.TextChoices):
    INITIATED = "initiated", pgettext_lazy("payment state", "Initiated")  # row written, provider not answered yet
    PENDING = "pending", pgettext_lazy("payment state", "Pending")  # provider confirms later by webhook
    AUTHORIZED = "authorized", pgettext_lazy("payment state", "Authorized")
    DECLINED = "declined", pgettext_lazy("payment state", "Declined")
    FAILED = "failed", pgettext_lazy("payment state", "Failed")
    CAPTURED = "captured", pgettext_lazy("payment state", "Captured")
    PARTIALLY_REFUNDED = "partially_refunded", pgettext_lazy("payment state", "Partially refunded")
    REFUNDED = "refunded", pgettext_lazy("payment state", "Refunded")
    CANCELLED = "cancelled", pgettext_lazy("payment state", "Cancelled")
    VOIDING = "voiding", pgettext_lazy("payment state", "Being cancelled")  # claimed for release at the provider


class Payment(models.Model):
    order_ref = models.CharField(_("order reference"), max_length=100, db_index=True)
    provider = models.CharField(_("provider"), max_length=32)
    amount = models.PositiveBigIntegerField(_("authorized amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.INITIATED, db_index=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True, db_index=True)
    captured_amount = models.PositiveBigIntegerField(_("captured (minor units)"), default=0)
    refunded_amount = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last 4"), max_length=4, blank=True)
    decline_code = models.CharField(_("decline code"), max_length=40, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(captured_amount__lte=F("amount")), name="payment_captured_le_amount"),
            models.CheckConstraint(condition=Q(refunded_amount__lte=F("captured_amount")), name="payment_refunded_le_captured"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="payment_currency_iso"),
        ]
        indexes = [models.Index(fields=["provider", "provider_reference"])]

    def __str__(self) -> str:
        return f"payment #{self.pk} {self.order_ref} {self.amount} {self.currency} {self.status}"

    @property
    def provider_key(self) -> str:
        """The idempotency key the provider sees: one per attempt (a retried key whose first
        attempt was declined is a new attempt, with a new charge)."""
        return f"payment:{self.pk}:{self.idempotency_key}"

    @property
    def ref(self) -> str:
        """The reference used in the ledger: "payment:<id>"."""
        return f"payment:{self.pk}"


class PaymentEvent(models.Model):
    """Audit trail: every call to the provider and every webhook, with what came back.

    ``dedup_key`` (unique when set) makes repeated webhooks and keyed captures/refunds no-ops."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=40)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    dedup_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")

    def __str__(self) -> str:
        return f"{self.kind} on payment #{self.payment_id}"
