"""The outbox: messages to a person that answer nothing they just did (a process handed
to them, a regression, a digest that stopped), kept until the nudges job delivers them in
the person's working hours, within their one bot DM of the day (bot/jobs/nudges.py).
Keyword-only arguments; nothing here commits: a notice is written in the transaction of
the change it tells of, so the one is never kept without the other. Example::

    outbox.tell(session, team_id="T1", user_id="U7", kind=Notice.HANDED_OVER,
                message=handed_over(card, by="U2"), now=now, process_id=card.process_id)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.states import Notice, Status
from storage.models import PendingDM, Process

PENDING, SENT, DROPPED, WITHDRAWN = "pending", "sent", "dropped", "withdrawn"


def tell(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    message: tuple[str, list[dict[str, Any]]],
    now: datetime,
    process_id: int | None = None,
) -> PendingDM:
    """Put `message` (fallback text and blocks, user text already escaped) in the outbox
    for `user_id`."""
    text, blocks = message
    row = PendingDM(
        team_id=team_id,
        user_id=user_id,
        kind=str(kind),
        text=str(text),
        blocks=list(blocks),
        process_id=process_id,
        created_at=now,
        status=PENDING,
    )
    session.add(row)
    session.flush()
    return row


def pending_by_user(session: Session, *, team_id: str) -> dict[str, list[PendingDM]]:
    """What waits for each person of the workspace, oldest first."""
    found: dict[str, list[PendingDM]] = defaultdict(list)
    rows = session.scalars(
        select(PendingDM)
        .where(PendingDM.team_id == team_id, PendingDM.status == PENDING)
        .order_by(PendingDM.id)
    )
    for row in rows:
        found[row.user_id].append(row)
    return dict(found)


def pending_for(session: Session, *, team_id: str, user_id: str) -> list[PendingDM]:
    """What waits for one person, oldest first."""
    return list(
        session.scalars(
            select(PendingDM)
            .where(
                PendingDM.team_id == team_id,
                PendingDM.user_id == user_id,
                PendingDM.status == PENDING,
            )
            .order_by(PendingDM.id)
        )
    )


def outdated(session: Session, rows: Iterable[PendingDM]) -> list[int]:
    """The notices among `rows` that are no longer so when they would go out: "passed P2
    to you" once P2 is someone else's (or nobody's) again, "P1 is back" once P1 was
    retired again, "P1 was retired" once it came back, and any about a process that is
    gone or merged away. (That someone took a process over, or merged it, stays true.)"""
    rows = [r for r in rows if r.process_id is not None]
    ids = {r.process_id for r in rows}
    current = {p.id: p for p in session.scalars(select(Process).where(Process.id.in_(ids)))}
    return [r.id for r in rows if _no_longer_so(r, current.get(r.process_id or 0))]


def _no_longer_so(row: PendingDM, process: Process | None) -> bool:
    if process is None or process.merged_into_id is not None:
        return True
    kept_owner = process.owner_id == row.user_id
    return {
        Notice.HANDED_OVER: not kept_owner,
        Notice.CAME_BACK: process.status != Status.CAME_BACK,
        Notice.RETIRED_FOR_YOU: process.status != Status.RETIRED,
    }.get(Notice(row.kind), False)


def settle(
    session: Session,
    *,
    ids: Iterable[int],
    now: datetime,
    status: str = SENT,
    channel_id: str | None = None,
    ts: str | None = None,
) -> None:
    """The notices `ids` went out in the DM channel_id/ts (or are `DROPPED`: Slack can't
    reach the person)."""
    picked = list(ids)
    if not picked:
        return
    session.execute(
        update(PendingDM)
        .where(PendingDM.id.in_(picked), PendingDM.status == PENDING)
        .values(status=status, settled_at=now, channel_id=channel_id, message_ts=ts)
    )


def delivered_in(session: Session, *, team_id: str, channel_id: str, ts: str) -> list[PendingDM]:
    """The notices that went out in the DM channel_id/ts, in their order."""
    return list(
        session.scalars(
            select(PendingDM)
            .where(
                PendingDM.team_id == team_id,
                PendingDM.channel_id == channel_id,
                PendingDM.message_ts == ts,
            )
            .order_by(PendingDM.id)
        )
    )


def withdraw(
    session: Session, *, team_id: str, process_id: int, kinds: Iterable[str] | None = None
) -> int:
    """Take back what still waits about `process_id` (of `kinds`, or all): what it told
    is no longer so (a regression undone, the process gone with its last report). Returns
    how many."""
    query = delete(PendingDM).where(
        PendingDM.team_id == team_id,
        PendingDM.process_id == process_id,
        PendingDM.status == PENDING,
    )
    if kinds is not None:
        query = query.where(PendingDM.kind.in_([str(k) for k in kinds]))
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def forget_person(session: Session, *, team_id: str, user_id: str) -> int:
    """`forget`: every notice to `user_id` or naming them, waiting or delivered, and every
    one about a process that no longer exists. Returns how many."""
    named = f"<@{user_id}>"
    gone = ~select(Process.id).where(Process.id == PendingDM.process_id).exists()
    query = delete(PendingDM).where(
        PendingDM.team_id == team_id,
        or_(
            PendingDM.user_id == user_id,
            PendingDM.text.contains(named, autoescape=True),
            cast(PendingDM.blocks, Text).contains(named, autoescape=True),
            PendingDM.process_id.is_not(None) & gone,
        ),
    )
    return int(session.execute(query).rowcount or 0)  # type: ignore[attr-defined]
