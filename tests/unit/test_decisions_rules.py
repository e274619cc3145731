"""The rules behind the decisions, pure and with the clock injected (a `today` or a
`now` passed in): a team's toil budget and the fewest processes to bring it back under,
the processes only one person has done and their share, quarter on quarter and manual
minutes per unit of a business volume."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain import growth, toil, windows
from bot.domain.growth import Change, Month, Quarter
from bot.domain.lone import percent, single_points
from bot.domain.toil import Budget, Candidate, bring_under, rank_key, team_window
from bot.domain.volume_csv import parse_volume_csv
from bot.domain.windows import Window

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def test_a_persons_working_week_comes_from_the_workspace_settings() -> None:
    assert toil.week_minutes("09:00", "17:00", "0,1,2,3,4") == 40 * 60
    assert toil.week_minutes("08:30", "12:30", "0,2") == 8 * 60
    assert toil.week_minutes("17:00", "09:00", "0") == 0  # never negative


def test_the_team_is_the_size_an_admin_set_else_who_reported() -> None:
    assert toil.team_size(None, 4) == 4
    assert toil.team_size(6, 4) == 6
    # Who the team is: the last four whole weeks (Monday to Sunday, UTC) and this one so far.
    assert team_window(NOW) == Window(date(2026, 11, 2))
    assert team_window(datetime(2026, 11, 30, 0, 0, tzinfo=UTC)) == Window(date(2026, 11, 2))


def test_manual_work_is_a_share_of_the_teams_working_hours() -> None:
    within = Budget(size=4, size_set=False, week_minutes=2400, manual_minutes=600)
    assert within.capacity_minutes == 9600 and within.share == 600 / 9600
    assert not within.over and within.excess_minutes == 0
    over = Budget(size=1, size_set=True, week_minutes=2400, manual_minutes=1500, percent=50)
    assert over.over and over.excess_minutes == 300
    nobody = Budget(size=0, size_set=False, week_minutes=2400, manual_minutes=90)
    assert not nobody.known and not nobody.over and nobody.share == 0


def test_the_fewest_processes_that_bring_it_back_under() -> None:
    budget = Budget(size=1, size_set=False, week_minutes=2400, manual_minutes=1500)  # 300 over
    small, big, middle = (
        Candidate("P1", "a", 100),
        Candidate("P2", "b", 250),
        Candidate("P3", "c", 60),
    )
    chosen, enough = bring_under(budget, [small, big, middle])
    assert [c.ref for c in chosen] == ["P2", "P1"] and enough  # 250 + 100 ≥ 300
    chosen, enough = bring_under(budget, [small, middle])
    assert [c.ref for c in chosen] == ["P1", "P3"] and not enough  # all of them fall short
    within = Budget(size=4, size_set=False, week_minutes=2400, manual_minutes=1500)
    assert bring_under(within, [big]) == ([], True)


def test_an_effort_estimate_ranks_by_payback_first() -> None:
    cheap = Candidate("P4", "d", 30, effort_hours=1)  # pays back in 2 weeks
    dear = Candidate("P5", "e", 300, effort_hours=100)  # in 20 weeks
    unknown = Candidate("P6", "f", 500)
    assert cheap.payback_weeks == 2 and dear.payback_weeks == 20 and unknown.payback_weeks is None
    assert sorted([unknown, dear, cheap], key=rank_key) == [cheap, dear, unknown]
    budget = Budget(size=1, size_set=False, week_minutes=2400, manual_minutes=1500)
    chosen, enough = bring_under(budget, [unknown, dear, cheap])
    assert [c.ref for c in chosen] == ["P4", "P5"] and enough  # 30 + 300 ≥ 300


def test_the_budget_is_a_whole_percent() -> None:
    assert [toil.parse_percent(t) for t in ("50%", "1", " 100 % ", "0", "101", "x", "4.5")] == [
        50,
        1,
        100,
        None,
        None,
        None,
        None,
    ]


def test_single_points_of_failure_and_their_share_of_the_load() -> None:
    lone = single_points([("P9", 60), ("P3", 120), ("P4", 0)], total_minutes=600)
    assert lone.refs == ["P3", "P9"] and lone.minutes == 180 and lone.share == 0.3
    assert single_points([], total_minutes=0).share == 0
    many = single_points([(f"P{i}", 10) for i in range(1, 8)], total_minutes=70)
    assert many.named == ["P1", "P2", "P3", "P4", "P5"] and many.unnamed == 2
    assert [percent(s) for s in (0.31, 0.044, 0.1, 0.0001, 1.0)] == [
        "31%",
        "4.4%",
        "10%",
        "<0.1%",
        "100%",
    ]


def test_quarters_are_calendar_quarters_of_utc_days() -> None:
    today = windows.utc_day(NOW)
    quarters = growth.quarters_to(today, 3)
    assert quarters == [
        Window(date(2026, 4, 1), date(2026, 7, 1)),
        Window(date(2026, 7, 1), date(2026, 10, 1)),
        Window(date(2026, 10, 1)),  # so far, today included
    ]
    assert [growth.quarter_label(q) for q in quarters] == ["Q2 2026", "Q3 2026", "Q4 2026"]
    assert growth.weeks_in(quarters[-1], today) == 64 / 7  # 1 Oct to 3 Dec, inclusive
    assert growth.weeks_in(quarters[1], today) == 92 / 7
    assert growth.quarters_to(date(2027, 1, 2), 2)[0] == Window(date(2026, 10, 1), date(2027, 1, 1))


def test_added_is_the_change_in_load_plus_what_was_eliminated() -> None:
    before = Quarter("Q3 2026", 1300, 13, 0, 30, 3)  # 100m a week
    now = Quarter("Q4 2026", 1040, 8, 30, 90, 5)  # 130m a week; 60m a week eliminated
    [change] = growth.changes([before, now])
    assert change.load == 130 and change.load_before == 100 and change.eliminated == 60
    assert change.added == 90 and change.growing
    assert (change.people, change.people_before) == (5, 3)
    shrinking = Change(
        "Q4 2026", load=50, load_before=100, eliminated=60, people=2, people_before=3
    )
    assert shrinking.added == 10 and not shrinking.growing


def test_manual_minutes_per_unit_and_when_manual_work_outgrows_the_business() -> None:
    october = Month(date(2026, 10, 1), 600, 10_000, "orders")
    november = Month(date(2026, 11, 1), 900, 12_000, "orders")
    assert october.per_unit == 0.06 and november.per_unit == 0.075
    assert growth.outpaces(october, november)  # manual ×1.5, orders ×1.2
    assert not growth.outpaces(october, Month(date(2026, 11, 1), 600, 12_000, "orders"))
    assert not growth.outpaces(october, Month(date(2026, 11, 1), 900))  # no volume
    assert growth.month_windows(date(2026, 12, 3), 2) == [
        Window(date(2026, 10, 1), date(2026, 11, 1)),
        Window(date(2026, 11, 1), date(2026, 12, 1)),
    ]
    assert growth.month_windows(date(2027, 1, 9), 1, current=True) == [
        Window(date(2026, 12, 1), date(2027, 1, 1)),
        Window(date(2027, 1, 1)),
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("2026-11,5,orders\n", "the first line must be the header"),
        ("month,amount,unit\n", "no rows under the header"),
        ("month,amount,unit\n2026-11,zero,orders\n", "line 2: 'zero' isn't a volume above 0"),
        ("month,amount,unit\n2026-11,5\n2026-11,6\n", "line 3: 2026-11 is given twice"),
        ("month,amount,unit\n\n11/2026,5,x\n", "line 3: '11/2026' isn't a month"),
    ],
)
def test_a_volume_csv_with_one_bad_row_is_refused_whole(text: str, error: str) -> None:
    rows, errors = parse_volume_csv(text)
    assert rows == [] and any(error in e for e in errors), errors


def test_a_good_volume_csv() -> None:
    rows, errors = parse_volume_csv('Month,Amount,Unit\n2026-10,"9,500",orders\n2026-11,3\n')
    assert errors == []
    assert [(r.month, r.amount, r.unit) for r in rows] == [
        (date(2026, 10, 1), 9500.0, "orders"),
        (date(2026, 11, 1), 3.0, "units"),
    ]
