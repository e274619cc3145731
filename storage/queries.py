"""Query functions. Keyword-only arguments; they flush but never commit: the caller owns
the transaction (one per Slack request or per job)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import (
    BotMessage,
    Occurrence,
    Process,
    SlackEvent,
    SlackUser,
    Workspace,
)

ACTIVE_STATUSES = ("manual", "automating", "accepted")


@dataclass(frozen=True)
class ProcessLoad:
    """A process with its load over a window: how many times and how many minutes."""

    process: Process
    count: int
    minutes: int


def get_or_create_workspace(session: Session, *, team_id: str, now: datetime) -> Workspace:
    ws = session.get(Workspace, team_id)
    if ws is None:
        try:
            with session.begin_nested():  # the first requests of a workspace may race
                session.add(Workspace(team_id=team_id, created_at=now))
        except IntegrityError:  # another request created it first: use theirs
            pass
        ws = session.execute(select(Workspace).where(Workspace.team_id == team_id)).scalar_one()
    return ws


def lock_workspace(session: Session, *, team_id: str, now: datetime) -> Workspace:
    """The workspace row, locked for update (serialises process numbering on PostgreSQL)."""
    get_or_create_workspace(session, team_id=team_id, now=now)
    return session.execute(
        select(Workspace)
        .where(Workspace.team_id == team_id)
        .with_for_update()
        # The row is already in the identity map: read it again under the lock, or
        # next_process_number is the stale value seen before another request committed.
        .execution_options(populate_existing=True)
    ).scalar_one()


def remember_installation(
    session: Session,
    *,
    team_id: str,
    enterprise_id: str | None,
    is_enterprise_install: bool,
    now: datetime,
) -> Workspace:
    """The workspace row, noting which installation serves it: its Grid org (if any) and
    whether the install is org-wide. Writes only what changed."""
    ws = get_or_create_workspace(session, team_id=team_id, now=now)
    if ws.enterprise_id != enterprise_id:
        ws.enterprise_id = enterprise_id
    if ws.is_enterprise_install != is_enterprise_install:
        ws.is_enterprise_install = is_enterprise_install
    session.flush()
    return ws


def installation_of(session: Session, *, team_id: str) -> tuple[str | None, bool]:
    """(enterprise_id, is_enterprise_install) of a workspace; (None, False), a plain
    workspace install, when the workspace is not known yet."""
    row = session.execute(
        select(Workspace.enterprise_id, Workspace.is_enterprise_install).where(
            Workspace.team_id == team_id
        )
    ).first()
    return (row[0], bool(row[1])) if row is not None else (None, False)


def org_workspaces(session: Session, *, enterprise_id: str) -> list[Workspace]:
    """The workspaces of an Enterprise Grid org that its org-wide install serves."""
    return list(
        session.scalars(
            select(Workspace).where(
                Workspace.enterprise_id == enterprise_id,
                Workspace.is_enterprise_install.is_(True),
            )
        )
    )


def claim_event(session: Session, *, event_id: str, team_id: str | None, now: datetime) -> bool:
    """Record an event id; False when it was seen before (a Slack retry)."""
    if session.get(SlackEvent, event_id) is not None:
        return False
    session.add(SlackEvent(event_id=event_id, team_id=team_id, received_at=now))
    session.flush()
    return True


def process_by_ref(session: Session, *, team_id: str, number: int) -> Process | None:
    return session.scalars(
        select(Process).where(Process.team_id == team_id, Process.number == number)
    ).one_or_none()


def process_by_id(session: Session, *, team_id: str, process_id: int) -> Process | None:
    proc = session.get(Process, process_id)
    return proc if proc is not None and proc.team_id == team_id else None


# The report path (one `/manual-task`, mention, reaction or form) runs Core statements built
# once here: SQLAlchemy memoises their cache keys and compiled forms, so each execution
# skips the per-request statement building and ORM loading that cost more than the SQL.
_P = cast(Table, Process.__table__)
_O = cast(Table, Occurrence.__table__)
_W = cast(Table, Workspace.__table__)

_MATCHABLE = select(_P.c.id, _P.c.normalized_title, _P.c.status).where(
    _P.c.team_id == bindparam("team_id"), _P.c.merged_into_id.is_(None)
)


def matchable_titles(session: Session, *, team_id: str) -> list[tuple[int, str, str]]:
    """(id, normalized title, status) of every process a report may attach to."""
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
        status="manual",
        status_changed_at=now,
        created_at=now,
    )
    session.add(proc)
    session.flush()
    return proc


def occurrence_by_key(session: Session, *, team_id: str, slack_key: str) -> Occurrence | None:
    return session.scalars(
        select(Occurrence).where(Occurrence.team_id == team_id, Occurrence.slack_key == slack_key)
    ).one_or_none()


def _insert_occurrence(dialect: Any) -> Any:
    return (
        dialect.insert(_O)
        .on_conflict_do_nothing(index_elements=["team_id", "slack_key"])
        .returning(_O.c.id)
    )


_INSERT_OCCURRENCE = {
    "postgresql": _insert_occurrence(postgresql),
    "sqlite": _insert_occurrence(sqlite),
}


def insert_occurrence(
    session: Session,
    *,
    team_id: str,
    process_id: int,
    user_id: str,
    minutes: int,
    default_duration: bool,
    occurred_at: datetime,
    source: str,
    slack_key: str,
    text: str | None,
    channel_id: str | None,
    regression: bool = False,
) -> int | None:
    """Insert one report in a single statement; None when its Slack key is already stored
    (a retry, or a concurrent one): no ORM unit of work, no savepoint."""
    session.flush()
    statement = _INSERT_OCCURRENCE[session.get_bind().dialect.name]
    values = {
        "team_id": team_id,
        "process_id": process_id,
        "user_id": user_id,
        "minutes": minutes,
        "default_duration": default_duration,
        "occurred_at": occurred_at,
        "source": source,
        "slack_key": slack_key,
        "text": text,
        "channel_id": channel_id,
        "regression": regression,
    }
    return cast(int | None, session.execute(statement, values).scalar_one_or_none())


_merged = _P.alias("merged_into")
_load = (
    select(
        _O.c.process_id,
        func.count().label("count"),
        func.coalesce(func.sum(_O.c.minutes), 0).label("minutes"),
    )
    .where(_O.c.process_id == bindparam("process_id"), _O.c.occurred_at >= bindparam("since"))
    .group_by(_O.c.process_id)
    .subquery("load")
)
_CARD = (
    select(
        _P,
        _W.c.hourly_rate,
        _W.c.currency,
        _merged.c.number.label("merged_into_number"),
        func.coalesce(_load.c.count, 0).label("load_count"),
        func.coalesce(_load.c.minutes, 0).label("load_minutes"),
    )
    .select_from(
        _P.outerjoin(_W, _W.c.team_id == _P.c.team_id)
        .outerjoin(_merged, _merged.c.id == _P.c.merged_into_id)
        .outerjoin(_load, _load.c.process_id == _P.c.id)
    )
    .where(_P.c.id == bindparam("process_id"))
)


def card_row(session: Session, *, process_id: int, since: datetime) -> Row[Any] | None:
    """One process with all a card shows, in one statement: its columns, its workspace's
    rate and currency, the ref it was merged into, and its load since `since`."""
    session.flush()
    return session.execute(_CARD, {"process_id": process_id, "since": since}).one_or_none()


def load_of(
    session: Session, *, process_ids: Iterable[int], since: datetime
) -> dict[int, tuple[int, int]]:
    """{process id: (count, minutes)} of occurrences at or after `since`."""
    ids = list(process_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Occurrence.process_id, func.count(), func.coalesce(func.sum(Occurrence.minutes), 0))
        .where(Occurrence.process_id.in_(ids), Occurrence.occurred_at >= since)
        .group_by(Occurrence.process_id)
    )
    found = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    return {i: found.get(i, (0, 0)) for i in ids}


def top_processes(
    session: Session,
    *,
    team_id: str,
    since: datetime,
    limit: int = 10,
    owner_id: str | None = None,
    statuses: Sequence[str] = ACTIVE_STATUSES,
) -> list[ProcessLoad]:
    """The processes with the most minutes since `since`, most costly first."""
    load = (
        select(
            Occurrence.process_id.label("pid"),
            func.count().label("n"),
            func.sum(Occurrence.minutes).label("m"),
        )
        .where(Occurrence.team_id == team_id, Occurrence.occurred_at >= since)
        .group_by(Occurrence.process_id)
        .subquery()
    )
    minutes = func.coalesce(load.c.m, 0)
    query = (
        select(Process, func.coalesce(load.c.n, 0), minutes)
        .outerjoin(load, load.c.pid == Process.id)
        .where(Process.team_id == team_id, Process.status.in_(statuses))
        .order_by(minutes.desc(), Process.number)
        .limit(limit)
    )
    if owner_id is not None:
        query = query.where(Process.owner_id == owner_id)
    return [ProcessLoad(r[0], int(r[1]), int(r[2])) for r in session.execute(query)]


def count_processes(session: Session, *, team_id: str, statuses: Sequence[str]) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Process)
            .where(Process.team_id == team_id, Process.status.in_(statuses))
        )
        or 0
    )


def last_report_by(session: Session, *, team_id: str, user_id: str) -> Occurrence | None:
    return session.scalars(
        select(Occurrence)
        .where(Occurrence.team_id == team_id, Occurrence.user_id == user_id)
        .order_by(Occurrence.id.desc())
        .limit(1)
    ).first()


def recent_reports_by(
    session: Session, *, team_id: str, user_id: str, limit: int = 5
) -> list[Occurrence]:
    return list(
        session.scalars(
            select(Occurrence)
            .where(Occurrence.team_id == team_id, Occurrence.user_id == user_id)
            .order_by(Occurrence.id.desc())
            .limit(limit)
        )
    )


def delete_occurrence(session: Session, *, occurrence: Occurrence) -> None:
    """Remove a report; a process left with no reports at all is removed with it."""
    process_id = occurrence.process_id
    session.delete(occurrence)
    session.flush()
    left = session.scalar(
        select(func.count()).select_from(Occurrence).where(Occurrence.process_id == process_id)
    )
    proc = session.get(Process, process_id)
    if not left and proc is not None and proc.status == "manual" and proc.owner_id is None:
        session.delete(proc)
        session.flush()


def move_occurrences(session: Session, *, from_process: Process, to_process: Process) -> int:
    result = session.execute(
        update(Occurrence)
        .where(Occurrence.process_id == from_process.id)
        .values(process_id=to_process.id)
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def total_eliminated_minutes(session: Session, *, team_id: str) -> float:
    return float(
        session.scalar(
            select(func.coalesce(func.sum(Process.eliminated_minutes_per_week), 0.0)).where(
                Process.team_id == team_id, Process.status == "retired"
            )
        )
        or 0.0
    )


def remember_bot_message(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    ts: str,
    kind: str,
    process_ids: list[int],
    now: datetime,
) -> None:
    session.merge(
        BotMessage(
            team_id=team_id,
            channel_id=channel_id,
            ts=ts,
            kind=kind,
            process_ids=process_ids,
            created_at=now,
        )
    )
    session.flush()


def bot_message(session: Session, *, team_id: str, channel_id: str, ts: str) -> BotMessage | None:
    return session.get(BotMessage, (team_id, channel_id, ts))


def cached_user(session: Session, *, team_id: str, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, (team_id, user_id))


def save_user(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    name: str | None,
    tz: str | None,
    is_admin: bool,
    now: datetime,
) -> SlackUser:
    values = {"name": name, "tz": tz, "is_admin": is_admin, "fetched_at": now}
    user = session.get(SlackUser, (team_id, user_id))
    if user is None:
        try:
            with session.begin_nested():  # another replica may be saving the same person
                user = SlackUser(team_id=team_id, user_id=user_id, **values)
                session.add(user)
            return user
        except IntegrityError:
            user = session.get(SlackUser, (team_id, user_id))
            assert user is not None
    for key, value in values.items():
        setattr(user, key, value)
    session.flush()
    return user
