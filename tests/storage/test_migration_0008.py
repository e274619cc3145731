"""Migration 0008 (matching): the match index is filled from the existing processes (not
from merged ones), so the first report after the upgrade finds its process through it; and
going down and up again loses no process."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from bot.domain.rules import Sight
from bot.services.reporting import record_report
from storage.db import Database
from storage.models import MatchWord, MatchWordCount, Process
from tests.storage.test_migrations import empty_db

__all__ = ["empty_db"]  # the fixture, SQLite and PostgreSQL

WHEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
WORKSPACE = (
    "INSERT INTO workspaces (team_id, currency, nudge_threshold_minutes, work_start, work_end,"
    " work_days, timezone, next_process_number, created_at) VALUES ('T1', 'USD', 15, '09:00',"
    " '17:00', '0,1,2,3,4', 'UTC', 4, :when)"
)
PROCESS = (
    "INSERT INTO processes (id, team_id, number, title, normalized_title, reporter_id, status,"
    " status_changed_at, created_at, merged_into_id) VALUES (:id, 'T1', :id, :title, :title,"
    " 'U1', :status, :when, :when, :into)"
)


def test_the_index_is_filled_from_the_processes(empty_db: Database) -> None:
    empty_db.upgrade("0006")
    with empty_db.engine.begin() as conn:
        conn.execute(text(WORKSPACE), {"when": WHEN})
        for pid, title, status, into in (
            (1, "Reconcile Stripe payouts", "manual", None),
            (2, "Update the pricing sheet", "retired", None),
            (3, "Stripe payouts reconciliation", "merged", 1),
        ):
            conn.execute(
                text(PROCESS),
                {"id": pid, "title": title, "status": status, "into": into, "when": WHEN},
            )
    empty_db.upgrade()
    with empty_db.transaction() as s:
        indexed = {(w.word, w.process_id) for w in s.scalars(select(MatchWord))}
        assert indexed == {
            ("", 1), ("reconcil", 1), ("strip", 1), ("payout", 1),
            ("", 2), ("updat", 2), ("pric", 2), ("sheet", 2),
        }  # fmt: skip
        counts = {c.word: c.titles for c in s.scalars(select(MatchWordCount))}
        assert counts[""] == 2 and counts["payout"] == 1
        result = record_report(
            s,
            team_id="T1",
            user_id="U2",
            channel_id="C1",
            text="reconcile the stripe payouts 20m",
            source="command",
            slack_key="command:after-upgrade",
            now=WHEN,
            sight=Sight.whole("T1"),  # rows from before 0013 are private: matching is tested
        )
        assert result.card.ref == "P1" and not result.created
    empty_db.downgrade("-1")
    empty_db.upgrade()
    with empty_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Process)) == 3
        assert s.scalar(select(func.count()).select_from(MatchWord)) == 8
