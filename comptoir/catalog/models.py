from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.markets.models import TaxClass

CATALOG_LANGUAGES = ("fr", "es", "en")


class Category(models.Model):
    """A node of the category tree; its tax class (a product kind: food, books, …) decides the
    VAT rate of its products, unless a product overrides it."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    slug = models.SlugField(unique=True)
    names = models.JSONField(_("names"), default=dict)  # {"fr": ..., "es": ..., "en": ...}
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


class ProductListing(models.Model):
    """Denormalised storefront summary of one product's *listable* offers in one currency.

    Listable = active offer, APPROVED seller, active product, a stock level with
    on_hand - held > 0. Written only by catalog.services.listing_replace(), which
    comptoir.inventory.listing.listing_refresh() feeds from the inventory tables; nothing else
    keeps it current (see README "Listing summary" for who must call the refresh).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listings")
    currency = models.CharField(max_length=3)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    tax_class = models.CharField(max_length=16)  # the product's VAT kind (PRODUCT_VAT_KIND)
    min_net_price = models.PositiveBigIntegerField()
    offer_count = models.PositiveIntegerField()
    seller_countries = models.CharField(max_length=200)  # sorted, comma separated: "DE,ES,FR"
    best_handling_days = models.PositiveSmallIntegerField()
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "currency"], name="productlisting_one_per_currency")]
        indexes = [
            # covering index for category pages: the aggregate and the page ids never touch the table
            models.Index(
                fields=["currency", "category", "tax_class", "min_net_price", "seller_countries", "product", "offer_count"],
                name="listing_cur_cat_cover",
            ),
            models.Index(fields=["currency", "min_net_price"], name="listing_cur_price"),
        ]


class OfferPoint(models.Model):
    """One listable (offer, ship-from location) pair: where an offer can ship from, at what
    net price and handling time. Drives the local-only and deliver-by filters and the
    nearest-distance column. x, y, z are the location on the unit sphere, so that a great-
    circle distance test is plain arithmetic in SQL (chord² ≤ (2·sin(d / 2R))²)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    offer_id = models.BigIntegerField()  # inventory.Offer (catalog cannot import inventory)
    location_id = models.BigIntegerField()  # inventory.StockLocation
    seller_id = models.BigIntegerField()
    seller_country = models.CharField(max_length=2)
    ship_country = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    x = models.FloatField()
    y = models.FloatField()
    z = models.FloatField()
    net_price = models.PositiveBigIntegerField()
    handling_days = models.PositiveSmallIntegerField()
    available = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer_id", "location_id"], name="offerpoint_one_per_offer_location")]
        indexes = [
            models.Index(fields=["product", "currency"], name="offerpoint_product"),
            models.Index(fields=["currency", "latitude", "longitude"], name="offerpoint_cur_latlon"),
        ]


class ListingVersion(models.Model):
    """A version token per category for the listing cache (comptoir.catalog.listing_cache).

    catalog.services.listing_replace() and the search-index writes give the categories they
    touch a new random value in the same transaction, so a cached listing page or facet set —
    keyed by the values of the categories it covers — is never served after a change
    (no TTL wait). Plain category id, no FK: the row may outlive a deleted category."""

    category_id = models.BigIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)


class ListingFacetSnapshot(models.Model):
    """Precomputed unfiltered facets (total, price bands, seller countries) of one category
    page (descendants included) in one currency under one set of VAT rates. Written by
    catalog.services.listing_facets_rebuild() (run by inventory.listing.listing_refresh_all);
    used only while `versions_key` still equals the categories' ListingVersion values."""

    currency = models.CharField(max_length=3)
    category_id = models.BigIntegerField()
    rates_key = models.CharField(max_length=200)  # "books:550,standard:2000"
    versions_key = models.CharField(max_length=64)  # digest of the categories' version values
    data = models.JSONField()  # {"total": n, "price": [[low, high|null, n], ...], "country": [[cc, n], ...]}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["currency", "category_id", "rates_key"], name="facetsnapshot_one_per_key")
        ]
