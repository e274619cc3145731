"""The digest's chart: manual hours against hours eliminated, week by week (PNG bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime


def manual_vs_eliminated(
    series: Sequence[tuple[datetime, float, float]],
    *,
    title: str = "Manual vs eliminated hours per week",
) -> bytes:
    """A PNG: bars of manual hours done each week, a line of hours a week eliminated."""
    import matplotlib  # start-up time: about half a second, and only digests draw charts

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # (as above)

    labels = [start.strftime("%d %b") for start, _, _ in series]
    manual = [m for _, m, _ in series]
    gone = [g for _, _, g in series]
    fig = Figure(figsize=(8, 3.6), dpi=100)
    ax = fig.add_subplot()
    ax.bar(labels, manual, color="#e8912d", label="Manual hours done")
    ax.plot(
        labels, gone, color="#2eb67d", marker="o", linewidth=2.5, label="Hours a week eliminated"
    )
    ax.set_title(title)
    ax.set_ylabel("hours")
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
