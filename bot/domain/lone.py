"""Single points of failure: the open processes only one person has ever done, and their
share of the manual load (the minutes reported on open processes in the last 28 days).
It is about processes, never a ranking of people: the line names processes and says to
write their steps down; it never names who did them.

    >>> lone = single_points([("P3", 120), ("P9", 60)], total_minutes=600)
    >>> lone.refs, round(lone.share, 2)
    (['P3', 'P9'], 0.3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NAMED = 5  # processes named; the rest are counted


@dataclass(frozen=True)
class SinglePoints:
    refs: list[str]  # most minutes first
    minutes: int  # theirs, in the window
    total_minutes: int  # every open process's in sight, in the window

    @property
    def share(self) -> float:
        return self.minutes / self.total_minutes if self.total_minutes else 0.0

    @property
    def named(self) -> list[str]:
        return self.refs[:NAMED]

    @property
    def unnamed(self) -> int:
        return max(0, len(self.refs) - NAMED)


def single_points(rows: Sequence[tuple[str, int]], *, total_minutes: int) -> SinglePoints:
    """From (ref, minutes in the window) of each process only one person has done: those
    with any manual work in the window, most minutes first (ties by ref as given)."""
    kept = sorted((r for r in rows if r[1] > 0), key=lambda r: -r[1])
    return SinglePoints([ref for ref, _ in kept], sum(m for _, m in kept), max(total_minutes, 0))


def percent(share: float) -> str:
    """'31%': a whole percent, half up; under 10%, one decimal ('4.4%'); above none but
    under 0.1%, '<0.1%'.

    >>> percent(0.305), percent(0.04375), percent(0.0004), percent(0)
    ('31%', '4.4%', '<0.1%', '0%')
    """
    if 0 < share < 0.0005:
        return "<0.1%"
    if share < 0.095:
        tenths = int(share * 1000 + 0.5)
        return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"
    return f"{int(share * 100 + 0.5)}%"
