"""Migration 0006 (each workspace's org and kind of install): existing rows become plain
installs, a Grid workspace installed on its own gets its org from slack_bots, and going
down and up again loses no workspace and none of its processes (on SQLite a table copy
would have cascaded to them)."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import func, select, text

from bot.config import Settings
from bot.oauth import installation_store
from storage.db import Database
from storage.models import Process, Workspace
from tests.storage.test_migrations import empty_db

__all__ = ["empty_db"]  # the fixture, SQLite and PostgreSQL

WHEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
WORKSPACE = (
    "INSERT INTO workspaces (team_id, currency, nudge_threshold_minutes, work_start, work_end,"
    " work_days, timezone, next_process_number, created_at) VALUES (:t, 'USD', 15, '09:00',"
    " '17:00', '0,1,2,3,4', 'UTC', 2, :when)"
)
PROCESS = (
    "INSERT INTO processes (team_id, number, title, normalized_title, reporter_id, status,"
    " status_changed_at, created_at) VALUES (:t, 1, 'Payouts', 'payouts', 'U1', 'manual',"
    " :when, :when)"
)


def test_workspaces_learn_their_org_and_keep_their_processes(empty_db: Database) -> None:
    empty_db.upgrade("0005")
    with empty_db.engine.begin() as conn:
        for team in ("T1", "T2"):
            conn.execute(text(WORKSPACE), {"t": team, "when": WHEN})
            conn.execute(text(PROCESS), {"t": team, "when": WHEN})
    settings = Settings(database_url=empty_db.url, slack_client_id="111.222")
    installation_store(settings, empty_db).save(  # T2: a Grid workspace on its own
        Installation(app_id="A1", enterprise_id="E2", team_id="T2", user_id="U1", bot_token="x")
    )
    empty_db.upgrade()
    assert _installs(empty_db) == {"T1": (None, False), "T2": ("E2", False)}
    empty_db.downgrade("0005")
    empty_db.upgrade()
    with empty_db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Process)) == 2
    assert set(_installs(empty_db)) == {"T1", "T2"}


def _installs(db: Database) -> dict[str, tuple[str | None, bool]]:
    with db.transaction() as s:
        rows = s.scalars(select(Workspace))
        return {ws.team_id: (ws.enterprise_id, ws.is_enterprise_install) for ws in rows}
