"""Processes: looked up by number or id, matched by title, created, ranked by cost, and
the one-statement card query. Keyword-only arguments; nothing here commits.

The report path runs Core statements built once here: SQLAlchemy memoises their cache keys
and compiled forms, so each execution skips the statement building and ORM loading that
cost more than the SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, bindparam, exists, func, select
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import Event, Status
from storage import history, match_index, rollups
from storage.models import (
    PROCESSES as _P,
)
from storage.models import (
    WORKSPACES as _W,
)
from storage.models import (
    Process,
    ProcessSteps,
)
from storage.rollup_tables import process_days as _D
from storage.visibility import seen
from storage.workspaces import lock_workspace


def process_by_ref(session: Session, *, team_id: str, number: int) -> Process | None:
    return session.scalars(
        select(Process).where(Process.team_id == team_id, Process.number == number)
    ).one_or_none()


def process_by_id(session: Session, *, team_id: str, process_id: int) -> Process | None:
    proc = session.get(Process, process_id)
    return proc if proc is not None and proc.team_id == team_id else None


_MATCHABLE = (
    select(_P.c.id, _P.c.title, _P.c.status)
    .where(_P.c.team_id == bindparam("team_id"), _P.c.merged_into_id.is_(None))
    .order_by(_P.c.id)
)


def matchable_titles(session: Session, *, team_id: str) -> list[tuple[int, str, str]]:
    """(id, title, status) of every process a report may attach to, by id: the full scan
    the match index (storage/match_index.py) must agree with."""
    session.flush()  # Core statements don't autoflush: let them see pending changes
    rows = session.execute(_MATCHABLE, {"team_id": team_id})
    return [(r[0], r[1], r[2]) for r in rows]


def create_process(
    session: Session,
    *,
    team_id: str,
    title: str,
    normalized_title: str,
    reporter_id: str,
    channel_id: str | None,
    now: datetime,
    private: bool = True,
) -> Process:
    ws = lock_workspace(session, team_id=team_id, now=now)
    number = ws.next_process_number
    ws.next_process_number = number + 1
    proc = Process(
        team_id=team_id,
        number=number,
        title=title,
        normalized_title=normalized_title,
        reporter_id=reporter_id,
        channel_id=channel_id,
        private=private,
        status=Status.MANUAL,
        status_changed_at=now,
        created_at=now,
    )
    session.add(proc)
    session.flush()
    match_index.index_process(session, process=proc)
    history.record(session, process=proc, kind=Event.REPORTED, actor_id=reporter_id, at=now)
    return proc


def nth_latest_created_at(session: Session, *, team_id: str, n: int) -> datetime | None:
    """When the workspace's n-th latest process was made (None: fewer than n): n steps
    down the (team, number) index, and one row read."""
    return session.scalar(
        select(_P.c.created_at)
        .where(_P.c.team_id == team_id)
        .order_by(_P.c.number.desc())
        .offset(n - 1)
        .limit(1)
    )


def declare_load(session: Session, *, process_id: int, minutes_per_week: float) -> None:
    """What the latest report form says the process costs a week (its frequency × time)."""
    session.execute(
        _P.update().where(_P.c.id == process_id).values(declared_minutes_per_week=minutes_per_week)
    )


def link_source(session: Session, *, process_id: int, link: str) -> None:
    """The Slack message that prompted the process, unless one is kept already."""
    session.execute(
        _P.update()
        .where(_P.c.id == process_id, _P.c.source_link.is_(None))
        .values(source_link=link[:1000])
    )


_merged = _P.alias("merged_into")
_S = ProcessSteps.__table__


_load = rollups.days_from(
    _D.c.process_id == bindparam("process_id"), bindparam("first_day")
).subquery("load")


_CARD = (
    select(
        _P,
        _W.c.hourly_rate,
        _W.c.currency,
        _merged.c.number.label("merged_into_number"),
        func.coalesce(_load.c.count, 0).label("load_count"),
        func.coalesce(_load.c.minutes, 0).label("load_minutes"),
        exists().where(_S.c.process_id == _P.c.id).label("documented"),
    )
    .select_from(
        _P.outerjoin(_W, _W.c.team_id == _P.c.team_id)
        .outerjoin(_merged, _merged.c.id == _P.c.merged_into_id)
        .outerjoin(_load, _load.c.process_id == _P.c.id)
    )
    .where(_P.c.id == bindparam("process_id"))
)


def card_row(session: Session, *, process_id: int, first_day: date) -> Row[Any] | None:
    """One process with all a card shows, in one statement: its columns, its workspace's
    rate and currency, the ref it was merged into, its load on the UTC days from
    `first_day` on (today's so far included), and whether its steps are written down."""
    session.flush()
    params = {"process_id": process_id, "first_day": first_day}
    return session.execute(_CARD, params).one_or_none()


def count_processes(session: Session, *, sight: Sight, statuses: Sequence[str]) -> int:
    """How many processes in sight are in one of `statuses`."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Process)
            .where(seen(sight), Process.status.in_(statuses))
        )
        or 0
    )


def in_sight(session: Session, *, sight: Sight) -> dict[int, Process]:
    """Every process in `sight`, by id (an export's few hundred: one statement)."""
    return {p.id: p for p in session.scalars(select(Process).where(seen(sight)))}
