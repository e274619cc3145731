"""The monthly chart, in the first weekly digest of each month: is ops growing faster
than the business? Bars of the hours a week of manual work added and eliminated, quarter
on quarter, with how many people did manual work; with a business volume, a second panel
of manual minutes per unit, month by month (PNG bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from bot.charts import ALT_TXT_LIMIT, Chart
from bot.domain.durations import format_minutes
from bot.domain.growth import Change, Month
from bot.domain.plurals import count


def _draw(changes: Sequence[Change], months: Sequence[Month]) -> bytes:
    import matplotlib  # (as bot/charts.py: only digests draw charts)

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # (as above)

    with_volume = [m for m in months if m.volume]
    fig = Figure(figsize=(8, 3.6 if not with_volume else 6.4), dpi=100)
    ax = fig.add_subplot(2 if with_volume else 1, 1, 1)
    labels = [c.label for c in changes]
    xs = range(len(changes))
    ax.bar(
        [x - 0.2 for x in xs],
        [c.added / 60 for c in changes],
        0.4,
        color="#e8912d",
        label="Manual hours a week added",
    )
    ax.bar(
        [x + 0.2 for x in xs],
        [c.eliminated / 60 for c in changes],
        0.4,
        color="#2eb67d",
        label="Hours a week eliminated",
    )
    for x, c in zip(xs, changes, strict=True):
        ax.annotate(
            count(c.people, "person", "people"),
            (x, 0),
            textcoords="offset points",
            xytext=(0, -28),
            ha="center",
            fontsize=8,
        )
    ax.set_xticks(list(xs), labels)
    ax.set_title("Is ops growing faster than the business? Quarter on quarter")
    ax.set_ylabel("hours a week")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    ax.set_ylim(bottom=0)
    if with_volume:
        bx = fig.add_subplot(2, 1, 2)
        bx.plot(
            [f"{m.start:%b %Y}" for m in with_volume],
            [m.per_unit or 0 for m in with_volume],
            color="#36c5f0",
            marker="o",
            linewidth=2.5,
        )
        bx.set_title(f"Manual minutes per unit ({with_volume[-1].unit})")
        bx.set_ylim(bottom=0)
        bx.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def growth_alt(changes: Sequence[Change], months: Sequence[Month]) -> str:
    """The chart in one line, for screen readers."""
    if not changes:
        return "Manual work added against eliminated, quarter on quarter: no quarters yet."
    last = changes[-1]
    text = (
        "Hours a week of manual work added (bars) against eliminated, quarter on quarter, "
        f"to {last.label}: {format_minutes(last.added)} a week added, "
        f"{format_minutes(last.eliminated)} a week eliminated, "
        f"{count(last.people, 'person', 'people')} did manual work."
    )
    with_volume = [m for m in months if m.volume]
    if with_volume:
        m = with_volume[-1]
        text += f" {m.per_unit or 0:.2f} manual minutes per unit in {m.start:%b %Y}."
    return text[:ALT_TXT_LIMIT]


def growth_chart(changes: Sequence[Change], months: Sequence[Month]) -> Chart:
    return Chart(
        _draw(changes, months),
        growth_alt(changes, months),
        "ops-vs-business.png",
        "Manual work added vs eliminated, quarter on quarter",
    )
