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


# --- a first visit: the market a browser's languages point to ---------------------------

# English is most buyers' second language and the UI's fallback: a browser that says only "en"
# tells nothing of where its reader lives (CLDR's likely country is the US), so it never picks
# a market by itself; "en-IE" still picks Ireland by its region.
_LINGUA_FRANCA = "en"
_MAX_ACCEPT_LANGUAGE_CHARS = 500


def _accept_language_tags(header: str) -> list[str]:
    """The language tags of an Accept-Language header, best first ("es-es", "es", …); "*" and
    malformed entries dropped."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    return [tag for tag, _q in parse_accept_lang_header((header or "")[:_MAX_ACCEPT_LANGUAGE_CHARS].lower()) if tag != "*"]


def market_for_accept_language(header: str, markets: dict[str, str]) -> str | None:
    """The market a buyer's browser languages point to, for a first visit: the code of one of
    ``markets`` ({market code: its default UI language}, the active markets), else None.

    Each tag of ``header`` is tried, best first, and the first that names a market wins:
      1. its region, when a market has that code: "es-ES" → ES, "nl-BE" and "fr-BE" → BE;
      2. the country CLDR gives as the language's likely one (through Babel): "de" → DE,
         "it" → IT, "nl" → NL, "es-MX" → ES (Mexico is no market, Spanish is Spain's);
      3. else the one market whose default UI language it is (other than English): "pt"
         (likely Brazil in CLDR) → PT.
    "en" alone, "*" or languages no market speaks give None (the default market applies).
    """
    from babel.core import get_global

    likely = get_global("likely_subtags")
    by_language: dict[str, list[str]] = {}
    for code, language in markets.items():
        by_language.setdefault(language, []).append(code)
    for tag in _accept_language_tags(header):
        language, _sep, rest = tag.partition("-")
        region = next((part.upper() for part in rest.split("-") if len(part) == 2 and part.isalpha()), "")
        if region in markets:
            return region
        likely_region = (likely.get(language) or "").rpartition("_")[2].upper()
        if language != _LINGUA_FRANCA and likely_region in markets:
            return likely_region
        only = by_language.get(language, [])
        if language != _LINGUA_FRANCA and len(only) == 1:
            return only[0]
    return None
