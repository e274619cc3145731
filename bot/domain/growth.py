"""Is ops growing faster than the business? Quarter on quarter, and month by month
against a business volume an admin records.

A quarter is a calendar quarter of whole UTC days (the current one: so far, today
included). Its manual load is the minutes reported in it ÷ its weeks (the weeks gone by,
for the current one). From one quarter to the next, the hours a week *eliminated* are
what the total eliminated grew by (bot/domain/history.py's rule, at each quarter's start),
and the hours a week *added* are the change in load plus what was eliminated: the manual
work that would be there had nothing been automated. Ops grows faster than it shrinks
when more was added than eliminated.

With a volume (12,000 orders in November), a month's manual minutes per unit; the manual
load grows faster than the business when, from one month to the next, the manual
minutes grew by a larger factor than the volume did.

    >>> quarter_of(date(2026, 11, 30))
    Window(start=datetime.date(2026, 10, 1), end=datetime.date(2027, 1, 1))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.windows import Window


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def _next_quarter(start: date) -> date:
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def _previous_quarter(start: date) -> date:
    return date(start.year - 1, 10, 1) if start.month == 1 else date(start.year, start.month - 3, 1)


def quarter_of(d: date) -> Window:
    start = _quarter_start(d)
    return Window(start, _next_quarter(start))


def quarters_to(today: date, n: int) -> list[Window]:
    """The `n` calendar quarters up to the one `today` falls in (that one so far, today
    included: its `end` is None), oldest first."""
    start = _quarter_start(today)
    out = [Window(start)]
    for _ in range(n - 1):
        start = _previous_quarter(start)
        out.insert(0, quarter_of(start))
    return out


def quarter_label(window: Window) -> str:
    """'Q4 2026'."""
    return f"Q{(window.start.month - 1) // 3 + 1} {window.start.year}"


def weeks_in(window: Window, today: date) -> float:
    """How many weeks of `window` have passed by the end of `today`."""
    end = window.end if window.end is not None else date.fromordinal(today.toordinal() + 1)
    return max(1, (min(end, date.fromordinal(today.toordinal() + 1)) - window.start).days) / 7


@dataclass(frozen=True)
class Quarter:
    """What one quarter's figures are built from."""

    label: str
    manual_minutes: int  # reported in the quarter
    weeks: float  # of it gone by
    eliminated_at_start: float  # minutes a week eliminated, as of its first day
    eliminated_at_end: float  # as of its end (the current one: now)
    people: int  # who reported manual work in it

    @property
    def load(self) -> float:
        """Manual minutes a week in the quarter."""
        return self.manual_minutes / self.weeks


@dataclass(frozen=True)
class Change:
    """One quarter against the one before, every figure in minutes a week."""

    label: str
    load: float
    load_before: float
    eliminated: float
    people: int
    people_before: int

    @property
    def added(self) -> float:
        """The manual work added: the change in load, plus what automation took off it."""
        return max(0.0, self.load - self.load_before + self.eliminated)

    @property
    def growing(self) -> bool:
        """More manual work was added than eliminated."""
        return self.added > self.eliminated


def changes(quarters: Sequence[Quarter]) -> list[Change]:
    """Each quarter after the first against the one before it."""
    return [
        Change(
            label=q.label,
            load=q.load,
            load_before=p.load,
            eliminated=q.eliminated_at_end - q.eliminated_at_start,
            people=q.people,
            people_before=p.people,
        )
        for p, q in zip(quarters, quarters[1:], strict=False)
    ]


def month_windows(today: date, n: int, *, current: bool = False) -> list[Window]:
    """The `n` whole calendar months before the one `today` falls in, oldest first, and
    (`current`) that one so far."""
    out: list[Window] = []
    end = date(today.year, today.month, 1)
    if current:
        out.append(Window(end))
    for _ in range(n):
        start = date(end.year - 1, 12, 1) if end.month == 1 else date(end.year, end.month - 1, 1)
        out.insert(0, Window(start, end))
        end = start
    return out


@dataclass(frozen=True)
class Month:
    """A whole month's manual minutes, and the business volume recorded for it."""

    start: date
    manual_minutes: int
    volume: float | None = None
    unit: str = ""

    @property
    def per_unit(self) -> float | None:
        """Manual minutes per unit of volume."""
        return None if not self.volume else self.manual_minutes / self.volume


def outpaces(before: Month, after: Month) -> bool:
    """Manual load grew faster than the business from `before` to `after`: both have a
    volume, and the manual minutes grew by a larger factor than the volume did.

    >>> outpaces(Month(date(2026, 10, 1), 600, 10_000), Month(date(2026, 11, 1), 900, 12_000))
    True
    """
    if not (before.volume and after.volume) or after.manual_minutes <= 0:
        return False
    if before.manual_minutes <= 0:
        return True  # from none to some, whatever the business did
    return after.manual_minutes / before.manual_minutes > after.volume / before.volume


def parse_month(text: str) -> date | None:
    """'2026-11' as the first day of that month; None when it isn't one.

    >>> parse_month("2026-11"), parse_month("2026-13")
    (datetime.date(2026, 11, 1), None)
    """
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    year, month = int(parts[0]), int(parts[1])
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        return None
    return date(year, month, 1)
