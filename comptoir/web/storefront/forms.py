"""Storefront forms: the buyer's location picker and the listing filters."""
from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.common.errors import NotFound

LOCAL_KM_CHOICES = (10, 30, 50, 100)
STORE_KM_CHOICES = (10, 25, 50)
PAGE_SIZES = (12, 24, 48)
MAX_QUERY_CHARS = 200
SORT_CHOICES = [
    ("relevance", _("Best match")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("newest", _("Newest")),
]


class LocationForm(forms.Form):
    """Market + city. The city is a City id (a suggestion clicked) or, without JavaScript, a
    typed name or postcode resolved to the best match in the market."""

    market = forms.CharField(label=_("Market"), max_length=2, min_length=2)
    city = forms.IntegerField(label=_("City"), required=False, min_value=1, max_value=2**31 - 1)
    city_query = forms.CharField(label=_("City or postcode"), required=False, max_length=100)
    next = forms.CharField(required=False, max_length=500)

    def clean_market(self):
        from comptoir.markets.selectors import market_get

        code = self.cleaned_data["market"].strip().upper()
        try:
            market = market_get(code)
        except NotFound:
            market = None
        if market is None or not market.is_active:
            raise forms.ValidationError(_("“%(code)s” is not a market we serve."), code="unknown_market", params={"code": code})
        return market

    def clean(self):
        from comptoir.markets.selectors import cities_search, city_get

        from comptoir.web.middleware import market_default_city

        cleaned = super().clean()
        market = cleaned.get("market")
        if market is None:
            return cleaned
        city_id = cleaned.get("city")
        query = (cleaned.get("city_query") or "").strip()
        if city_id is not None:
            try:
                cleaned["city"] = city_get(country=market.code, city_id=city_id)
            except NotFound:
                self.add_error("city", forms.ValidationError(_("This city is not in %(market)s."), code="unknown_city", params={"market": market.display_name}))
        elif query:
            found = cities_search(country=market.code, query=query, limit=1)
            if not found:
                self.add_error("city_query", forms.ValidationError(_("No city in %(market)s matches “%(query)s”."), code="no_city", params={"market": market.display_name, "query": query}))
            else:
                cleaned["city"] = found[0]
        else:
            cleaned["city"] = market_default_city(market)
            if cleaned["city"] is None:
                self.add_error("city_query", forms.ValidationError(_("Choose a city."), code="no_city"))
        return cleaned


class ListingFilterForm(forms.Form):
    """Filters of a category or search page, read from the query string. Invalid values are
    reported next to the filter and that filter is ignored; the page still renders."""

    q = forms.CharField(required=False)
    price = forms.RegexField(regex=r"^\d{0,12}-\d{0,12}$", required=False)
    country = forms.MultipleChoiceField(required=False, choices=())
    local_km = forms.TypedChoiceField(
        label=_("Local only"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Any distance"))] + [(str(km), _("Within %(km)s km") % {"km": km}) for km in LOCAL_KM_CHOICES],
    )
    store_km = forms.TypedChoiceField(
        label=_("In a store near me"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Online or in store"))] + [(str(km), _("In a store within %(km)s km") % {"km": km}) for km in STORE_KM_CHOICES],
    )
    deliver_by = forms.DateField(label=_("Delivered by"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=[(str(n), str(n)) for n in PAGE_SIZES])

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Any two-letter code is accepted as a seller country; unknown ones just match nothing.
        codes = [c for c in data.getlist("country") if len(c) == 2 and c.isalpha()] if hasattr(data, "getlist") else []
        self.fields["country"].choices = [(c, c) for c in codes]

    def clean_country(self):
        return sorted({c.upper() for c in self.cleaned_data.get("country") or []})

    def clean_q(self):
        return " ".join((self.cleaned_data.get("q") or "").split())[:MAX_QUERY_CHARS]

    def clean_deliver_by(self):
        value = self.cleaned_data.get("deliver_by")
        if value is not None and value < datetime.date.today():
            raise forms.ValidationError(_("Choose a date from today on."), code="past")
        return value

    def value(self, name, default=None):
        """The cleaned value of a field, or the default if it was missing or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        if name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "", []) else value

    def price_range(self) -> tuple[int | None, int | None]:
        raw = self.value("price")
        if not raw:
            return None, None
        low, _sep, high = raw.partition("-")
        return (int(low) if low else None), (int(high) if high else None)
