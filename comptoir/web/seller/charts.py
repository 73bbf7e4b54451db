"""The seller dashboard's sales chart: an inline SVG drawn with matplotlib's Figure API."""
from __future__ import annotations

import datetime as dt
import io
import re

from matplotlib.figure import Figure


def daily_sales_svg(*, days: list[dt.date], amounts: list[int], currency: str, empty_label: str) -> str:
    """Bars of gross sales per day (minor units in, major units on the axis), oldest left;
    ``empty_label`` is written across a chart with no sales."""
    fig = Figure(figsize=(8, 2.6), dpi=100)
    ax = fig.subplots()
    ax.bar([d.strftime("%d/%m") for d in days], [a / 100 for a in amounts], color="#0f766e", width=0.7)
    ax.set_ylabel(currency, fontsize=8)
    if not any(amounts):
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.text(0.5, 0.5, empty_label, transform=ax.transAxes, ha="center", va="center", fontsize=10, color="#64748b")
    else:
        ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", lw=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return re.sub(r"^.*?(<svg)", r"\1", buf.getvalue(), count=1, flags=re.S)
