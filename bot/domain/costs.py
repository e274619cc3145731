"""What manual work costs: per week, per year, in money, and how long automating it may take.

Cost is measured over a trailing window of 28 days (4 weeks). Break-even follows the
xkcd 1205 rule: hours per week × 52 × 5 is how long one may spend automating a task and
still come out ahead within five years::

    >>> break_even_hours(hours_per_week(180))  # 180 minutes in 28 days = 45 min a week
    195.0
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

WINDOW_DAYS = 28
WEEKS_IN_WINDOW = 4
WEEKS_PER_YEAR = 52
BREAK_EVEN_YEARS = 5

# "How often do you do it?" in the report form: times a week.
FREQUENCIES: dict[str, float] = {
    "daily": 5.0,  # every working day
    "few-weekly": 3.0,
    "weekly": 1.0,
    "fortnightly": 0.5,
    "monthly": 12 / 52,
}
# Until a process has this many reports in the window, a declared frequency sets its cost.
MEASURED_AFTER_REPORTS = 4

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def minutes_per_week(minutes_in_window: float) -> float:
    """Average minutes per week over the trailing window (minutes in 28 days ÷ 4)."""
    return minutes_in_window / WEEKS_IN_WINDOW


def declared_minutes_per_week(minutes: int, how_often: str | None) -> float | None:
    """What a report form says the task costs a week: 1h "weekly" is 60; None when the
    form gave no frequency (or "just this once").

    >>> declared_minutes_per_week(30, "daily")
    150.0
    """
    times = FREQUENCIES.get(how_often or "")
    return None if times is None else minutes * times


def weekly_minutes(
    minutes_in_window: float, *, count_in_window: int, declared: float | None
) -> tuple[float, bool]:
    """A process's minutes a week, and whether that figure is the declared one.

    The declared frequency stands in while there are too few reports to measure (1 to 3
    in the window); with none in the window the process has gone quiet and costs nothing
    now, and from the fourth report on the window measures it.

    >>> weekly_minutes(60, count_in_window=1, declared=60.0)
    (60.0, True)
    >>> weekly_minutes(240, count_in_window=4, declared=60.0)
    (60.0, False)
    """
    if declared is not None and 0 < count_in_window < MEASURED_AFTER_REPORTS:
        return declared, True
    return minutes_per_week(minutes_in_window), False


def hours_per_week(minutes_in_window: float) -> float:
    """Average hours per week over the trailing window."""
    return minutes_per_week(minutes_in_window) / 60


def hours_per_year(hours_per_week: float) -> float:
    """Hours a year at this weekly rate (× 52)."""
    return hours_per_week * WEEKS_PER_YEAR


def break_even_hours(hours_per_week: float) -> float:
    """Hours one may spend automating and still break even within 5 years (× 52 × 5)."""
    return hours_per_week * WEEKS_PER_YEAR * BREAK_EVEN_YEARS


def money(hours: float, hourly_rate: float | None) -> float | None:
    """What these hours cost at the workspace's hourly rate; None when no rate is set."""
    if hourly_rate is None:
        return None
    return hours * hourly_rate


def _whole(amount: float) -> int:
    return int(Decimal(repr(amount)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_money(amount: float, currency: str) -> str:
    """A whole amount with thousands separators: "$1,234", "€1,234", "£1,234", "1,234 CHF"."""
    if not math.isfinite(amount):
        return "—"
    code = currency.strip().upper()
    whole = _whole(amount)
    sign, digits = ("-" if whole < 0 else ""), f"{abs(whole):,}"
    symbol = _CURRENCY_SYMBOLS.get(code)
    if symbol is not None:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {code}".rstrip()


def trend_icon(previous: float, current: float) -> str:
    """The Slack emoji beside a trend, matching its sign: up for a rise (or something new),
    down for a fall, a flat line when nothing changed."""
    shown = trend(previous, current)
    if shown.startswith("▲") or shown == "new":
        return ":chart_with_upwards_trend:"
    if shown.startswith("▼"):
        return ":chart_with_downwards_trend:"
    return ":heavy_minus_sign:"


def trend(previous: float, current: float) -> str:
    """Week-on-week change for people: "▲ 20%", "▼ 5%", "— flat", or "new"."""
    if not (math.isfinite(previous) and math.isfinite(current)):
        return "—"
    if previous <= 0:
        return "new" if current > 0 else "— flat"
    percent = _whole((current - previous) / previous * 100)
    if percent == 0:
        return "— flat"
    return f"▲ {percent:,}%" if percent > 0 else f"▼ {-percent:,}%"
