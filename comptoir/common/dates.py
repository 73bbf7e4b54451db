"""Days written the way each UI language writes them, from CLDR via babel.

A promise day is either long (weekday, day and month in full: "Donnerstag, 10. Dezember",
"quinta-feira, 10 de dezembro") or short (abbreviated: "Do., 10. Dez.", "do 10 dec"). The
pattern is the locale's CLDR availableFormats entry closest to the skeleton, with its text
fields widened or narrowed to the width asked for, as ICU's DateTimePatternGenerator does:
babel's own format_skeleton keeps the matched entry's widths, so "MMMMEEEEd" gives "jeu. 10 déc."
in French where CLDR has no full-width entry.

| width | skeleton  | fr                  | de                       | pt (pt_PT)                   |
|-------|-----------|---------------------|--------------------------|------------------------------|
| long  | MMMMEEEEd | jeudi 10 décembre   | Donnerstag, 10. Dezember | quinta-feira, 10 de dezembro |
| short | MMMEd     | jeu. 10 déc.        | Do., 10. Dez.            | quinta, 10/12                |
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, match_skeleton, tokenize_pattern, untokenize_pattern

from comptoir.common.money import UI_LANGUAGE_LOCALES

SKELETONS = {"long": "MMMMEEEEd", "short": "MMMEd"}


def ui_locale(language: str | None) -> str:
    """A UI language ("pt", "de", "en-gb") as the babel locale we format for ("pt_PT", "de", "en_GB")."""
    language = (language or "en").replace("-", "_").split("_")[0].lower()
    return UI_LANGUAGE_LOCALES.get(language, language)


@lru_cache(maxsize=64)
def day_pattern(locale: str, width: str) -> str:
    """The CLDR pattern for a day of `width` ("long" or "short") in a babel locale."""
    skeleton = SKELETONS[width]
    formats = Locale.parse(locale).datetime_skeletons
    match = match_skeleton(skeleton, formats)
    if match is None:
        raise ValueError(f"{locale} has no CLDR pattern for the skeleton {skeleton}")
    wanted = {field[0]: len(field) for field in _fields(skeleton)}
    wanted["c"] = max(wanted["E"], 3)  # stand-alone weekday, text from 3 letters
    wanted["L"] = wanted["M"]  # stand-alone month
    tokens = []
    for kind, value in tokenize_pattern(formats[match].pattern):
        if kind == "field":
            letter, count = value
            # Text fields take the asked width (E is always text; c, M and L from 3 letters);
            # a locale's numeric month ("d/MM" in pt_PT) stays numeric.
            if letter == "E" or (letter in ("c", "L", "M") and count >= 3):
                value = (letter, wanted[letter])
        tokens.append((kind, value))
    return untokenize_pattern(tokens)


def _fields(skeleton: str) -> list[str]:
    fields: list[str] = []
    for letter in skeleton:
        if fields and fields[-1][0] == letter:
            fields[-1] += letter
        else:
            fields.append(letter)
    return fields


def format_day(day: dt.date, width: str, language: str | None) -> str:
    """A day for a UI language: 10 December 2026, "long", "pt" -> "quinta-feira, 10 de dezembro".
    A datetime gives its own (already local) date."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return _format_day(day, width, ui_locale(language))


@lru_cache(maxsize=4096)
def _format_day(day: dt.date, width: str, locale: str) -> str:
    return format_date(day, day_pattern(locale, width), locale=locale)
