"""Plain data about processes, from the services to the message builders: no ORM object
reaches Block Kit code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.costs import weekly_minutes
from bot.domain.payback import over_break_even, payback_weeks
from bot.domain.states import Status


@dataclass(frozen=True)
class StepsNote:
    """A process's steps as last written: the text, its version, who and when."""

    text: str
    version: int
    author_id: str | None
    at: datetime


@dataclass(frozen=True)
class ProcessCard:
    """What a message shows about one process, its load over the trailing 28 days."""

    process_id: int
    ref: str
    title: str
    status: Status | str
    owner_id: str | None
    reporter_id: str
    channel_id: str | None
    count: int
    minutes: int
    hourly_rate: float | None = None
    currency: str = "USD"
    snoozed_until: datetime | None = None
    review_at: datetime | None = None
    accepted_reason: str | None = None
    automation_link: str | None = None
    automation_note: str | None = None  # the retire form's "In one line, how"
    retired_by: str | None = None  # who recorded the retirement (the owner is credited)
    eliminated_minutes_per_week: float | None = None
    merged_into_ref: str | None = None
    declared_minutes_per_week: float | None = None  # from the report form's frequency
    source_link: str | None = None  # the Slack message that prompted it (a shortcut)
    effort_hours: float | None = None  # the estimate given with "I'll automate it"
    actual_hours: float | None = None  # what automating it took, told at retirement
    verified_at: datetime | None = None  # 8 weeks with no report after its retirement
    steps: StepsNote | None = None  # the latest version of its steps, when asked for
    documented: bool = False  # has steps written down (read with the card's one statement)

    @property
    def payback_weeks(self) -> float | None:
        """Weeks until the estimate pays back at today's cost (None: no estimate)."""
        return payback_weeks(self.effort_hours, self.minutes_per_week)

    @property
    def over_break_even(self) -> bool:
        """The estimate is more than the 5-year break-even."""
        return over_break_even(self.effort_hours, self.minutes_per_week)

    @property
    def as_declared(self) -> bool:
        """True while the figure shown is the declared one (too few reports to measure)."""
        return self._weekly[1]

    @property
    def minutes_per_week(self) -> float:
        return self._weekly[0]

    @property
    def hours_per_week(self) -> float:
        return self.minutes_per_week / 60

    @property
    def _weekly(self) -> tuple[float, bool]:
        return weekly_minutes(
            self.minutes, count_in_window=self.count, declared=self.declared_minutes_per_week
        )


@dataclass(frozen=True)
class ReportResult:
    """The outcome of recording one report."""

    card: ProcessCard
    occurrence_id: int
    reporter_id: str
    minutes: int
    created: bool
    duplicate: bool
    default_used: bool
    regression: bool
    asked: ProcessCard | None = None  # unsure: "Same as this one?" (the report is on `card`)
    ask_steps: bool = False  # its third report, and no steps: "Write down the steps"
