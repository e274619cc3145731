"""When digests go out (bot/domain/schedule.py): daily ones on working days only, weekly
ones on their day, across time zones and DST."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta

from bot import charts
from bot.domain import schedule
from bot.domain.schedule import Schedule, parse_days

WEEKDAYS = parse_days("0,1,2,3,4")
FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_doctests() -> None:
    assert doctest.testmod(schedule).failed == 0


def test_a_daily_digest_skips_days_off_and_the_next_one_after_friday_is_monday() -> None:
    daily = Schedule("daily", None, "09:00", "UTC", days=WEEKDAYS)
    saturday, sunday = FRIDAY_10 + timedelta(days=1), FRIDAY_10 + timedelta(days=2)
    friday_9 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert daily.start(saturday) == daily.start(sunday) == friday_9
    monday_9 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert daily.after(FRIDAY_10) == monday_9 and daily.before(monday_9) == friday_9
    assert daily.before(datetime(2026, 12, 1, 9, 0, tzinfo=UTC)) == monday_9


def test_every_day_without_working_days_and_weekly_is_unchanged() -> None:
    every = Schedule("daily", None, "09:00", "UTC")
    assert every.start(FRIDAY_10 + timedelta(days=1)) == FRIDAY_10 + timedelta(days=1, hours=-1)
    weekly = Schedule("weekly", 0, "09:00", "Europe/Berlin", days=(2,))  # days: daily only
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert weekly.start(monday) == monday and weekly.before(monday) == monday - timedelta(days=7)
    assert weekly.after(monday) == monday + timedelta(days=7)


def test_local_time_holds_across_dst() -> None:
    daily = Schedule("daily", None, "09:00", "Europe/Berlin", days=WEEKDAYS)
    after = daily.after(datetime(2026, 3, 27, 9, 0, tzinfo=UTC))  # Fri; clocks go on Sun
    assert after == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # Mon 09:00 CEST
    assert daily.before(after) == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # Fri 09:00 CET


def test_the_charts_alt_text_is_one_line_within_slacks_limit() -> None:
    assert doctest.testmod(charts).failed == 0
    week = datetime(2026, 11, 23, tzinfo=UTC)
    series = [(week - timedelta(weeks=i), 1e9, 1e9) for i in range(11, -1, -1)]
    text = charts.alt_text(series)
    assert "\n" not in text and len(text) <= charts.ALT_TXT_LIMIT and "12 weeks" in text
    assert "no weeks yet" in charts.alt_text([])
