"""The history of each process: every change of state, who made it and when (0007).

`record` is the one way a process changes state: it writes the event and, for an event
that moves the status (`STATUS_AFTER`), the new status with it, so the two cannot drift.
`set_owner` is the same for a change of owner. Keyword-only arguments; nothing here commits.

    history.record(session, process=p, kind=Event.RETIRED, actor_id="U1", at=now,
                   detail="https://github.com/acme/ops/pull/42", minutes_per_week=90.0)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from bot.domain.history import Change, HistoryLine, eliminated_series
from bot.domain.rules import Sight
from bot.domain.states import STATUS_AFTER, Event, Status
from storage import occurrences
from storage.models import EVENTS as _E
from storage.models import Process, ProcessEvent
from storage.visibility import only_seen, seen

MAX_DETAIL = 1000


def record(
    session: Session,
    *,
    process: Process,
    kind: Event,
    actor_id: str | None,
    at: datetime,
    detail: str | None = None,
    minutes_per_week: float | None = None,
) -> ProcessEvent:
    """Write one event of `process`'s history; an event that moves the status sets it."""
    status = STATUS_AFTER.get(kind)
    if status is not None:
        process.status = status
        process.status_changed_at = at
    event = ProcessEvent(
        team_id=process.team_id,
        process_id=process.id,
        kind=kind,
        actor_id=actor_id,
        at=at,
        detail=detail.replace("\x00", "")[:MAX_DETAIL] if detail else None,  # PG: no NUL
        minutes_per_week=minutes_per_week,
    )
    session.add(event)
    session.flush()
    return event


def set_owner(
    session: Session, *, process: Process, owner_id: str, actor_id: str, at: datetime
) -> bool:
    """Make `owner_id` the owner (recorded as owned, or reassigned when somebody owned it);
    False when they already were."""
    before = process.owner_id
    if before == owner_id:
        return False
    process.owner_id = owner_id
    kind = Event.OWNED if before is None else Event.REASSIGNED
    record(session, process=process, kind=kind, actor_id=actor_id, at=at, detail=owner_id)
    return True


def lines(session: Session, *, process_id: int, limit: int) -> tuple[list[HistoryLine], int]:
    """The latest `limit` events of a process, oldest first, and how many there are."""
    session.flush()
    rows = session.execute(
        select(_E.c.kind, _E.c.actor_id, _E.c.at, _E.c.detail)
        .where(_E.c.process_id == process_id)
        .order_by(_E.c.at.desc(), _E.c.id.desc())
        .limit(limit)
    ).all()
    total = session.scalar(
        select(func.count()).select_from(_E).where(_E.c.process_id == process_id)
    )
    shown = [HistoryLine(Event(r[0]), r[1], r[2], r[3]) for r in reversed(rows)]
    return shown, int(total or 0)


_STATUS_KINDS = [str(kind) for kind in STATUS_AFTER]
# Only processes retired at some point can have counted as eliminated: the others' changes
# (most of a workspace's) are not read at all. Those processes are the workspace's, so the
# outer query needs no team_id, and reads each one's events by its own index (measured on
# SQLite, 10,000 processes, 500 retired: 2.7 ms, against 4.7 ms filtering by team too).
_EVER_RETIRED = select(_E.c.process_id).where(
    _E.c.team_id == bindparam("team_id"), _E.c.kind == str(Event.RETIRED)
)
_ALL_CHANGES = (
    select(_E.c.process_id, _E.c.kind, _E.c.at, _E.c.minutes_per_week)
    .where(_E.c.process_id.in_(_EVER_RETIRED), _E.c.kind.in_(_STATUS_KINDS))
    .order_by(_E.c.at, _E.c.id)
)
_CHANGES_BEFORE = _ALL_CHANGES.where(_E.c.at < bindparam("end"))
_EVER = datetime.max.replace(tzinfo=UTC)


def _changes(session: Session, *, sight: Sight, end: datetime | None) -> list[Change]:
    session.flush()
    query = only_seen(_ALL_CHANGES if end is None else _CHANGES_BEFORE, sight, _E.c.process_id)
    params: dict[str, Any] = {"team_id": sight.team_id}
    if end is not None:
        params["end"] = end
    rows = session.execute(query, params)
    return [Change(r[0], Event(r[1]), r[2], r[3]) for r in rows]


def eliminated_as_of(session: Session, *, sight: Sight, at: datetime | None = None) -> float:
    """Minutes a week eliminated just before `at` (None: as of every change recorded, the
    total today): the processes whose state then was retired, each with what its retirement
    eliminated (the rule is bot.domain.history's)."""
    changes = _changes(session, sight=sight, end=at)
    return eliminated_series(changes, [at or _EVER])[0]


def eliminated_weekly(session: Session, *, sight: Sight, ends: list[datetime]) -> list[float]:
    """`eliminated_as_of` at each of `ends` (ascending), in one query."""
    if not ends:
        return []
    return eliminated_series(_changes(session, sight=sight, end=ends[-1]), ends)


def retirements_between(
    session: Session, *, sight: Sight, start: datetime, end: datetime, limit: int
) -> tuple[list[tuple[Process, ProcessEvent]], int]:
    """Each retirement in [start, end) with its process, most eliminated first, and how
    many there were (a process retired twice in the period counts twice)."""
    where = (
        ProcessEvent.team_id == sight.team_id,
        ProcessEvent.kind == Event.RETIRED,
        ProcessEvent.at >= start,
        ProcessEvent.at < end,
    )
    counted = select(func.count()).select_from(ProcessEvent).where(*where)
    total = session.scalar(only_seen(counted, sight, ProcessEvent.process_id))
    rows = session.execute(
        select(Process, ProcessEvent)
        .join(ProcessEvent, ProcessEvent.process_id == Process.id)
        .where(*where, seen(sight))
        .order_by(func.coalesce(ProcessEvent.minutes_per_week, 0).desc(), ProcessEvent.at)
        .limit(limit)
    )
    return [(p, e) for p, e in rows], int(total or 0)


STREAM_BATCH = 500


def stream_events(
    session: Session, *, team_ids: Sequence[str]
) -> Iterator[tuple[ProcessEvent, int]]:
    """(event, its process's number) for every process of the workspaces, by team, process
    and time, fetched in batches (the export)."""
    query = (
        select(ProcessEvent, Process.number)
        .join(Process, Process.id == ProcessEvent.process_id)
        .where(ProcessEvent.team_id.in_(team_ids))
        .order_by(ProcessEvent.team_id, Process.number, ProcessEvent.at, ProcessEvent.id)
        .execution_options(yield_per=STREAM_BATCH)
    )
    for row in session.execute(query):
        yield row[0], int(row[1])


def withdraw_came_back(session: Session, *, process: Process) -> bool:
    """Take back the process's coming back when the report that brought it back is gone
    (undone, or split off) and no other report on it was made since its retirement: the
    event goes and the process is retired again, as if that report had
    never been made. True when it was."""
    latest = session.scalars(
        select(ProcessEvent)
        .where(ProcessEvent.process_id == process.id)
        .order_by(ProcessEvent.at.desc(), ProcessEvent.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.kind != Event.CAME_BACK:
        return False
    retired = session.scalars(
        select(ProcessEvent)
        .where(ProcessEvent.process_id == process.id, ProcessEvent.kind == Event.RETIRED)
        .order_by(ProcessEvent.at.desc(), ProcessEvent.id.desc())
        .limit(1)
    ).first()
    if retired is None:
        return False
    session.flush()
    # Done by hand since it was retired: it is back, for real.
    if occurrences.done_since(session, process_id=process.id, since=retired.at):
        return False
    session.delete(latest)
    process.status = Status.RETIRED
    process.status_changed_at = retired.at
    session.flush()
    return True


def forget_actor(session: Session, *, team_id: str, user_id: str) -> None:
    """The person's id out of every history line of the workspace (storage/forget.py)."""
    in_team = ProcessEvent.team_id == team_id
    session.execute(
        update(ProcessEvent).where(in_team, ProcessEvent.actor_id == user_id).values(actor_id=None)
    )
    session.execute(
        update(ProcessEvent).where(in_team, ProcessEvent.detail == user_id).values(detail=None)
    )
