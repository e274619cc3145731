"""A team's toil budget: its manual work as a share of its working hours, against a cap.

A channel's team has a size: the people who reported there in the last four whole weeks
(Monday to Sunday, UTC) and this one so far, or the number an admin set (`/manual-task
team size 6`). Its working hours a week are that size × the workspace's working week
(09:00 to 17:00, Monday to Friday: 40 h). Its manual work a week is the minutes reported
on its open processes in the last 28 days ÷ 4, the cost every surface shows. The budget
is a share of the working hours, 50% unless an admin set another (`/manual-task budget
40%`): the cap Google's SRE practice puts on toil.

    >>> b = Budget(size=2, size_set=False, week_minutes=2400, manual_minutes=3000)
    >>> round(b.share, 3), b.over, b.excess_minutes
    (0.625, True, 600.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.windows import Window, recent_weeks

DEFAULT_BUDGET_PERCENT = 50
MAX_TEAM_SIZE = 10_000


def week_minutes(work_start: str, work_end: str, work_days: str) -> int:
    """One person's working minutes a week under the workspace's settings.

    >>> week_minutes("09:00", "17:30", "0,1,2,3,4")
    2550
    """
    (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in (work_start, work_end))
    day = max(0, (h2 * 60 + m2) - (h1 * 60 + m1))
    days = {d for d in work_days.split(",") if d.strip()}
    return day * len(days)


def team_window(now: datetime) -> Window:
    """Who the team is: whoever reported in its channel in the last four whole weeks and
    this one so far (whole weeks, so that it is read from weekly rollups). Its manual work
    counts the last 28 days, the cost every surface shows."""
    return recent_weeks(now)


def team_size(set_size: int | None, reporters: int) -> int:
    """The size an admin set, or else the people who reported in `team_window`."""
    return set_size if set_size is not None else reporters


@dataclass(frozen=True)
class Budget:
    """A team's manual work a week against its working hours and its budget."""

    size: int
    size_set: bool  # an admin set it (else counted from the reports)
    week_minutes: int  # one person's working minutes a week
    manual_minutes: float  # the team's manual minutes a week
    percent: int = DEFAULT_BUDGET_PERCENT

    @property
    def capacity_minutes(self) -> int:
        """The team's working minutes a week."""
        return self.size * self.week_minutes

    @property
    def known(self) -> bool:
        """Whether there are working hours to compare with (a team of nobody has none)."""
        return self.capacity_minutes > 0

    @property
    def share(self) -> float:
        return self.manual_minutes / self.capacity_minutes if self.known else 0.0

    @property
    def cap_minutes(self) -> float:
        return self.capacity_minutes * self.percent / 100

    @property
    def over(self) -> bool:
        return self.known and self.manual_minutes > self.cap_minutes

    @property
    def excess_minutes(self) -> float:
        """Minutes a week to eliminate to be back within budget (0 when within)."""
        return max(0.0, self.manual_minutes - self.cap_minutes) if self.known else 0.0


@dataclass(frozen=True)
class Candidate:
    """An open process of the team, and what automating it would take off its week."""

    ref: str
    title: str
    minutes_per_week: float
    effort_hours: float | None = None  # the effort estimate, when one was given

    @property
    def payback_weeks(self) -> float | None:
        """Weeks of its manual work that its automation costs (None without an estimate)."""
        if self.effort_hours is None or self.minutes_per_week <= 0:
            return None
        return self.effort_hours * 60 / self.minutes_per_week


def rank_key(c: Candidate) -> tuple[int, float]:
    """The order in which to automate, to be back within budget: by payback where an
    effort estimate exists (soonest first), else by what it costs a week (most first,
    which is its break-even order: break-even is cost a week × 260). The one place to
    change the ranking."""
    payback = c.payback_weeks
    if payback is not None:
        return (0, payback)
    return (1, -c.minutes_per_week)


def bring_under(budget: Budget, candidates: Sequence[Candidate]) -> tuple[list[Candidate], bool]:
    """The fewest processes, taken in `rank_key` order, whose automation brings the team
    back within budget, and whether they do (when even all of them don't, all of them).
    Nothing when it is within budget."""
    if not budget.over:
        return [], True
    chosen: list[Candidate] = []
    saved = 0.0
    for c in sorted((c for c in candidates if c.minutes_per_week > 0), key=rank_key):
        chosen.append(c)
        saved += c.minutes_per_week
        if saved >= budget.excess_minutes:
            return chosen, True
    return chosen, False


@dataclass(frozen=True)
class ToilView:
    """A team's budget, and (over it) the processes to automate first."""

    budget: Budget
    chosen: list[Candidate]
    enough: bool  # automating `chosen` brings it back within budget
    channel_id: str | None  # the team's channel (None: the workspace's public processes)


def parse_percent(text: str) -> int | None:
    """'40%', '40' or '40 %' as a whole percent from 1 to 100; None when it isn't one.

    >>> parse_percent("40%"), parse_percent("0"), parse_percent("half")
    (40, None, None)
    """
    raw = text.strip().removesuffix("%").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        return None
    return int(raw)
