"""Small inline SVG charts for the operator pages (matplotlib's Figure API, no network)."""
from __future__ import annotations

import io
import re

from matplotlib.figure import Figure


def weekly_gmv_svg(market: str, rows) -> str:
    """Stacked bars of GMV by channel per ISO week (oldest left), as an inline <svg> string."""
    rows = sorted(rows, key=lambda r: r.week)
    weeks = [r.week for r in rows]
    scale = 100.0  # minor → major units for the axis only; amounts stay integers elsewhere
    series = [
        ("Home delivery", [r.gmv_delivery / scale for r in rows], "#2f5f9e"),
        ("Click & collect", [r.gmv_collect / scale for r in rows], "#e08a1e"),
        ("In-store sale", [r.gmv_in_store / scale for r in rows], "#3a9e5f"),
    ]
    fig = Figure(figsize=(7, 2.8), dpi=100)
    ax = fig.subplots()
    bottom = [0.0] * len(rows)
    for label, values, colour in series:
        ax.bar(weeks, values, bottom=bottom, label=label, color=colour, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title(f"{market}: GMV by channel and week ({rows[0].currency if rows else ''})", fontsize=10)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", lw=0.3)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    svg = buf.getvalue()
    # drop the XML prolog and DOCTYPE so the <svg> can sit inside HTML
    return re.sub(r"^.*?(<svg)", r"\1", svg, count=1, flags=re.S)
