"""Occurrences (reports of manual work): stored idempotently by their Slack key, summed
over windows, listed per person, moved and removed. Keyword-only arguments; nothing here
commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage import match_index
from storage.models import (
    OCCURRENCES as _O,
)
from storage.models import (
    Occurrence,
    Process,
)
from storage.rollup_tables import process_reporters


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
    submitted_by: str | None = None,
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
        "submitted_by": submitted_by,
    }
    return cast(int | None, session.execute(statement, values).scalar_one_or_none())


def last_report_by(session: Session, *, team_id: str, user_id: str) -> Occurrence | None:
    return session.scalars(
        select(Occurrence)
        .where(Occurrence.team_id == team_id, Occurrence.user_id == user_id)
        .order_by(Occurrence.id.desc())
        .limit(1)
    ).first()


# Built once (SQLAlchemy then reuses its compiled form): the report path runs it each time.
_RECENT_BY = select(
    func.coalesce(func.sum(case((_O.c.occurred_at >= bindparam("minute_ago"), 1), else_=0)), 0),
    func.coalesce(
        func.sum(
            case(
                (
                    and_(
                        _O.c.process_id == bindparam("process_id"),
                        _O.c.occurred_at >= bindparam("day_start"),
                    ),
                    _O.c.minutes,
                ),
                else_=0,
            )
        ),
        0,
    ),
).where(
    _O.c.team_id == bindparam("team_id"),
    _O.c.user_id == bindparam("user_id"),
    _O.c.occurred_at >= bindparam("since"),
)


def recent_by(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    process_id: int,
    minute_ago: datetime,
    day_start: datetime,
) -> tuple[int, int]:
    """(the person's reports since `minute_ago`, their minutes on the process since
    `day_start`): one range of the (team, user, time) index, which covers both."""
    session.flush()
    params = {
        "team_id": team_id,
        "user_id": user_id,
        "process_id": process_id,
        "minute_ago": minute_ago,
        "day_start": day_start,
        "since": min(minute_ago, day_start),
    }
    row = session.execute(_RECENT_BY, params).one()
    return int(row[0]), int(row[1])


def recent_on(
    session: Session, *, process_ids: Sequence[int], since: datetime
) -> dict[str, list[tuple[datetime, int]]]:
    """{reporter: [(when, minutes), …]} of the reports on `process_ids` since `since`."""
    found: dict[str, list[tuple[datetime, int]]] = {}
    rows = session.execute(
        select(Occurrence.user_id, Occurrence.occurred_at, Occurrence.minutes).where(
            Occurrence.process_id.in_(process_ids), Occurrence.occurred_at >= since
        )
    )
    for user_id, at, minutes in rows:
        found.setdefault(user_id, []).append((at, int(minutes)))
    return found


def submitted_since(session: Session, *, team_id: str, user_id: str, since: datetime) -> int:
    """How many reports naming someone else `user_id` sent since `since` (0020's index)."""
    return int(
        session.scalar(
            select(func.count()).where(
                Occurrence.team_id == team_id,
                Occurrence.submitted_by == user_id,
                Occurrence.occurred_at >= since,
            )
        )
        or 0
    )


def processes_reported_by(
    session: Session, *, user_id: str, process_ids: Sequence[int]
) -> set[int]:
    """Which of `process_ids` the person has reported at least once: read from
    `process_reporters` by its key (a row per process and reporter with any reports),
    never from the occurrences, whose user and process are in no index together."""
    if not process_ids:
        return set()
    session.flush()
    return set(
        session.scalars(
            select(process_reporters.c.process_id).where(
                process_reporters.c.process_id.in_(process_ids),
                process_reporters.c.user_id == user_id,
            )
        )
    )


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


def delete_occurrence(session: Session, *, occurrence: Occurrence) -> bool:
    """Remove a report; a process left with no reports at all (and nothing merged into
    it) is removed with it, whatever its state. True when the process went too."""
    process_id = occurrence.process_id
    session.delete(occurrence)
    session.flush()
    return remove_if_empty(session, process_id=process_id)


def remove_if_empty(session: Session, *, process_id: int) -> bool:
    """Remove a process that has no report and nothing merged into it; True if it went."""
    left = reports_at_most(session, process_id=process_id, most=0)
    merged_in = session.scalar(
        select(Process.id).where(Process.merged_into_id == process_id).limit(1)
    )
    proc = session.get(Process, process_id)
    if left or merged_in is not None or proc is None:
        return False
    match_index.unindex_process(session, process=proc)
    session.delete(proc)
    session.flush()
    return True


def mark_regressions(session: Session, *, process_id: int, since: datetime) -> str | None:
    """Mark the process's reports made after `since` as regressions; who made the first
    of them (None: there are none)."""
    session.flush()
    later = (Occurrence.process_id == process_id, Occurrence.occurred_at > since)
    first = session.scalar(
        select(Occurrence.user_id).where(*later).order_by(Occurrence.occurred_at).limit(1)
    )
    if first is not None:
        session.execute(update(Occurrence).where(*later).values(regression=True))
    return first


def reports_at_most(session: Session, *, process_id: int, most: int) -> int:
    """How many reports the process has, counted up to `most` (past it: `most` + 1), so
    the answer never costs more than `most` + 1 rows, however long its history."""
    found = select(Occurrence.id).where(Occurrence.process_id == process_id).limit(most + 1)
    return len(session.scalars(found).all())


def done_since(session: Session, *, process_id: int, since: datetime) -> bool:
    """Whether the process has a report made after `since`."""
    found = select(Occurrence.id).where(
        Occurrence.process_id == process_id, Occurrence.occurred_at > since
    )
    return session.scalar(found.limit(1)) is not None


def move_occurrences(session: Session, *, from_process: Process, to_process: Process) -> int:
    result = session.execute(
        update(Occurrence)
        .where(Occurrence.process_id == from_process.id)
        .values(process_id=to_process.id)
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def latest_of(session: Session, *, process_id: int, limit: int) -> list[tuple[str, int, datetime]]:
    """(who, minutes, when) of a process's `limit` latest reports, newest first: read by
    its index, never its every report."""
    rows = session.execute(
        select(Occurrence.user_id, Occurrence.minutes, Occurrence.occurred_at)
        .where(Occurrence.process_id == process_id)
        .order_by(Occurrence.occurred_at.desc(), Occurrence.id.desc())
        .limit(limit)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def recent_minutes(session: Session, *, process_id: int, limit: int) -> list[int]:
    """The minutes of a process's `limit` latest reports, newest first: `latest_of`'s
    order, but read from the index alone (process, time, minutes hold no reporter)."""
    return list(
        session.scalars(
            select(Occurrence.minutes)
            .where(Occurrence.process_id == process_id)
            .order_by(Occurrence.occurred_at.desc(), Occurrence.id.desc())
            .limit(limit)
        )
    )
