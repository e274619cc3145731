"""The rollups (migration 0020) match the raw sums exactly, whatever happened to the
reports: generated reports through the real report path, then undo, split, merge,
retirement and regressions, forgetting a person and a whole process, on both databases.
Every window figure that digests, the App Home, `list` and `stats` read is then compared
with the same sum taken over the occurrences themselves."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Connection, case, delete, func, select, text

from bot.domain.limits import Limits
from bot.domain.people import Actor, Person
from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES, Source
from bot.domain.windows import Window, instant, last_days, ranking, weeks_ending
from bot.services import ownership, reporting, retirement
from storage import forget, rollups
from storage.db import Database
from storage.models import Occurrence, Process
from storage.visibility import seen

TEAM = "T0001"
START = datetime(2026, 8, 3, 8, 0, tzinfo=UTC)  # a Monday
WORDS = ["invoices", "payroll", "backups", "onboarding", "reports", "refunds", "access"]
VERBS = ["Reconcile", "Run", "Check", "Export", "Approve"]
PEOPLE = ["U0ANA", "U0BEN", "U0CAT", "U0DAN"]
CHANNELS = ["C1", "C2", "C3"]
ROOMY = Limits(reports_per_minute=10_000, new_processes_per_hour=10_000)


def actor(user: str, now: datetime, channel: str | None = None) -> Actor:
    return Actor(TEAM, user, now, Person(user, is_admin=user == "U0ANA"), channel_id=channel)


def generate(db: Database, seed: int) -> None:
    """About 600 reports over 15 weeks, with every kind of change a report can meet."""
    rng = random.Random(seed)
    now = START
    for i in range(600):
        now += timedelta(minutes=rng.randint(1, 360))
        user, channel = rng.choice(PEOPLE), rng.choice(CHANNELS)
        title = f"{rng.choice(VERBS)} {rng.choice(WORDS)}"
        with db.transaction() as s:
            reporting.record_report(
                s,
                team_id=TEAM,
                user_id=user,
                channel_id=channel,
                text=f"{title} {rng.choice([5, 15, 30, 45, 90, 240])}m",
                source=Source.COMMAND,
                slack_key=f"k{i}",
                now=now,
                sight=Sight.whole(TEAM),
                private=channel == "C3",
                limits=ROOMY,
            )
        roll = rng.random()
        with db.transaction() as s:
            live = list(
                s.scalars(
                    select(Process).where(Process.merged_into_id.is_(None)).order_by(Process.id)
                )
            )
            if roll < 0.05:  # undo someone's last report
                mine = reporting.occurrences.last_report_by(s, team_id=TEAM, user_id=user)
                if mine is not None and now - mine.occurred_at < timedelta(days=7):
                    reporting.undo(s, actor(user, now), mine)
            elif roll < 0.08:  # split a report off
                mine = reporting.occurrences.last_report_by(s, team_id=TEAM, user_id=user)
                if mine is not None:
                    reporting.split(s, actor(user, now), mine)
            elif roll < 0.11 and len(live) > 2:  # merge two processes
                keep, gone = rng.sample(live, 2)
                ownership.merge_checked(s, actor("U0ANA", now), keep=keep, gone=gone)
            elif roll < 0.14 and live:  # retire one (reports on it later are regressions)
                retirement.retire(s, actor("U0ANA", now), rng.choice(live), link=None, how=None)
    with db.transaction() as s:
        forget.forget_person(s, team_id=TEAM, user_id="U0DAN")
        first = s.scalar(select(Process.id).order_by(Process.id).limit(1))
        s.execute(delete(Process).where(Process.id == first))  # its reports: by cascade


def report_while_down(conn: Connection) -> None:
    """A report stored with plain SQL while a migration is down (no trigger of its left
    to fail on it); its upgrade's backfill must count it."""
    conn.execute(
        text(
            "INSERT INTO occurrences (team_id, process_id, user_id, minutes,"
            " default_duration, occurred_at, source, slack_key, regression)"
            " SELECT team_id, process_id, 'U0NEW', 10, false, occurred_at, 'command',"
            " 'while-down', false FROM occurrences LIMIT 1"
        )
    )
    conn.commit()


def raw_buckets(s, key: str) -> dict[tuple, tuple[int, int, int]]:
    """What a rollup table must hold, summed from the occurrences."""
    made = {
        ("sqlite", "day"): "substr(occurred_at, 1, 10)",
        ("sqlite", "week"): "date(substr(occurred_at, 1, 10), 'weekday 0', '-6 days')",
        ("postgresql", "day"): "(occurred_at AT TIME ZONE 'UTC')::date",
        ("postgresql", "week"): "date_trunc('week', occurred_at AT TIME ZONE 'UTC')::date",
        ("sqlite", "month"): "substr(occurred_at, 1, 7) || '-01'",
        ("postgresql", "month"): "date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date",
        ("sqlite", "user"): "user_id",
        ("postgresql", "user"): "user_id",
    }[(s.get_bind().dialect.name, key)]
    rows = s.execute(
        text(
            f"SELECT process_id, CAST({made} AS TEXT), count(*), sum(minutes),"
            " sum(CASE WHEN regression THEN minutes ELSE 0 END)"
            f" FROM occurrences GROUP BY process_id, {made}"
        )
    )
    return {(r[0], str(r[1])): (r[2], r[3], r[4]) for r in rows}


def stored_buckets(s, table: str, key: str) -> dict[tuple, tuple[int, int, int]]:
    rows = s.execute(
        text(
            f"SELECT process_id, CAST({key} AS TEXT), reports, minutes, regression_minutes"
            f" FROM {table}"
        )
    )
    return {(r[0], str(r[1])): (r[2], r[3], r[4]) for r in rows}


def raw_minutes(s, sight: Sight, window: Window, statuses=None) -> tuple[int, int, int]:
    """(reports, minutes, processes) in the window, summed from the occurrences."""
    query = (
        select(
            func.count(Occurrence.id),
            func.coalesce(func.sum(Occurrence.minutes), 0),
            func.count(func.distinct(Occurrence.process_id)),
        )
        .join(Process, Process.id == Occurrence.process_id)
        .where(Occurrence.occurred_at >= instant(window.start))
    )
    if window.end is not None:
        query = query.where(Occurrence.occurred_at < instant(window.end))
    if statuses is not None:
        query = query.where(Process.status.in_(statuses))
    row = s.execute(query.where(seen(sight))).one()
    return int(row[0]), int(row[1]), int(row[2])


def windows_to_check(rng: random.Random) -> list[Window]:
    found = [Window(START.date()), Window(START.date(), START.date() + timedelta(weeks=20))]
    for _ in range(40):
        start = START.date() + timedelta(days=rng.randint(-3, 110))
        length = rng.choice([1, 2, 3, 6, 7, 8, 13, 14, 27, 28, 29, 35])
        found.append(Window(start, start + timedelta(days=length)))
        found.append(Window(start))
    for first, months in ((date(2026, 7, 1), 1), (date(2026, 8, 1), 3), (date(2026, 9, 1), 2)):
        found.append(Window(first))  # whole calendar months: read from process_months
        found.append(Window(first, date(2026, first.month + months, 1)))
    return found


@pytest.mark.parametrize("seed", [17, 3])
def test_the_rollups_match_the_raw_sums_after_every_kind_of_change(db: Database, seed: int) -> None:
    generate(db, seed=seed)
    rng = random.Random(5)
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Occurrence)) > 300
        retired_once = select(func.count()).where(Process.retired_at.is_not(None))
        assert s.scalar(retired_once)
        assert s.scalar(select(func.count()).where(Occurrence.regression.is_(True)))
        assert stored_buckets(s, "process_days", "day") == raw_buckets(s, "day")
        assert stored_buckets(s, "process_weeks", "week") == raw_buckets(s, "week")
        assert stored_buckets(s, "process_months", "month") == raw_buckets(s, "month")
        assert stored_buckets(s, "process_reporters", "user_id") == raw_buckets(s, "user")

        sights = [
            Sight.whole(TEAM),
            Sight.of_channel(TEAM, "C1"),
            Sight.of_channel(TEAM, "C3"),
            Sight.workspace_wide(TEAM),
            Sight(TEAM, user_id="U0BEN", public=True),
        ]
        for sight in sights:
            for window in windows_to_check(rng):
                for statuses in (None, OPEN_STATUSES):
                    want = raw_minutes(s, sight, window, statuses)
                    summed = rollups.minutes(s, sight=sight, window=window, statuses=statuses)
                    assert summed == want[1], (sight, window, statuses)
                    by_process = rollups.loads(
                        s, sight=sight, window=window, statuses=statuses, reported_only=True
                    )
                    got = (
                        sum(x.reports for x in by_process),
                        sum(x.minutes for x in by_process),
                        len(by_process),
                    )
                    assert got == want, (sight, window, statuses)
                    assert all(x.reports for x in by_process)
            months = [Window(date(2026, m, 1), date(2026, m + 1, 1)) for m in range(7, 12)]
            months += [Window(date(2026, 8, 1)), Window(date(2026, 7, 1), date(2026, 10, 1))]
            assert rollups.month_totals(s, sight=sight, months=months) == [
                raw_minutes(s, sight, w)[1] for w in months
            ]
            weeks = weeks_ending(instant(START.date() + timedelta(weeks=16)))
            by_week = rollups.weekly_minutes(s, sight=sight, weeks=weeks)
            assert by_week == [raw_minutes(s, sight, w)[1] for w in weeks]
            assert sum(by_week) > 0 or sight.channel_id == "C3"
            reports, people = rollups.reports_and_reporters(s, sight=sight)
            assert reports == raw_minutes(s, sight, Window(date(2000, 1, 1)))[0]
            assert people == s.scalar(
                select(func.count(func.distinct(Occurrence.user_id)))
                .join(Process, Process.id == Occurrence.process_id)
                .where(Occurrence.team_id == TEAM, seen(sight))
            )
            window = ranking(START + timedelta(weeks=9))
            loads = rollups.loads(s, sight=sight, window=window, statuses=OPEN_STATUSES)
            for load in loads:
                raw = raw_process(s, load.process.id, window)
                assert (load.reports, load.minutes, load.regression_minutes) == raw
            assert [x.minutes for x in loads] == sorted((x.minutes for x in loads), reverse=True)
        assert last_days(START, 7).start == START.date() - timedelta(days=6)
        with pytest.raises(ValueError):
            rollups.month_totals(s, sight=sights[0], months=[Window(date(2026, 8, 3))])


def raw_process(s, process_id: int, window: Window) -> tuple[int, int, int]:
    query = select(
        func.count(Occurrence.id),
        func.coalesce(func.sum(Occurrence.minutes), 0),
        func.coalesce(func.sum(case((Occurrence.regression.is_(True), Occurrence.minutes))), 0),
    ).where(Occurrence.process_id == process_id, Occurrence.occurred_at >= instant(window.start))
    if window.end is not None:
        query = query.where(Occurrence.occurred_at < instant(window.end))
    row = s.execute(query).one()
    return int(row[0]), int(row[1]), int(row[2])


def test_a_report_in_the_last_microsecond_of_a_week_counts_in_that_week(db: Database) -> None:
    """SQLite's date() rounds 23:59:59.9995 and later up into the next day: the rollups
    read the stored date part instead, so the day and the week are the report's own."""
    sunday = datetime(2026, 11, 29, 23, 59, 59, 999_999, tzinfo=UTC)
    with db.transaction() as s:
        for i, at in enumerate((sunday, sunday + timedelta(microseconds=1))):
            reporting.record_report(
                s,
                team_id=TEAM,
                user_id="U0ANA",
                channel_id="C1",
                text="Reconcile invoices 30m",
                source=Source.COMMAND,
                slack_key=f"edge{i}",
                now=at,
                sight=Sight.whole(TEAM),
                limits=ROOMY,
            )
    with db.transaction() as s:
        whole = Sight.whole(TEAM)
        week = Window(date(2026, 11, 23), date(2026, 11, 30))
        assert rollups.minutes(s, sight=whole, window=week) == 30
        sunday_only = Window(date(2026, 11, 29), date(2026, 11, 30))
        assert rollups.minutes(s, sight=whole, window=sunday_only) == 30
        assert rollups.weekly_minutes(s, sight=whole, weeks=[week]) == [30]
        assert stored_buckets(s, "process_days", "day") == raw_buckets(s, "day")
