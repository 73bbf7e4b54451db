import itertools

import numpy as np
import pytest

from comptoir.common.geo import haversine_km
from comptoir.markets.models import Market
from comptoir.planning.errors import InvalidCandidate, InvalidNewStores, InvalidObjective, InvalidRadius, NoCities, UnknownMarket
from comptoir.planning.models import CandidateSite, PlanRun
from comptoir.planning.services import candidate_site_create, plan_stores

from .factories import PLACES, market_lu, store_at

pytestmark = pytest.mark.django_db


def test_coverage_picks_the_centre_then_the_north_with_exact_figures():
    market_lu()
    r = plan_stores(market_code="LU", new_stores=2, objective="coverage", radius_km=15)
    assert [p.city for p in r.picks] == ["A1", "B"]
    assert [p.covered_population for p in r.picks] == [150_000, 50_000]  # A1 reaches A2 (6 km) and C (14 km)
    assert [p.marginal_gain for p in r.picks] == [150_000, 50_000]
    assert [p.share_within_radius for p in r.picks] == [0.75, 1.0]
    assert r.objective_value == 200_000 and r.bound == 200_000 and r.gap == 0.0
    assert r.demand_total == 200_000 and r.demand_points == 4 and r.candidates == 4
    run = PlanRun.objects.get(pk=r.run_id)
    assert run.parameters == {
        "market": "LU", "new_stores": 2, "objective": "coverage", "radius_km": 15.0,
        "use_platform_demand": False, "detour": 1.0, "candidate_min_population": 10_000,
    }
    assert [p["city"] for p in run.result["picks"]] == ["A1", "B"]


def test_existing_store_is_kept_and_the_new_pick_covers_the_rest():
    market_lu()
    store_at("A1")
    r = plan_stores(market_code="LU", new_stores=1, objective="coverage", radius_km=15)
    assert [p.city for p in r.picks] == ["B"]
    assert r.picks[0].marginal_gain == 50_000
    assert r.share_within_radius_before == 0.75 and r.share_within_radius_after == 1.0
    assert [e.name for e in r.existing] == ["Store A1"]


def test_planned_stores_are_kept_and_closed_ones_left_out():
    market_lu()
    store_at("A1", status="planned")
    store_at("B", status="closed")
    r = plan_stores(market_code="LU", new_stores=1, objective="coverage", radius_km=15)
    assert [(e.name, e.status) for e in r.existing] == [("Store A1", "planned")]
    assert [p.city for p in r.picks] == ["B"]  # the closed store's place is free again
    run = PlanRun.objects.get(pk=r.run_id)
    assert [(e["name"], e["status"]) for e in run.result["existing"]] == [("Store A1", "planned")]


def test_detour_shrinks_coverage():
    market_lu()
    # ×1.3: C is 18.2 road km from A1, beyond 15 km; A1 then covers A1+A2 = 120 000
    r = plan_stores(market_code="LU", new_stores=1, objective="coverage", radius_km=15, detour=1.3)
    assert r.picks[0].city == "A1" and r.picks[0].covered_population == 120_000


def test_distance_objective_matches_brute_force():
    market_lu()
    names = list(PLACES)
    pts = list(PLACES.values())

    def cost(sites):
        return sum(p * min(haversine_km(la, lo, pts[s][0], pts[s][1]) for s in sites) for la, lo, p in pts)

    for k in (1, 2):
        best = min(itertools.combinations(range(4), k), key=cost)
        r = plan_stores(market_code="LU", new_stores=k, objective="distance", radius_km=15)
        assert sorted(p.city for p in r.picks) == sorted(names[s] for s in best)
        assert r.objective_value == pytest.approx(cost(best), rel=1e-9)
        assert r.mean_distance_after_km == pytest.approx(cost(best) / 200_000, rel=1e-9)
    assert r.picks[0].marginal_gain is None  # no store before the first: nothing to save from
    assert r.picks[1].marginal_gain > 0


def test_operator_candidate_site_is_considered():
    market_lu()
    candidate_site_create(market_code="LU", name="Mall between A1 and C", latitude=49.6, longitude=6.0)
    r = plan_stores(market_code="LU", new_stores=1, objective="coverage", radius_km=10)
    # 7.2 km from A1, 7.2 from C, 13.2 from A2: covers A1 + C = 130 000, more than any city
    assert r.picks[0].city == "Mall between A1 and C" and r.picks[0].kind == "candidate"
    assert r.picks[0].covered_population == 130_000
    assert r.candidates == 5


@pytest.mark.parametrize(
    "kwargs, error, code",
    [
        (dict(market_code="ZZ"), UnknownMarket, "planning_unknown_market"),
        (dict(new_stores=0), InvalidNewStores, "planning_invalid_new_stores"),
        (dict(new_stores=-2), InvalidNewStores, "planning_invalid_new_stores"),
        (dict(new_stores=5), InvalidNewStores, "planning_invalid_new_stores"),  # 4 candidates
        (dict(radius_km=0), InvalidRadius, "planning_invalid_radius"),
        (dict(radius_km=-5), InvalidRadius, "planning_invalid_radius"),
        (dict(objective="closest"), InvalidObjective, "planning_invalid_objective"),
    ],
)
def test_bad_input_raises_a_specific_error_and_records_nothing(kwargs, error, code):
    market_lu()
    args = dict(market_code="LU", new_stores=1, objective="coverage", radius_km=15) | kwargs
    with pytest.raises(error) as exc:
        plan_stores(**args)
    assert exc.value.code == code
    assert PlanRun.objects.count() == 0


def test_market_without_cities_is_refused():
    market_lu(with_cities=False)
    with pytest.raises(NoCities) as exc:
        plan_stores(market_code="LU", new_stores=1, radius_km=15)
    assert "comptoir load_cities LU" in exc.value.message


def test_candidate_outside_the_market_is_refused():
    market_lu()
    with pytest.raises(InvalidCandidate):
        candidate_site_create(market_code="LU", name="Madrid", latitude=40.4, longitude=-3.7)
    assert CandidateSite.objects.count() == 0


def test_platform_demand_degrades_to_population_without_orders():
    market_lu()
    r = plan_stores(market_code="LU", new_stores=1, radius_km=15, use_platform_demand=True)
    assert r.platform_orders == 0 and r.picks[0].city == "A1" and r.objective_value == 150_000
