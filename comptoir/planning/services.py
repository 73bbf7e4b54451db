"""Store-site planning use cases: ``plan_stores`` solves and records a PlanRun;
``candidate_site_create`` records an operator's candidate address."""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
from django.db import transaction

from comptoir.common.geo import haversine_matrix_km
from comptoir.markets.models import Market

from . import selectors
from .demand import Demand
from .errors import (
    InvalidCandidate,
    InvalidDetour,
    InvalidNewStores,
    InvalidObjective,
    InvalidRadius,
    NoCities,
    UnknownMarket,
)
from .models import CandidateSite, PlanRun
from .solvers import PlanningInputError, max_coverage, p_median

OBJECTIVES = ("coverage", "distance")
DEFAULT_CANDIDATE_MIN_POPULATION = 10_000  # FR: 756 candidate cities after section removal
DEFAULT_TIME_LIMIT = 10.0  # seconds for the exact bound; the heuristic answer comes first

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Pick:
    """A proposed store, in rank order (greedy order of marginal gain among the chosen sites).

    covered_population   people within the radius of this site (its own catchment)
    marginal_gain        what this pick adds to the objective given the stores ranked before it
                         (people newly covered for "coverage"; person·km saved for "distance";
                         None for the first "distance" pick of a market without stores: there is
                         no distance to save from)
    share_within_radius  share of the market population within the radius of a store once this
                         pick and those ranked before it are open (cumulative)
    mean_distance_km     population-weighted mean distance to the nearest store, cumulative
    """

    rank: int
    city: str
    kind: str  # "city" or "candidate"
    lat: float
    lon: float
    covered_population: int
    marginal_gain: float | None
    share_within_radius: float
    mean_distance_km: float


@dataclass(frozen=True)
class ExistingStore:
    name: str
    lat: float
    lon: float
    covered_population: int
    status: str = "open"  # "open" or "planned"


@dataclass(frozen=True)
class PlanResult:
    market: str
    objective: str
    new_stores: int
    radius_km: float
    detour: float
    use_platform_demand: bool
    picks: tuple[Pick, ...]
    existing: tuple[ExistingStore, ...]
    objective_value: float
    bound: float | None
    gap: float | None
    proven_optimal: bool
    seconds: float
    solver_seconds: float
    demand_points: int
    candidates: int
    demand_total: int
    share_within_radius_before: float
    share_within_radius_after: float
    mean_distance_before_km: float | None
    mean_distance_after_km: float
    platform_orders: int
    run_id: int | None = field(default=None)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("bound", "gap"):
            v = data[key]
            if v is not None and not math.isfinite(v):
                data[key] = None
        return data


def _noop(_: str) -> None:
    return None


def _validate(objective, new_stores, radius_km, detour) -> None:
    if objective not in OBJECTIVES:
        raise InvalidObjective(f"Objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}.", field="objective")
    if isinstance(new_stores, bool) or not isinstance(new_stores, int) or new_stores <= 0:
        raise InvalidNewStores(f"The number of new stores must be a positive integer, got {new_stores!r}.", field="new_stores")
    try:
        r = float(radius_km)
    except (TypeError, ValueError):
        raise InvalidRadius(f"The radius must be a number of km, got {radius_km!r}.", field="radius_km") from None
    if not math.isfinite(r) or r <= 0:
        raise InvalidRadius(f"The radius must be greater than 0 km, got {radius_km!r}.", field="radius_km")
    try:
        d = float(detour)
    except (TypeError, ValueError):
        raise InvalidDetour(f"The detour factor must be a number, got {detour!r}.", field="detour") from None
    if not math.isfinite(d) or d < 1.0 or d > 3.0:
        raise InvalidDetour(f"The detour factor must be between 1.0 and 3.0, got {detour!r}.", field="detour")


def _greedy_rank(contrib: np.ndarray, base: np.ndarray) -> list[tuple[int, float]]:
    """Order the columns of ``contrib`` greedily by the decrease of Σ min(base, chosen columns)."""
    cur = base.copy()
    left = list(range(contrib.shape[1]))
    out = []
    while left:
        totals = [float(np.minimum(cur, contrib[:, j]).sum()) for j in left]
        t = int(np.argmin(totals))
        j = left.pop(t)
        new = np.minimum(cur, contrib[:, j])
        out.append((j, float(cur.sum() - new.sum())))
        cur = new
    return out


def plan_stores(
    *,
    market_code: str,
    new_stores: int,
    objective: str = "coverage",
    radius_km: float = 30.0,
    use_platform_demand: bool = False,
    detour: float = 1.0,
    candidate_min_population: int = DEFAULT_CANDIDATE_MIN_POPULATION,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    progress: Progress | None = None,
    created_by=None,
    record: bool = True,
) -> PlanResult:
    """Choose where ``new_stores`` stores should open in a market, keeping existing stores open.

    "coverage" maximises the demand within ``radius_km`` of a store; "distance" minimises the
    demand-weighted distance to the nearest store (p-median). Distances are great-circle km ×
    ``detour``. Candidates: the market's places of ≥ ``candidate_min_population`` people (after
    section removal) and the operator's active CandidateSites; existing stores (StockLocations
    of kind "store" in the country) are fixed sites. Records a PlanRun unless ``record`` is False.
    """
    started = time.perf_counter()
    progress = progress or _noop
    _validate(objective, new_stores, radius_km, detour)
    radius_km, detour = float(radius_km), float(detour)
    code = (market_code or "").strip().upper()
    market = Market.objects.filter(code=code).first()
    if market is None:
        raise UnknownMarket(f"Unknown market {market_code!r}.", field="market")

    progress("demand")
    demand = selectors.market_demand(market.code, use_platform_demand=use_platform_demand)
    if len(demand.population) == 0:
        raise NoCities(
            f"No cities are loaded for market {market.code}: run `comptoir load_cities {market.code}` first.",
            field="market",
        )
    progress("candidates")
    stores = selectors.existing_stores(market.code)
    cand_mask = demand.population >= candidate_min_population
    extra = list(CandidateSite.objects.filter(market=market, is_active=True).order_by("pk"))
    site_names = [s.name for s in stores] + [demand.names[i] for i in np.nonzero(cand_mask)[0]] + [c.name for c in extra]
    site_kind = ["store"] * len(stores) + ["city"] * int(cand_mask.sum()) + ["candidate"] * len(extra)
    site_lat = np.r_[[s.lat for s in stores], demand.lat[cand_mask], [c.latitude for c in extra]].astype(np.float64)
    site_lon = np.r_[[s.lon for s in stores], demand.lon[cand_mask], [c.longitude for c in extra]].astype(np.float64)
    n_free = len(site_names) - len(stores)
    if new_stores > n_free:
        raise InvalidNewStores(
            f"{new_stores} new stores asked but market {market.code} has only {n_free} candidate sites "
            f"(places of ≥ {candidate_min_population} people and candidate addresses).",
            field="new_stores",
        )
    progress("distances")
    cost = haversine_matrix_km(demand.lat, demand.lon, site_lat, site_lon)
    if detour != 1.0:
        cost *= detour
    fixed = tuple(range(len(stores)))
    p = len(stores) + new_stores
    progress("solve")
    try:
        if objective == "coverage":
            sol = max_coverage(cost, demand.weight, p, radius_km, fixed=fixed, time_limit=time_limit)
        else:
            sol = p_median(cost, demand.weight, p, fixed=fixed, time_limit=time_limit)
    except PlanningInputError as exc:  # inputs are validated above; this is a safety net
        raise InvalidNewStores(str(exc)) from exc

    progress("report")
    pop = demand.population
    total = float(pop.sum())
    chosen_new = [j for j in sol.sites if j not in set(fixed)]
    within = cost <= radius_km
    if objective == "coverage":
        contrib = (~within[:, chosen_new]).astype(np.float64) * demand.weight[:, None]
        base = demand.weight * (~within[:, list(fixed)].any(axis=1) if fixed else np.ones(len(pop)))
    else:
        contrib = cost[:, chosen_new] * demand.weight[:, None]
        base = demand.weight * (cost[:, list(fixed)].min(axis=1) if fixed else cost.max(axis=1))
    ranked = _greedy_rank(contrib, base)

    open_cols = list(fixed)
    picks = []
    for rank, (k, gain) in enumerate(ranked, start=1):
        j = chosen_new[k]
        open_cols.append(j)
        nearest = cost[:, open_cols].min(axis=1)
        picks.append(
            Pick(
                rank=rank,
                city=site_names[j],
                kind=site_kind[j],
                lat=float(site_lat[j]),
                lon=float(site_lon[j]),
                covered_population=int(round(float(pop @ within[:, j]))),
                marginal_gain=None if (objective == "distance" and not fixed and rank == 1) else round(gain, 3),
                share_within_radius=float(pop @ (nearest <= radius_km)) / total,
                mean_distance_km=float(pop @ nearest) / total,
            )
        )
    if fixed:
        near_before = cost[:, list(fixed)].min(axis=1)
        share_before = float(pop @ (near_before <= radius_km)) / total
        mean_before = float(pop @ near_before) / total
    else:
        share_before, mean_before = 0.0, None
    existing = tuple(
        ExistingStore(name=s.name, lat=s.lat, lon=s.lon, covered_population=int(round(float(pop @ within[:, i]))),
                      status=s.status)
        for i, s in enumerate(stores)
    )
    result = PlanResult(
        market=market.code,
        objective=objective,
        new_stores=new_stores,
        radius_km=radius_km,
        detour=detour,
        use_platform_demand=bool(use_platform_demand),
        picks=tuple(picks),
        existing=existing,
        objective_value=float(sol.objective),
        bound=sol.bound,
        gap=sol.gap,
        proven_optimal=bool(sol.proven_optimal),
        seconds=round(time.perf_counter() - started, 3),
        solver_seconds=round(sol.seconds, 3),
        demand_points=len(pop),
        candidates=n_free,
        demand_total=int(round(total)),
        share_within_radius_before=share_before,
        share_within_radius_after=picks[-1].share_within_radius if picks else share_before,
        mean_distance_before_km=mean_before,
        mean_distance_after_km=picks[-1].mean_distance_km if picks else (mean_before or 0.0),
        platform_orders=demand.platform_orders,
    )
    if not record:
        return result
    parameters = {
        "market": market.code,
        "new_stores": new_stores,
        "objective": objective,
        "radius_km": radius_km,
        "use_platform_demand": bool(use_platform_demand),
        "detour": detour,
        "candidate_min_population": candidate_min_population,
    }
    with transaction.atomic():
        run = PlanRun.objects.create(market=market, parameters=parameters, result=result.to_json(), created_by=created_by)
    result = PlanResult(**{**result.__dict__, "run_id": run.pk})
    return result


def candidate_site_create(*, market_code: str, name: str, latitude: float, longitude: float) -> CandidateSite:
    """Record an operator's candidate store address (a point inside the market's cities' extent)."""
    code = (market_code or "").strip().upper()
    market = Market.objects.filter(code=code).first()
    if market is None:
        raise UnknownMarket(f"Unknown market {market_code!r}.", field="market")
    name = (name or "").strip()
    if not name:
        raise InvalidCandidate("A candidate site needs a name.", field="name")
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise InvalidCandidate("Latitude and longitude must be numbers.", field="latitude") from None
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise InvalidCandidate("Latitude must be within ±90 and longitude within ±180.", field="latitude")
    box = selectors.market_extent(market.code)
    if box is not None:
        min_lat, max_lat, min_lon, max_lon = box
        if not (min_lat - 0.5 <= lat <= max_lat + 0.5 and min_lon - 0.5 <= lon <= max_lon + 0.5):
            raise InvalidCandidate(
                f"({lat:.4f}, {lon:.4f}) lies outside market {market.code} "
                f"(latitude {min_lat:.2f}…{max_lat:.2f}, longitude {min_lon:.2f}…{max_lon:.2f}).",
                field="latitude",
            )
    with transaction.atomic():
        return CandidateSite.objects.create(market=market, name=name[:120], latitude=lat, longitude=lon)
