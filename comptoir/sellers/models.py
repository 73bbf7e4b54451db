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
