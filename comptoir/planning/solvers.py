"""Store-site planning solvers: p-median and maximal coverage.

Pure numpy/scipy, no Django.  Both solvers share one shape:

1. validate the input (``PlanningInputError`` with a readable message);
2. shrink it (zero-weight demand rows dropped; for coverage, rows already covered by a fixed site
   or not coverable at all are dropped and identical coverage rows are merged);
3. a fast heuristic: greedy, then a vectorised best-improvement swap (interchange) local search
   in the style of Whitaker / Resende-Werneck (closest and second-closest open site per demand
   point, profit of every (insert j, remove r) pair from one pass over the matrix);
4. an exact certificate with HiGHS (scipy): the LP relaxation first (very often integral for the
   p-median), reduced-cost fixing, then a MILP under the remaining ``time_limit``.  The
   p-median uses the radius formulation (Cornuejols-Nemhauser-Wolsey / Elloumi / Garcia-Labbe-
   Marin) over the sorted distinct costs of each demand row, truncated at the heuristic's
   distance and extended only where the truncation binds, so a 15 000 x 700 instance stays small.

See docs/planner.md for the algorithms and the benchmark figures.
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

__all__ = ["PlanningInputError", "Solution", "max_coverage", "p_median"]

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


def _pm_value(C, w, open_sites) -> float:
    return float(w @ C[:, open_sites].min(axis=1))


def _pm_gain(C, w, d1) -> np.ndarray:
    """gain_j = sum_i w_i * max(0, d1_i - c_ij) for every site j."""
    n, m = C.shape
    g = np.zeros(m)
    for a, b in _blocks(n, m):
        t = d1[a:b, None] - C[a:b]
        np.maximum(t, 0.0, out=t)
        g += w[a:b] @ t
    return g


def _pm_greedy(C, w, fixed, p):
    m = C.shape[1]
    chosen = list(fixed)
    if chosen:
        d1 = C[:, chosen].min(axis=1)
    else:
        j = int(np.argmin(w @ C))
        chosen = [j]
        d1 = C[:, j].copy()
    is_open = np.zeros(m, dtype=bool)
    is_open[chosen] = True
    while len(chosen) < p:
        g = _pm_gain(C, w, d1)
        g[is_open] = -1.0
        j = int(np.argmax(g))
        chosen.append(j)
        is_open[j] = True
        np.minimum(d1, C[:, j], out=d1)
    return chosen


def _two_closest(sub):
    """Closest and second closest entries of every row of sub (n x q, q >= 2)."""
    n = sub.shape[0]
    rows = np.arange(n)
    part = np.argpartition(sub, 1, axis=1)[:, :2]
    a, b = sub[rows, part[:, 0]], sub[rows, part[:, 1]]
    swap = b < a
    c1 = np.where(swap, part[:, 1], part[:, 0])
    d1 = np.where(swap, b, a)
    d2 = np.where(swap, a, b)
    return c1, d1, d2


def _pm_local_search(C, w, open_sites, n_fixed, deadline):
    """Best-improvement swap search; open_sites[:n_fixed] are fixed and never removed.

    profit(j in, r out) = gain_j - loss_r + extra_{r,j} with
      gain_j   = sum_i w_i (d1_i - c_ij)^+
      loss_r   = sum_{i: c1_i = r} w_i (d2_i - d1_i)
      extra_rj = sum_{i: c1_i = r} w_i (d2_i - max(c_ij, d1_i))^+
    (Resende & Werneck 2003); one pass over the matrix prices all q x m swaps.
    """
    n, m = C.shape
    open_sites = list(open_sites)
    q = len(open_sites)
    if q - n_fixed <= 0 or q == m:
        return open_sites
    if q == 1:
        return [int(np.argmin(w @ C))]
    value = _pm_value(C, w, open_sites)
    while _left(deadline) > 0:
        sub = C[:, open_sites]
        c1, d1, d2 = _two_closest(sub)
        loss = np.bincount(c1, weights=w * (d2 - d1), minlength=q)
        gain = np.zeros(m)
        extra = np.zeros((q, m))
        for a, b in _blocks(n, m):
            Cb = C[a:b]
            t = d1[a:b, None] - Cb
            np.maximum(t, 0.0, out=t)
            gain += w[a:b] @ t
            np.maximum(Cb, d1[a:b, None], out=t)
            np.subtract(d2[a:b, None], t, out=t)
            np.maximum(t, 0.0, out=t)
            t *= w[a:b, None]
            H = sp.csr_matrix(
                (np.ones(b - a), (c1[a:b], np.arange(b - a))), shape=(q, b - a)
            )
            extra += H @ t
        profit = gain[None, :] - loss[:, None] + extra
        profit[:, open_sites] = -np.inf
        profit[:n_fixed, :] = -np.inf
        r, j = np.unravel_index(int(np.argmax(profit)), profit.shape)
        if profit[r, j] <= 1e-9 * max(1.0, abs(value)):
            break
        open_sites[r] = int(j)
        value -= profit[r, j]
    return open_sites


# --------------------------------------------------------------------------------------------
# p-median: exact certificate (radius formulation)


class _RadiusModel:
    """Truncated radius formulation of the p-median (Elloumi 2010, Garcia et al. 2011).

    For demand row i with sorted distinct costs D_i^1 < ... < D_i^L, a cap level K_i keeps
    z_i^k (k = 1..K_i-1, "no open site within D_i^k") and charges
        w_i (D_i^1 + sum_k (D_i^{k+1} - D_i^k) z_i^k),
    i.e. min(distance, D_i^{K_i}) -- a relaxation of the true cost, so every LP/MILP bound of
    the truncated model is a valid lower bound; the chain rows
        z_i^1 + sum_{j: c_ij = D^1} y_j >= 1,   z_i^k - z_i^{k-1} + sum_{j: c_ij = D^k} y_j >= 0
    give O(m) nonzeros per row of demand and the same LP bound as the classical formulation.
    """

    def __init__(self, C, w):
        self.C, self.w = C, w
        self.n, self.m = C.shape
        order = np.argsort(C, axis=1, kind="stable")
        self.S = np.take_along_axis(C, order, axis=1)
        self.order = order.astype(np.int32)
        del order
        newlev = np.ones(self.S.shape, dtype=bool)
        newlev[:, 1:] = self.S[:, 1:] > self.S[:, :-1]
        self.newlev = newlev
        self.lev = np.cumsum(newlev, axis=1, dtype=np.int32)  # 1-based level per position
        self.nlev = self.lev[:, -1].copy()

    def level_of(self, values) -> np.ndarray:
        """Level index (1-based) of the largest distinct cost <= value, row by row."""
        pos = (self.S <= values[:, None] * (1 + 1e-12) + 1e-300).sum(axis=1)
        pos = np.clip(pos, 1, self.m)
        return self.lev[np.arange(self.n), pos - 1]

    def build(self, K, p, y_lb, y_ub):
        n, m, w = self.n, self.m, self.w
        K = np.minimum(np.maximum(K, 1), self.nlev)
        nz_i = K - 1
        offs = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(nz_i, out=offs[1:])
        nz = int(offs[-1])
        # distinct values D_i^1..D_i^{K_i}
        keep = self.newlev & (self.lev <= K[:, None])
        vals = self.S[keep]
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(K, out=starts[1:])
        diffs = np.diff(vals)
        diffs = np.delete(diffs, starts[1:-1] - 1) if n > 1 else diffs
        row_of_z = np.repeat(np.arange(n), nz_i)
        cz = w[row_of_z] * diffs
        const = float(w @ self.S[:, 0])
        # y entries: positions with level < K_i
        inc = self.lev < K[:, None]
        ii, pp = np.nonzero(inc)
        y_rows = offs[ii] + (self.lev[ii, pp] - 1)
        y_cols = self.order[ii, pp].astype(np.int64)
        zr = np.arange(nz, dtype=np.int64)
        k_of_z = zr - offs[row_of_z]  # 0-based level index
        chain = k_of_z > 0
        rows = np.concatenate([y_rows, zr, zr[chain]])
        cols = np.concatenate([y_cols, m + zr, m + zr[chain] - 1])
        data = np.concatenate([np.ones(len(y_rows)), np.ones(nz), -np.ones(int(chain.sum()))])
        A = sp.csr_matrix((data, (rows, cols)), shape=(nz, m + nz))
        lb = np.where(k_of_z == 0, 1.0, 0.0)
        c = np.concatenate([np.zeros(m), cz])
        lo = np.concatenate([y_lb, np.zeros(nz)])
        hi = np.concatenate([y_ub, np.full(nz, np.inf)])
        E = sp.csr_matrix(np.ones((1, m + nz)) * np.r_[np.ones(m), np.zeros(nz)])
        return c, const, A, lb, E, lo, hi, K

    def covered_within_cap(self, y, K):
        """sum of y_j over sites with cost <= D_i^{K_i}, per row."""
        inc = self.lev <= K[:, None]
        return (np.where(inc, y[self.order], 0.0)).sum(axis=1)


def _pm_lagrangian(C, w, p, fixed, ub, incumbent, deadline, iters=5000):
    """Lagrangian lower bound (assignment rows relaxed), scaled subgradient on a sparse support.

    With lam_i = w_i u_i,
        L(u) = sum_i w_i u_i + min_{|S| = p, fixed in S} sum_{j in S} rho_j,
        rho_j = sum_i w_i min(0, c_ij - u_i)
    is a lower bound for every u.  Keeping u_i <= R_i (R_i = distance to the second-closest
    site of the incumbent) makes every cell with c_ij >= R_i contribute 0, so L is computed
    exactly from the cells c_ij < R_i only (a sparse list built once, ~1/5 of the matrix for
    France p = 10).  u starts half-way between the closest and second-closest incumbent
    distance; the step is Polyak's with the incumbent as target, in per-unit-weight (u)
    space, i.e. preconditioned by 1/w_i, which copes with weights spanning 500 .. 2M.
    """
    n, m = C.shape
    sub = C[:, list(incumbent)]
    _, d1, d2 = _two_closest(sub)
    R = d1 + _RFAC * (d2 - d1)
    rows, cols = [], []
    for a, b in _blocks(n, m):
        ii, jj = np.nonzero(C[a:b] < R[a:b, None])
        rows.append(ii + a)
        cols.append(jj.astype(np.int32))
    ri = np.concatenate(rows)
    cj = np.concatenate(cols)
    cc = C[ri, cj].astype(np.float32)
    wr = w[ri].astype(np.float32)
    counts = np.bincount(ri, minlength=n)
    del rows, cols, ri
    forced = np.zeros(m, dtype=bool)
    forced[list(fixed)] = True
    n_fixed = int(forced.sum())
    q = p - n_fixed
    u = d1 + _U0 * (d2 - d1)
    best = -math.inf
    tfac, stall = 1.0, 0
    slack = 1e-9 * max(1.0, abs(ub))  # float64 summation error, generously
    for _ in range(iters):
        if _left(deadline) <= 0:
            break
        # u is kept exactly representable in float32, rounded down (so u <= R still holds)
        u32 = u.astype(np.float32)
        up = u32.astype(np.float64) > u
        u32[up] = np.nextafter(u32[up], np.float32(-np.inf))
        u = u32.astype(np.float64)
        diff = cc - np.repeat(u32, counts)
        np.minimum(diff, 0.0, out=diff)
        diff *= wr
        rho = np.bincount(cj, weights=diff, minlength=m)
        free_rho = np.where(forced, np.inf, rho)
        chosen = np.argpartition(free_rho, q - 1)[:q] if q < m - n_fixed else np.flatnonzero(~forced)
        if n_fixed:
            chosen = np.concatenate([np.flatnonzero(forced), chosen])
        # float32 cells: a negative term w_i (c_ij - u_i) is off by at most ~4 ulp of
        # w_i c_ij <= w_i u_i, and each row has at most p chosen cells: subtract that
        wu = float(w @ u)
        val = wu + float(rho[chosen].sum()) - slack - 5e-7 * p * wu
        if val > best + 1e-6 * abs(ub):
            stall = 0
        else:
            stall += 1
            if stall >= _STALL:
                tfac, stall = tfac / 2, 0
        best = max(best, val)
        if best >= ub or tfac < 1e-4:
            break
        cnt = (C[:, chosen] < u[:, None]).sum(axis=1)
        g = 1.0 - cnt
        g[(u >= R) & (g > 0)] = 0.0
        den = float((w * g) @ g)
        if den == 0:
            break
        u = np.minimum(u + tfac * (ub - val) / den * g, R)
    return best


def _pm_exact(C, w, p, fixed, incumbent, deadline, integral, polished=True):
    """Return (best_sites, best_value, lower_bound) using HiGHS.

    Every LP solved is a relaxation of the restricted problem; after each LP, sites whose
    reduced cost proves they cannot appear in a solution better than the incumbent are
    removed (or forced open), and the model is rebuilt over the remaining columns, which
    shrinks the radius formulation (fewer distinct distances).  Bounds of a restricted model
    are valid as min(incumbent value at fixing time, restricted bound).
    """
    n, m = C.shape
    best = list(incumbent)
    ub = _pm_value(C, w, best)
    lbound = float(w @ C.min(axis=1))  # every site open: always valid
    step = 1.0 if integral else 0.0
    cap = math.inf  # excluded solutions are all >= cap

    def done():
        return ub - lbound <= _PROOF_RTOL * max(1.0, abs(ub)) or (
            integral and lbound > ub - 1 + 1e-6
        )

    def try_sites(sites):
        try_value(_pm_local_search(C, w, sites, len(fixed), deadline))

    def try_value(sites):
        nonlocal best, ub
        val = _pm_value(C, w, sites)
        if val < ub - 1e-12 * max(1.0, abs(ub)):
            best, ub = list(sites), val

    if done() or _left(deadline) <= 0:
        return best, ub, lbound
    d_inc = C[:, best].min(axis=1)
    if n * m > _LAGRANGIAN_ABOVE:
        # the radius LP of a big instance does not fit a time limit: Lagrangian bound first
        sub = deadline if not math.isfinite(deadline) else time.perf_counter() + 0.95 * _left(deadline)
        lbound = max(lbound, min(ub, _pm_lagrangian(C, w, p, fixed, ub, best, sub)))
        if done() or math.isfinite(deadline):
            return best, ub, lbound
    active = np.arange(m)  # columns still in the model
    forced = np.zeros(m, dtype=bool)
    forced[list(fixed)] = True
    model = None
    K_val = C[:, best].min(axis=1)  # truncation radius per row (a value, kept across rebuilds)

    def restricted_sites(y_local, k):
        order = np.argsort(-(y_local + 2.0 * forced[active]))
        return [int(active[t]) for t in order[:k]]

    # without a swap search yet (large p), keep 40 % of a time limit for it
    lp_deadline = deadline
    if not polished and math.isfinite(deadline):
        lp_deadline = time.perf_counter() + 0.6 * _left(deadline)
    lp_rounds = 0
    while lp_rounds < 12 and _left(lp_deadline) > 0:
        if model is None:
            model = _RadiusModel(C[:, active], w)
            K = np.minimum(model.level_of(K_val) + 1, model.nlev)
        y_lb = forced[active].astype(np.float64)
        y_ub = np.ones(len(active))
        c, const, A, lb, E, lo, hi, K = model.build(K, p, y_lb, y_ub)
        res = linprog(
            c,
            A_ub=-A,
            b_ub=-lb,
            A_eq=E,
            b_eq=[p],
            bounds=np.column_stack([lo, hi]),
            method="highs",
            options={"time_limit": max(_left(lp_deadline), 0.01)},
        )
        lp_rounds += 1
        if res.status != 0:
            break
        lp_lb = res.fun + const
        lbound = max(lbound, min(cap, lp_lb))
        y = res.x[: len(active)]
        if done():
            return best, ub, lbound
        binding = model.covered_within_cap(y, K) < 1 - 1e-7
        if polished or not binding.any():
            try_sites(restricted_sites(y, p))
            polished = True
        else:  # the LP still leans on its truncation: its rounding is rough, no swap search yet
            try_value(restricted_sites(y, p))
        if done():
            return best, ub, lbound
        # reduced-cost fixing (valid for every solution strictly better than ub)
        thresh = ub - step + 1e-6 * max(1.0, abs(ub))
        rc_lo = res.lower.marginals[: len(active)]
        rc_hi = res.upper.marginals[: len(active)]
        drop = (y < 1e-9) & (lp_lb + rc_lo > thresh) & (y_lb < 1)
        force = (y > 1 - 1e-9) & (lp_lb - rc_hi > thresh) & (y_lb < 1)
        if drop.any() or force.any():
            cap = min(cap, ub)
            forced[active[force]] = True
            if drop.sum() >= max(1, 0.05 * len(active)):
                # keep the current truncation radius per row
                K_val = _level_value(model, K)
                if binding.any():
                    K_val = np.where(binding, _level_value(model, np.minimum(2 * K + 1, model.nlev)), K_val)
                active = active[~drop]
                model = None
                continue
        if not binding.any():
            break
        K = np.where(binding, np.minimum(2 * K + 1, model.nlev), K)
    if not polished:  # no swap search has run yet
        try_sites(best)
    if model is None or _left(deadline) <= 0 or done():
        return best, ub, lbound

    # MILP rounds on the restricted model; each round extends the truncation where the
    # integer solution exceeds it
    for _ in range(20):
        left = _left(deadline)
        if left <= 0:
            break
        y_lb = forced[active].astype(np.float64)
        c, const, A, lb, E, lo, hi, K = model.build(K, p, y_lb, np.ones(len(active)))
        ma = len(active)
        # integral data: the model's objective is integral, so an absolute gap below 1 is a
        # proof; HiGHS (through scipy) takes only a relative gap, scaled by its primal value,
        # which is at most ub - const
        rel_gap = 1e-9
        if integral and ub - const > 1:
            rel_gap = max(rel_gap, 0.999 / (ub - const))
        res = milp(
            c,
            integrality=np.r_[np.ones(ma), np.zeros(len(c) - ma)],
            bounds=Bounds(lo, hi),
            constraints=[LinearConstraint(A, lb, np.inf), LinearConstraint(E, p, p)],
            options={"time_limit": max(left, 0.01), "mip_rel_gap": rel_gap, "disp": False},
        )
        dual = getattr(res, "mip_dual_bound", None)
        if dual is not None and np.isfinite(dual):
            lbound = max(lbound, min(cap, dual + const))
        if res.x is None:
            if res.status == 2:  # infeasible after fixing: nothing beats the incumbent
                lbound = max(lbound, min(cap, ub))
            break
        sites = restricted_sites(res.x[:ma], p)
        val = _pm_value(C, w, sites)
        if val < ub:
            best, ub = sites, val
        if res.status != 0:
            break
        trunc = res.fun + const
        if val <= trunc + _PROOF_RTOL * max(1.0, abs(val)):
            # the truncated optimum is attained: it is the optimum of the restricted problem
            # (with the widened gap, only up to the dual bound already recorded: rounded up
            # on integral data, it meets val when the absolute gap is below 1)
            if rel_gap == 1e-9:
                lbound = max(lbound, min(cap, trunc))
            break
        d = C[:, sites].min(axis=1)
        K = np.maximum(K, np.minimum(model.level_of(d) + 1, model.nlev))
    return best, ub, lbound


def _level_value(model, K):
    """Distinct cost D_i^{K_i} of every row."""
    pos = np.argmax(model.lev >= K[:, None], axis=1)
    return model.S[np.arange(model.n), pos]


# --------------------------------------------------------------------------------------------
# marginal gains


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


def _pm_gains(C, w, sites, fixed):
    free = [j for j in sites if j not in set(fixed)]
    if not free:
        return []
    base = C[:, fixed].min(axis=1) if fixed else C.max(axis=1)
    return _greedy_order_gains(w[:, None] * C[:, free], w * base)


# --------------------------------------------------------------------------------------------
# public API


def p_median(cost, weights, p, *, fixed=(), time_limit=None) -> Solution:
    """Choose p sites minimising sum_i weights_i * min_{j chosen} cost_ij.

    cost (n_demand x n_sites) non-negative, weights (n_demand) non-negative, 1 <= p <= n_sites,
    fixed: indices of sites already open (they count inside p).  time_limit (seconds) caps the
    exact phase; the result then carries the best lower bound found and its gap.
    """
    t0 = time.perf_counter()
    C0, w0, p, fixed = _validate(cost, weights, p, fixed, time_limit)
    deadline = _deadline(t0, time_limit)
    integral = _is_integral(C0, w0)
    keep = w0 > 0
    C, w = (C0, w0) if keep.all() else (C0[keep], w0[keep])
    m = C0.shape[1]
    if C.shape[0] == 0:  # no demand: any p sites are optimal
        sites = list(fixed) + [j for j in range(m) if j not in set(fixed)][: p - len(fixed)]
        return _finish(sites, 0.0, 0.0, +1, integral, [0.0] * (p - len(fixed)), t0)
    if p == len(fixed):
        sites = list(fixed)
    elif p == 1:
        sites = [int(np.argmin(w @ C))]
    else:
        sites = _pm_greedy(C, w, fixed, p)
        # large p: the LP relaxation is (nearly) integral and its rounding is a far better
        # start for the swap search than greedy, which would need ~p passes; polish later
        lp_first = p - len(fixed) >= _LP_FIRST_P and C.size <= _LAGRANGIAN_ABOVE
        if not lp_first:
            sites = _pm_local_search(C, w, sites, len(fixed), deadline)
    if p == len(fixed) or p == 1 or p == m:
        value = _pm_value(C, w, sites)
        bound = value  # enumerated exactly
    else:
        sites, value, bound = _pm_exact(
            C, w, p, fixed, sites, deadline, integral, polished=not lp_first
        )
    value = _pm_value(C0, w0, sites)
    gains = _pm_gains(C0, w0, sites, fixed)
    return _finish(sites, value, min(bound, value), +1, integral, gains, t0)


# --------------------------------------------------------------------------------------------
# maximal coverage


def _cov_greedy(A, w, q):
    n, m = A.shape
    covered = np.zeros(n, dtype=bool)
    chosen = []
    is_open = np.zeros(m, dtype=bool)
    Af = A.astype(np.float64)
    for _ in range(q):
        g = (w * ~covered) @ Af
        g[is_open] = -1.0
        j = int(np.argmax(g))
        chosen.append(j)
        is_open[j] = True
        covered |= A[:, j]
    return chosen


def _cov_value(A, w, sites):
    if not len(sites):
        return 0.0
    return float(w @ A[:, sites].any(axis=1))


def _cov_local_search(A, w, sites, deadline):
    """Best-improvement swap: profit(j in, r out) = gain_j - loss_r + extra_rj with
    gain_j = w of uncovered rows covered by j, loss_r = w of rows covered only by r,
    extra_rj = w of rows covered only by r and also by j."""
    n, m = A.shape
    q = len(sites)
    if q == 0 or q == m:
        return sites
    sites = list(sites)
    Af = A.astype(np.float64)
    value = _cov_value(A, w, sites)
    while _left(deadline) > 0:
        sub = A[:, sites]
        cnt = sub.sum(axis=1)
        gain = (w * (cnt == 0)) @ Af
        single = (cnt == 1)[:, None] & sub  # n x q
        ws = w[:, None] * single
        loss = ws.sum(axis=0)
        extra = ws.T @ Af  # q x m
        profit = gain[None, :] - loss[:, None] + extra
        profit[:, sites] = -np.inf
        r, j = np.unravel_index(int(np.argmax(profit)), profit.shape)
        if profit[r, j] <= 1e-9 * max(1.0, abs(value)):
            break
        sites[r] = int(j)
        value += profit[r, j]
    return sites


def _cov_exact(A, w, q, incumbent, deadline, integral):
    """Return (sites, value, upper_bound) for max coverage of rows of A with q sites."""
    n, m = A.shape
    best = list(incumbent)
    lb = _cov_value(A, w, best)
    ubound = float(min(w.sum(), np.sort(w @ A)[::-1][:q].sum()))

    def done(ubv):
        return ubv - lb <= _PROOF_RTOL * max(1.0, abs(lb)) or (integral and ubv < lb + 1 - 1e-6)

    if done(ubound) or _left(deadline) <= 0:
        return best, lb, ubound
    ii, jj = np.nonzero(A)
    N = sp.csr_matrix(
        (
            np.r_[-np.ones(len(ii)), np.ones(n)],
            (np.r_[ii, np.arange(n)], np.r_[jj, m + np.arange(n)]),
        ),
        shape=(n, m + n),
    )
    c = np.r_[np.zeros(m), -w]
    E = sp.csr_matrix(np.r_[np.ones(m), np.zeros(n)][None, :])
    res = linprog(
        c,
        A_ub=N,
        b_ub=np.zeros(n),
        A_eq=E,
        b_eq=[q],
        bounds=(0, 1),
        method="highs",
        options={"time_limit": max(_left(deadline), 0.01)},
    )
    if res.status == 0:
        ubound = min(ubound, -res.fun)
        if done(ubound):
            return best, lb, ubound
    left = _left(deadline)
    if left <= 0:
        return best, lb, ubound
    res = milp(
        c,
        integrality=np.r_[np.ones(m), np.zeros(n)],
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(N, -np.inf, 0), LinearConstraint(E, q, q)],
        options={"time_limit": max(left, 0.01), "mip_rel_gap": 1e-9, "disp": False},
    )
    dual = getattr(res, "mip_dual_bound", None)
    if dual is not None and np.isfinite(dual):
        ubound = min(ubound, -dual)
    if res.x is not None:
        sites = [int(j) for j in np.argsort(-res.x[:m])[:q]]
        val = _cov_value(A, w, sites)
        if val > lb:
            best, lb = sites, val
    return best, lb, max(ubound, lb)


def max_coverage(cost, weights, p, radius, *, fixed=(), time_limit=None) -> Solution:
    """Choose p sites maximising the weight of demand rows within `radius` of a chosen site.

    A row i is covered when min_{j chosen} cost_ij <= radius.  fixed sites count inside p.
    """
    t0 = time.perf_counter()
    C0, w0, p, fixed = _validate(cost, weights, p, fixed, time_limit)
    if isinstance(radius, bool):
        raise PlanningInputError("radius must be a number, got bool")
    try:
        r = float(radius)
    except (TypeError, ValueError):
        raise PlanningInputError(f"radius must be a number, got {type(radius).__name__}") from None
    if not math.isfinite(r) or r <= 0:
        raise PlanningInputError(f"radius must be positive and finite, got {radius}")
    deadline = _deadline(t0, time_limit)
    integral = _is_integral(w0)
    A0 = C0 <= r
    n, m = A0.shape
    fixed_cov = A0[:, fixed].any(axis=1) if fixed else np.zeros(n, dtype=bool)
    base = float(w0 @ fixed_cov)
    free_sites = np.array([j for j in range(m) if j not in set(fixed)], dtype=np.int64)
    q = p - len(fixed)
    rows = (~fixed_cov) & (w0 > 0) & A0[:, free_sites].any(axis=1) if q else np.zeros(n, bool)
    A = A0[np.ix_(rows, free_sites)]
    w = w0[rows]
    if A.shape[0]:
        # merge identical coverage rows
        packed = np.packbits(A, axis=1)
        keyed = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1])))[:, 0]
        _, first, inv = np.unique(keyed, return_index=True, return_inverse=True)
        w = np.bincount(inv.ravel(), weights=w)
        A = A[first]
    if q == 0:
        local, bound = [], 0.0
    elif A.shape[0] == 0:
        local, bound = list(range(q)), 0.0
    else:
        local = _cov_greedy(A, w, q)
        local = _cov_local_search(A, w, local, deadline)
        local, _, bound = _cov_exact(A, w, q, local, deadline, integral)
    sites = list(fixed) + [int(free_sites[j]) for j in local]
    value = float(w0 @ A0[:, sites].any(axis=1))
    bound = base + bound
    # gains: covered weight is sum(w) - sum(w * uncovered); reuse the min-based ordering
    free = [j for j in sites if j not in set(fixed)]
    if free:
        unc = (~A0[:, free]).astype(np.float64) * w0[:, None]
        gains = _greedy_order_gains(unc, w0 * (~fixed_cov))
    else:
        gains = []
    return _finish(sites, value, max(bound, value), -1, integral, gains, t0)
