"""The figures that turn the backlog into decisions, read from the processes and their
history (0021): retirements with their first report (time to eliminate), what retirements
saved against their effort, which are verified, and which are due to be. Keyword-only
arguments; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import Event, Status
from storage.models import Occurrence, Process, ProcessEvent
from storage.visibility import seen


def retirement_spans(
    session: Session, *, sight: Sight, since: datetime
) -> list[tuple[datetime, datetime]]:
    """(first reported, retired) for each retirement since `since` of the processes in
    sight (a process retired twice counts twice: each time it was eliminated)."""
    rows = session.execute(
        select(Process.created_at, ProcessEvent.at)
        .join(ProcessEvent, ProcessEvent.process_id == Process.id)
        .where(
            seen(sight),
            ProcessEvent.team_id == sight.team_id,
            ProcessEvent.kind == Event.RETIRED,
            ProcessEvent.at >= since,
        )
    )
    return [(r[0], r[1]) for r in rows]


def retired_savings(
    session: Session, *, sight: Sight
) -> list[tuple[float | None, float | None, float | None]]:
    """(minutes a week eliminated, estimated hours, actual hours) of each process in sight
    that is retired now."""
    rows = session.execute(
        select(
            Process.eliminated_minutes_per_week, Process.effort_hours, Process.actual_hours
        ).where(seen(sight), Process.status == Status.RETIRED)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def verified_minutes(session: Session, *, sight: Sight) -> float:
    """Minutes a week eliminated by the retired processes in sight whose elimination is
    verified (no report for 8 weeks since their retirement)."""
    total = session.scalar(
        select(func.coalesce(func.sum(Process.eliminated_minutes_per_week), 0.0)).where(
            seen(sight), Process.status == Status.RETIRED, Process.verified_at.is_not(None)
        )
    )
    return float(total or 0.0)


def due_for_verification(
    session: Session, *, retired_before: datetime, limit: int
) -> Sequence[int]:
    """The ids of retired processes, not verified yet, retired before
    `retired_before` or at it: every workspace's, the oldest retirement first."""
    rows = session.execute(
        select(Process.id)
        .where(
            Process.status == Status.RETIRED,
            Process.verified_at.is_(None),
            Process.retired_at <= retired_before,
        )
        .order_by(Process.retired_at, Process.id)
        .limit(limit)
    )
    return [int(r[0]) for r in rows]


def last_report_at(session: Session, *, process_id: int) -> datetime | None:
    """When the process was last done by hand (its covering index, 0005)."""
    return session.scalar(
        select(func.max(Occurrence.occurred_at)).where(Occurrence.process_id == process_id)
    )
