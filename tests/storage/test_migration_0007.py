"""Migration 0007 (the history of each process): the backfill writes what the rows already
say; a retired process with a regression report came back; what was eliminated reads the
same from the history as from the rows; going down and up again loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.domain.rules import Sight
from storage import history
from storage.db import Database
from storage.models import ProcessEvent
from tests.storage.test_migrations import empty_db

__all__ = ["empty_db"]  # the fixture, SQLite and PostgreSQL

WHEN = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
LATER = WHEN + timedelta(days=2)
BACK = WHEN + timedelta(days=5)
WORKSPACE = (
    "INSERT INTO workspaces (team_id, currency, nudge_threshold_minutes, work_start, work_end,"
    " work_days, timezone, next_process_number, created_at, is_enterprise_install) VALUES"
    " ('T1', 'USD', 15, '09:00', '17:00', '0,1,2,3,4', 'UTC', 6, :when, false)"
)
PROCESS = (
    "INSERT INTO processes (id, team_id, number, title, normalized_title, owner_id,"
    " reporter_id, status, status_changed_at, created_at, retired_by, retired_at,"
    " automation_link, eliminated_minutes_per_week, merged_into_id, accepted_reason) VALUES"
    " (:id, 'T1', :id, :title, :title, :owner, 'U1', :status, :changed, :when, :by, :retired,"
    " :link, :gone, :into, :reason)"
)
REGRESSION = (
    "INSERT INTO occurrences (team_id, process_id, user_id, minutes, default_duration,"
    " occurred_at, source, slack_key, regression) VALUES ('T1', 4, 'U7', 30, false, :at,"
    " 'command', :key, true)"
)


def _row(pid: int, status: str, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": pid,
        "title": f"p{pid}",
        "owner": None,
        "status": status,
        "changed": LATER,
        "when": WHEN,
        "by": None,
        "retired": None,
        "link": None,
        "gone": None,
        "into": None,
        "reason": None,
    }
    return base | kw


ROWS = [
    _row(1, "manual"),
    _row(2, "automating", owner="U2"),
    _row(3, "retired", owner="U3", by="U3", retired=LATER, link="https://x.test/1", gone=30.0),
    _row(4, "retired", owner="U3", by="U3", retired=LATER, link="https://x.test/2", gone=20.0),
    _row(5, "merged", into=1),
]


def _events(db: Database) -> dict[int, list[tuple[str, str | None, datetime, str | None]]]:
    with db.transaction() as s:
        rows = s.scalars(select(ProcessEvent).order_by(ProcessEvent.at, ProcessEvent.id))
        out: dict[int, list[tuple[str, str | None, datetime, str | None]]] = {}
        for e in rows:
            out.setdefault(e.process_id, []).append((e.kind, e.actor_id, e.at, e.detail))
        return out


def _statuses(db: Database) -> dict[int, str]:
    """Read as SQL: at 0006 the table lacks the columns later migrations add to the model."""
    with db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, status FROM processes")).all())


def test_the_history_is_backfilled_from_the_rows(empty_db: Database) -> None:
    empty_db.upgrade("0006")
    with empty_db.engine.begin() as conn:
        conn.execute(text(WORKSPACE), {"when": WHEN})
        for row in ROWS:
            conn.execute(text(PROCESS), row)
        for i, at in enumerate((BACK, BACK + timedelta(days=1))):
            conn.execute(text(REGRESSION), {"at": at, "key": f"k{i}"})
    empty_db.upgrade()

    events = _events(empty_db)
    assert events[1] == [("reported", "U1", WHEN, None)]
    assert events[2] == [
        ("reported", "U1", WHEN, None),
        ("owned", "U2", WHEN, "U2"),
        ("automating", "U2", LATER, None),
    ]
    assert [e[0] for e in events[3]] == ["reported", "owned", "retired"]
    assert events[3][-1] == ("retired", "U3", LATER, "https://x.test/1")
    assert events[4][-1] == ("came_back", "U7", BACK, None)  # its first regression report
    assert events[5][-1] == ("merged", None, LATER, "P1")
    assert _statuses(empty_db) == {
        1: "manual",
        2: "automating",
        3: "retired",
        4: "came_back",
        5: "merged",
    }
    with empty_db.transaction() as s:
        assert history.eliminated_as_of(s, sight=Sight.whole("T1")) == pytest.approx(30.0)
        assert history.eliminated_as_of(s, sight=Sight.whole("T1"), at=BACK) == pytest.approx(50.0)

    empty_db.downgrade("0006")
    assert _statuses(empty_db)[4] == "retired"  # what the old code called a regression
    with empty_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM processes")).scalar() == 5
    empty_db.upgrade()
    assert _events(empty_db) == events
    assert _statuses(empty_db)[4] == "came_back"
