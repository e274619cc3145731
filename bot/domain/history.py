"""What a process's history says: its changes of status as plain values, and the rule of
what counts as eliminated on a date.

A process's minutes a week count as eliminated at a moment when its last change of status
before that moment was a retirement, with the minutes frozen by that retirement. So a week's
figure never changes afterwards: a process that comes back leaves the total from the moment
it came back, not before.

>>> from datetime import UTC, datetime
>>> d = lambda day: datetime(2026, 11, day, tzinfo=UTC)
>>> changes = [Change(1, Event.RETIRED, d(2), 60.0), Change(1, Event.CAME_BACK, d(9), None)]
>>> eliminated_before(changes, d(5)), eliminated_before(changes, d(10))
(60.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.states import STATUS_AFTER, Event


@dataclass(frozen=True)
class Change:
    """One change of a process's status: which process, what, when, and (for a retirement)
    the minutes a week it eliminated."""

    process_id: int
    kind: Event
    at: datetime
    minutes_per_week: float | None


@dataclass(frozen=True)
class HistoryLine:
    """One event of a process's history as `show` lists it."""

    kind: Event
    actor_id: str | None
    at: datetime
    detail: str | None


def eliminated_series(changes: Iterable[Change], ends: Sequence[datetime]) -> list[float]:
    """Minutes a week eliminated just before each of `ends` (ascending), from `changes` in
    the order they happened."""
    gone: dict[int, float] = {}
    pending = iter(changes)
    upcoming = next(pending, None)
    totals = []
    for end in ends:
        while upcoming is not None and upcoming.at < end:
            if upcoming.kind in STATUS_AFTER:
                if upcoming.kind == Event.RETIRED:
                    gone[upcoming.process_id] = upcoming.minutes_per_week or 0.0
                else:
                    gone.pop(upcoming.process_id, None)
            upcoming = next(pending, None)
        totals.append(sum(gone.values()))
    return totals


def eliminated_before(changes: Iterable[Change], end: datetime) -> float:
    """Minutes a week eliminated just before `end`."""
    return eliminated_series(changes, [end])[0]
