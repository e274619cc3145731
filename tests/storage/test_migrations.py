"""Migrations keep data: a schema made at the first migration, filled, upgraded to head,
loses nothing; and downgrading one step works."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text

from storage.db import Database
from storage.models import Occurrence, Process, Workspace
from tests.conftest import PG_URL

WHEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path}/m.db")
        yield db
        db.dispose()
        return
    request.getfixturevalue("pg_database")  # skips or fails like the other PG tests
    name = f"coach_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(PG_URL.rsplit("/", 1)[0] + "/" + name)
    yield db
    db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _heads(db: Database) -> list[str]:
    return list(ScriptDirectory.from_config(db.alembic_config()).get_heads())


def test_one_head() -> None:
    assert len(_heads(Database("sqlite://"))) == 1


def test_upgrade_from_the_first_migration_keeps_data(empty_db: Database) -> None:
    empty_db.upgrade("0001")
    with empty_db.engine.begin() as conn:  # rows as the first schema knew them
        conn.execute(
            text(
                "INSERT INTO workspaces (team_id, name, currency, nudge_threshold_minutes, "
                "work_start, work_end, work_days, timezone, next_process_number, created_at) "
                "VALUES ('T1', 'Acme', 'USD', 15, '09:00', '17:00', '0,1,2,3,4', 'UTC', 2, :t)"
            ),
            {"t": WHEN},
        )
        conn.execute(
            text(
                "INSERT INTO processes (id, team_id, number, title, normalized_title, reporter_id, "
                "channel_id, status, status_changed_at, created_at) VALUES (1, 'T1', 1, "
                "'Reconcile payouts', 'reconcile payouts', 'U1', 'C1', 'manual', :t, :t)"
            ),
            {"t": WHEN},
        )
        for i in range(5):
            conn.execute(
                text(
                    "INSERT INTO occurrences (team_id, process_id, user_id, minutes, "
                    "default_duration, occurred_at, source, slack_key, regression) VALUES "
                    "('T1', 1, 'U1', 45, false, :t, 'command', :k, false)"
                ),
                {"t": WHEN, "k": f"command:{i}"},
            )
    empty_db.upgrade()
    with empty_db.transaction() as s:
        assert s.get(Workspace, "T1").name == "Acme"  # type: ignore[union-attr]
        process = s.scalars(select(Process)).one()
        assert process.ref == "P1" and process.created_at == WHEN
        assert sum(o.minutes for o in s.scalars(select(Occurrence))) == 225
    # One step down and back up again.
    empty_db.downgrade("-1")
    empty_db.upgrade()
    with empty_db.transaction() as s:
        assert len(list(s.scalars(select(Occurrence)))) == 5


UPGRADE = "import sys; from storage.db import Database; Database(sys.argv[1]).upgrade()"


def test_replicas_starting_together_upgrade_once(empty_db: Database) -> None:
    """Every replica applies migrations at start-up: three at once all come up."""
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, empty_db.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for start in starts:
        _, err = start.communicate(timeout=120)
        assert start.returncode == 0, err[-2000:]
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [
            (_heads(empty_db)[0],)
        ]
