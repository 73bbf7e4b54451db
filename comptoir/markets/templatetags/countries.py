"""Country names for templates, in the active UI language (``markets.countries``).

``{% load countries %}``, then ``{{ order.country|country_name }}`` ("ES" → "Espagne" in French)
and ``{% for m in markets|by_country_name %}`` (markets in the reader's alphabetical order).
"""
from django import template

from comptoir.markets.countries import country_name as _country_name
from comptoir.markets.countries import sorted_by_country_name

register = template.Library()


@register.filter
def country_name(code):
    """An ISO alpha-2 code's country name in the active language; "" for an empty value."""
    return _country_name(str(code)) if code else ""


@register.filter
def by_country_name(markets):
    """Markets (anything with a ``code``) sorted by their country names in the active language."""
    return sorted_by_country_name(markets or ())
