"""A channel team's size and the workspace's toil budget, as admins set them, and the
business volume an admin records each month (migration 0022). Keyword-only; never
commits: the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage import workspaces
from storage.decision_tables import business_volumes as _V
from storage.decision_tables import channel_teams as _T


def team_size(session: Session, *, team_id: str, channel_id: str) -> int | None:
    """The size an admin set for the channel's team, or None (counted from reports)."""
    query = select(_T.c.size).where(_T.c.team_id == team_id, _T.c.channel_id == channel_id)
    found = session.execute(query).scalar_one_or_none()
    return None if found is None else int(found)


def set_team_size(
    session: Session, *, team_id: str, channel_id: str, size: int | None, by: str, now: datetime
) -> None:
    """Set (or, with None, clear) the size of the channel's team."""
    workspaces.lock_workspace(session, team_id=team_id, now=now)  # one writer at a time
    where = (_T.c.team_id == team_id, _T.c.channel_id == channel_id)
    session.execute(delete(_T).where(*where))
    if size is not None:
        session.execute(
            _T.insert().values(
                team_id=team_id, channel_id=channel_id, size=size, set_by=by, set_at=now
            )
        )


def set_budget(session: Session, *, team_id: str, percent: int | None, now: datetime) -> None:
    """The workspace's toil budget, in percent of a team's working hours (None: 50%)."""
    ws = workspaces.lock_workspace(session, team_id=team_id, now=now)
    ws.toil_budget_percent = percent
    session.flush()


@dataclass(frozen=True)
class Volume:
    month: date  # its first day
    amount: float
    unit: str


def record_volumes(
    session: Session, *, team_id: str, volumes: Sequence[Volume], by: str, now: datetime
) -> None:
    """Record (or correct) the business volume of each month given, all at once."""
    workspaces.lock_workspace(session, team_id=team_id, now=now)
    for v in volumes:
        session.execute(delete(_V).where(_V.c.team_id == team_id, _V.c.month == v.month))
        session.execute(
            _V.insert().values(
                team_id=team_id,
                month=v.month,
                amount=v.amount,
                unit=v.unit,
                recorded_by=by,
                recorded_at=now,
            )
        )


def volumes(session: Session, *, team_id: str, since: date) -> list[Volume]:
    """The volumes recorded for the months from `since` on, oldest first."""
    query = (
        select(_V.c.month, _V.c.amount, _V.c.unit)
        .where(_V.c.team_id == team_id, _V.c.month >= since)
        .order_by(_V.c.month)
    )
    return [Volume(m, float(a), str(u)) for m, a, u in session.execute(query)]


def forget_setter(session: Session, *, team_id: str, user_id: str) -> None:
    """`forget`: a team's size and a month's volume stay, who set them goes."""
    session.execute(
        update(_T).where(_T.c.team_id == team_id, _T.c.set_by == user_id).values(set_by="")
    )
    session.execute(
        update(_V)
        .where(_V.c.team_id == team_id, _V.c.recorded_by == user_id)
        .values(recorded_by="")
    )
