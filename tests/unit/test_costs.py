"""Unit tests for bot.domain.costs: cost per week, break-even, money and trends."""

from __future__ import annotations

import pytest

from bot.domain.costs import (
    BREAK_EVEN_YEARS,
    WEEKS_IN_WINDOW,
    WINDOW_DAYS,
    break_even_hours,
    format_money,
    hours_per_week,
    hours_per_year,
    minutes_per_week,
    money,
    trend,
)


def test_constants() -> None:
    assert (WINDOW_DAYS, WEEKS_IN_WINDOW, BREAK_EVEN_YEARS) == (28, 4, 5)
    assert WINDOW_DAYS == WEEKS_IN_WINDOW * 7


@pytest.mark.parametrize(
    ("minutes_in_window", "per_week", "hours"),
    [(0, 0, 0), (180, 45, 0.75), (240, 60, 1.0), (1200, 300, 5.0), (30, 7.5, 0.125)],
)
def test_per_week(minutes_in_window: float, per_week: float, hours: float) -> None:
    assert minutes_per_week(minutes_in_window) == pytest.approx(per_week)
    assert hours_per_week(minutes_in_window) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("per_week", "break_even", "per_year"),
    [(0, 0, 0), (1, 260, 52), (0.75, 195, 39), (2.5, 650, 130)],
)
def test_break_even_and_year(per_week: float, break_even: float, per_year: float) -> None:
    assert break_even_hours(per_week) == pytest.approx(break_even)
    assert hours_per_year(per_week) == pytest.approx(per_year)


def test_xkcd_1205_example() -> None:
    # 5 minutes a day, 5 days a week, for 5 years: about 108 hours (xkcd says "4.5 days").
    assert break_even_hours(hours_per_week(5 * 5 * 4)) == pytest.approx(108.33, abs=0.01)


@pytest.mark.parametrize(
    ("hours", "rate", "expected"),
    [(10, 50.0, 500.0), (0, 80.0, 0.0), (1.5, 100, 150.0), (10, None, None)],
)
def test_money(hours: float, rate: float | None, expected: float | None) -> None:
    assert money(hours, rate) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (1234, "USD", "$1,234"),
        (1234.4, "usd", "$1,234"),
        (1234.5, "USD", "$1,235"),
        (1234, "EUR", "€1,234"),
        (1234, "GBP", "£1,234"),
        (1234, "CHF", "1,234 CHF"),
        (1234567, "JPY", "1,234,567 JPY"),
        (0, "USD", "$0"),
        (0.4, "EUR", "€0"),
        (-50, "USD", "-$50"),
        (-50, "CHF", "-50 CHF"),
        (float("inf"), "USD", "—"),
    ],
)
def test_format_money(amount: float, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text


@pytest.mark.parametrize(
    ("previous", "current", "text"),
    [
        (10, 12, "▲ 20%"),
        (20, 19, "▼ 5%"),
        (10, 10, "— flat"),
        (100, 100.4, "— flat"),
        (0, 5, "new"),
        (0, 0, "— flat"),
        (10, 0, "▼ 100%"),
        (1, 20, "▲ 1,900%"),
        (3, 4, "▲ 33%"),
    ],
)
def test_trend(previous: float, current: float, text: str) -> None:
    assert trend(previous, current) == text
