"""Migration 0013 (the visibility rule): a process older than the rule can't say where it
was first reported, so it is private (its reporters, owner and admins still see it, and
its own channel's digest); a digest of old covers its own channel; down and up again
loses no row."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from bot.domain.rules import Sight
from bot.domain.states import Covers
from storage import processes
from storage.db import Database
from storage.models import DigestSubscription, Process
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
    " channel_id, status, status_changed_at, created_at) VALUES"
    " (:id, 'T1', :id, :title, :title, 'U1', 'C_HR', 'manual', :when, :when)"
)
DIGEST = (
    "INSERT INTO digest_subscriptions (team_id, channel_id, cadence, weekday, local_time,"
    " timezone, created_by, created_at) VALUES ('T1', 'C_HR', 'weekly', 0, '09:00', 'UTC',"
    " 'U1', :when)"
)


def test_rows_older_than_the_rule_are_private(empty_db: Database) -> None:
    empty_db.upgrade("0012")
    with empty_db.engine.begin() as conn:
        conn.execute(text(WORKSPACE), {"when": WHEN})
        for pid in (1, 2):
            conn.execute(text(PROCESS), {"id": pid, "title": f"salary fix {pid}", "when": WHEN})
        conn.execute(text(DIGEST), {"when": WHEN})
    empty_db.upgrade()
    with empty_db.transaction() as s:
        assert [p.private for p in s.scalars(select(Process).order_by(Process.id))] == [True] * 2
        assert s.get(DigestSubscription, ("T1", "C_HR")).scope == Covers.CHANNEL
        statuses = ("manual",)
        member = Sight("T1", public=True, user_id="U2")
        assert processes.count_processes(s, sight=member, statuses=statuses) == 0
        reporter = Sight("T1", public=True, user_id="U1")
        assert processes.count_processes(s, sight=reporter, statuses=statuses) == 2
        hr = Sight.of_digest("T1", "C_HR", Covers.CHANNEL)
        assert processes.count_processes(s, sight=hr, statuses=statuses) == 2
    empty_db.downgrade("0012")
    empty_db.upgrade()
    with empty_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Process)) == 2
