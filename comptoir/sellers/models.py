from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.markets.models import City


class SellerStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    SUSPENDED = "suspended", _("Suspended")
    REJECTED = "rejected", _("Rejected")


class Seller(models.Model):
    """A legal entity selling on the marketplace, from any country."""

    legal_name = models.CharField(_("legal name"), max_length=200)
    display_name = models.CharField(_("shop name"), max_length=120)
    slug = models.SlugField(unique=True)
    country = models.CharField(_("country"), max_length=2)
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    company_id = models.CharField(_("company identifier"), max_length=20, blank=True)  # SIRET, NIF/CIF, ...
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=SellerStatus.choices, default=SellerStatus.PENDING, db_index=True)
    commission_bp = models.PositiveIntegerField(_("commission override (basis points)"), null=True, blank=True)
    # The language the seller reads (emails, seller centre); blank = its country's UI language.
    language = models.CharField(_("language"), max_length=8, blank=True)
    review_reason = models.CharField(_("review note"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")

    def __str__(self) -> str:
        return self.display_name


class SellerRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class SellerMember(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_memberships")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=10, choices=SellerRole.choices, default=SellerRole.OWNER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "seller"], name="sellermember_unique")]


class ApiKey(models.Model):
    """A seller API key; only a hash is stored, the secret is shown once."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    hashed_secret = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class SellerInvitation(models.Model):
    """An invitation to join a seller's team by email; only a hash of the link's token is stored."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=10, choices=SellerRole.choices, default=SellerRole.STAFF)
    token_hash = models.CharField(max_length=80, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class WebhookEvent(models.TextChoices):
    ORDER_CREATED = "order.created", _("Order created")
    ORDER_CANCELLED = "order.cancelled", _("Order cancelled")
    RETURN_REQUESTED = "return.requested", _("Return requested")
    PAYOUT_PAID = "payout.paid", _("Payout paid")


class WebhookEndpoint(models.Model):
    """An HTTPS address of the seller's that receives the events it subscribed to, signed with
    ``secret`` (kept readable: it signs every delivery; shown to the seller's owners)."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint; its body is fixed when the event happens, so that every
    attempt (and a manual resend) sends the same bytes."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=40, db_index=True)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]


class WebhookAttempt(models.Model):
    """One HTTP POST of a delivery and what came back (status, first 1,000 characters, error)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField()
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=1000, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_id", "number"]
