"""Migration 0021 (decisions): the processes and occurrences of before keep every row and
column; the new columns and the steps table work at head; down to 0020 and up again
loses nothing older (the steps and estimates, made at 0021, go with it, as the migration
says); on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, inspect, select, text

from storage import steps
from storage.db import Database
from storage.models import Occurrence, Process, ProcessSteps
from tests.storage.test_migrations import empty_db

__all__ = ["empty_db"]  # the fixture, SQLite and PostgreSQL

WHEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
WORKSPACE = (
    "INSERT INTO workspaces (team_id, currency, nudge_threshold_minutes, work_start, work_end,"
    " work_days, timezone, next_process_number, created_at, is_enterprise_install) VALUES"
    " ('T1', 'USD', 15, '09:00', '17:00', '0,1,2,3,4', 'UTC', 3, :when, false)"
)
PROCESS = (
    "INSERT INTO processes (id, team_id, number, title, normalized_title, reporter_id,"
    " channel_id, status, status_changed_at, created_at, eliminated_minutes_per_week,"
    " retired_at) VALUES (:id, 'T1', :id, :title, :title, 'U1', 'C1', :status, :when, :when,"
    " :gone, :retired)"
)
OCCURRENCE = (
    "INSERT INTO occurrences (team_id, process_id, user_id, minutes, default_duration,"
    " occurred_at, source, slack_key, regression) VALUES"
    " ('T1', :pid, 'U1', 45, false, :when, 'command', :key, false)"
)


def _fill(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(WORKSPACE), {"when": WHEN})
        for pid, status, gone in ((1, "manual", None), (2, "retired", 45.0)):
            conn.execute(
                text(PROCESS),
                {
                    "id": pid,
                    "title": f"chore {pid}",
                    "status": status,
                    "when": WHEN,
                    "gone": gone,
                    "retired": WHEN if gone else None,
                },
            )
            conn.execute(text(OCCURRENCE), {"pid": pid, "when": WHEN, "key": f"k{pid}"})


def _before(db: Database) -> list[tuple[object, ...]]:
    with db.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT id, number, title, status, eliminated_minutes_per_week"
                    " FROM processes ORDER BY id"
                )
            )
        ]


def test_0021_adds_decisions_and_goes_back_losing_nothing_older(empty_db: Database) -> None:
    empty_db.upgrade("0020")
    _fill(empty_db)
    rows = _before(empty_db)
    empty_db.upgrade()
    assert _before(empty_db) == rows
    with empty_db.transaction() as s:
        p = s.get(Process, 1)
        assert p is not None and p.effort_hours is None and p.verified_at is None
        p.effort_hours, p.actual_hours = 30.0, 28.0
        assert steps.add_version(s, process=p, text="1. a", author_id="U1", now=WHEN)
        assert steps.add_version(s, process=p, text="1. a", author_id="U1", now=WHEN) is None
        assert steps.add_version(s, process=p, text="1. a\n2. b", author_id="U2", now=WHEN)
    with empty_db.transaction() as s:
        latest = steps.latest_of(s, process_id=1)
        assert latest is not None and (latest.version, latest.author_id) == (2, "U2")
        assert s.scalar(select(func.count()).select_from(ProcessSteps)) == 2
    empty_db.downgrade("0020")
    assert "process_steps" not in inspect(empty_db.engine).get_table_names()
    columns = {c["name"] for c in inspect(empty_db.engine).get_columns("processes")}
    assert not columns & {"effort_hours", "actual_hours", "verified_at"}
    assert _before(empty_db) == rows
    empty_db.upgrade()
    assert _before(empty_db) == rows
    with empty_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Occurrence)) == 2
        assert s.scalar(select(func.count()).select_from(ProcessSteps)) == 0
