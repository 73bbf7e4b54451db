"""Which of Comptoir's UI languages (settings.LANGUAGES) a country's people read.

Used for messages to a party that has a country but no stored language preference (a seller's
new-order email). A country with a market speaks that market's default UI language (the
operator's choice: Belgium → fr, Germany → de); a country without a market speaks its first
official (or de facto) language that the UI has, from CLDR through Babel (Mexico → es,
Switzerland → de, Austria → de, Canada → en); anything else reads English.
"""
from __future__ import annotations

from collections.abc import Iterable

from babel.languages import get_official_languages
from django.conf import settings

from .models import Market

FALLBACK_LANGUAGE = "en"


def _ui_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _from_cldr(country: str) -> str:
    ui = _ui_languages()
    for language in get_official_languages(country, de_facto=True):
        if language in ui:
            return language
    return FALLBACK_LANGUAGE


def countries_ui_language(countries: Iterable[str]) -> dict[str, str]:
    """{country code: UI language} for each code given (upper-cased), in one query."""
    codes = {(c or "").strip().upper() for c in countries}
    by_market = {m.code: m.default_language for m in Market.objects.filter(code__in=codes)}
    return {code: by_market.get(code) or _from_cldr(code) for code in codes}


def country_ui_language(country: str) -> str:
    """The UI language (one of settings.LANGUAGES) for people of ``country`` (ISO alpha-2)."""
    code = (country or "").strip().upper()
    return countries_ui_language([code])[code]
