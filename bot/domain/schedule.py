"""What is due, and when: working hours, nudges, follow-ups and digest periods (pure).

All functions take `now` (aware, UTC) and never read the clock.

>>> from datetime import datetime, UTC
>>> in_working_hours(datetime(2026, 11, 23, 14, 0, tzinfo=UTC), "America/New_York")
True
"""

from __future__ import annotations

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


def _costly(state: ProcessState, threshold: float) -> bool:
    return state.minutes_per_week > threshold


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


def period_start(now: datetime, *, cadence: str, weekday: int | None, at: str, tz: str) -> datetime:
    """The latest scheduled digest instant at or before `now` (aware UTC).

    A digest is due when this is later than the period it last covered."""
    z = zone(tz)
    local = now.astimezone(z)
    slot = datetime.combine(local.date(), hhmm(at), tzinfo=z)
    if cadence == "daily":
        if slot > local:
            slot -= timedelta(days=1)
    else:
        wd = 0 if weekday is None else weekday
        slot -= timedelta(days=(local.weekday() - wd) % 7)
        if slot > local:
            slot -= timedelta(days=7)
    # Re-anchor in the zone (DST changes) and return UTC.
    slot = datetime.combine(slot.date(), hhmm(at), tzinfo=z)
    return slot.astimezone(now.tzinfo or z)


def period_length(cadence: str) -> timedelta:
    return timedelta(days=1) if cadence == "daily" else timedelta(days=7)
