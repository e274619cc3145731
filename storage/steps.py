"""A process's steps, written down ("document to automate", 0021): every edit is a new
version with who and when; the latest is the process's steps. Keyword-only arguments;
nothing here commits.

    steps.add_version(session, process=p, text="1. Open Stripe…", author_id="U1", now=now)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import Session

from storage.models import Process, ProcessSteps

MAX_STEPS = 3000  # Slack's multi-line input allows 3,000 characters


@dataclass(frozen=True)
class Written:
    """The latest version of a process's steps."""

    text: str
    version: int
    author_id: str | None
    at: datetime


def add_version(
    session: Session, *, process: Process, text: str, author_id: str, now: datetime
) -> Written | None:
    """Keep `text` as the process's next version of its steps; None when it is the same
    as the latest (nothing changes). The caller holds the process's row lock, so two
    edits at once make two versions, one after the other."""
    text = text.replace("\x00", "").strip()[:MAX_STEPS]
    latest = latest_of(session, process_id=process.id)
    if latest is not None and latest.text == text:
        return None
    version = (latest.version if latest is not None else 0) + 1
    session.add(
        ProcessSteps(
            team_id=process.team_id,
            process_id=process.id,
            version=version,
            text=text,
            author_id=author_id,
            created_at=now,
        )
    )
    session.flush()
    return Written(text, version, author_id, now)


def latest_of(session: Session, *, process_id: int) -> Written | None:
    """The process's steps as last written, or None."""
    return latest_for(session, process_ids=[process_id]).get(process_id)


def latest_for(session: Session, *, process_ids: Sequence[int]) -> dict[int, Written]:
    """The latest steps of each of the processes that has some."""
    if not process_ids:
        return {}
    return _latest(session, ProcessSteps.process_id.in_(list(process_ids)))


def _latest(session: Session, where: ColumnElement[bool]) -> dict[int, Written]:
    newest = (
        select(ProcessSteps.process_id, func.max(ProcessSteps.version).label("v"))
        .where(where)
        .group_by(ProcessSteps.process_id)
        .subquery()
    )
    rows = session.scalars(
        select(ProcessSteps).join(
            newest,
            (newest.c.process_id == ProcessSteps.process_id) & (newest.c.v == ProcessSteps.version),
        )
    )
    return {r.process_id: Written(r.text, r.version, r.author_id, r.created_at) for r in rows}


def written_down(team_id: str) -> Select[Any]:
    """The ids of the workspace's processes with steps written down, as a subquery."""
    return select(ProcessSteps.process_id).where(ProcessSteps.team_id == team_id)


def versions(session: Session, *, process_id: int) -> int:
    """How many versions of its steps a process has."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ProcessSteps)
            .where(ProcessSteps.process_id == process_id)
        )
        or 0
    )


def latest_in(session: Session, *, team_ids: Sequence[str]) -> dict[int, Written]:
    """The latest steps of every process of the workspaces that has some (the export)."""
    return _latest(session, ProcessSteps.team_id.in_(list(team_ids)))


def forget_author(session: Session, *, team_id: str, user_id: str) -> None:
    """The person's id out of every version of the workspace's steps (storage/forget.py);
    the steps stay: they describe the work, not the person."""
    session.execute(
        update(ProcessSteps)
        .where(ProcessSteps.team_id == team_id, ProcessSteps.author_id == user_id)
        .values(author_id=None)
    )
