"""Place-name folding for search: lower-case, accents removed, punctuation as spaces.

"Saint-Étienne" → "saint etienne", "Cádiz" → "cadiz", "Köln" → "koln", "Straße" → "strasse".
The same function folds the stored name and the typed query, so both meet.
"""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐–—'’`.,/()]+")


def ascii_fold(text: str) -> str:
    """Accents and ligatures removed, case kept: "Saint-Étienne" → "Saint-Etienne"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_fold(text: str) -> str:
    """The search key: ascii-folded, case-folded, separators collapsed to one space."""
    return _SEPARATORS.sub(" ", ascii_fold(text).casefold()).strip()
