"""Workspace-wide figures for `/manual-task stats` and the App Home, and streamed rows for
export. Keyword-only arguments; read-only: nothing here flushes or commits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES, Status
from storage import rollups
from storage.models import Occurrence, Process, Workspace
from storage.visibility import seen

STREAM_BATCH = 500


@dataclass(frozen=True)
class Counts:
    """How many processes a workspace has: reported at all (merged ones excluded), retired,
    and still open (manual, automating or accepted)."""

    reported: int
    retired: int
    active: int
    occurrences: int
    reporters: int


def counts(session: Session, *, sight: Sight) -> Counts:
    """The counts of the processes in sight, and of their reports and reporters."""
    by_status = dict(
        session.execute(
            select(Process.status, func.count())
            .where(seen(sight), Process.status != Status.MERGED)
            .group_by(Process.status)
        ).all()
    )
    reports, reporters = rollups.reports_and_reporters(session, sight=sight)
    return Counts(
        reported=int(sum(by_status.values())),
        retired=int(by_status.get(Status.RETIRED, 0)),
        active=int(sum(v for k, v in by_status.items() if k in OPEN_STATUSES)),
        occurrences=reports,
        reporters=reporters,
    )


def owned_count(session: Session, *, team_id: str, owner_id: str) -> int:
    """How many open processes a person owns."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Process)
            .where(
                Process.team_id == team_id,
                Process.owner_id == owner_id,
                Process.status.in_(OPEN_STATUSES),
            )
        )
        or 0
    )


def retired_refs(session: Session, *, team_id: str, owner_id: str, limit: int = 5) -> list[str]:
    """The ids ("P3") of the retired processes a person owns, lowest first, at most `limit`
    (`mine` and the Home tab say what someone owns when nothing of theirs is open)."""
    numbers = session.scalars(
        select(Process.number)
        .where(
            Process.team_id == team_id,
            Process.owner_id == owner_id,
            Process.status == Status.RETIRED,
        )
        .order_by(Process.number)
        .limit(limit)
    )
    return [f"P{n}" for n in numbers]


def retired_count(session: Session, *, team_id: str, owner_id: str) -> int:
    """How many retired processes a person owns."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Process)
            .where(
                Process.team_id == team_id,
                Process.owner_id == owner_id,
                Process.status == Status.RETIRED,
            )
        )
        or 0
    )


def stream_processes(
    session: Session, *, team_ids: Sequence[str], since: datetime, sight: Sight | None = None
) -> Iterator[tuple[Process, str | None, int, int, int, float | None, str]]:
    """(process, merged-into ref, reports ever, minutes ever, minutes since `since`, the
    workspace's hourly rate, currency) for every process of the workspaces (or only those
    in `sight`; none given: the shell's complete export), by team and number, fetched in
    batches."""
    total = (
        select(
            Occurrence.process_id.label("pid"),
            func.count().label("n"),
            func.sum(Occurrence.minutes).label("m"),
        )
        .where(Occurrence.team_id.in_(team_ids))
        .group_by(Occurrence.process_id)
        .subquery()
    )
    recent = (
        select(Occurrence.process_id.label("pid"), func.sum(Occurrence.minutes).label("m"))
        .where(Occurrence.team_id.in_(team_ids), Occurrence.occurred_at >= since)
        .group_by(Occurrence.process_id)
        .subquery()
    )
    target = select(Process.id, Process.number).subquery()
    query = (
        select(
            Process,
            target.c.number,
            func.coalesce(total.c.n, 0),
            func.coalesce(total.c.m, 0),
            func.coalesce(recent.c.m, 0),
            Workspace.hourly_rate,
            Workspace.currency,
        )
        .join(Workspace, Workspace.team_id == Process.team_id)
        .outerjoin(total, total.c.pid == Process.id)
        .outerjoin(recent, recent.c.pid == Process.id)
        .outerjoin(target, target.c.id == Process.merged_into_id)
        .where(Process.team_id.in_(team_ids))
        .order_by(Process.team_id, Process.number)
        .execution_options(yield_per=STREAM_BATCH)
    )
    if sight is not None:
        query = query.where(seen(sight))
    for row in session.execute(query):
        merged = f"P{row[1]}" if row[1] is not None else None
        yield row[0], merged, int(row[2]), int(row[3]), int(row[4]), row[5], row[6] or "USD"


def stream_occurrences(
    session: Session, *, team_ids: Sequence[str], sight: Sight | None = None
) -> Iterator[tuple[Occurrence, int, str]]:
    """(occurrence, its process number, its process title), oldest first, in batches: of
    every process of the workspaces, or only of those in `sight`."""
    query = (
        select(Occurrence, Process.number, Process.title)
        .join(Process, Process.id == Occurrence.process_id)
        .where(Occurrence.team_id.in_(team_ids))
        .order_by(Occurrence.team_id, Occurrence.occurred_at, Occurrence.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    if sight is not None:
        query = query.where(seen(sight))
    for row in session.execute(query):
        yield row[0], int(row[1]), str(row[2])
