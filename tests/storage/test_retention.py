"""Retention on SQLite and PostgreSQL (storage/retention.py, the `retention` job): old
event keys, message records and claims go, recent ones and claims of other kinds stay;
batches are bounded and a big backlog goes over several; runs at the same moment
neither fail nor block each other."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from bot.config import Settings
from bot.jobs import Clients, JobContext
from bot.jobs.retention import (
    KEEP_BOT_MESSAGES,
    KEEP_CLAIMS,
    KEEP_EVENTS,
    KEEP_NOTICES,
    run_retention,
)
from storage import outbox, retention
from storage.db import Database
from storage.models import BotMessage, Delivery, PendingDM, SlackEvent

NOW = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def context(db: Database, worker: str = "retention-test") -> JobContext:
    settings = Settings(database_url=db.url)
    return JobContext(db=db, settings=settings, clients=Clients(settings), worker=worker)


def events(db: Database, *ages: timedelta, prefix: str = "Ev") -> None:
    rows = [
        {"event_id": f"{prefix}{i}", "team_id": "T0001", "received_at": NOW - age}
        for i, age in enumerate(ages)
    ]
    with db.transaction() as s:
        s.execute(insert(SlackEvent), rows)


def messages(db: Database, *ages: timedelta, kind: str = "nudge") -> None:
    rows = [
        {
            "team_id": "T0001",
            "channel_id": f"C{i % 7}",
            "ts": f"1700000000.{i:06d}",
            "kind": kind,
            "process_ids": [1],
            "created_at": NOW - age,
        }
        for i, age in enumerate(ages)
    ]
    with db.transaction() as s:
        s.execute(insert(BotMessage), rows)


def claim(db: Database, key: str, age: timedelta, *, kind: str, status: str = "sent") -> None:
    with db.transaction() as s:
        s.add(
            Delivery(
                key=key,
                team_id="T0001",
                kind=kind,
                status=status,
                claimed_by="w1",
                claimed_at=NOW - age,
                attempts=1,
                sent_at=NOW - age if status != "claimed" else None,
            )
        )


def ids(db: Database, model: Any) -> set[Any]:
    with db.transaction() as s:
        if model is SlackEvent:
            return set(s.scalars(select(SlackEvent.event_id)))
        if model is BotMessage:
            return set(s.scalars(select(BotMessage.ts)))
        return set(s.scalars(select(Delivery.key)))


def count(db: Database, model: Any) -> int:
    with db.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_old_rows_go_and_recent_rows_stay(db: Database) -> None:
    events(db, KEEP_EVENTS + DAY, KEEP_EVENTS + timedelta(seconds=1), KEEP_EVENTS, DAY)
    messages(db, KEEP_BOT_MESSAGES + DAY, KEEP_BOT_MESSAGES, KEEP_EVENTS + DAY, timedelta(0))
    old, recent = KEEP_CLAIMS + DAY, KEEP_CLAIMS - DAY
    claim(db, "dm:T0001:U_ANA:2027-01-04", old, kind="nudge_dm")
    claim(db, "who:T0001:7:2027-W1", old, kind="who_owns", status="skipped")
    claim(db, "digest:T0001:C_FIN:2027-01-04T08:00:00+00:00", old, kind="digest")
    claim(db, "dm:T0001:U_BEN:2027-01-04", old, kind="nudge_dm", status="claimed")  # died
    claim(db, "dm:T0001:U_CAM:2027-01-31", recent, kind="nudge_dm")
    claim(db, "dm:T0001:U_CAM:2027-03-01", timedelta(minutes=1), kind="nudge_dm", status="claimed")
    claim(db, "told:T0001:C_FIN", old, kind="told")  # not a period's: kept, whatever its age

    figures = run_retention(context(db), NOW)

    assert figures == {
        "slack_events": 2,
        "bot_messages": 1,
        "deliveries": 4,
        "outbox": 0,
        "unfinished": 0,
    }
    assert ids(db, SlackEvent) == {"Ev2", "Ev3"}  # exactly 30 days old stays
    assert ids(db, BotMessage) == {"1700000000.000001", "1700000000.000002", "1700000000.000003"}
    assert ids(db, Delivery) == {
        "dm:T0001:U_CAM:2027-01-31",
        "dm:T0001:U_CAM:2027-03-01",
        "told:T0001:C_FIN",
    }
    # Nothing more is due: a second run deletes nothing.
    assert run_retention(context(db), NOW) == {
        "slack_events": 0,
        "bot_messages": 0,
        "deliveries": 0,
        "outbox": 0,
        "unfinished": 0,
    }


def test_delivered_notices_go_after_30_days_and_waiting_ones_stay(db: Database) -> None:
    with db.transaction() as s:
        made = {}
        for name, age in (("old", KEEP_NOTICES + DAY), ("recent", DAY), ("waiting", 9 * DAY * 10)):
            row = outbox.tell(
                s,
                team_id="T0001",
                user_id="U_ANA",
                kind="handed_over",
                message=("P1 is yours now", []),
                now=NOW - age,
            )
            made[name] = row.id
            if name != "waiting":
                outbox.settle(s, ids=[row.id], now=NOW - age, channel_id="D1", ts=f"1.{row.id}")

    figures = run_retention(context(db), NOW)

    assert figures["outbox"] == 1
    with db.transaction() as s:
        left = set(s.scalars(select(PendingDM.id)))
    assert left == {made["recent"], made["waiting"]}


def test_a_batch_is_bounded_and_a_backlog_goes_over_several(db: Database) -> None:
    old = KEEP_BOT_MESSAGES + DAY
    events(db, *[old + timedelta(seconds=i) for i in range(12_345)], DAY)
    messages(db, *[old + timedelta(seconds=i) for i in range(7_000)], DAY)
    before = NOW - KEEP_EVENTS

    batches = []
    while True:
        with db.transaction() as s:
            gone = retention.delete_old_events(s, before=before)
        batches.append(gone)
        if not gone:
            break

    assert batches == [retention.BATCH, retention.BATCH, 2_345, 0]
    assert count(db, SlackEvent) == 1
    # The composite key (team, channel, ts) goes by batches too, the oldest first.
    with db.transaction() as s:
        first = retention.delete_old_bot_messages(s, before=NOW - KEEP_BOT_MESSAGES)
        kept = s.scalar(select(func.min(BotMessage.created_at)))
    assert first == retention.BATCH and kept == NOW - old - timedelta(seconds=1_999)
    figures = run_retention(context(db), NOW)
    assert figures["bot_messages"] == 2_000 and count(db, BotMessage) == 1


def test_runs_at_the_same_moment_share_the_work(db: Database) -> None:
    old = KEEP_BOT_MESSAGES + DAY
    events(db, *[old] * 12_000)
    messages(db, *[old] * 12_000)
    for i in range(300):
        claim(db, f"dm:T0001:U{i}:2026-11-24", old, kind="nudge_dm")
    start = threading.Barrier(3)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run(worker: str) -> None:
        try:
            start.wait(timeout=30)
            results.append(run_retention(context(db, worker), NOW))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(f"r{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not errors, errors
    assert len(results) == 3
    assert sum(r["slack_events"] for r in results) == 12_000
    assert sum(r["bot_messages"] for r in results) == 12_000
    assert sum(r["deliveries"] for r in results) == 300
    assert count(db, SlackEvent) == count(db, BotMessage) == count(db, Delivery) == 0


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_postgres_a_run_skips_rows_another_run_holds(db: Database) -> None:
    """While one run's batch is open (its rows locked), a second run's batch takes other
    rows at once instead of waiting: no waits, so no deadlock, however they interleave."""
    events(db, *[KEEP_EVENTS + DAY] * 300)
    before = NOW - KEEP_EVENTS
    held, second_done = threading.Event(), threading.Event()
    taken: dict[str, int] = {}

    def first() -> None:
        with db.transaction() as s:
            taken["first"] = retention.delete_old_events(s, before=before, limit=100)
            held.set()
            taken["second in time"] = int(second_done.wait(timeout=10))

    holder = threading.Thread(target=first)
    holder.start()
    assert held.wait(timeout=10)
    with db.transaction() as s:
        taken["second"] = retention.delete_old_events(s, before=before, limit=100)
    second_done.set()
    holder.join(timeout=20)

    assert taken == {"first": 100, "second": 100, "second in time": 1}
    assert count(db, SlackEvent) == 100
