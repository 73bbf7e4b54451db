"""Reads for the planner: a market's demand, its existing stores, recorded runs."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Min, QuerySet

from comptoir.inventory.models import LocationKind, LocationStatus, StockLocation
from comptoir.markets.models import City

from .demand import MIN_POPULATION, Demand, country_population, demand_from_rows
from .models import PlanRun


@dataclass(frozen=True)
class StoreSite:
    name: str
    lat: float
    lon: float
    status: str = LocationStatus.OPEN  # open or planned: both are fixed sites


def market_demand(market_code: str, *, use_platform_demand: bool = False) -> Demand:
    """Demand points of a market from its loaded cities (sections removed; see demand.py)."""
    rows = list(
        City.objects.filter(country=market_code, population__gte=MIN_POPULATION)
        .order_by("pk")
        .values_list("pk", "name", "latitude", "longitude", "population")
    )
    orders = None
    if use_platform_demand:
        from .analytics import orders_by_city

        orders = orders_by_city(market_code)
    return demand_from_rows(
        market_code, rows, orders_by_city=orders, country_total=country_population(market_code)
    )


def existing_stores(market_code: str) -> list[StoreSite]:
    """The market's open and planned stores (StockLocations of kind "store"; closed ones are
    left out), in pk order: the planner keeps them and proposes new ones around them."""
    return [
        StoreSite(name=name, lat=lat, lon=lon, status=status)
        for name, lat, lon, status in StockLocation.objects.filter(
            kind=LocationKind.STORE, country=market_code, status__in=[LocationStatus.OPEN, LocationStatus.PLANNED]
        )
        .order_by("pk")
        .values_list("name", "latitude", "longitude", "status")
    ]


def market_extent(market_code: str) -> tuple[float, float, float, float] | None:
    """(min_lat, max_lat, min_lon, max_lon) of the market's loaded cities, or None."""
    agg = City.objects.filter(country=market_code).aggregate(
        a=Min("latitude"), b=Max("latitude"), c=Min("longitude"), d=Max("longitude")
    )
    if agg["a"] is None:
        return None
    return agg["a"], agg["b"], agg["c"], agg["d"]


def plan_runs_recent(*, limit: int = 20) -> QuerySet[PlanRun]:
    return PlanRun.objects.select_related("market", "created_by").order_by("-created_at", "-pk")[:limit]


def plan_run_get(run_id: int) -> PlanRun | None:
    return PlanRun.objects.select_related("market").filter(pk=run_id).first()
