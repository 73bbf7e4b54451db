"""Tests of the pure planning solvers (no Django, no database).

Small instances are checked against brute force over itertools.combinations; hypothesis checks
the structural properties; one test solves OR-Library pmed1 to its published optimum.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.planning.solvers import pmedian as solvers
from comptoir.planning.solvers import PlanningInputError, Solution, max_coverage, p_median

# pmed1 (2 KB) ships with the tests so that no test depends on shared/ beside the repository.
PMED_DIR = Path(__file__).parent / "data"


# ---------------------------------------------------------------------------- brute force


def _pm_value(C, w, sites):
    return float(np.asarray(w) @ np.asarray(C)[:, list(sites)].min(axis=1))


def _cov_value(C, w, sites, radius):
    return float(np.asarray(w) @ (np.asarray(C)[:, list(sites)].min(axis=1) <= radius))


def _brute(C, w, p, fixed, value, best):
    C = np.asarray(C)
    free = [j for j in range(C.shape[1]) if j not in fixed]
    vals = [
        value(C, w, tuple(fixed) + combo)
        for combo in itertools.combinations(free, p - len(fixed))
    ]
    return best(vals)


def brute_pm(C, w, p, fixed=()):
    return _brute(C, w, p, tuple(fixed), _pm_value, min)


def brute_cov(C, w, p, radius, fixed=()):
    return _brute(C, w, p, tuple(fixed), lambda C, w, s: _cov_value(C, w, s, radius), max)


def _check_shape(sol: Solution, p, fixed, m):
    assert isinstance(sol, Solution)
    assert len(sol.sites) == p
    assert list(sol.sites) == sorted(set(sol.sites))
    assert all(0 <= j < m for j in sol.sites)
    assert set(fixed) <= set(sol.sites)
    assert len(sol.marginal_gains) == p - len(fixed)
    assert sol.seconds >= 0


# ---------------------------------------------------------------------------- hand-made cases


def test_p_median_line_exact_values():
    # demand at 0, 1, 10, 11 on a line; sites at the same points
    x = np.array([0.0, 1.0, 10.0, 11.0])
    C = np.abs(x[:, None] - x[None, :])
    w = np.array([1.0, 2.0, 3.0, 1.0])
    sol = p_median(C, w, 2)
    assert sol.sites == (1, 2)
    assert sol.objective == 2.0  # 1*1 + 2*0 + 3*0 + 1*1
    assert sol.bound == 2.0 and sol.gap == 0.0 and sol.proven_optimal
    # greedy order of the picks: site 2 first from the all-at-farthest reference
    # (reference = 11+2*10+3*10+11 = 72; with site 2 alone: 10+18+0+1 = 29; then site 1 -> 2)
    assert sol.marginal_gains == (43.0, 27.0)


def test_p_median_fixed_site_is_kept_even_if_poor():
    x = np.array([0.0, 1.0, 10.0, 11.0])
    C = np.abs(x[:, None] - x[None, :])
    w = np.ones(4)
    sol = p_median(C, w, 2, fixed=[0])
    # best second site given site 0: site 2 or 3 -> 0 + 1 + 0 + 1 = 2
    assert 0 in sol.sites
    assert sol.objective == 2.0
    assert sol.proven_optimal
    # with {0}: 0+1+10+11 = 22; with {0, 2} or {0, 3}: 2 -> the pick gains 20
    assert sol.marginal_gains == (20.0,)


def test_marginal_gains_sum_to_total_improvement():
    rng = np.random.default_rng(3)
    C = rng.integers(0, 50, size=(30, 12)).astype(float)
    w = rng.random(30) * 100
    sol = p_median(C, w, 4, fixed=[5])
    assert sum(sol.marginal_gains) == pytest.approx(_pm_value(C, w, [5]) - sol.objective)
    assert all(g >= 0 for g in sol.marginal_gains)
    # facility-location savings are submodular: greedy-order gains never increase
    gains = sol.marginal_gains
    assert all(a >= b - 1e-9 for a, b in zip(gains, gains[1:]))


def test_p_median_lp_fractional_instance_goes_through_milp(monkeypatch):
    # LP relaxation of this instance is 6.5, integer optimum 8 (found by random search)
    C = np.array(
        [
            [6, 6, 7, 5, 0, 4],
            [7, 3, 2, 0, 1, 9],
            [7, 0, 9, 0, 5, 2],
            [6, 1, 3, 7, 9, 1],
            [9, 3, 0, 0, 6, 9],
            [3, 3, 0, 8, 4, 9],
        ],
        dtype=float,
    )
    calls = []
    real_milp = solvers.milp

    def counting_milp(*args, **kwargs):
        calls.append(1)
        return real_milp(*args, **kwargs)

    monkeypatch.setattr(solvers, "milp", counting_milp)
    sol = p_median(C, np.ones(6), 2)
    assert sol.objective == 8.0 == brute_pm(C, np.ones(6), 2)
    assert sol.bound == 8.0 and sol.gap == 0.0 and sol.proven_optimal
    assert calls, "an LP gap of 1.5 can only be closed by the MILP"


def test_max_coverage_exact_values_and_fixed():
    x = np.array([0.0, 1.0, 10.0, 11.0, 30.0])
    C = np.abs(x[:, None] - x[None, :])
    w = np.array([5.0, 1.0, 2.0, 2.0, 7.0])
    sol = max_coverage(C, w, 2, 1.0)
    # best pair: one of {0,1} and site 4 -> 5+1+7 = 13
    assert sol.objective == 13.0
    assert 4 in sol.sites and len(set(sol.sites) & {0, 1}) == 1
    assert sol.bound == 13.0 and sol.proven_optimal
    sol = max_coverage(C, w, 2, 1.0, fixed=[2])
    assert sol.sites == (2, 4) and sol.objective == 11.0 and sol.proven_optimal
    assert sol.marginal_gains == (7.0,)


def test_max_coverage_lp_fractional_instance():
    A = np.array(
        [
            [0, 1, 0, 0, 0],
            [0, 0, 0, 1, 1],
            [1, 0, 0, 1, 0],
            [0, 0, 1, 0, 0],
            [1, 1, 0, 0, 1],
            [1, 0, 1, 0, 1],
        ]
    )
    C = np.where(A == 1, 1.0, 5.0)
    sol = max_coverage(C, np.ones(6), 2, 2.0)
    assert sol.objective == 4.0 == brute_cov(C, np.ones(6), 2, 2.0)
    assert sol.bound == 4.0 and sol.proven_optimal  # LP says 4.67: MILP closes it


def test_zero_weights_and_all_sites():
    C = np.arange(12, dtype=float).reshape(3, 4)
    sol = p_median(C, np.zeros(3), 2, fixed=[3])
    assert sol.objective == 0.0 and sol.gap == 0.0 and 3 in sol.sites and len(sol.sites) == 2
    sol = p_median(C, np.ones(3), 4)
    assert sol.sites == (0, 1, 2, 3) and sol.objective == 0.0 + 4.0 + 8.0
    sol = max_coverage(C, np.zeros(3), 1, 1.0)
    assert sol.objective == 0.0 and sol.gap == 0.0


def test_time_limited_large_instance_reports_consistent_bound():
    rng = np.random.default_rng(7)
    pts_d = rng.random((3000, 2)) * 100
    pts_s = rng.random((150, 2)) * 100
    C = np.sqrt(((pts_d[:, None, :] - pts_s[None, :, :]) ** 2).sum(-1))
    w = rng.random(3000) * 1000
    sol = p_median(C, w, 8, fixed=[3, 4], time_limit=1.0)
    _check_shape(sol, 8, [3, 4], 150)
    assert sol.objective == pytest.approx(_pm_value(C, w, sol.sites), rel=1e-12)
    assert sol.bound is not None and sol.bound <= sol.objective
    assert sol.gap == pytest.approx((sol.objective - sol.bound) / sol.objective, abs=1e-15)
    assert sol.seconds < 15  # heuristic + bounded exact phase


# ---------------------------------------------------------------------------- brute force sweep


@pytest.mark.parametrize("seed", range(12))
def test_p_median_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(3, 13), rng.integers(2, 9)
    C = rng.random((n, m)) * 100 if seed % 2 else rng.integers(0, 30, (n, m)).astype(float)
    w = rng.random(n) * 50
    p = int(rng.integers(1, m + 1))
    fixed = list(rng.choice(m, size=int(rng.integers(0, p + 1)), replace=False))
    sol = p_median(C, w, p, fixed=fixed)
    _check_shape(sol, p, fixed, m)
    assert sol.objective == pytest.approx(brute_pm(C, w, p, fixed), rel=1e-9)
    assert sol.proven_optimal and sol.gap == 0.0 and sol.bound == sol.objective


@pytest.mark.parametrize("seed", range(12))
def test_max_coverage_matches_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n, m = rng.integers(3, 13), rng.integers(2, 9)
    C = rng.random((n, m)) * 100
    w = rng.integers(0, 20, n).astype(float) if seed % 2 else rng.random(n) * 20
    p = int(rng.integers(1, m + 1))
    radius = float(rng.choice([10.0, 25.0, 40.0]))
    fixed = list(rng.choice(m, size=int(rng.integers(0, p + 1)), replace=False))
    sol = max_coverage(C, w, p, radius, fixed=fixed)
    _check_shape(sol, p, fixed, m)
    assert sol.objective == pytest.approx(brute_cov(C, w, p, radius, fixed), rel=1e-9)
    assert sol.proven_optimal and sol.gap == 0.0 and sol.bound == sol.objective


# ---------------------------------------------------------------------------- hypothesis


@st.composite
def instances(draw, max_n=7, max_m=6):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    integer = draw(st.booleans())
    if integer:
        cell = st.integers(0, 20).map(float)
        weight = st.integers(0, 9).map(float)
    else:
        cell = st.floats(0, 100, allow_nan=False, allow_infinity=False)
        weight = st.floats(0, 1000, allow_nan=False, allow_infinity=False)
    C = np.array(draw(st.lists(st.lists(cell, min_size=m, max_size=m), min_size=n, max_size=n)))
    w = np.array(draw(st.lists(weight, min_size=n, max_size=n)))
    p = draw(st.integers(1, m))
    fixed = draw(st.lists(st.integers(0, m - 1), unique=True, max_size=p))
    return C, w, p, fixed


HSET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _gap_consistent(sol, sense):
    assert sol.bound is not None and sol.gap is not None
    assert sense * (sol.objective - sol.bound) >= 0
    if sol.objective:
        assert sol.gap == pytest.approx(abs(sol.objective - sol.bound) / sol.objective)
    assert (sol.gap == 0.0) == sol.proven_optimal == (sol.bound == sol.objective)


@HSET
@given(instances())
def test_p_median_properties(inst):
    C, w, p, fixed = inst
    sol = p_median(C, w, p, fixed=fixed)
    _check_shape(sol, p, fixed, C.shape[1])
    assert sol.objective == pytest.approx(_pm_value(C, w, sol.sites), rel=1e-12, abs=1e-12)
    opt = brute_pm(C, w, p, fixed)
    assert sol.bound <= opt * (1 + 1e-7) + 1e-9  # never beats the true optimum
    assert sol.objective == pytest.approx(opt, rel=1e-7, abs=1e-9)
    _gap_consistent(sol, +1)


@HSET
@given(instances(), st.floats(0.5, 60))
def test_max_coverage_properties(inst, radius):
    C, w, p, fixed = inst
    sol = max_coverage(C, w, p, radius, fixed=fixed)
    _check_shape(sol, p, fixed, C.shape[1])
    assert sol.objective == pytest.approx(_cov_value(C, w, sol.sites, radius), rel=1e-12)
    opt = brute_cov(C, w, p, radius, fixed)
    assert sol.bound >= opt * (1 - 1e-7) - 1e-9  # upper bound never below the true optimum
    assert sol.objective == pytest.approx(opt, rel=1e-7, abs=1e-9)
    _gap_consistent(sol, -1)


@HSET
@given(instances(max_m=5), st.data())
def test_adding_a_site_never_worsens(inst, data):
    C, w, p, fixed = inst
    col = np.array(
        data.draw(st.lists(st.integers(0, 20).map(float), min_size=len(C), max_size=len(C)))
    )
    C2 = np.column_stack([C, col])
    a, b = p_median(C, w, p, fixed=fixed), p_median(C2, w, p, fixed=fixed)
    assert a.proven_optimal and b.proven_optimal
    assert b.objective <= a.objective + 1e-9 * max(1.0, a.objective)
    ca, cb = max_coverage(C, w, p, 10.0, fixed=fixed), max_coverage(C2, w, p, 10.0, fixed=fixed)
    assert ca.proven_optimal and cb.proven_optimal
    assert cb.objective >= ca.objective - 1e-9 * max(1.0, ca.objective)


# ---------------------------------------------------------------------------- validation

GOOD_C = np.ones((3, 4))
GOOD_W = np.ones(3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(cost=np.ones(4)), "cost must be 2-D (n_demand x n_sites), got 1-D"),
        (dict(cost=np.ones((0, 4)), weights=np.ones(0)), "cost must not be empty, got shape (0, 4)"),
        (dict(cost=np.ones((3, 0))), "cost must not be empty, got shape (3, 0)"),
        (dict(cost=[[1, 2], [3]]), "cost must be a numeric 2-D array"),
        (dict(cost=np.array([[1, np.nan, 1, 1]] * 3)), "cost contains NaN or infinite values"),
        (dict(cost=np.array([[1, np.inf, 1, 1]] * 3)), "cost contains NaN or infinite values"),
        (dict(cost=-GOOD_C), "cost must be non-negative (distances or travel times)"),
        (dict(weights=np.ones(2)), "weights has length 2 but cost has 3 demand rows"),
        (dict(weights=np.ones((3, 1))), "weights must be 1-D, got 2-D"),
        (dict(weights=np.array([1, np.nan, 1])), "weights contain NaN or infinite values"),
        (dict(weights=np.array([1, -1, 1])), "weights must be non-negative"),
        (dict(p=0), "p must be positive, got 0"),
        (dict(p=-2), "p must be positive, got -2"),
        (dict(p=5), "p=5 exceeds the number of candidate sites (4)"),
        (dict(p=2.5), "p must be an integer, got float"),
        (dict(p=True), "p must be an integer, got bool"),
        (dict(p=1, fixed=[0, 1]), "2 fixed sites do not fit in p=1"),
        (dict(fixed=[4]), "fixed site index 4 out of range [0, 4)"),
        (dict(fixed=[-1]), "fixed site index -1 out of range [0, 4)"),
        (dict(fixed=[1, 1]), "fixed site indices are duplicated: [1]"),
        (dict(fixed=[0.5]), "fixed site indices must be integers, got float"),
        (dict(fixed="01"), "fixed must be a sequence of site indices"),
        (dict(time_limit=0), "time_limit must be positive and finite, got 0"),
        (dict(time_limit=float("nan")), "time_limit must be positive and finite, got nan"),
    ],
)
@pytest.mark.parametrize("solver", ["p_median", "max_coverage"])
def test_input_validation(kwargs, message, solver):
    args = dict(cost=GOOD_C, weights=GOOD_W, p=2, fixed=(), time_limit=None)
    args.update(kwargs)
    with pytest.raises(PlanningInputError) as info:
        if solver == "p_median":
            p_median(args["cost"], args["weights"], args["p"], fixed=args["fixed"],
                     time_limit=args["time_limit"])
        else:
            max_coverage(args["cost"], args["weights"], args["p"], 3.0, fixed=args["fixed"],
                         time_limit=args["time_limit"])
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("radius", "message"),
    [
        (0, "radius must be positive and finite, got 0"),
        (-1.5, "radius must be positive and finite, got -1.5"),
        (math.inf, "radius must be positive and finite, got inf"),
        (math.nan, "radius must be positive and finite, got nan"),
        ("far", "radius must be a number, got str"),
    ],
)
def test_radius_validation(radius, message):
    with pytest.raises(PlanningInputError, match="^" + __import__("re").escape(message) + "$"):
        max_coverage(GOOD_C, GOOD_W, 2, radius)


# ---------------------------------------------------------------------------- OR-Library


def test_pmed1_reaches_published_optimum_with_proof():
    path = PMED_DIR / "pmed1.txt"
    import sys

    sys.path.insert(0, str(Path(__file__).parents[3]))
    from bench.pmed import read_pmed

    C, p = read_pmed(path)
    assert C.shape == (100, 100) and p == 5
    sol = p_median(C, np.ones(100), p)
    assert sol.objective == 5819.0
    assert sol.bound == 5819.0 and sol.gap == 0.0 and sol.proven_optimal


# ---------------------------------------------------------------------------- Lagrangian bound


@pytest.mark.parametrize("seed", range(16))
def test_lagrangian_bound_never_exceeds_brute_force_optimum(seed):
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(4, 14)), int(rng.integers(3, 9))
    C = rng.random((n, m)) * 100 if seed % 2 else rng.integers(0, 30, (n, m)).astype(float)
    w = rng.random(n) * 50 + 0.1
    p = int(rng.integers(2, m + 1))
    fixed = [int(j) for j in rng.choice(m, size=int(rng.integers(0, p)), replace=False)]
    opt = brute_pm(C, w, p, fixed)
    incumbent = fixed + [j for j in range(m) if j not in fixed][: p - len(fixed)]
    ub = _pm_value(C, w, incumbent)
    bound = solvers._pm_lagrangian(C, w, p, fixed, ub, incumbent, math.inf)
    assert bound <= opt * (1 + 1e-9) + 1e-9


def test_lagrangian_bound_is_tight_on_a_geometric_instance():
    rng = np.random.default_rng(3)
    pts_d = rng.random((400, 2)) * 100
    pts_s = rng.random((40, 2)) * 100
    C = np.sqrt(((pts_d[:, None, :] - pts_s[None, :, :]) ** 2).sum(-1))
    w = rng.random(400) * 1000
    exact = p_median(C, w, 5)
    assert exact.proven_optimal
    bound = solvers._pm_lagrangian(C, w, 5, [], exact.objective, list(exact.sites), math.inf)
    assert bound <= exact.objective * (1 + 1e-9)
    assert bound >= 0.97 * exact.objective


def test_large_p_lp_first_path_is_no_worse_than_greedy_plus_swap():
    # 25 free sites >= _LP_FIRST_P: the LP runs before any swap search
    rng = np.random.default_rng(11)
    pts_d = rng.random((300, 2)) * 100
    pts_s = rng.random((120, 2)) * 100
    C = np.rint(np.sqrt(((pts_d[:, None, :] - pts_s[None, :, :]) ** 2).sum(-1)))
    w = rng.integers(1, 20, 300).astype(float)
    p = 27
    fixed = [5, 9]
    assert p - len(fixed) >= solvers._LP_FIRST_P
    greedy = solvers._pm_greedy(C, w, fixed, p)
    swapped = solvers._pm_local_search(C, w, greedy, len(fixed), math.inf)
    sol = p_median(C, w, p, fixed=fixed)
    _check_shape(sol, p, fixed, 120)
    assert sol.objective <= _pm_value(C, w, swapped)
    assert sol.objective == _pm_value(C, w, sol.sites)
    assert sol.proven_optimal and sol.bound == sol.objective
