"""Forms of the offers pages. Prices are typed in major units (12.50) and stored in minor units."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.errors import InvalidGtin
from comptoir.catalog.models import CATALOG_LANGUAGES, Category
from comptoir.catalog.services import gtin_normalise
from comptoir.common.money import minor_digits, parse_decimal_to_minor
from comptoir.inventory.models import Condition
from comptoir.inventory.services.offers import MAX_HANDLING_DAYS
from comptoir.inventory.services.status import MAX_ON_HAND
from comptoir.markets.models import Market

# A catalogue language's name in the reader's language (the UI languages' names: "German").
LANGUAGE_NAMES = dict(settings.LANGUAGES)


class OfferSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Title or GTIN"), "type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Active and paused")), ("active", _("Active")), ("paused", _("Paused"))])
    stock = forms.ChoiceField(label=_("Stock"), required=False,
                              choices=[("", _("Any stock")), ("in", _("In stock")), ("out", _("Out of stock"))])


class GtinForm(forms.Form):
    gtin = forms.CharField(label=_("GTIN (EAN, UPC)"), max_length=20,
                           help_text=_("The barcode number: 8, 12, 13 or 14 digits."))

    def clean_gtin(self):
        try:
            return gtin_normalise(self.cleaned_data["gtin"])
        except InvalidGtin:
            raise forms.ValidationError(_("A GTIN has 8, 12, 13 or 14 digits with a correct check digit.")) from None


def currency_choices() -> list[tuple[str, str]]:
    currencies = sorted(set(Market.objects.filter(is_active=True).values_list("currency", flat=True))) or ["EUR"]
    return [(c, c) for c in currencies]


class _PriceAndStock(forms.Form):
    """Price, handling days and one units field per location (``stock_<id>``)."""

    price = forms.DecimalField(label=_("Net price (excl. VAT)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=3)
    handling_days = forms.IntegerField(label=_("Handling days"), min_value=0, max_value=MAX_HANDLING_DAYS, initial=1,
                                       help_text=_("Working days between an order and its dispatch."))

    def __init__(self, *args, locations=(), currency: str = "EUR", **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.locations = list(locations)
        for location in self.locations:
            self.fields[f"stock_{location.pk}"] = forms.IntegerField(
                label=_("Units at %(location)s") % {"location": location.name}, min_value=0, max_value=MAX_ON_HAND,
                required=False,
            )

    def stock_fields(self):
        return [self[f"stock_{location.pk}"] for location in self.locations]

    def clean(self):
        data = super().clean()
        price = data.get("price")
        currency = data.get("currency") or self.currency
        if price is not None:
            try:
                data["net_price"] = parse_decimal_to_minor(str(price), currency)
            except ValueError:
                self.add_error("price", _("%(currency)s prices have at most %(digits)d decimals.")
                               % {"currency": currency, "digits": minor_digits(currency)})
        return data

    def stock(self) -> dict[int, int]:
        return {loc.pk: self.cleaned_data[f"stock_{loc.pk}"] for loc in self.locations
                if self.cleaned_data.get(f"stock_{loc.pk}") is not None}


class OfferForm(_PriceAndStock):
    """A new offer on a catalogue product."""

    currency = forms.ChoiceField(label=_("Currency"))
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.NEW)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = currency_choices()
        self.order_fields(["price", "currency", "condition", "handling_days"])

    def offer_fields(self):
        return [self[name] for name in ("price", "currency", "condition", "handling_days")]


class OfferEditForm(_PriceAndStock):
    """Price, handling time and units per location of an existing offer."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ProposalForm(OfferForm):
    """An unknown GTIN: the product described for the operator, with the offer's terms."""

    brand = forms.CharField(label=_("Brand"), max_length=120)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    attributes = forms.CharField(label=_("Attributes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One per line, as “name: value” (e.g. “colour: red”)."))
    pictures = MultipleImageField(label=_("Pictures"), required=False, help_text=_("Up to 6 pictures."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in CATALOG_LANGUAGES:
            self.fields[f"title_{language}"] = forms.CharField(
                label=_("Title"), max_length=250, required=False)
            self.fields[f"description_{language}"] = forms.CharField(
                label=_("Description"), required=False,
                widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["category"].label_from_instance = lambda c: c.name()
        texts = [f"{kind}_{lang}" for lang in CATALOG_LANGUAGES for kind in ("title", "description")]
        self.order_fields(["brand", "category", *texts, "attributes", "pictures", "price", "currency", "condition",
                           "handling_days"])

    def text_fields(self):
        return [(LANGUAGE_NAMES[lang], self[f"title_{lang}"], self[f"description_{lang}"]) for lang in CATALOG_LANGUAGES]

    def product_fields(self):
        return [self["brand"], self["category"]]

    def clean_attributes(self):
        attributes = {}
        for number, line in enumerate(self.cleaned_data["attributes"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition(":")
            if not sep or not name.strip() or not value.strip():
                raise forms.ValidationError(_("Line %(n)d is not “name: value”.") % {"n": number})
            attributes[name.strip()] = value.strip()
        return attributes

    def clean_pictures(self):
        pictures = self.cleaned_data["pictures"]
        if len(pictures) > 6:
            raise forms.ValidationError(_("Up to 6 pictures."))
        return pictures

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{lang}") or "").strip() for lang in CATALOG_LANGUAGES):
            self.add_error("title_en", _("Give the product a title in at least one language."))
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        return {lang: (self.cleaned_data.get(f"title_{lang}", ""), self.cleaned_data.get(f"description_{lang}", ""))
                for lang in CATALOG_LANGUAGES if (self.cleaned_data.get(f"title_{lang}") or "").strip()}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Offers file (CSV or XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("The file must be a CSV (.csv) or an Excel workbook (.xlsx)."))
        return upload


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The seller sees it."))
