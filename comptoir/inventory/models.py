from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.catalog.models import Category, Product
from comptoir.markets.models import City
from comptoir.sellers.models import Seller


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Seller warehouse")
    STORE = "store", _("Store")


class LocationStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("store status", "Planned")
    OPEN = "open", pgettext_lazy("store status", "Open")
    CLOSED = "closed", pgettext_lazy("store status", "Closed")


class StockLocation(models.Model):
    """Where units physically are: a seller's warehouse or a store (run by the operator or a
    partner, see comptoir.stores). What the delivery promise needs of a store — status, time
    zone, opening hours and closed days — lives here; stores adds the rest above it."""

    kind = models.CharField(max_length=10, choices=LocationKind.choices, default=LocationKind.WAREHOUSE)
    seller = models.ForeignKey(Seller, null=True, blank=True, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)  # street and number
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    status = models.CharField(_("status"), max_length=8, choices=LocationStatus.choices, default=LocationStatus.OPEN)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")

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


class OpeningHours(models.Model):
    """One opening interval of a location on a weekday (local time; several per day allowed)."""

    location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday … 6 = Sunday
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="openinghours_weekday_0_6"),
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="openinghours_opens_before_closes"),
        ]


class ClosedDay(models.Model):
    """A date on which a location stays closed whatever its weekly hours (holidays, works)."""

    location = models.ForeignKey(StockLocation, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days")
        constraints = [models.UniqueConstraint(fields=["location", "date"], name="closedday_one_per_date")]


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


class ImportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("import status", "Queued")
    RUNNING = "running", pgettext_lazy("import status", "Running")
    DONE = "done", pgettext_lazy("import status", "Done")
    FAILED = "failed", pgettext_lazy("import status", "Failed")


class OfferImport(models.Model):
    """One upload of a seller's offers file (CSV or XLSX) and how its import went.

    Written by ``comptoir.inventory.imports``: the progress (rows done of the total) after each
    batch, the counts, and the report (CSV: line, column, value, reason of every rejected row).
    A file-level problem (not UTF-8, a missing column) fails the import with ``error`` and
    applies nothing. An import whose process died (no heartbeat for a while) is failed by
    ``offers_imports_fail_stale`` with the rows it had written so far; so is an import whose task
    was lost before any worker took it (queued for as long)."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="offer_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="imports/offers/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)  # rows kept on a pending product proposal
    error = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=8, blank=True)  # of the uploader: the report's reasons
    report = models.FileField(upload_to="imports/reports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Last sign of life of the process running it (start, then after each batch): a running
    # import silent for settings.OFFERS_IMPORT_STALE_MINUTES lost its worker and is failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offers import")
        verbose_name_plural = _("offers imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(100, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    def is_stale(self, now=None) -> bool:
        """Running with no progress for settings.OFFERS_IMPORT_STALE_MINUTES, or queued and never
        started for settings.OFFERS_IMPORT_QUEUED_STALE_MINUTES."""
        from datetime import timedelta

        from django.utils import timezone

        since = {ImportStatus.RUNNING: self.heartbeat_at, ImportStatus.QUEUED: self.created_at}.get(self.status)
        if since is None:
            return False
        minutes = settings.OFFERS_IMPORT_STALE_MINUTES if self.status == ImportStatus.RUNNING else settings.OFFERS_IMPORT_QUEUED_STALE_MINUTES
        return (now or timezone.now()) - since > timedelta(minutes=minutes)


# --- the listing summary the storefront reads (comptoir.inventory.listing) -------------------

class ProductListing(models.Model):
    """Denormalised storefront summary of one product's *listable* offers in one currency.

    Listable = active offer, APPROVED seller, active product, a stock level with
    on_hand - held > 0. Written only by comptoir.inventory.listing.refresh; the state-change
    services of comptoir.inventory.services call it (docs/architecture.md).

    A product whose points come back when reservations or till baskets expire (OfferPoint.
    listed_from) has one row per period [valid_from, valid_until): the figures of the points
    listed during it. NULL bounds are open; a reader takes the row valid now, so an expired
    hold gives its unit back to the listing without any refresh having run.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listings")
    currency = models.CharField(max_length=3)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    tax_class = models.CharField(max_length=16)  # the product's VAT kind (catalog.models.PRODUCT_VAT_KIND)
    min_net_price = models.PositiveBigIntegerField()
    offer_count = models.PositiveIntegerField()
    seller_countries = models.CharField(max_length=200)  # sorted, comma separated: "DE,ES,FR"
    best_handling_days = models.PositiveSmallIntegerField()
    refreshed_at = models.DateTimeField(auto_now=True)
    valid_from = models.DateTimeField(null=True, blank=True)  # NULL: since the refresh
    valid_until = models.DateTimeField(null=True, blank=True)  # NULL: until the next refresh

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "currency"], condition=Q(valid_from__isnull=True), name="productlisting_one_per_currency"
            ),
            models.UniqueConstraint(fields=["product", "currency", "valid_from"], name="productlisting_one_per_period"),
        ]
        indexes = [
            # covering index for category pages: the aggregate and the page ids never touch the table
            models.Index(
                fields=[
                    "currency", "category", "tax_class", "min_net_price", "seller_countries", "product", "offer_count",
                    "valid_from", "valid_until",
                ],
                name="listing_cur_cat_cover",
            ),
            models.Index(fields=["currency", "min_net_price"], name="listing_cur_price"),
            # the periods still to come, per category (listing refresh: the categories' pending times)
            models.Index(fields=["category", "valid_from"], condition=Q(valid_from__isnull=False), name="listing_pending"),
        ]


class OfferPoint(models.Model):
    """One listable (offer, ship-from location) pair: where an offer can ship from, at what
    net price and handling time. Drives the local-only and deliver-by filters and the
    nearest-distance column. x, y, z are the location on the unit sphere, so that a great-
    circle distance test is plain arithmetic in SQL (chord² ≤ (2·sin(d / 2R))²)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    offer_id = models.BigIntegerField()  # Offer: a plain id, the summary is rebuilt, never joined for writes
    location_id = models.BigIntegerField()  # StockLocation
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
    available = models.PositiveIntegerField()  # free units when listed (at the refresh, or at listed_from)
    location_kind = models.CharField(max_length=10, choices=LocationKind.choices, default=LocationKind.WAREHOUSE)
    # NULL: listable at the refresh. Else every unit was held at the refresh, and this is when the
    # expiry of try-in-store and basket holds gives one back (the rule of selectors.held_now()).
    listed_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer_id", "location_id"], name="offerpoint_one_per_offer_location")]
        indexes = [
            models.Index(fields=["product", "currency"], name="offerpoint_product"),
            models.Index(fields=["currency", "latitude", "longitude"], name="offerpoint_cur_latlon"),
        ]


class ListingFacetSnapshot(models.Model):
    """Precomputed unfiltered facets (total, price bands, seller countries) of one category
    page (descendants included) in one currency under one set of VAT rates. Written by
    inventory.listing.refresh.listing_facets_rebuild() (run by listing_refresh_all);
    used only while `versions_key` still equals the categories' ListingVersion values."""

    currency = models.CharField(max_length=3)
    category_id = models.BigIntegerField()
    rates_key = models.CharField(max_length=200)  # "reduced:550,standard:2000"
    versions_key = models.CharField(max_length=64)  # digest of the categories' version values
    data = models.JSONField()  # {"total": n, "price": [[low, high|null, n], ...], "country": [[cc, n], ...]}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["currency", "category_id", "rates_key"], name="facetsnapshot_one_per_key")
        ]
