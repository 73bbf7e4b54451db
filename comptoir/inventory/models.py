from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.catalog.models import Product
from comptoir.markets.models import City
from comptoir.sellers.models import Seller


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Seller warehouse")
    STORE = "store", _("Store")


class StockLocation(models.Model):
    """Where units physically are: a seller's warehouse or an operator store."""

    kind = models.CharField(max_length=10, choices=LocationKind.choices, default=LocationKind.WAREHOUSE)
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=120)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="store") | Q(seller__isnull=False), name="warehouse_has_seller"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Condition(models.TextChoices):
    NEW = "new", pgettext_lazy("offer condition", "New")
    REFURBISHED = "refurbished", pgettext_lazy("offer condition", "Refurbished")
    USED = "used", pgettext_lazy("offer condition", "Used")


class Offer(models.Model):
    """A seller's offer on a catalogue product: net price (excl. VAT) in minor units."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="offers")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="offers")
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices, default=Condition.NEW)
    net_price = models.PositiveBigIntegerField(_("net price (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    handling_days = models.PositiveSmallIntegerField(_("handling days"), default=1)
    is_active = models.BooleanField(pgettext_lazy("offer", "active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["seller", "product", "condition"], name="offer_one_per_seller_product_condition"),
            models.CheckConstraint(condition=Q(net_price__gt=0), name="offer_price_positive"),
            models.CheckConstraint(condition=Q(handling_days__lte=60), name="offer_handling_days_max_60"),
        ]
        indexes = [models.Index(fields=["product", "is_active"])]

    def __str__(self) -> str:
        return f"{self.seller} · {self.product} · {self.net_price} {self.currency}"


class StockLevel(models.Model):
    """Units of an offer at a location. `held` units are promised (orders, try-in-store, POS)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="stock_levels")
    location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="stock_levels")
    on_hand = models.IntegerField(default=0)
    held = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "location"], name="stocklevel_one_per_offer_location"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stocklevel_on_hand_nonnegative"),
            models.CheckConstraint(condition=Q(held__gte=0), name="stocklevel_held_nonnegative"),
            models.CheckConstraint(condition=Q(held__lte=F("on_hand")), name="stocklevel_held_within_on_hand"),
        ]

    @property
    def available(self) -> int:
        return self.on_hand - self.held


class HoldKind(models.TextChoices):
    ORDER = "order", _("Order line")
    TRY = "try", _("Reserve to try")
    POS = "pos", _("Point-of-sale basket")


class HoldState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("hold state", "Active")
    RELEASED = "released", pgettext_lazy("hold state", "Released")
    CONSUMED = "consumed", pgettext_lazy("hold state", "Consumed")


class Hold(models.Model):
    """Units of a stock level promised to one purpose (an order line, a try-in-store, a POS basket).

    While ACTIVE its quantity is counted in StockLevel.held. Releasing gives the units back;
    consuming removes them from on_hand (they left the building). Only inventory.services
    changes holds, always under a row lock on the stock level.
    """

    stock_level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="holds")
    kind = models.CharField(max_length=8, choices=HoldKind.choices, default=HoldKind.ORDER)
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    state = models.CharField(max_length=10, choices=HoldState.choices, default=HoldState.ACTIVE, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="hold_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference} ×{self.quantity} ({self.state})"
