"""Reads of the markets app: markets, VAT rates and who is liable for VAT, cities."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pycountry
from django.db import connection
from django.db.models import BooleanField, Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django.utils import timezone

from .errors import CityNotFound, MarketNotFound, UnknownCountry, VatRateMissing
from .models import City, CityName, Market, TaxClass, VatRate
from .names import search_fold
from .vat_data import EU_MEMBER_STATES

# Import consignments of an intrinsic value up to this (EUR minor units) fall under the IOSS
# regime, where a facilitating marketplace is the deemed supplier (VAT Directive art. 14a(1)).
IOSS_CONSIGNMENT_LIMIT_MINOR = 150_00

_POSTCODE_QUERY = re.compile(r"^\d[\d\- ]{1,10}$")


# --- countries and markets -------------------------------------------------------------

def country_normalise(code: str) -> str:
    """'fr' → 'FR'; an unknown or malformed ISO 3166-1 alpha-2 code raises ``UnknownCountry``."""
    value = (code or "").strip().upper()
    if len(value) != 2 or not value.isalpha() or pycountry.countries.get(alpha_2=value) is None:
        raise UnknownCountry(f"Unknown country code {code!r} (expected ISO 3166-1 alpha-2, e.g. FR)", field="country")
    return value


def is_eu(country: str) -> bool:
    """True for the 27 EU member states (ISO alpha-2, 'GR' for Greece)."""
    return country.upper() in EU_MEMBER_STATES


def market_get(code: str) -> Market:
    """The market for a country code (case-insensitive); ``MarketNotFound`` if there is none."""
    try:
        return Market.objects.get(code=(code or "").strip().upper())
    except Market.DoesNotExist:
        raise MarketNotFound(f"unknown market: {code!r}", field="market") from None


def markets_active() -> QuerySet[Market]:
    return Market.objects.filter(is_active=True).order_by("code")


# --- VAT -------------------------------------------------------------------------------

def _market_code(market: Market | str) -> str:
    return market.code if isinstance(market, Market) else str(market).upper()


def vat_rate_bp(*, market: Market | str, tax_class: str, on: date | None = None) -> int:
    """The VAT rate in basis points for a tax class in a market on a date (default: today).

    The rate with the newest ``valid_from`` on or before ``on`` applies. When none exists the
    call raises ``VatRateMissing``: a missing rate is a configuration error, never 0 %.
    """
    on = on or timezone.localdate()
    if tax_class not in TaxClass.values:
        raise VatRateMissing(f"Unknown tax class {tax_class!r}", field="tax_class")
    code = _market_code(market)
    rate = (
        VatRate.objects.filter(market__code=code, tax_class=tax_class, valid_from__lte=on)
        .order_by("-valid_from")
        .values_list("rate_bp", flat=True)
        .first()
    )
    if rate is None:
        raise VatRateMissing(f"No {tax_class} VAT rate for market {code} on {on.isoformat()}", field="tax_class")
    return rate


def vat_rates_on(*, market: Market | str, on: date | None = None) -> dict[str, int]:
    """{tax class: rate bp} in force in a market on a date, in one query (classes without a rate are absent)."""
    on = on or timezone.localdate()
    rates: dict[str, int] = {}
    rows = (
        VatRate.objects.filter(market__code=_market_code(market), valid_from__lte=on)
        .order_by("tax_class", "-valid_from")
        .values_list("tax_class", "rate_bp")
    )
    for tax_class, rate_bp in rows:
        rates.setdefault(tax_class, rate_bp)
    return rates


def vat_liable_party(
    *, seller_country: str, buyer_country: str, consignment_value_minor: int | None = None
) -> Literal["seller", "marketplace"]:
    """Who must charge and remit the VAT on a B2C sale facilitated by Comptoir (EU rules since 2021-07-01).

    * Buyer outside the EU: no EU VAT is due on the sale (export); the seller is responsible → "seller".
    * Seller established in the EU: the seller is the supplier, whatever the value → "seller".
    * Seller established outside the EU, buyer in the EU — the marketplace becomes the
      *deemed supplier* (Council Directive 2006/112/EC art. 14a, Implementing Regulation
      282/2011 art. 5b) → "marketplace" when:
        - the goods are already in the EU (e.g. stock in a Comptoir store or an EU warehouse):
          pass ``consignment_value_minor=None`` (art. 14a(2), any value); or
        - the goods are imported in a consignment of an intrinsic value ≤ €150
          (``consignment_value_minor`` ≤ 15000 EUR cents; art. 14a(1), IOSS).
      An imported consignment above €150 is outside the deemed-supplier regime: import VAT is
      paid at customs by the importer of record → "seller".

    Country codes are ISO 3166-1 alpha-2 (Greece = GR); an unknown code raises ``UnknownCountry``.
    """
    seller = country_normalise(seller_country)
    buyer = country_normalise(buyer_country)
    if consignment_value_minor is not None and consignment_value_minor < 0:
        raise ValueError("consignment_value_minor must be ≥ 0")
    if not is_eu(buyer) or is_eu(seller):
        return "seller"
    if consignment_value_minor is None or consignment_value_minor <= IOSS_CONSIGNMENT_LIMIT_MINOR:
        return "marketplace"
    return "seller"


# --- cities ----------------------------------------------------------------------------

def _prefix_filter(prefix: str, field: str = "search_name") -> dict:
    """Index-backed prefix match on a folded name column.

    PostgreSQL: ``LIKE 'x%'`` uses the ``varchar_pattern_ops`` indexes (the one Django adds for
    ``City.search_name``'s ``db_index=True``, and ``cityname_country_prefix``). SQLite's LIKE is
    case-insensitive and cannot use a BINARY index, so a half-open range [prefix, next) is used
    there (exact for the binary collation).
    """
    if connection.vendor == "sqlite":
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return {f"{field}__gte": prefix, f"{field}__lt": upper}
    return {f"{field}__startswith": prefix}


def cities_search(*, country: str, query: str, limit: int = 10) -> list[City]:
    """Cities of a country with a name that starts with ``query`` (case- and accent-insensitive:
    "sevilla" / "Sévilla" / "SEVILLA" all find Sevilla), most populous first.

    A city is found by GeoNames' name and by any of its other names (``CityName``: the local
    and UI-language names and the alternate names in the market's script), so "roma" finds Rome,
    "lisboa" Lisbon, "münchen" or "munchen" Munich; each city comes once. A query of digits
    (e.g. "69001", "1000-001") matches the postcode exactly (postcodes are known for the main
    cities only, see ``postcodes.py``). An empty query returns []. One query.
    """
    code = (country or "").strip().upper()
    raw = (query or "").strip()
    limit = max(1, min(int(limit), 100))
    if not raw:
        return []
    qs = City.objects.filter(country=code)
    if _POSTCODE_QUERY.match(raw):
        qs = qs.filter(postcode=raw)
    else:
        folded = search_fold(raw)[:200]
        if not folded:
            return []
        names = CityName.objects.filter(country=code, **_prefix_filter(folded))
        by_name = City.objects.filter(country=code, **_prefix_filter(folded)).values("pk")
        own_name = Q(**_prefix_filter(folded)) | Q(pk__in=names.filter(alternate=False).values("city_id"))
        qs = (
            # a UNION of the two index searches (an OR of them makes both engines scan the country)
            qs.filter(pk__in=by_name.union(names.values("city_id"), all=True))
            # found by one of its own names (GeoNames', local, UI languages) before an alternate one
            .annotate(by_alternate=Case(When(own_name, then=Value(0)), default=Value(1)))
            .order_by("by_alternate", "-population", "name", "id")
        )
        return list(qs[:limit])
    return list(qs.order_by("-population", "name", "id")[:limit])


def city_name_expression(path: str = "", *, language: str | None = None):
    """A query expression for a City's name in ``language`` (default: the active one), as
    ``City.name_in`` computes it: ``names[language]``, else ``local_name``, else ``name``.
    ``path`` leads to the city from the queried model, e.g. ``"location__city__"``."""
    language = (language or get_language() or "en")[:2]
    return Coalesce(
        NullIf(KeyTextTransform(language, f"{path}names"), Value("")),
        NullIf(F(f"{path}local_name"), Value("")),
        F(f"{path}name"),
        output_field=CharField(),
    )


@dataclass(frozen=True, slots=True)
class AddressPlace:
    """The City a typed address was matched to (see ``cities_for_addresses``)."""

    city_id: int
    latitude: float
    longitude: float


_ADDRESS_BATCH = 5000  # addresses per query: keeps the bound parameters under SQLite's and PostgreSQL's limits


def cities_for_addresses(addresses: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], AddressPlace]:
    """The place of each typed address: {(country, postcode, city name): AddressPlace}.

    Like the buyer's city search, but exact and for many addresses at once (analytics over
    every order): the most populous city of the country with that postcode, else the city
    whose folded name equals the typed one folded — GeoNames' name or any of its ``CityName``
    names, so "München", "munchen" and "Munich" all give Munich —, a city found by one of its
    own names before one found by an alternate name, then the most populous. Addresses that
    match nothing are absent. One query (a UNION of three index look-ups) per 5,000 addresses,
    whatever the number of orders behind them.
    """
    wanted: dict[tuple[str, str, str], tuple[str, str, str]] = {}  # address → (country, postcode, folded name)
    for address in addresses:
        if address not in wanted:
            country, postcode, name = address
            wanted[address] = ((country or "").strip().upper(), (postcode or "").strip(), search_fold(name or "")[:200])
    found: dict[tuple[str, str, str], AddressPlace] = {}
    items = list(wanted.items())
    for start in range(0, len(items), _ADDRESS_BATCH):
        batch = items[start : start + _ADDRESS_BATCH]
        best = _places_matching(
            countries={c for _a, (c, _p, _n) in batch},
            postcodes={p for _a, (_c, p, _n) in batch if p},
            names={n for _a, (_c, _p, n) in batch if n},
        )
        for address, (country, postcode, name) in batch:
            hit = (postcode and best.get((country, "postcode", postcode))) or (name and best.get((country, "name", name)))
            if hit:
                found[address] = hit[1]
    return found


def _places_matching(*, countries: set[str], postcodes: set[str], names: set[str]) -> dict[tuple[str, str, str], tuple[tuple, AddressPlace]]:
    """{(country, "postcode" | "name", key): (rank, AddressPlace)} of the best city per key, in one query."""
    if not countries or not (postcodes or names):
        return {}
    def rows(qs, kind: str, key: str, city: str, alternate):
        return qs.order_by().annotate(
            kind=Value(kind, output_field=CharField()), key=F(key), city_id_=F(f"{city}id"),
            alternate_=alternate, population_=F(f"{city}population"),
            latitude_=F(f"{city}latitude"), longitude_=F(f"{city}longitude"),
        ).values_list("kind", "country", "key", "city_id_", "alternate_", "population_", "latitude_", "longitude_")

    not_alternate = Value(False, output_field=BooleanField())
    parts = []
    if postcodes:
        parts.append(rows(City.objects.filter(country__in=countries, postcode__in=postcodes), "postcode", "postcode", "", not_alternate))
    if names:
        parts.append(rows(City.objects.filter(country__in=countries, search_name__in=names), "name", "search_name", "", not_alternate))
        parts.append(rows(
            CityName.objects.filter(country__in=countries, search_name__in=names), "name", "search_name", "city__", F("alternate"),
        ))
    query = (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]).order_by()
    best: dict[tuple[str, str, str], tuple[tuple, AddressPlace]] = {}
    for kind, country, key, city_id, alternate, population, latitude, longitude in query:
        rank = (bool(alternate), -(population or 0), city_id)
        current = best.get((country, kind, key))
        if current is None or rank < current[0]:
            best[(country, kind, key)] = (rank, AddressPlace(city_id, latitude, longitude))
    return best


def city_get(*, country: str, city_id: int) -> City:
    """A city by primary key within a country; ``CityNotFound`` if absent or in another country."""
    try:
        return City.objects.get(pk=int(city_id), country=(country or "").strip().upper())
    except (City.DoesNotExist, ValueError, TypeError):
        raise CityNotFound(f"unknown city {city_id!r} in {country!r}", field="city") from None


def city_default(*, country: str) -> City | None:
    """The most populous city of a country (the buyer's city until they choose one)."""
    return City.objects.filter(country=(country or "").strip().upper()).order_by("-population", "id").first()
