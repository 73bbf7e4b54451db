"""Maximal coverage: greedy, swap search, LP then MILP certificate."""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


from .common import (
    PlanningInputError,
    Solution,
    _validate,
    _deadline,
    _left,
    _is_integral,
    _finish,
    _greedy_order_gains,
    _PROOF_RTOL,
)


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
