"""Forms of the "Sell on Comptoir" wizard. Each field is checked with the same functions the
sellers app registers with (comptoir.sellers.identity), so a step shows the exact error."""
from __future__ import annotations

import pycountry
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.markets.countries import country_name, sorted_by_country_name
from comptoir.markets.selectors import cities_search
from comptoir.sellers.errors import FieldInvalid
from comptoir.sellers.identity import company_id_clean, iban_clean, legal_form_clean, vat_number_clean


def country_choices() -> list[tuple[str, str]]:
    codes = [c.alpha_2 for c in pycountry.countries]
    return [("", "—")] + [(c, country_name(c)) for c in sorted_by_country_name(codes, code=lambda c: c)]


def _checked(call):
    try:
        return call()
    except FieldInvalid as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from None


class EntityForm(forms.Form):
    country = forms.ChoiceField(label=_("Country where the business is established"), choices=())
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    display_name = forms.CharField(label=_("Shop name"), max_length=120, help_text=_("The name buyers see."))
    legal_form = forms.CharField(label=_("Legal form"), max_length=60, required=False)
    company_id = forms.CharField(label=_("Registration number"), max_length=40, required=False,
                                 help_text=_("SIREN/SIRET in France, NIF/CIF in Spain, partita IVA or codice fiscale in Italy, Handelsregisternummer in Germany…"))
    vat_number = forms.CharField(label=_("VAT number"), max_length=40, required=False,
                                 help_text=_("Required in the EU, with or without the country prefix; outside the EU, an EU (OSS/IOSS) VAT number if you have one."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if not country:
            return data
        for field, call in (
            ("legal_form", lambda: legal_form_clean(value=data.get("legal_form", ""))),
            ("company_id", lambda: company_id_clean(country=country, value=data.get("company_id", ""))),
            ("vat_number", lambda: vat_number_clean(country=country, value=data.get("vat_number", ""))),
        ):
            try:
                data[field] = _checked(call)
            except forms.ValidationError as exc:
                self.add_error(field, exc)
        return data


class PayoutForm(forms.Form):
    iban = forms.CharField(label=_("IBAN of the account payouts go to"), max_length=50,
                           help_text=_("Payouts are SEPA credit transfers. A business established outside the SEPA area gives the IBAN of a payment account in the EU (for example an e-money account in its name)."))

    def clean_iban(self):
        return _checked(lambda: iban_clean(value=self.cleaned_data["iban"]))


class WarehouseForm(forms.Form):
    address = forms.CharField(label=_("Warehouse address"), max_length=250)
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=120, help_text=_("Start typing and pick the city from the list."))
    language = forms.ChoiceField(label=_("Language we write to you in"), choices=())

    def __init__(self, *args, country: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.fields["language"].choices = [(code, _(name)) for code, name in settings.LANGUAGES]

    def clean(self):
        data = super().clean()
        name = (data.get("city") or "").strip()
        # the most populous city of that name (the review step shows which one was found)
        matches = cities_search(country=self.country, query=name, limit=1) if name else []
        city = matches[0] if matches else None
        if city is None and name:
            self.add_error("city", _("We know no city named %(name)s in %(country)s; pick one from the list.") % {"name": name, "country": country_name(self.country)})
        data["city_obj"] = city
        return data
