"""Country names in the reader's language, from CLDR (through Babel, offline).

A market is a country: pages show its name in the UI language ("Espagne" to a French reader,
"España" to a Spanish one, "Spain" in English), never the English ``Market.name`` the operator
table was seeded with. Lists of countries are sorted by that name as the reader sees it, accents
folded ("États-Unis" among the E).
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language

from .names import search_fold

T = TypeVar("T")


@lru_cache(maxsize=16)
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError, TypeError):
        return {}


def country_name(code: str, language: str | None = None, *, default: str | None = None) -> str:
    """The name of country ``code`` (ISO 3166-1 alpha-2) in ``language`` (default: the active
    one): ``country_name("ES", "fr")`` → "Espagne". An unknown code gives ``default``, else the
    English CLDR name, else the code itself."""
    key = (code or "").strip().upper()
    language = (language or get_language() or "en").replace("-", "_").split("_")[0].lower()
    name = _territories(language).get(key) or default or _territories("en").get(key)
    return name or key


def sorted_by_country_name(items: Iterable[T], *, code=lambda item: item.code, language: str | None = None) -> list[T]:
    """``items`` (markets by default: anything with a country ``code``) in the alphabetical order
    of their country names in ``language`` (default: the active one), accents folded; ties by code."""
    def key(item: T) -> tuple[str, str]:
        c = code(item)
        return search_fold(country_name(c, language)), c

    return sorted(items, key=key)
