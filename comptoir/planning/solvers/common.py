"""Shared pieces of the planning solvers: input validation, the Solution type, time budget,
blocked matrix sweeps and the greedy ordering of marginal gains."""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np



# Relative tolerance under which a bound is taken to meet the objective (HiGHS' own feasibility
# and optimality tolerances are 1e-7).
_PROOF_RTOL = 1e-7
# Elements per block when sweeping the (demand x sites) matrix, to bound temporary memory.
_BLOCK = 2_000_000
# Above this many matrix cells, a time-limited p-median gets a Lagrangian bound instead of the LP.
_LAGRANGIAN_ABOVE = 3_000_000
_STALL = 10
# From this many free sites on, the LP is solved before the first swap search.
_LP_FIRST_P = 20
_RFAC = 1.0
_U0 = 0.5


class PlanningInputError(ValueError):
    """Raised when the planner is given inconsistent or invalid inputs."""


@dataclass(frozen=True)
class Solution:
    """Result of a planning solve.

    sites            sorted column indices of the chosen sites, fixed sites included (len == p)
    objective        p-median: sum_i w_i * min_{j in sites} cost_ij;
                     coverage: sum of w_i over rows with min_{j in sites} cost_ij <= radius
    bound            proven bound on the optimum (lower for p-median, upper for coverage)
    gap              |objective - bound| / objective (0.0 when proven optimal; 0.0 if both are 0)
    proven_optimal   True when the bound meets the objective
    marginal_gains   objective improvement of each non-fixed pick, in greedy order (see docs)
    seconds          wall-clock time of the solve
    """

    sites: tuple[int, ...]
    objective: float
    bound: float | None
    gap: float | None
    proven_optimal: bool
    marginal_gains: tuple[float, ...]
    seconds: float


# --------------------------------------------------------------------------------------------
# validation


def _as_matrix(cost) -> np.ndarray:
    try:
        C = np.asarray(cost, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PlanningInputError(f"cost must be a numeric 2-D array: {exc}") from None
    if C.ndim != 2:
        raise PlanningInputError(f"cost must be 2-D (n_demand x n_sites), got {C.ndim}-D")
    if C.shape[0] == 0 or C.shape[1] == 0:
        raise PlanningInputError(f"cost must not be empty, got shape {C.shape}")
    if not np.isfinite(C).all():
        raise PlanningInputError("cost contains NaN or infinite values")
    if (C < 0).any():
        raise PlanningInputError("cost must be non-negative (distances or travel times)")
    return C


def _validate(cost, weights, p, fixed, time_limit):
    C = _as_matrix(cost)
    n, m = C.shape
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PlanningInputError(f"weights must be a numeric 1-D array: {exc}") from None
    if w.ndim != 1:
        raise PlanningInputError(f"weights must be 1-D, got {w.ndim}-D")
    if w.shape[0] != n:
        raise PlanningInputError(
            f"weights has length {w.shape[0]} but cost has {n} demand rows"
        )
    if not np.isfinite(w).all():
        raise PlanningInputError("weights contain NaN or infinite values")
    if (w < 0).any():
        raise PlanningInputError("weights must be non-negative")
    if isinstance(p, bool):
        raise PlanningInputError("p must be an integer, got bool")
    try:
        p = operator.index(p)
    except TypeError:
        raise PlanningInputError(f"p must be an integer, got {type(p).__name__}") from None
    if p <= 0:
        raise PlanningInputError(f"p must be positive, got {p}")
    if p > m:
        raise PlanningInputError(f"p={p} exceeds the number of candidate sites ({m})")
    fx = _validate_fixed(fixed, m)
    if len(fx) > p:
        raise PlanningInputError(f"{len(fx)} fixed sites do not fit in p={p}")
    if time_limit is not None:
        if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float, np.number)):
            raise PlanningInputError("time_limit must be a number of seconds or None")
        if not math.isfinite(time_limit) or time_limit <= 0:
            raise PlanningInputError(f"time_limit must be positive and finite, got {time_limit}")
    return C, w, p, fx


def _validate_fixed(fixed, m) -> list[int]:
    if fixed is None:
        return []
    if not isinstance(fixed, Iterable) or isinstance(fixed, (str, bytes)):
        raise PlanningInputError("fixed must be a sequence of site indices")
    out = []
    for f in fixed:
        if isinstance(f, bool):
            raise PlanningInputError("fixed site indices must be integers, got bool")
        try:
            j = operator.index(f)
        except TypeError:
            raise PlanningInputError(
                f"fixed site indices must be integers, got {type(f).__name__}"
            ) from None
        if not 0 <= j < m:
            raise PlanningInputError(f"fixed site index {j} out of range [0, {m})")
        out.append(j)
    if len(set(out)) != len(out):
        dup = sorted({j for j in out if out.count(j) > 1})
        raise PlanningInputError(f"fixed site indices are duplicated: {dup}")
    return out


def _deadline(t0: float, time_limit) -> float:
    return math.inf if time_limit is None else t0 + float(time_limit)


def _left(deadline: float) -> float:
    return deadline - time.perf_counter()


def _blocks(n: int, m: int):
    step = max(1, _BLOCK // max(m, 1))
    for a in range(0, n, step):
        yield a, min(n, a + step)


def _is_integral(*arrays) -> bool:
    return all(np.array_equal(a, np.round(a)) for a in arrays)


def _finish(sites, objective, bound, sense, integral, gains, t0) -> Solution:
    """Normalise bound/gap; sense=+1 for minimisation (bound below), -1 for maximisation."""
    tol = _PROOF_RTOL * max(1.0, abs(objective))
    if bound is not None:
        if integral:
            bound = math.ceil(bound - 1e-6) if sense > 0 else math.floor(bound + 1e-6)
        if sense * (objective - bound) <= tol:
            bound = objective
        bound = float(bound)
    if bound is None:
        gap = None
    elif bound == objective:
        gap = 0.0
    else:
        gap = abs(objective - bound) / abs(objective) if objective != 0 else math.inf
    return Solution(
        sites=tuple(sorted(int(j) for j in sites)),
        objective=float(objective),
        bound=bound,
        gap=gap,
        proven_optimal=gap == 0.0,
        marginal_gains=tuple(float(g) for g in gains),
        seconds=time.perf_counter() - t0,
    )


# --------------------------------------------------------------------------------------------
# p-median: heuristic




def _greedy_order_gains(contrib, base):
    """Order the columns of contrib (n x k, per-row value of each pick) greedily.

    base (n) is the per-row value before any pick; the value of a set is sum of the element-wise
    minimum.  Returns the successive decreases of sum(min) (p-median convention).
    """
    k = contrib.shape[1]
    cur = base.copy()
    left = list(range(k))
    gains = []
    while left:
        vals = [float(np.minimum(cur, contrib[:, j]).sum()) for j in left]
        t = int(np.argmin(vals))
        j = left.pop(t)
        new = np.minimum(cur, contrib[:, j])
        gains.append(float(cur.sum() - new.sum()))
        cur = new
    return gains


