"""The data `bench/scale.py` measures over: one workspace with 10,000 processes, 2,000
owners, their nudge history and 50 digest channels, and any number of occurrences spread
over the year before the benchmark's clock (deterministic per row number)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text

from storage import people
from storage.db import Database
from storage.models import DigestSubscription, Nudge, Process, ProcessEvent, Workspace
from storage.rollup_tables import KEPT_ON_WRITE

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday
TEAM = "T0001"
ADMIN = "U00007"  # an admin who owns a few processes: the App Home measured is theirs
PROCESSES, OWNERS, CHANNELS = 10_000, 2_000, 50
YEAR = timedelta(days=365)
CHUNK = 100_000
OCC_COLUMNS = (
    "team_id",
    "process_id",
    "user_id",
    "minutes",
    "default_duration",
    "occurred_at",
    "source",
    "slack_key",
    "channel_id",
    "regression",
)


def seed_base(db: Database) -> None:
    """The workspace, 10,000 processes, their nudge history and 50 digest channels."""
    rnd = random.Random(7)
    processes, nudges = [], []
    for i in range(1, PROCESSES + 1):
        status = {1: "automating", 2: "accepted", 3: "retired"}.get(i % 20, "manual")
        created = NOW - YEAR + timedelta(seconds=rnd.randrange(int(YEAR.total_seconds())))
        changed = NOW - timedelta(days=rnd.randrange(1, 60))
        processes.append(
            {
                "team_id": TEAM,
                "number": i,
                "title": f"Manual process number {i}",
                "normalized_title": f"manual process number {i}",
                "owner_id": None if i % 5 == 0 else f"U{i % OWNERS:05d}",
                "reporter_id": f"U{(i * 7) % OWNERS:05d}",
                "channel_id": f"C{i % CHANNELS:04d}",
                "status": status,
                "status_changed_at": changed,
                "accepted_reason": "no time" if status == "accepted" else None,
                "review_at": NOW - timedelta(days=1) if status == "accepted" else None,
                "snoozed_until": NOW + timedelta(days=3) if i % 50 == 7 else None,
                "retired_by": f"U{i % OWNERS:05d}" if status == "retired" else None,
                "retired_at": changed if status == "retired" else None,
                "eliminated_minutes_per_week": float(rnd.randrange(10, 600))
                if status == "retired"
                else None,
                "created_at": created,
            }
        )
    with db.transaction() as session:
        session.add(Workspace(team_id=TEAM, name="Bench", created_at=NOW - YEAR))
        session.flush()
        session.execute(insert(Process.__table__), processes)
        people.save_user(
            session, team_id=TEAM, user_id=ADMIN, name="admin", tz="UTC", is_admin=True, now=NOW
        )
        ids = [r[0] for r in session.execute(text("SELECT id FROM processes ORDER BY number"))]
        for n, pid in enumerate(ids, start=1):
            for kind, days in (("nudge", n % 30), ("nudge", 30 + n % 60)):
                answered = n % 10 == 4 and days < 7
                nudges.append(
                    {
                        "team_id": TEAM,
                        "process_id": pid,
                        "kind": kind if n % 20 != 1 else "followup",
                        "asked_user_id": f"U{n % OWNERS:05d}",
                        "asked_at": NOW - timedelta(days=days, hours=1),
                        "channel_id": f"DU{n % OWNERS:05d}",
                        "message_ts": f"{n}.{days}",
                        "answer": "not_worth" if answered else None,
                        "reason": "no time" if answered else None,
                        "answered_by": f"U{n % OWNERS:05d}" if answered else None,
                        "answered_at": NOW - timedelta(days=days) if answered else None,
                    }
                )
        session.execute(insert(Nudge.__table__), nudges)
        session.execute(  # the history the eliminated figures are read from
            insert(ProcessEvent.__table__),
            [
                {
                    "team_id": TEAM,
                    "process_id": pid,
                    "kind": "retired",
                    "actor_id": row["retired_by"],
                    "at": row["retired_at"],
                    "minutes_per_week": row["eliminated_minutes_per_week"],
                }
                for pid, row in zip(ids, processes, strict=True)
                if row["status"] == "retired"
            ],
        )
        session.execute(
            insert(DigestSubscription.__table__),
            [
                {
                    "team_id": TEAM,
                    "channel_id": f"C{c:04d}",
                    "cadence": "weekly",
                    "weekday": 0,
                    "local_time": "09:00",
                    "timezone": "UTC",
                    "created_by": "U00001",
                    "created_at": NOW - YEAR,
                }
                for c in range(CHANNELS)
            ],
        )


def _occurrences(db: Database, start: int, stop: int) -> Iterator[list[tuple[Any, ...]]]:
    """Rows start..stop-1 in chunks; deterministic per row number."""
    with db.transaction() as session:
        ids = [r[0] for r in session.execute(text("SELECT id FROM processes ORDER BY number"))]
    span = int(YEAR.total_seconds())
    for lo in range(start, stop, CHUNK):
        rnd = random.Random(lo)
        rows = []
        for n in range(lo, min(stop, lo + CHUNK)):
            k = rnd.randrange(PROCESSES)
            when = NOW - timedelta(seconds=rnd.randrange(span))
            rows.append(
                (
                    TEAM,
                    ids[k],
                    # A process is done by a few people: its first reporter and the next three.
                    f"U{((k + 1) * 7 + rnd.randrange(4)) % OWNERS:05d}",
                    rnd.randrange(5, 121),
                    False,
                    when,
                    "command",
                    f"gen:{n}",
                    f"C{(k + 1) % CHANNELS:04d}",
                    n % 997 == 0,
                )
            )
        yield rows


FILLED = KEPT_ON_WRITE  # what the migrations' backfills fill (0020, 0022, 0023)


def settle(db: Database) -> None:
    """VACUUM ANALYZE (ANALYZE on SQLite) the tables the migrations' backfills filled, as
    the load does the occurrences: a backfill leaves them without planner statistics,
    and on PostgreSQL without a visibility map (no index-only scans). A server with
    autovacuum on (the default) gets there by itself; this one runs with it off."""
    raw = db.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        if db.is_sqlite:
            for table in FILLED:
                conn.execute(f"ANALYZE {table}")
        else:
            conn.rollback()  # the pool's check-out leaves a transaction open
            conn.autocommit = True
            conn.execute(f"VACUUM ANALYZE {', '.join(FILLED)}")
            conn.autocommit = False
    finally:
        raw.close()


def load_occurrences(db: Database, start: int, stop: int) -> float:
    """Add occurrences start..stop-1: COPY on PostgreSQL, chunked executemany on SQLite."""
    began = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        if db.is_sqlite:
            conn.execute("PRAGMA synchronous=OFF")
            sql = (
                f"INSERT INTO occurrences ({', '.join(OCC_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(OCC_COLUMNS))})"
            )
            for rows in _occurrences(db, start, stop):
                conn.execute("BEGIN")
                conn.executemany(
                    sql,
                    [
                        (*r[:5], r[5].strftime("%Y-%m-%d %H:%M:%S.%f"), *r[6:])  # as SQLAlchemy
                        for r in rows
                    ],
                )
                conn.execute("COMMIT")
            conn.execute("ANALYZE")
            conn.execute("PRAGMA synchronous=NORMAL")
        else:
            for rows in _occurrences(db, start, stop):
                with conn.cursor() as cur:
                    copy_sql = f"COPY occurrences ({', '.join(OCC_COLUMNS)}) FROM STDIN"
                    with cur.copy(copy_sql) as copy:
                        for r in rows:
                            copy.write_row(r)
                conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
            conn.autocommit = False
    finally:
        raw.close()
    return time.perf_counter() - began
