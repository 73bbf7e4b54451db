from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.markets.models import TaxClass

# The languages product texts and category names are written in, and searched in with their
# own stemming (catalog.text, catalog.search): the UI languages (settings.LANGUAGES).
CATALOG_LANGUAGES = ("fr", "es", "en", "de", "it", "pt", "nl")


class Category(models.Model):
    """A node of the category tree; its tax class (a product kind: food, books, …) decides the
    VAT rate of its products, unless a product overrides it."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    slug = models.SlugField(unique=True)
    names = models.JSONField(_("names"), default=dict)  # {language of CATALOG_LANGUAGES: name}
    tax_class = models.CharField(_("product kind for VAT"), max_length=16, choices=TaxClass.choices, default=TaxClass.STANDARD)
    commission_bp = models.PositiveIntegerField(_("commission (basis points)"), default=1200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return self.names.get(language) or self.names.get("en") or self.slug


class Product(models.Model):
    """A catalogue product identified by its GTIN; sellers make offers on it."""

    gtin = models.CharField(_("GTIN"), max_length=14, unique=True)  # normalised to 14 digits
    brand = models.CharField(_("brand"), max_length=120, db_index=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # Blank: the category's kind. Set for the odd product of a category (a cookbook sold with
    # kitchenware is a book; baby clothes among clothing are children's clothing).
    tax_class = models.CharField(
        _("product kind for VAT"), max_length=16, choices=TaxClass.choices, blank=True, default="", db_default="",
        help_text=_("Leave blank to use the category's."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.CheckConstraint(condition=Q(gtin__regex=r"^[0-9]{14}$"), name="product_gtin_14_digits")]

    def __str__(self) -> str:
        return f"{self.brand} {self.gtin}"

    @property
    def vat_kind(self) -> str:
        """The product kind its VAT rate follows: its own, else its category's."""
        return self.tax_class or self.category.tax_class


# A product's VAT kind in queries: the ORM expression on Product, and the SQL over a product
# table aliased ``p`` joined to its category aliased ``c``.
PRODUCT_VAT_KIND = Coalesce(NullIf(F("tax_class"), Value("")), F("category__tax_class"))
PRODUCT_VAT_KIND_SQL = "COALESCE(NULLIF(p.tax_class, ''), c.tax_class)"


class ProductText(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=2, choices=[(c, c) for c in CATALOG_LANGUAGES])
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "language"], name="producttext_one_per_language")]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/")
    position = models.PositiveSmallIntegerField(default=0)
    alt = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["position", "id"]


class ListingVersion(models.Model):
    """A version token per category for the listing cache (comptoir.catalog.listing_cache).

    The listing refresh (comptoir.inventory.listing) and the search-index writes give the categories they
    touch a new random value in the same transaction, so a cached listing page or facet set —
    keyed by the values of the categories it covers — is never served after a change
    (no TTL wait). Plain category id, no FK: the row may outlive a deleted category.

    ``pending``: the moments at which the category's listing changes by itself (an expiring
    reservation gives a unit back), as sorted epoch microseconds joined by commas; a cache key
    also names the last of them passed, so a cached page is not served past one."""

    category_id = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)
    pending = models.TextField(default="", blank=True)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ProductProposal(models.Model):
    """A product a seller asks the operator to add to the catalogue (an unknown GTIN), with the
    terms of the offer the seller makes on it once approved.

    The seller is a plain id (catalog sits below sellers). ``texts`` is {language: {"title",
    "description"}}; ``offer`` is {"net_price", "currency", "condition", "handling_days",
    "stock": {location id: units}}, read by ``inventory.services.proposal_approve``."""

    seller_id = models.BigIntegerField(db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gtin = models.CharField(_("GTIN"), max_length=14)  # normalised to 14 digits
    brand = models.CharField(_("brand"), max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    texts = models.JSONField(_("titles and descriptions"), default=dict)
    offer = models.JSONField(_("offer terms"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product proposal")
        verbose_name_plural = _("product proposals")
        constraints = [
            models.CheckConstraint(condition=Q(gtin__regex=r"^[0-9]{14}$"), name="proposal_gtin_14_digits"),
            models.UniqueConstraint(
                fields=["seller_id", "gtin"], condition=Q(status="pending"), name="proposal_one_pending_per_seller_gtin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.gtin} ({self.status})"

    def title(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        for lang in (language, "en", *CATALOG_LANGUAGES):
            text = self.texts.get(lang) or {}
            if text.get("title"):
                return text["title"]
        return self.gtin


class ProductProposalImage(models.Model):
    proposal = models.ForeignKey(ProductProposal, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="proposals/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
