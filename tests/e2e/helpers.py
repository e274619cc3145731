"""Helpers for end-to-end tests: running jobs at a given time, waiting for effects."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.jobs import Clients, JobContext
from bot.scheduler import run_job
from storage.models import PendingDM, Process
from tests.conftest import Coach


def job_context(coach: Coach, worker: str = "test-worker") -> JobContext:
    from bot.slack import make_client

    return JobContext(
        db=coach.db,
        settings=coach.settings,
        clients=Clients(coach.settings, client=make_client(coach.settings)),
        worker=worker,
    )


def run(coach: Coach, name: str, when: datetime | None = None) -> dict[str, int]:
    """Run a job as the scheduler would, at `when` (default: the test clock)."""
    if when is not None:
        coach.clock.set(when)
    return run_job(name, job_context(coach), coach.clock.now())


def hours(coach: Coach, n: float) -> datetime:
    return coach.clock.advance(timedelta(hours=n))


def dms(coach: Coach, user_id: str, **kw: Any) -> list[Any]:
    """The bot's messages in its DM with `user_id` that they see (an ephemeral answer to
    someone else who clicked there is not theirs)."""
    return [
        m
        for m in coach.fake.dms_to("T0001", user_id)
        if m.from_bot and (not m.ephemeral or m.user == user_id)
    ]


def waiting(coach: Coach, user_id: str | None = None) -> list[PendingDM]:
    """The notices waiting in the outbox (for `user_id`, or anyone's), oldest first."""
    with coach.db.transaction() as s:
        query = select(PendingDM).where(PendingDM.status == "pending").order_by(PendingDM.id)
        if user_id is not None:
            query = query.where(PendingDM.user_id == user_id)
        rows = list(s.scalars(query))
        s.expunge_all()
        return rows


def owner_of(coach: Coach, number: int, team_id: str = "T0001") -> str | None:
    """Who owns process P`number` now."""
    with coach.db.transaction() as s:
        return s.scalars(
            select(Process.owner_id).where(Process.team_id == team_id, Process.number == number)
        ).one()
