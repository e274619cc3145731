"""Deleting data for good: one person's reports in a workspace, or a whole workspace.
Keyword-only, never commits (the caller's transaction makes it all or nothing).

A workspace goes from every table that has a `team_id` column, found from the models'
metadata (so a table added later is covered without a change here), and from slack_sdk's
installation stores."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.orm import Session

from storage import history, outbox, steps, teams
from storage.models import (
    Base,
    Delivery,
    DigestSubscription,
    Nudge,
    Occurrence,
    Process,
    RejectedMatch,
    SlackUser,
)
from storage.occurrences import remove_if_empty

USER_ID = re.compile(r"[UW][A-Z0-9_]{2,31}")  # "_": the stand-in's ids (U_ANA)
# slack_sdk's SQLAlchemy stores (migration 0002), not in our models' metadata.
_SLACK_STORES = ("slack_installations", "slack_bots")


@dataclass(frozen=True)
class Forgotten:
    """What went: reports deleted, processes that went with them (no other report)."""

    reports: int
    processes: int


def reports_of(session: Session, *, team_id: str, user_id: str) -> Forgotten:
    """What `forget_person` would delete, to ask before it does."""
    reports = session.scalar(
        select(func.count())
        .select_from(Occurrence)
        .where(Occurrence.team_id == team_id, Occurrence.user_id == user_id)
    )
    others = (
        select(Occurrence.process_id)
        .where(Occurrence.team_id == team_id, Occurrence.user_id != user_id)
        .distinct()
    )
    alone = session.scalar(
        select(func.count(func.distinct(Occurrence.process_id))).where(
            Occurrence.team_id == team_id,
            Occurrence.user_id == user_id,
            Occurrence.process_id.not_in(others),
        )
    )
    return Forgotten(int(reports or 0), int(alone or 0))


def forget_person(session: Session, *, team_id: str, user_id: str) -> Forgotten:
    """Raises ValueError for anything but a Slack user id (an empty one would match every
    delivery key). Delete the person's reports, the processes left with none, and what the bot knows
    of them; where they owned, retired or first reported a process that stays, their id
    goes (the first reporter becomes the earliest remaining one)."""
    if not USER_ID.fullmatch(user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    touched = set(
        session.scalars(
            select(Occurrence.process_id)
            .where(Occurrence.team_id == team_id, Occurrence.user_id == user_id)
            .distinct()
        )
    )
    reports = session.execute(
        delete(Occurrence).where(Occurrence.team_id == team_id, Occurrence.user_id == user_id)
    ).rowcount  # type: ignore[attr-defined]
    session.execute(  # reports they sent for others stay, their doer's: the sender goes
        update(Occurrence)
        .where(Occurrence.team_id == team_id, Occurrence.submitted_by == user_id)
        .values(submitted_by=None)
    )
    session.flush()
    gone = sum(remove_if_empty(session, process_id=pid) for pid in sorted(touched))
    in_team = Process.team_id == team_id
    session.execute(
        update(Process).where(in_team, Process.owner_id == user_id).values(owner_id=None)
    )
    session.execute(
        update(Process).where(in_team, Process.retired_by == user_id).values(retired_by=None)
    )
    for process in session.scalars(select(Process).where(in_team, Process.reporter_id == user_id)):
        first = session.scalar(
            select(Occurrence.user_id)
            .where(Occurrence.process_id == process.id)
            .order_by(Occurrence.occurred_at, Occurrence.id)
            .limit(1)
        )
        process.reporter_id = first or ""
    session.execute(delete(Nudge).where(Nudge.team_id == team_id, Nudge.asked_user_id == user_id))
    session.execute(
        update(Nudge)
        .where(Nudge.team_id == team_id, Nudge.answered_by == user_id)
        .values(answered_by=None)
    )
    session.execute(
        delete(Delivery).where(
            Delivery.team_id == team_id, Delivery.key.contains(user_id, autoescape=True)
        )
    )
    session.execute(
        delete(SlackUser).where(SlackUser.team_id == team_id, SlackUser.user_id == user_id)
    )
    history.forget_actor(session, team_id=team_id, user_id=user_id)
    steps.forget_author(session, team_id=team_id, user_id=user_id)
    session.flush()
    outbox.forget_person(session, team_id=team_id, user_id=user_id)
    session.execute(  # who told two titles apart: the pair stays, their name goes
        update(RejectedMatch)
        .where(RejectedMatch.team_id == team_id, RejectedMatch.rejected_by == user_id)
        .values(rejected_by="")
    )
    session.execute(
        update(DigestSubscription)
        .where(DigestSubscription.team_id == team_id, DigestSubscription.created_by == user_id)
        .values(created_by="")
    )
    teams.forget_setter(session, team_id=team_id, user_id=user_id)
    session.flush()
    return Forgotten(int(reports or 0), gone)


def forget_workspace(session: Session, *, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace, children before parents; rows deleted by table."""
    deleted: dict[str, int] = {}
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.c:
            result = session.execute(delete(table).where(table.c.team_id == team_id))
            deleted[table.name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    present = set(inspect(session.connection()).get_table_names())
    for name in _SLACK_STORES:
        if name in present:  # a database made without the OAuth stores has none
            result = session.execute(text(f"DELETE FROM {name} WHERE team_id = :t"), {"t": team_id})
            deleted[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
    session.flush()
    return deleted
