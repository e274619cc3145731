"""The rules of issue 18's first half, pure and with the clock given: payback and the
break-even warning, the savings a retirement keeps, the backlog by payback, the median
time to eliminate per quarter, when a retirement is verified, the documented share, and
the commands that reach them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import commands as c
from bot.domain.elimination import (
    VERIFY_AFTER,
    QuarterMedian,
    documented_share,
    quarter_of,
    time_to_eliminate,
    verified_due,
)
from bot.domain.parsing import parse_command
from bot.domain.payback import (
    Candidate,
    by_payback,
    over_break_even,
    parse_effort_hours,
    payback_text,
    payback_weeks,
    savings,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def test_payback_is_the_effort_over_what_the_work_costs_a_week() -> None:
    assert payback_weeks(30, 300) == 6.0  # 30h against 5h a week
    assert payback_weeks(6, 45) == 8.0
    assert payback_weeks(None, 300) is None
    assert payback_weeks(10, 0) is None  # nothing measured: it never pays back yet
    assert payback_text(6.0) == "pays back in 6 weeks"
    assert payback_text(5.2) == "pays back in 6 weeks"  # a started week counts
    assert payback_text(0.5) == "pays back within a week"
    assert payback_text(1.5) == "pays back in 2 weeks"
    assert payback_text(200) == "pays back in 4 years"
    assert payback_text(None).startswith("doesn't pay back yet")


def test_an_estimate_over_the_break_even_is_flagged() -> None:
    # 45m a week: break-even 0.75 × 52 × 5 = 195h
    assert not over_break_even(195, 45)
    assert over_break_even(195.5, 45)
    assert not over_break_even(None, 45)
    assert over_break_even(1, 0)  # the work costs nothing now: any effort is over


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("30", 30.0),
        ("30h", 30.0),
        ("1.5 hours", 1.5),
        ("2,5h", 2.5),
        ("3d", 24.0),
        ("2 weeks", 80.0),
        ("1w", 40.0),
        ("0", None),
        ("-3h", None),
        ("soon", None),
        ("", None),
        ("100001h", None),
        ("3 parsecs", None),
    ],
)
def test_effort_is_read_in_hours(typed: str, hours: float | None) -> None:
    assert parse_effort_hours(typed) == hours


def test_a_retirement_keeps_its_projected_and_realised_savings() -> None:
    kept = savings(45.0, effort_hours=6.0, actual_hours=8.0)
    assert kept.projected_hours == 195 - 6 and kept.realised_hours == 195 - 8
    assert savings(45.0, effort_hours=None, actual_hours=None) == type(kept)(None, None)
    assert savings(45.0, effort_hours=None, actual_hours=8.0).realised_hours == 187


def test_the_backlog_ranks_by_payback_then_the_rest_by_cost() -> None:
    ranked = by_payback(
        [
            Candidate("P1", 60, None),
            Candidate("P2", 60, 10),  # 10 weeks
            Candidate("P3", 600, 20),  # 2 weeks
            Candidate("P4", 120, None),
            Candidate("P5", 0, 5),  # nothing measured: with those without a payback
        ]
    )
    assert [x.ref for x in ranked] == ["P3", "P2", "P4", "P1", "P5"]


def test_quarters_are_calendar_quarters_in_utc() -> None:
    assert quarter_of(datetime(2026, 1, 1, tzinfo=UTC)) == "2026 Q1"
    assert quarter_of(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == "2026 Q1"
    assert quarter_of(datetime(2026, 4, 1, tzinfo=UTC)) == "2026 Q2"
    assert quarter_of(datetime(2026, 12, 31, tzinfo=UTC)) == "2026 Q4"


def test_time_to_eliminate_is_the_median_per_quarter_of_the_retirement() -> None:
    d = lambda m, day: datetime(2026, m, day, tzinfo=UTC)  # noqa: E731
    spans = [
        (d(7, 1), d(7, 11)),  # Q3: 10 days
        (d(6, 1), d(7, 31)),  # Q3: 60 days (first reported in Q2: counted when retired)
        (d(8, 1), d(8, 3)),  # Q3: 2 days
        (d(10, 1), d(10, 8)),  # Q4: 7 days
        (d(10, 1), d(10, 12)),  # Q4: 11 days
        (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),  # too old
        (d(12, 1), d(12, 20)),  # after now: not counted
    ]
    got = time_to_eliminate(spans, now=NOW)
    assert got == [QuarterMedian("2026 Q3", 10.0, 3), QuarterMedian("2026 Q4", 9.0, 2)]
    # the clock decides which quarters count: a year on, none of these
    assert time_to_eliminate(spans, now=NOW + timedelta(days=400)) == []
    assert time_to_eliminate([], now=NOW) == []


def test_a_retirement_is_verified_after_8_weeks_with_no_report() -> None:
    retired = NOW - VERIFY_AFTER
    assert verified_due(retired, now=NOW)
    assert not verified_due(retired + timedelta(seconds=1), now=NOW)
    assert verified_due(retired, now=NOW, last_report_at=retired - timedelta(days=1))
    assert not verified_due(retired, now=NOW, last_report_at=retired + timedelta(days=3))


def test_the_documented_share_weighs_by_the_manual_load() -> None:
    assert documented_share([(90, True), (30, False)]) == 0.75
    assert documented_share([(0, True)]) is None
    assert documented_share([]) is None
    assert documented_share([(10, False)]) == 0.0


def test_the_commands_of_decisions() -> None:
    assert parse_command("steps P7") == c.Steps("P7")
    assert parse_command("effort p7 30h") == c.Effort("P7", 30.0)
    assert parse_command("effort P7 2 weeks") == c.Effort("P7", 80.0)
    assert parse_command("list by payback") == c.ListTop(by_payback=True)
    assert parse_command("top payback") == c.ListTop(by_payback=True)
    assert parse_command("list") == c.ListTop()
    for wrong in ("steps", "steps banana", "steps P7 now", "effort P7", "effort P7 soon"):
        with pytest.raises(c.CommandError):
            parse_command(wrong)
    # a report that starts with these words stays a report
    assert isinstance(parse_command("list by vendor update 20m"), c.Report)
    assert isinstance(parse_command("steps to deploy the app 30m"), c.Report)
