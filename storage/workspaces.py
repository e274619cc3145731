"""Workspaces: finding (or making) a workspace's row, locking it to number processes, and
which installation serves it. Keyword-only arguments; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import (
    Workspace,
)


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


def team_ids(session: Session, *, served_only: bool = False) -> list[str]:
    """Every workspace we hold data for, by id; `served_only`: those that have the app
    installed (not uninstalled)."""
    query = select(Workspace.team_id).order_by(Workspace.team_id)
    if served_only:
        query = query.where(Workspace.uninstalled_at.is_(None))
    return list(session.scalars(query))


def by_ids(session: Session, *, team_ids: Sequence[str]) -> list[Workspace]:
    return list(
        session.scalars(
            select(Workspace).where(Workspace.team_id.in_(team_ids)).order_by(Workspace.team_id)
        )
    )


def token_gone(session: Session, *, team_id: str, now: datetime) -> bool:
    """Slack says the workspace's token no longer works (revoked, the workspace deleted):
    serve it no more, as after an uninstall, until the app is installed again (which
    clears it). True only for the call that stopped it."""
    result = session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id, Workspace.uninstalled_at.is_(None))
        .values(uninstalled_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
