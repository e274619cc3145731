"""Migration 0023 (`process_months`) goes down and up again losing nothing: the table
and its triggers go, the reports stay, and the backfill counts the ones made meanwhile."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import Database
from tests.storage.test_rollups import generate, raw_buckets, stored_buckets


def test_0023_goes_down_and_up_losing_nothing(db: Database) -> None:
    generate(db, seed=3)
    with db.transaction() as s:
        before = stored_buckets(s, "process_months", "month")
        assert before == raw_buckets(s, "month") and len(before) > 10
    db.downgrade("0022")
    with db.engine.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table'")
                if db.engine.dialect.name == "sqlite"
                else text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
        assert "process_months" not in tables and "process_weeks" in tables
        conn.execute(  # a report while down: no trigger of 0023's left to fail on it
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
        after = stored_buckets(s, "process_months", "month")
        assert after == raw_buckets(s, "month")
        assert sum(v[0] for v in after.values()) == sum(v[0] for v in before.values()) + 1
