"""The windows that digests, the App Home, `list` and `stats` count in: whole UTC days,
so that every figure they show is read from per-day and per-week totals (storage/
rollups.py), never from the reports themselves.

A window is [start, end) of UTC dates; `end` None means "up to now, today's reports
included". A card's own cost (`show`, a report's answer, Home, the digests' cards) is
`ranking`'s 28 whole days too, read from `process_days` (bot/services/cards.py).

    >>> from datetime import UTC, datetime
    >>> utc_day(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    datetime.date(2026, 11, 30)
    >>> monday(date(2026, 12, 3))
    datetime.date(2026, 11, 30)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

RANKING_DAYS = 28
SERIES_WEEKS = 12


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC dates; end None: up to now (today so far included)."""

    start: date
    end: date | None = None


def utc_day(t: datetime) -> date:
    return t.astimezone(UTC).date()


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def instant(d: date) -> datetime:
    """00:00 UTC of `d`."""
    return datetime.combine(d, time(0), tzinfo=UTC)


def last_days(now: datetime, days: int) -> Window:
    """The last `days` UTC days, today (so far) included: `last_days(now, 7)` is the week
    a person means by "the last 7 days"."""
    return Window(utc_day(now) - timedelta(days=days - 1))


def days_before(now: datetime, days: int, *, skip: int = 0) -> Window:
    """The `days` whole UTC days that end `skip` days before today."""
    end = utc_day(now) - timedelta(days=skip)
    return Window(end - timedelta(days=days), end)


def ranking(now: datetime) -> Window:
    """What a process's cost counts, on its card and in `stats`: the last 28 days, today
    included."""
    return last_days(now, RANKING_DAYS)


def recent_weeks(now: datetime) -> Window:
    """What `list`, the App Home and a digest's costliest are ranked by: the last four
    whole weeks (Monday to Sunday, UTC) and this one so far, read from weekly totals
    alone. The costs they show are each process's own (`ranking`)."""
    return Window(monday(utc_day(now)) - timedelta(weeks=4))


def period(start: datetime, end: datetime, *, live: bool = False) -> Window:
    """A digest's period [start, end) in whole UTC days: from the day `start` falls on to
    the day `end` falls on, that day excluded (it is the next digest's), or included so
    far when `live` (a preview shows the period in progress)."""
    return Window(utc_day(start), None if live else utc_day(end))


def weeks_ending(end: datetime, weeks: int = SERIES_WEEKS) -> list[Window]:
    """The `weeks` whole weeks (Monday to Sunday, UTC) before the week `end` falls in."""
    last = monday(utc_day(end))
    return [
        Window(last - timedelta(weeks=i), last - timedelta(weeks=i - 1))
        for i in range(weeks, 0, -1)
    ]
