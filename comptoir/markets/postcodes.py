"""Postcodes for the main cities, from the offline data of ``countrystatecity-postal-codes``.

GeoNames (our city source) ships no postcodes, and ``pgeocode`` downloads at run time, which
we do not allow. The ``countrystatecity-postal-codes`` package (ODbL, data embedded in the
wheel) lists postcodes with a locality name per country. We attach a postcode to a City when:

* the country is one whose data are real postcodes (``POSTCODE_COUNTRIES``; the package's
  Spanish entries are INE municipality codes, e.g. "41091 Sevilla", so ES is left blank);
* the city's folded name is unique among that country's loaded cities (no namesakes); and
* every postcode listed for that name starts with the same character (one postal zone), so
  that two villages of the same name far apart are not confused.

The lowest postcode of the locality is stored (Paris → 75001, Lyon → 69001). Postcode lookup
in ``cities_search`` therefore works for those cities only; elsewhere the field stays blank.
"""
from __future__ import annotations

import json
from importlib import resources

from .names import search_fold

POSTCODE_COUNTRIES: frozenset[str] = frozenset({"FR", "DE", "IT", "BE", "NL", "PT", "AT", "LU"})


def postcodes_by_name(country: str) -> dict[str, str]:
    """{folded locality name: lowest postcode} for one country; {} when we have no data."""
    if country not in POSTCODE_COUNTRIES:
        return {}
    try:
        path = resources.files("countrystatecity_postal_codes").joinpath("data", "by-country", country, "postcodes.json")
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        return {}
    codes: dict[str, list[str]] = {}
    for row in rows:
        name, code = row.get("localityName"), row.get("code")
        if name and code:
            codes.setdefault(search_fold(name), []).append(code.strip())
    result: dict[str, str] = {}
    for name, values in codes.items():
        if len({value[0] for value in values}) == 1:
            result[name] = min(values)
    return result
