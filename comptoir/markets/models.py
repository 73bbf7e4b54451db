from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .countries import country_name


class TaxClass(models.TextChoices):
    """The kinds of product that VAT law rates apart; each market maps every kind to its rate
    (``VatRate``), from the European Commission's table (``vat_data``, which says what each
    kind covers). A category names the kind of its products; a product may override it."""

    STANDARD = "standard", _("Standard-rated goods")
    FOOD = "food", _("Food")
    BASIC_FOOD = "basic_food", _("Basic food (bread, milk, fruit, vegetables…)")
    BOOKS = "books", _("Books")
    PRESS = "press", _("Newspapers and periodicals")
    DAILY_PRESS = "daily_press", _("Daily newspapers")
    MEDICINES = "medicines", _("Medicines")
    REIMBURSED_MEDICINES = "reimbursed_meds", _("Medicines reimbursed by social security")
    CHILD_CLOTHING = "child_clothing", _("Children's clothing and footwear")


class Market(models.Model):
    """A buyer market: one country, its currency and languages."""

    code = models.CharField(_("country code"), max_length=2, unique=True)  # ISO 3166-1 alpha-2
    name = models.CharField(_("name"), max_length=80)
    currency = models.CharField(_("currency"), max_length=3)
    languages = models.JSONField(_("languages"), default=list)  # e.g. ["fr", "en"]; first is default
    is_active = models.BooleanField(pgettext_lazy("market", "active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}$"), name="market_code_iso2"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="market_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def display_name(self) -> str:
        """The country's name in the active UI language (CLDR: "Espagne", "España", "Spain");
        ``name`` for a code CLDR does not know. Pages show this, never ``name``."""
        return country_name(self.code, default=self.name)

    @property
    def ui_languages(self) -> list[str]:
        """The market's languages that Comptoir's UI speaks (fr/es/en), in order; at least ["en"]."""
        from django.conf import settings

        ui = {code for code, _name in settings.LANGUAGES}
        return [lang for lang in self.languages if lang in ui] or ["en"]

    @property
    def default_language(self) -> str:
        """The UI language a buyer of this market sees first (always one of fr/es/en)."""
        return self.ui_languages[0]


class VatRate(models.Model):
    """The VAT rate of a product kind (tax class) in a market, valid from a date (the newest
    valid one applies)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="vat_rates")
    tax_class = models.CharField(_("product kind"), max_length=16, choices=TaxClass.choices)
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"))  # 2000 = 20.00 %
    valid_from = models.DateField(_("valid from"))

    class Meta:
        ordering = ["market", "tax_class", "-valid_from"]
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        constraints = [
            models.UniqueConstraint(fields=["market", "tax_class", "valid_from"], name="vatrate_unique_per_day"),
            models.CheckConstraint(condition=Q(rate_bp__lte=10000), name="vatrate_at_most_100pct"),
        ]

    def __str__(self) -> str:
        return f"{self.market.code} {self.tax_class} {self.rate_bp / 100:.2f}% from {self.valid_from}"


class City(models.Model):
    """A real place from GeoNames (population ≥ 500). A buyer's location is a City.

    ``name`` is GeoNames' name, which is English for some big cities ("Munich", "Rome",
    "Lisbon") and the local name elsewhere. ``local_name`` is the name in the country's own
    language ("München"), ``names`` the fr/es/en names where they differ or are known
    ({"fr": "Munich", "es": "Múnich", "en": "Munich"}); see ``markets.exonyms``. Pages show
    ``display_name``: the name in the UI language, else the local name. A city is found by any
    of its ``search_names`` (``CityName``) as well as by ``search_name``.
    """

    geonames_id = models.PositiveIntegerField(unique=True)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(_("local name"), max_length=200, blank=True, default="")
    names = models.JSONField(_("names by language"), default=dict, blank=True)  # {"fr": ..., "es": ..., "en": ...}
    ascii_name = models.CharField(max_length=200, db_index=True)
    search_name = models.CharField(max_length=200, db_index=True)  # lower-case, accents folded
    admin1 = models.CharField(max_length=20, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField(default=0)
    postcode = models.CharField(_("postcode"), max_length=12, blank=True, db_index=True)

    class Meta:
        ordering = ["country", "-population", "name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        indexes = [models.Index(fields=["country", "search_name"]), models.Index(fields=["country", "-population"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    def name_in(self, language: str | None = None) -> str:
        """The name for a reader of ``language`` (default: the active one): its own name for
        that language where known, else the local name, else GeoNames' name."""
        language = (language or get_language() or "en")[:2]
        return (self.names or {}).get(language) or self.local_name or self.name

    @property
    def display_name(self) -> str:
        """The name in the active UI language, else the local name (for templates)."""
        return self.name_in()


class CityName(models.Model):
    """A folded name a City is found by: its local and fr/es/en names ("roma", "rome", "munchen")
    and, marked ``alternate``, the other GeoNames names written in its market's script
    ("lissabon", "colonia", "saint jean sur mer"). Search ranks a city found by one of its own
    names before one found only by an alternate name. Written by ``services.cities_load``; the
    city's own ``search_name`` is not repeated here."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="search_names")
    country = models.CharField(max_length=2)  # the city's, so that the prefix index covers the search
    search_name = models.CharField(max_length=200)
    alternate = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("city name")
        verbose_name_plural = _("city names")
        constraints = [models.UniqueConstraint(fields=["city", "search_name"], name="cityname_one_per_city")]
        indexes = [
            # PostgreSQL: pattern ops so that LIKE 'prefix%' uses the index whatever the collation.
            models.Index(
                fields=["country", "search_name"], name="cityname_country_prefix",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.search_name} → {self.city_id}"
