"""The rollups of who did manual work (migration 0022: reports per process, calendar
quarter and reporter, and per channel, week and reporter) match raw GROUP BYs over the
occurrences exactly, whatever happened to the reports (the generator of
tests/storage/test_rollups.py: undo, split, merge, retirement, forget, a cascade; then an
update of every counted column), on both databases; their quarters and weeks are the ones
Python makes, for every month; the people each quarter, a channel team and the processes
only one person has done, read from the rollups, equal the same figures taken over the
occurrences; and 0022 downgrades and upgrades again losing nothing. The per-process days,
weeks and months (0020, 0023) are checked after the same changes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select, text

from bot.domain import growth
from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.domain.windows import Window, instant, monday, recent_weeks, utc_day
from storage import rollups_people
from storage.db import Database
from storage.models import Occurrence, Process
from storage.visibility import seen
from tests.storage.test_rollups import (
    CHANNELS,
    START,
    TEAM,
    generate,
    raw_buckets,
    report_while_down,
    stored_buckets,
)

SIGHTS = [
    Sight.whole(TEAM),
    Sight.of_channel(TEAM, "C3"),
    Sight.workspace_wide(TEAM),
    Sight(TEAM, public=True, user_id="U0BEN"),
    Sight(TEAM, user_id="U0CAT"),  # a guest
]
_MADE = {
    "sqlite": {  # its date alone: SQLite rounds 23:59:59.9999 into the next day
        "quarter": "date(substr(occurred_at, 1, 10), 'start of month', printf('-%d months',"
        " (cast(strftime('%m', substr(occurred_at, 1, 10)) as integer) - 1) % 3))",
        "week": "date(substr(occurred_at, 1, 10), 'weekday 0', '-6 days')",
    },
    "postgresql": {
        "quarter": "date_trunc('quarter', occurred_at AT TIME ZONE 'UTC')::date",
        "week": "date_trunc('week', occurred_at AT TIME ZONE 'UTC')::date",
    },
}


def _made(s, key: str) -> str:
    return _MADE[s.get_bind().dialect.name][key]


def raw_quarters(s) -> dict[tuple, int]:
    q = _made(s, "quarter")
    rows = s.execute(
        text(
            f"SELECT process_id, CAST({q} AS TEXT), user_id, count(*) FROM occurrences"
            f" GROUP BY process_id, {q}, user_id"
        )
    )
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def stored_quarters(s) -> dict[tuple, int]:
    rows = s.execute(
        text(
            "SELECT process_id, CAST(quarter AS TEXT), user_id, reports"
            " FROM process_quarter_reporters"
        )
    )
    return {(r[0], r[1], r[2]): r[3] for r in rows}


def raw_weeks(s) -> dict[tuple, int]:
    w = _made(s, "week")
    rows = s.execute(
        text(
            f"SELECT team_id, coalesce(channel_id, ''), CAST({w} AS TEXT), user_id, count(*)"
            f" FROM occurrences GROUP BY team_id, coalesce(channel_id, ''), {w}, user_id"
        )
    )
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


def stored_weeks(s) -> dict[tuple, int]:
    rows = s.execute(
        text(
            "SELECT team_id, channel_id, CAST(week AS TEXT), user_id, reports"
            " FROM channel_week_reporters"
        )
    )
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


def assert_exact(s) -> None:
    assert stored_quarters(s) == raw_quarters(s)
    assert stored_weeks(s) == raw_weeks(s)
    # 0020's and 0023's per-process rollups, after the same changes of every column.
    for table, key in (("process_days", "day"), ("process_weeks", "week")):
        assert stored_buckets(s, table, key) == raw_buckets(s, key)
    assert stored_buckets(s, "process_months", "month") == raw_buckets(s, "month")


def raw_people(s, sight: Sight, window: Window) -> int:
    query = (
        select(func.count(func.distinct(Occurrence.user_id)))
        .join(Process, Process.id == Occurrence.process_id)
        .where(Occurrence.occurred_at >= instant(window.start), seen(sight))
    )
    if window.end is not None:
        query = query.where(Occurrence.occurred_at < instant(window.end))
    return int(s.execute(query).scalar_one())


def raw_channel_people(s, channel_id: str | None, window: Window) -> int:
    query = select(func.count(func.distinct(Occurrence.user_id))).where(
        Occurrence.team_id == TEAM, Occurrence.occurred_at >= instant(window.start)
    )
    if channel_id is not None:
        query = query.where(func.coalesce(Occurrence.channel_id, "") == channel_id)
    if window.end is not None:
        query = query.where(Occurrence.occurred_at < instant(window.end))
    return int(s.execute(query).scalar_one())


def raw_lone(s, sight: Sight, window: Window) -> set[int]:
    """Open processes in sight with one reporter ever and some minutes in the window."""
    one = (
        select(Occurrence.process_id)
        .group_by(Occurrence.process_id)
        .having(func.count(func.distinct(Occurrence.user_id)) == 1)
    )
    query = (
        select(Occurrence.process_id)
        .join(Process, Process.id == Occurrence.process_id)
        .where(
            Occurrence.process_id.in_(one),
            Process.status.in_(OPEN_STATUSES),
            seen(sight),
            Occurrence.occurred_at >= instant(window.start),
            Occurrence.minutes > 0,
        )
    )
    if window.end is not None:
        query = query.where(Occurrence.occurred_at < instant(window.end))
    return set(s.scalars(query))


def check_reads(s, rng: random.Random) -> None:
    """Every read of 0022's rollups against the same figure over the occurrences."""
    quarters = growth.quarters_to(START.date() + timedelta(weeks=16), 4)
    starts = [q.start for q in quarters]
    for sight in SIGHTS:
        got = rollups_people.people_each_quarter(s, sight=sight, quarters=starts)
        assert got == [raw_people(s, sight, q) for q in quarters], sight
    assert sum(rollups_people.people_each_quarter(s, sight=SIGHTS[0], quarters=starts)) > 0
    windows = [recent_weeks(START + timedelta(days=rng.randint(0, 120))) for _ in range(12)]
    windows += [Window(monday(START.date()) + timedelta(weeks=i), None) for i in (0, 5)]
    windows += [Window(monday(START.date()), monday(START.date()) + timedelta(weeks=3))]
    for window in windows:
        for channel in [*CHANNELS, "", None]:
            got = rollups_people.channel_people(s, team_id=TEAM, channel_id=channel, window=window)
            assert got == raw_channel_people(s, channel, window), (channel, window)
    window = Window(START.date(), START.date() + timedelta(weeks=20))
    for sight in SIGHTS:
        lone = rollups_people.lone_loads(s, sight=sight, window=window)
        assert {x.process.id for x, _ in lone} == raw_lone(s, sight, window), sight


def test_the_people_rollups_match_the_raw_counts_after_every_kind_of_change(
    db: Database,
) -> None:
    generate(db, seed=17)  # the seed test_rollups.py walks
    rng = random.Random(18)
    with db.transaction() as s:
        assert_exact(s)
        assert len(stored_quarters(s)) > 10 and len(stored_weeks(s)) > 50
        assert len({k[1] for k in stored_quarters(s)}) >= 2  # more than one quarter
        check_reads(s, rng)
    # An update of each counted column, however it comes, moves its reports.
    changes = [
        "UPDATE occurrences SET user_id = 'U0EVE' WHERE id % 7 = 0",
        "UPDATE occurrences SET channel_id = NULL WHERE id % 5 = 0",
        "UPDATE occurrences SET channel_id = 'C9' WHERE id % 11 = 0",
        "UPDATE occurrences SET process_id = (SELECT max(id) FROM processes) WHERE id % 13 = 0",
        "UPDATE occurrences SET team_id = 'T0OTHER' WHERE id % 17 = 0",
        "UPDATE occurrences SET team_id = 'T0001' WHERE team_id = 'T0OTHER'",  # a process
        # keeps its reports in its own workspace, as the reads below expect
        "DELETE FROM occurrences WHERE id % 19 = 0",
    ]
    for change in changes:
        with db.transaction() as s:
            s.execute(text(change))
        with db.transaction() as s:
            assert_exact(s)
    for days in (40, -100, 1):  # across weeks and quarters, both ways
        with db.transaction() as s:
            for occ in s.scalars(select(Occurrence).where(Occurrence.id % 3 == 0)):
                occ.occurred_at += timedelta(days=days, hours=5)
        with db.transaction() as s:
            assert_exact(s)
    with db.transaction() as s:
        check_reads(s, rng)


def test_quarters_and_weeks_are_pythons_for_every_month(db: Database) -> None:
    generate(db, seed=3)
    times: list[datetime] = []
    for year in (2025, 2026, 2027, 2028):  # 2028: a leap year
        for month in range(1, 13):
            first = datetime(year, month, 1, tzinfo=UTC)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(microseconds=1)
            times += [first, first + timedelta(days=14, hours=13), last]
    berlin, samoa = timezone(timedelta(hours=2)), timezone(timedelta(hours=-11))
    times += [  # given in another zone: their UTC day counts
        datetime(2026, 4, 1, 1, 30, tzinfo=berlin),  # 31 March in UTC: Q1
        datetime(2026, 9, 30, 20, 0, tzinfo=samoa),  # 1 October in UTC: Q4
        datetime(2026, 11, 30, 1, 0, tzinfo=berlin),  # Sunday 29 in UTC
    ]
    with db.transaction() as s:
        pid = s.scalar(select(Process.id).order_by(Process.id).limit(1))
        assert pid is not None
        for i, t in enumerate(times):
            s.add(
                Occurrence(
                    team_id=TEAM,
                    process_id=pid,
                    user_id=f"U0T{i}",
                    minutes=5,
                    occurred_at=t,
                    source="command",
                    slack_key=f"every-month-{i}",
                    channel_id="C_EVERY",
                )
            )
    with db.transaction() as s:
        quarters = {k[2]: k[1] for k in stored_quarters(s) if k[0] == pid}
        weeks = {k[3]: k[2] for k in stored_weeks(s) if k[1] == "C_EVERY"}
        for i, t in enumerate(times):
            day = utc_day(t)
            assert quarters[f"U0T{i}"] == str(growth.quarter_of(day).start), t
            assert weeks[f"U0T{i}"] == str(monday(day)), t
        months: dict[str, int] = {}  # the month Python makes of each of the process's
        made = select(Occurrence.occurred_at).where(Occurrence.process_id == pid)
        for (when,) in s.execute(made):
            first = str(utc_day(when if when.tzinfo else when.replace(tzinfo=UTC)).replace(day=1))
            months[first] = months.get(first, 0) + 1
        stored = stored_buckets(s, "process_months", "month")
        assert {m: v[0] for (p, m), v in stored.items() if p == pid} == months
        assert_exact(s)


def test_the_reads_take_only_quarters_and_whole_weeks(db: Database) -> None:
    with db.transaction() as s, pytest.raises(ValueError):
        rollups_people.people_each_quarter(s, sight=SIGHTS[0], quarters=[date(2026, 11, 1)])
    with db.transaction() as s, pytest.raises(ValueError):
        rollups_people.channel_people(
            s, team_id=TEAM, channel_id="C1", window=Window(date(2026, 12, 2))
        )


def test_0022_goes_down_and_up_losing_nothing(db: Database) -> None:
    generate(db, seed=17)
    with db.transaction() as s:
        before = stored_quarters(s), stored_weeks(s)
        occurrences = s.execute(text("SELECT count(*), sum(minutes) FROM occurrences")).one()
        s.execute(text("UPDATE workspaces SET toil_budget_percent = 40"))
    db.downgrade("0020")
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        gone = {"process_quarter_reporters", "channel_week_reporters", "channel_teams"}
        assert (gone | {"business_volumes", "reporter_days"}).isdisjoint(tables)
        assert conn.execute(text("SELECT count(*), sum(minutes) FROM occurrences")).one() == (
            occurrences
        )
        report_while_down(conn)
    db.upgrade()
    with db.transaction() as s:
        after = stored_quarters(s), stored_weeks(s)
        assert_exact(s)  # filled again, the report made meanwhile too
        for was, now in zip(before, after, strict=True):
            assert set(was) <= set(now) and len(now) == len(was) + 1
            assert {k: now[k] for k in was} == was
