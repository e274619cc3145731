"""The verify job: a retired process not done by hand for 8 weeks since its retirement is
marked verified, once, in its history, however many runners run at the same moment (on
SQLite and PostgreSQL); one reported again is not; one retired again is verified afresh."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.config import Settings
from bot.domain.rules import Sight
from bot.domain.states import Event, Source, Status
from bot.jobs import Clients, JobContext
from bot.jobs.verify import run_verify
from bot.services.reporting import record_report
from storage import eliminated, history
from storage.db import Database
from storage.models import Process, ProcessEvent
from storage.workspaces import get_or_create_workspace

T0 = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)
TEAM = "T0001"
ALL = Sight(TEAM, everything=True)


def context(db: Database, worker: str) -> JobContext:
    settings = Settings(database_url=db.url)
    return JobContext(db=db, settings=settings, clients=Clients(settings), worker=worker)


def _report(db: Database, title: str, at: datetime, key: str) -> int:
    with db.transaction() as s:
        get_or_create_workspace(s, team_id=TEAM, now=at)
        got = record_report(
            s,
            team_id=TEAM,
            user_id="U_ANA",
            channel_id="C_OPS",
            text=f"{title} 45m",
            source=Source.COMMAND,
            slack_key=key,
            now=at,
            sight=ALL,
            private=False,
        )
        return got.card.process_id


def _retire(db: Database, pid: int, at: datetime) -> None:
    with db.transaction() as s:
        p = s.get(Process, pid)
        assert p is not None
        p.retired_at, p.retired_by, p.eliminated_minutes_per_week = at, "U_ANA", 45.0 / 4
        p.verified_at = None
        history.record(
            s, process=p, kind=Event.RETIRED, actor_id="U_ANA", at=at, minutes_per_week=11.25
        )


def _verified_events(db: Database, pid: int) -> list[datetime]:
    with db.transaction() as s:
        return list(
            s.scalars(
                select(ProcessEvent.at)
                .where(ProcessEvent.process_id == pid, ProcessEvent.kind == Event.VERIFIED)
                .order_by(ProcessEvent.at)
            )
        )


def test_runners_at_the_same_moment_verify_each_process_once(db: Database) -> None:
    pids = [_report(db, f"Rotate the {w} keys", T0, f"k{w}") for w in ("vpn", "ssh", "tls")]
    for pid in pids:
        _retire(db, pid, T0 + timedelta(days=1))
    now = T0 + timedelta(days=1, weeks=8)
    start = threading.Barrier(4)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run(worker: str) -> None:
        try:
            start.wait(timeout=30)
            results.append(run_verify(context(db, worker), now))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(f"v{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sum(r["verified"] for r in results) == 3
    for pid in pids:
        assert _verified_events(db, pid) == [T0 + timedelta(days=1, weeks=8)]
    with db.transaction() as s:
        assert eliminated.verified_minutes(s, sight=ALL) == 3 * 11.25
    assert run_verify(context(db, "later"), now + timedelta(hours=1))["verified"] == 0


def test_too_soon_or_reported_again_is_not_verified_and_a_new_retirement_starts_afresh(
    db: Database,
) -> None:
    pid = _report(db, "Rotate the vpn keys", T0, "k1")
    _retire(db, pid, T0)
    assert run_verify(context(db, "v"), T0 + timedelta(weeks=8) - timedelta(hours=1)) == {
        "verified": 0,
        "claimed_elsewhere": 0,
    }
    _report(db, "Rotate the vpn keys", T0 + timedelta(weeks=3), "k2")  # it came back
    with db.transaction() as s:
        p = s.get(Process, pid)
        assert p is not None and p.status == Status.CAME_BACK
    assert run_verify(context(db, "v"), T0 + timedelta(weeks=20))["verified"] == 0
    again = T0 + timedelta(weeks=4)
    _retire(db, pid, again)
    assert run_verify(context(db, "v"), again + timedelta(weeks=8))["verified"] == 1
    assert _verified_events(db, pid) == [again + timedelta(weeks=8)]
    with db.transaction() as s:
        n = s.scalar(select(func.count()).select_from(ProcessEvent))
        assert n and n >= 4
