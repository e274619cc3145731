"""The reporter-days rollup (migration 0022) matches the raw distinct counts exactly,
whatever happened to the reports (the generator of tests/storage/test_rollups.py: undo,
split, merge, retirement, forget, a cascade), on both databases; the people in a window
and the processes only one person has done, read from the rollups, equal the same figures
taken over the occurrences; and 0022 downgrades and upgrades again losing nothing."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select, text

from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.domain.windows import Window, instant
from storage import rollups_people
from storage.db import Database
from storage.models import Occurrence, Process
from storage.visibility import seen
from tests.storage.test_rollups import START, TEAM, generate, windows_to_check

SIGHTS = [
    Sight.whole(TEAM),
    Sight.of_channel(TEAM, "C3"),
    Sight.workspace_wide(TEAM),
    Sight(TEAM, public=True, user_id="U0BEN"),
    Sight(TEAM, user_id="U0CAT"),  # a guest
]


def _day(s) -> str:
    if s.get_bind().dialect.name == "postgresql":
        return "CAST((occurred_at AT TIME ZONE 'UTC')::date AS TEXT)"
    return "CAST(date(occurred_at) AS TEXT)"


def raw_reporter_days(s) -> dict[tuple, tuple[int, int]]:
    rows = s.execute(
        text(
            f"SELECT process_id, {_day(s)}, user_id, count(*), sum(minutes) FROM occurrences"
            f" GROUP BY process_id, {_day(s)}, user_id"
        )
    )
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def stored_reporter_days(s) -> dict[tuple, tuple[int, int]]:
    rows = s.execute(
        text("SELECT process_id, CAST(day AS TEXT), user_id, reports, minutes FROM reporter_days")
    )
    return {(r[0], r[1], r[2]): (r[3], r[4]) for r in rows}


def raw_people(s, sight: Sight, window: Window) -> int:
    query = (
        select(func.count(func.distinct(Occurrence.user_id)))
        .join(Process, Process.id == Occurrence.process_id)
        .where(Occurrence.occurred_at >= instant(window.start), seen(sight))
    )
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


def test_reporter_days_match_the_raw_counts_after_every_kind_of_change(db: Database) -> None:
    generate(db, seed=17)  # the seed test_rollups.py walks
    rng = random.Random(18)
    with db.transaction() as s:
        assert stored_reporter_days(s) == raw_reporter_days(s)
        assert len(stored_reporter_days(s)) > 100
        for window in windows_to_check(rng)[:30]:
            for sight in SIGHTS:
                got = rollups_people.reporters_in(s, sight=sight, window=window)
                assert got == raw_people(s, sight, window), (sight, window)
        window = Window(START.date(), START.date() + timedelta(weeks=20))
        for sight in SIGHTS:
            lone = rollups_people.lone_loads(s, sight=sight, window=window)
            assert {x.process.id for x, _ in lone} == raw_lone(s, sight, window), sight


def test_0022_goes_down_and_up_losing_nothing(db: Database) -> None:
    generate(db, seed=17)
    with db.transaction() as s:
        before = stored_reporter_days(s)
        occurrences = s.execute(text("SELECT count(*), sum(minutes) FROM occurrences")).one()
        s.execute(text("UPDATE workspaces SET toil_budget_percent = 40"))
    db.downgrade("0020")
    with db.engine.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table'")
                if db.engine.dialect.name == "sqlite"
                else text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
        assert {"reporter_days", "channel_teams", "business_volumes"}.isdisjoint(tables)
        assert conn.execute(text("SELECT count(*), sum(minutes) FROM occurrences")).one() == (
            occurrences
        )
        conn.execute(
            text(
                "INSERT INTO occurrences (team_id, process_id, user_id, minutes,"
                " default_duration, occurred_at, source, slack_key, regression)"
                " SELECT team_id, process_id, 'U0NEW', 10, false, occurred_at, 'command',"
                " 'while-down', false FROM occurrences LIMIT 1"
            )
        )
        conn.commit()
    db.upgrade()
    with db.transaction() as s:
        after = stored_reporter_days(s)
        assert after == raw_reporter_days(s)  # filled again, the report made meanwhile too
        assert set(before) <= set(after) and len(after) == len(before) + 1
