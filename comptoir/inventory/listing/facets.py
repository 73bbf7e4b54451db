"""The storefront listing's facets: the price buckets and seller countries of the products a
listing selects, counted in one grouped query (``aggregate_facets``), and their cached form
(``facets_to_data`` / ``facets_from_data``, kept in the listing cache and the facet snapshots)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from comptoir.common.money import minor_digits

PRICE_BUCKET_EDGES_MAJOR = (10, 20, 50, 100, 200, 500)


@dataclass(frozen=True, slots=True)
class PriceFacet:
    min_price: int  # gross minor units, inclusive
    max_price: int | None  # exclusive; None = open-ended
    count: int


@dataclass(frozen=True, slots=True)
class CountryFacet:
    country: str
    count: int


Facets = tuple[int, tuple[PriceFacet, ...], tuple[CountryFacet, ...]]


def aggregate_facets(
    currency, gross, rate_params, price_where, price_params, countries, base_from, base_params, where, params
) -> Facets:
    """Total and both facets in one grouped query (each facet ignores its own filter)."""
    edges = bucket_edges(currency)
    bucket_sql = "CASE " + " ".join(f"WHEN s.g < {e} THEN {i}" for i, e in enumerate(edges)) + f" ELSE {len(edges)} END"
    in_range = " AND ".join(["1=1", *price_where])
    agg_sql = (
        f"SELECT {bucket_sql} AS b, s.r, s.c, COUNT(*) FROM ("
        f"SELECT {gross} AS g, CASE WHEN {in_range} THEN 1 ELSE 0 END AS r, pl.seller_countries AS c "
        f"{base_from} WHERE {' AND '.join(where)}) s GROUP BY 1, 2, 3"
    )
    agg_params = [*rate_params, *price_params, *base_params, *params]
    with connection.cursor() as cursor:
        cursor.execute(agg_sql, agg_params)
        groups = cursor.fetchall()
    return facets_from_groups(groups, edges, countries)


def bucket_edges(currency: str) -> list[int]:
    return [e * 10 ** minor_digits(currency) for e in PRICE_BUCKET_EDGES_MAJOR]


def facets_from_groups(groups, edges: list[int], countries: tuple[str, ...]) -> Facets:
    """groups: (price bucket, in the price filter 0/1, seller countries "DE,FR", count)."""
    total = 0
    bucket_counts = [0] * (len(edges) + 1)
    country_counts: dict[str, int] = defaultdict(int)
    for bucket, in_r, combo, count in groups:
        combo_set = set(combo.split(",")) if combo else set()
        matches_country = not countries or bool(combo_set.intersection(countries))
        if matches_country:
            bucket_counts[bucket] += count
        if in_r:
            for c in combo_set:
                country_counts[c] += count
            if matches_country:
                total += count
    lows = [0, *edges]
    price_facets = tuple(
        PriceFacet(lows[i], edges[i] if i < len(edges) else None, n) for i, n in enumerate(bucket_counts) if n
    )
    country_facets = tuple(
        CountryFacet(c, n) for c, n in sorted(country_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return total, price_facets, country_facets


def facets_to_data(facets: Facets) -> dict:
    total, prices, countries = facets
    return {
        "total": total,
        "price": [[f.min_price, f.max_price, f.count] for f in prices],
        "country": [[f.country, f.count] for f in countries],
    }


def facets_from_data(data: dict) -> Facets:
    return (
        int(data["total"]),
        tuple(PriceFacet(int(lo), None if hi is None else int(hi), int(n)) for lo, hi, n in data["price"]),
        tuple(CountryFacet(c, int(n)) for c, n in data["country"]),
    )
