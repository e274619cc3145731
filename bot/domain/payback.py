"""An automation's effort against what it saves: the payback time of an estimate, the
warning when the estimate is over the break-even, the savings a retirement keeps, and the
backlog ranked by payback.

An estimate of 30 hours on a process that costs 5 hours a week pays back in 6 weeks;
its break-even (bot/domain/costs.py) is 5 × 52 × 5 = 1,300 hours, so it is well under::

    >>> payback_weeks(30, 300), over_break_even(30, 300), payback_text(6)
    (6.0, False, 'pays back in 6 weeks')
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.costs import break_even_hours
from bot.domain.plurals import count

MAX_EFFORT_HOURS = 100_000.0
_HOURS_RE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|d|days?|w|weeks?)?", re.IGNORECASE | re.ASCII
)
# A working day and week, for "3d" or "2 weeks" of effort.
_UNIT_HOURS = {"h": 1.0, "d": 8.0, "w": 40.0}


def parse_effort_hours(text: str) -> float | None:
    """Hours of effort as people type them: "30", "30h", "1.5 hours", "3d" (8 hours a
    day), "2 weeks" (40 a week). None when the text is none of those, zero, or more
    than 100,000 hours.

    >>> parse_effort_hours("40h"), parse_effort_hours("3d"), parse_effort_hours("soon")
    (40.0, 24.0, None)
    """
    match = _HOURS_RE.fullmatch(text.strip())
    if match is None:
        return None
    unit = (match.group(2) or "h")[0].lower()
    hours = float(match.group(1).replace(",", ".")) * _UNIT_HOURS[unit]
    return hours if 0 < hours <= MAX_EFFORT_HOURS else None


def payback_weeks(effort_hours: float | None, minutes_per_week: float) -> float | None:
    """Weeks of the manual work it replaces until the effort is paid back; None without
    an estimate or when the work costs nothing now."""
    if effort_hours is None or minutes_per_week <= 0 or not math.isfinite(minutes_per_week):
        return None
    return effort_hours * 60 / minutes_per_week


def over_break_even(effort_hours: float | None, minutes_per_week: float) -> bool:
    """True when the estimate is more than the 5-year break-even: it would not pay back
    within five years."""
    if effort_hours is None:
        return False
    return effort_hours > break_even_hours(minutes_per_week / 60)


def payback_text(weeks: float | None) -> str:
    """'pays back in 6 weeks', 'pays back within a week', 'pays back in 3 years';
    'doesn't pay back yet' while the work costs nothing measured."""
    if weeks is None:
        return "doesn't pay back yet (no manual work measured)"
    if weeks <= 1:
        return "pays back within a week"
    if weeks < 104:
        return f"pays back in {count(math.ceil(weeks), 'week')}"
    return f"pays back in {count(math.ceil(weeks / 52), 'year')}"


def savings_hours(eliminated_minutes_per_week: float | None, effort_hours: float | None) -> float:
    """What a retirement saves over the 5 years of the break-even: the break-even of the
    hours it eliminated, less the effort (None: nothing known of it, so none subtracted)."""
    saved = break_even_hours((eliminated_minutes_per_week or 0.0) / 60)
    return saved - (effort_hours or 0.0)


@dataclass(frozen=True)
class Savings:
    """A retired process's savings over five years: projected from the estimate and
    realised from the hours it really took (None: that figure was not given)."""

    projected_hours: float | None
    realised_hours: float | None


def savings(
    eliminated_minutes_per_week: float | None,
    *,
    effort_hours: float | None,
    actual_hours: float | None,
) -> Savings:
    """The projected and realised savings a retired process keeps."""
    projected = savings_hours(eliminated_minutes_per_week, effort_hours) if effort_hours else None
    realised = savings_hours(eliminated_minutes_per_week, actual_hours) if actual_hours else None
    return Savings(projected, realised)


@dataclass(frozen=True)
class Candidate:
    """One open process for the ranking: its ref, minutes a week now, and estimate."""

    ref: str
    minutes_per_week: float
    effort_hours: float | None


def by_payback(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The backlog by payback, quickest first; a process with no estimate (or nothing
    measured) after them all, the costliest first.

    >>> [c.ref for c in by_payback([Candidate("P1", 60, None), Candidate("P2", 60, 10),
    ...                             Candidate("P3", 600, 20)])]
    ['P3', 'P2', 'P1']
    """

    def key(c: Candidate) -> tuple[int, float, float]:
        weeks = payback_weeks(c.effort_hours, c.minutes_per_week)
        return (0, weeks, 0.0) if weeks is not None else (1, 0.0, -c.minutes_per_week)

    return sorted(candidates, key=key)
