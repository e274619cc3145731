"""How elimination is measured beyond the retirement itself: the time from a process's
first report to its retirement (the median per quarter), whether a retirement is
verified (no report for 8 weeks after it), and the share of the manual load whose steps
are written down.

    >>> from datetime import UTC, datetime
    >>> d = lambda m, day: datetime(2026, m, day, tzinfo=UTC)
    >>> quarter_of(d(11, 23)), verified_due(d(9, 1), now=d(10, 27))
    ('2026 Q4', True)
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

FOUR_QUARTERS_DAYS = 4 * 92  # reaches the start of the quarter three before today's

VERIFY_AFTER = timedelta(weeks=8)


def quarter_of(when: datetime) -> str:
    """The calendar quarter (UTC) a moment falls in: '2026 Q4'."""
    return f"{when.year} Q{(when.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class QuarterMedian:
    """The median days from first report to retirement of the processes retired in one
    quarter, and how many there were."""

    quarter: str
    median_days: float
    retired: int


def time_to_eliminate(
    spans: Iterable[tuple[datetime, datetime]], *, now: datetime, quarters: int = 4
) -> list[QuarterMedian]:
    """From (first report, retirement) pairs, the median days between them per quarter
    of the retirement, oldest first: the `quarters` up to `now`'s (the later ones are not
    counted; a quarter with no retirement is left out)."""
    keep = _last_quarters(now, quarters)
    days: dict[str, list[float]] = defaultdict(list)
    for first, retired in spans:
        quarter = quarter_of(retired)
        if quarter in keep and retired <= now:
            days[quarter].append(max((retired - first).total_seconds(), 0.0) / 86_400)
    return [QuarterMedian(q, statistics.median(days[q]), len(days[q])) for q in keep if days.get(q)]


def _last_quarters(now: datetime, n: int) -> list[str]:
    year, index = now.year, (now.month - 1) // 3
    out = []
    for _ in range(n):
        out.append(f"{year} Q{index + 1}")
        index -= 1
        if index < 0:
            year, index = year - 1, 3
    return list(reversed(out))


def verified_due(
    retired_at: datetime, *, now: datetime, last_report_at: datetime | None = None
) -> bool:
    """True when a retirement is verified at `now`: 8 weeks have passed since it, and no
    report came after it (a process reported again has come back and is not retired)."""
    if last_report_at is not None and last_report_at > retired_at:
        return False
    return now - retired_at >= VERIFY_AFTER


def documented_share(loads: Iterable[tuple[float, bool]]) -> float | None:
    """Of the manual load, (minutes, steps written down?) per process, the share that is
    documented; None when there is no manual load.

    >>> documented_share([(90, True), (30, False)])
    0.75
    """
    total = documented = 0.0
    for minutes, has_steps in loads:
        total += minutes
        documented += minutes if has_steps else 0.0
    return documented / total if total > 0 else None
