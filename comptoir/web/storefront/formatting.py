"""Presentation helpers: money, distances and locales for the buyer's language and market."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from comptoir.common.money import money_format


@lru_cache(maxsize=64)
def babel_locale(language: str, market_code: str | None) -> str:
    """'es' + 'ES' -> 'es_ES'; 'en' + 'FR' -> 'en_FR' (CLDR knows it); otherwise the language."""
    language = (language or "en")[:2]
    if market_code:
        try:
            Locale.parse(f"{language}_{market_code}")
            return f"{language}_{market_code}"
        except (UnknownLocaleError, ValueError):
            pass
    return language


def money(amount: int | None, currency: str, locale: str) -> str:
    if amount is None:
        return ""
    return money_format(int(amount), currency, locale)


def number(value: int, locale: str) -> str:
    """1000 in 'fr_FR' -> '1\u202f000'; in 'en' -> '1,000'."""
    return format_decimal(value, locale=locale)


def distance_km(km: float | None, locale: str) -> str:
    if km is None:
        return ""
    return _distance_km(float(km), locale)


@lru_cache(maxsize=50_000)
def _distance_km(km: float, locale: str) -> str:
    pattern = "#,##0" if km >= 10 else "#,##0.0"
    return f"{format_decimal(km, format=pattern, locale=locale)}\u00a0km"


@lru_cache(maxsize=512)
def country_name(code: str, locale: str) -> str:
    """'ES' in 'fr_FR' -> 'Espagne' (CLDR via babel); the code itself if unknown."""
    try:
        return Locale.parse(locale).territories.get(code.upper(), code)
    except (UnknownLocaleError, ValueError):
        return code
