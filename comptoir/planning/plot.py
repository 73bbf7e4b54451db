"""Map picture of a plan: no tiles, no network (matplotlib's Figure API renders with Agg).

Local equirectangular projection centred on the market (x = R·Δλ·cos φ₀, y = R·Δφ, km), so a
coverage circle of r km is a true circle on the picture. Demand points are dots whose area is
proportional to population; open stores are black squares (planned ones hollow), proposed ones red stars numbered
by rank, with their coverage circle.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure  # the object API: no pyplot global state, no GUI backend
from matplotlib.patches import Circle

from comptoir.common.geo import EARTH_RADIUS_KM


def _project(lat, lon, lat0, lon0):
    lat = np.radians(np.asarray(lat, dtype=np.float64))
    lon = np.radians(np.asarray(lon, dtype=np.float64))
    x = EARTH_RADIUS_KM * (lon - np.radians(lon0)) * np.cos(np.radians(lat0))
    y = EARTH_RADIUS_KM * (lat - np.radians(lat0))
    return x, y


def _draw_existing(ax, existing, planned, lat0, lon0):
    """Open stores as black squares, planned ones hollow, each named; returns their x, y."""
    ex, ey = _project([e[1] for e in existing], [e[2] for e in existing], lat0, lon0)
    is_planned = np.array([e[0] in planned for e in existing])
    if (~is_planned).any():
        ax.scatter(ex[~is_planned], ey[~is_planned], marker="s", s=70, c="black", label="Open store", zorder=4)
    if is_planned.any():
        ax.scatter(ex[is_planned], ey[is_planned], marker="s", s=70, facecolors="white", edgecolors="black",
                   linewidths=1.5, label="Planned store", zorder=4)
    for name, xx, yy in zip((e[0] for e in existing), ex, ey):
        ax.annotate(name, (xx, yy), xytext=(6, -10), textcoords="offset points", fontsize=7, zorder=6)
    return ex, ey


def render_map(
    *,
    title: str,
    demand_lat: Sequence[float],
    demand_lon: Sequence[float],
    demand_pop: Sequence[float],
    existing: Sequence[tuple[str, float, float]],
    picks: Sequence[tuple[str, float, float]],
    radius_km: float | None,
    fmt: str = "png",
    dpi: int = 110,
    planned: frozenset[str] = frozenset(),
) -> bytes:
    """Return the picture (PNG or SVG bytes). existing/picks: (name, lat, lon) in rank order;
    `planned`: the names of existing stores not open yet (drawn hollow)."""
    pop = np.asarray(demand_pop, dtype=np.float64)
    dlat = np.asarray(demand_lat, dtype=np.float64)
    dlon = np.asarray(demand_lon, dtype=np.float64)
    if len(pop):
        # centre on the median place; the view spans the places within 3× the median distance from
        # it (plus the stores), so far-away islands (the Canaries for ES) do not shrink the mainland
        lat0, lon0 = float(np.median(dlat)), float(np.median(dlon))
    else:
        lat0, lon0 = 0.0, 0.0
    fig = Figure(figsize=(8, 8), dpi=dpi)
    ax = fig.subplots()
    if len(pop):
        x, y = _project(dlat, dlon, lat0, lon0)
        size = 600.0 * pop / max(pop.max(), 1.0) + 0.8
        order = np.argsort(pop)
        ax.scatter(x[order], y[order], s=size[order], c="#2f5f9e", alpha=0.5, linewidths=0, label="Demand (population)")
    if existing:
        ex, ey = _draw_existing(ax, existing, planned, lat0, lon0)
        if radius_km:
            for xx, yy in zip(ex, ey):
                ax.add_patch(Circle((xx, yy), radius_km, fill=False, ec="black", lw=1, ls="--", zorder=3))
    if picks:
        px, py = _project([p[1] for p in picks], [p[2] for p in picks], lat0, lon0)
        ax.scatter(px, py, marker="*", s=260, c="#d62728", edgecolors="white", linewidths=0.8, label="Proposed store", zorder=5)
        for k, (xx, yy) in enumerate(zip(px, py), start=1):
            if radius_km:
                ax.add_patch(Circle((xx, yy), radius_km, fill=True, fc="#d62728", alpha=0.10, ec="#d62728", lw=1.2, zorder=3))
            ax.annotate(f"{k}. {picks[k - 1][0]}", (xx, yy), xytext=(6, 6), textcoords="offset points", fontsize=8,
                        zorder=6, bbox=dict(boxstyle="round,pad=0.2", fc="white", alpha=0.8, lw=0))
    if radius_km and (picks or existing):
        ax.plot([], [], color="#d62728", lw=1.2, label=f"Coverage radius {radius_km:g} km")
    xs, ys = [], []
    if len(pop):
        r = np.hypot(x, y)
        core = r <= 3.0 * max(float(np.median(r)), 1.0)
        xs += [float(x[core].min()), float(x[core].max())]
        ys += [float(y[core].min()), float(y[core].max())]
    pad = float(radius_km or 0.0)
    for group in (existing, picks):
        if group:
            gx, gy = _project([g[1] for g in group], [g[2] for g in group], lat0, lon0)
            xs += [float(gx.min()) - pad, float(gx.max()) + pad]
            ys += [float(gy.min()) - pad, float(gy.max()) + pad]
    if xs:
        mx = 0.05 * max(max(xs) - min(xs), max(ys) - min(ys), 10.0)
        ax.set_xlim(min(xs) - mx, max(xs) + mx)
        ax.set_ylim(min(ys) - mx, max(ys) + mx)
    ax.set_aspect("equal")
    ax.set_xlabel("km east of centre")
    ax.set_ylabel("km north of centre")
    ax.set_title(title)
    if len(pop) or existing or picks:
        ax.legend(loc="best", fontsize=8, framealpha=0.9)
    ax.grid(True, lw=0.3, alpha=0.5)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    return buf.getvalue()


def render_plan(result: dict, demand) -> bytes:
    """Picture of a recorded plan (PlanRun.result JSON) over the market's demand."""
    title = (
        f"{result['market']}: {len(result['picks'])} new store(s), "
        f"{'max coverage' if result['objective'] == 'coverage' else 'min distance'}, r = {result['radius_km']:g} km"
    )
    return render_map(
        title=title,
        demand_lat=demand.lat,
        demand_lon=demand.lon,
        demand_pop=demand.population,
        existing=[(e["name"], e["lat"], e["lon"]) for e in result.get("existing", [])],
        picks=[(p["city"], p["lat"], p["lon"]) for p in result["picks"]],
        radius_km=result.get("radius_km"),
        planned=frozenset(e["name"] for e in result.get("existing", []) if e.get("status") == "planned"),
    )
