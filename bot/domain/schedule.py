"""What is due, and when: working hours, nudges, follow-ups and digest periods (pure).

All functions take `now` (aware, UTC) and never read the clock.

>>> from datetime import datetime, UTC
>>> in_working_hours(datetime(2026, 11, 23, 14, 0, tzinfo=UTC), "America/New_York")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.costs import weekly_minutes
from bot.domain.states import Status

ASK_AGAIN_AFTER = timedelta(days=7)
FOLLOW_UP_AFTER = timedelta(days=14)
WHO_OWNS_AGAIN_AFTER = timedelta(days=7)
DEFAULT_DAYS = (0, 1, 2, 3, 4)


def zone(name: str | None) -> ZoneInfo:
    """The time zone, or UTC when unknown or missing."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def parse_days(text: str | None) -> tuple[int, ...]:
    if not text:
        return DEFAULT_DAYS
    return tuple(sorted({int(d) for d in text.split(",") if d.strip().isdigit()}))


def local_date(now: datetime, tz: str | None) -> date:
    return now.astimezone(zone(tz)).date()


def local_day_start(now: datetime, tz: str | None) -> datetime:
    """Midnight of `now`'s day where the person is (an aware datetime)."""
    local = now.astimezone(zone(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def in_working_hours(
    now: datetime,
    tz: str | None,
    start: str = "09:00",
    end: str = "17:00",
    days: tuple[int, ...] = DEFAULT_DAYS,
) -> bool:
    """True when `now` falls inside the working day of someone in `tz`."""
    local = now.astimezone(zone(tz))
    return local.weekday() in days and hhmm(start) <= local.time() < hhmm(end)


@dataclass(frozen=True)
class ProcessState:
    """What the nudge rules need to know about one process."""

    process_id: int
    status: str
    owner_id: str | None
    minutes_in_window: int
    snoozed_until: datetime | None = None
    review_at: datetime | None = None
    status_changed_at: datetime | None = None
    last_nudged: datetime | None = None
    last_followup: datetime | None = None
    last_who_owns: datetime | None = None
    count_in_window: int = 0
    declared_minutes_per_week: float | None = None

    @property
    def minutes_per_week(self) -> float:
        return weekly_minutes(
            self.minutes_in_window,
            count_in_window=self.count_in_window,
            declared=self.declared_minutes_per_week,
        )[0]


def _asleep(state: ProcessState, now: datetime) -> bool:
    return state.snoozed_until is not None and state.snoozed_until > now


def is_costly(minutes_per_week: float, threshold: float) -> bool:
    """Costly enough to ask its owner about: over the workspace's threshold a week. The
    one rule behind nudges, "Who owns this?" and what a new owner is promised."""
    return minutes_per_week > threshold


def _costly(state: ProcessState, threshold: float) -> bool:
    return is_costly(state.minutes_per_week, threshold)


def _open(state: ProcessState, now: datetime) -> bool:
    """Manual work to ask about: manual, come back after retirement, or accepted and due
    for review."""
    return state.status in (Status.MANUAL, Status.CAME_BACK) or (
        state.status == Status.ACCEPTED and state.review_at is not None and state.review_at <= now
    )


def nudge_due(state: ProcessState, now: datetime, threshold: float) -> bool:
    """An owned, costly, open process whose owner was not asked in the last 7 days."""
    return (
        state.owner_id is not None
        and _open(state, now)
        and _costly(state, threshold)
        and not _asleep(state, now)
        and (state.last_nudged is None or now - state.last_nudged >= ASK_AGAIN_AFTER)
    )


def who_owns_due(state: ProcessState, now: datetime, threshold: float) -> bool:
    """A costly, open process nobody owns, not raised in its channel this past week."""
    return (
        state.owner_id is None
        and _open(state, now)
        and _costly(state, threshold)
        and not _asleep(state, now)
        and (state.last_who_owns is None or now - state.last_who_owns >= WHO_OWNS_AGAIN_AFTER)
    )


def followup_due(state: ProcessState, now: datetime) -> bool:
    """Being automated for 14 days (since the status or the last follow-up): done yet?"""
    if state.status != Status.AUTOMATING or state.owner_id is None or _asleep(state, now):
        return False
    marks = [d for d in (state.status_changed_at, state.last_followup) if d is not None]
    return bool(marks) and now - max(marks) >= FOLLOW_UP_AFTER


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def period_start(
    now: datetime,
    *,
    cadence: str,
    weekday: int | None,
    at: str,
    tz: str,
    days: Sequence[int] | None = None,
) -> datetime:
    """The latest scheduled digest instant at or before `now` (aware UTC).

    A daily digest's instants fall on `days` only (the workspace's working days; every day
    when None or empty), so Monday's covers the weekend too. A digest is due when this is
    later than the period it last covered.

    >>> from datetime import UTC
    >>> sunday = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    >>> period_start(sunday, cadence="daily", weekday=None, at="09:00", tz="UTC", days=(0, 4))
    datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.timezone.utc)
    """
    z = zone(tz)
    local = now.astimezone(z)
    day = local.date()
    if datetime.combine(day, hhmm(at), tzinfo=z) > local:
        day -= timedelta(days=1)
    if cadence == "daily":
        allowed = set(days or EVERY_DAY)
        while day.weekday() not in allowed:
            day -= timedelta(days=1)
    else:
        day -= timedelta(days=(day.weekday() - (weekday or 0)) % 7)
    # Anchored in the zone (DST changes), returned in `now`'s zone (UTC).
    return datetime.combine(day, hhmm(at), tzinfo=z).astimezone(now.tzinfo or z)


@dataclass(frozen=True)
class Schedule:
    """When a digest goes out: `cadence` 'daily' or 'weekly' (on `weekday`, 0 is Monday),
    at `at` ('HH:MM') in `tz`; a daily one on `days` only (the workspace's working days).

    >>> from datetime import UTC
    >>> daily = Schedule("daily", None, "09:00", "UTC", days=(0, 1, 2, 3, 4))
    >>> monday = daily.start(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    >>> f"{daily.before(monday):%a %H:%M} to {monday:%a %H:%M}"
    'Fri 09:00 to Mon 09:00'
    """

    cadence: str
    weekday: int | None
    at: str
    tz: str
    days: tuple[int, ...] = EVERY_DAY

    def start(self, now: datetime) -> datetime:
        """The latest instant at or before `now`."""
        return period_start(
            now, cadence=self.cadence, weekday=self.weekday, at=self.at, tz=self.tz, days=self.days
        )

    def before(self, slot: datetime) -> datetime:
        """The instant before `slot`: where the period that ends at `slot` begins."""
        return self.start(slot - timedelta(seconds=1))

    def after(self, now: datetime) -> datetime:
        """The first instant after `now` (when the next digest goes out)."""
        for ahead in range(1, 9):
            slot = self.start(now + timedelta(days=ahead))
            if slot > now:
                return slot
        raise AssertionError("a digest is due at least once a week")


def period_length(cadence: str) -> timedelta:
    return timedelta(days=1) if cadence == "daily" else timedelta(days=7)
