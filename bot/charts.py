"""The digest's chart: manual hours against hours eliminated, week by week (PNG bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.durations import format_hours
from bot.domain.plurals import count

ALT_TXT_LIMIT = 1000  # Slack refuses a longer one (alt_txt_too_large)


@dataclass(frozen=True)
class Chart:
    """A chart to share in a digest's thread: the PNG and its description."""

    png: bytes
    alt: str
    filename: str
    title: str


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


def alt_text(series: Sequence[tuple[datetime, float, float]]) -> str:
    """The chart in one line, for screen readers (files upload `alt_txt`): what it shows
    and where it ends.

    >>> from datetime import UTC
    >>> week = datetime(2026, 11, 23, tzinfo=UTC)
    >>> alt_text([(week - timedelta(weeks=1), 1.0, 0.0), (week, 2.75, 0.5625)])[75:]
    '2 weeks to 30 Nov: in the last week 2h 45m done by hand, 34m a week eliminated.'
    """
    if not series:
        return "Manual hours done each week against hours a week eliminated: no weeks yet."
    last, manual, gone = series[-1]
    end = last + timedelta(weeks=1)
    text = (
        "Manual hours done each week (bars) against hours a week eliminated (line), "
        f"{count(len(series), 'week')} to {end:%d %b}: in the last week "
        f"{format_hours(manual)} done by hand, {format_hours(gone)} a week eliminated."
    )
    return text[:ALT_TXT_LIMIT]
