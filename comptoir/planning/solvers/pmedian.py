"""p-median: greedy, vectorised swap search, radius-formulation LP/MILP and a Lagrangian bound."""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


from .common import (
    _U0,
    Solution,
    _validate,
    _deadline,
    _left,
    _blocks,
    _is_integral,
    _finish,
    _greedy_order_gains,
    _PROOF_RTOL,
    _LAGRANGIAN_ABOVE,
    _STALL,
    _LP_FIRST_P,
    _RFAC,
)


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


