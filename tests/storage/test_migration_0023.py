"""Migration 0023 (`process_months`) goes down and up again losing nothing: the table
and its triggers go, the reports stay, and the backfill counts the ones made meanwhile."""

from __future__ import annotations

from sqlalchemy import inspect

from storage.db import Database
from tests.storage.test_rollups import generate, raw_buckets, report_while_down, stored_buckets


def test_0023_goes_down_and_up_losing_nothing(db: Database) -> None:
    generate(db, seed=3)
    with db.transaction() as s:
        before = stored_buckets(s, "process_months", "month")
        assert before == raw_buckets(s, "month") and len(before) > 10
    db.downgrade("0022")
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert "process_months" not in tables and "process_weeks" in tables
        report_while_down(conn)
    db.upgrade()
    with db.transaction() as s:
        after = stored_buckets(s, "process_months", "month")
        assert after == raw_buckets(s, "month")
        assert sum(v[0] for v in after.values()) == sum(v[0] for v in before.values()) + 1
