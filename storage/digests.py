"""Digest subscriptions and the figures a digest reports over a period (what was retired
and eliminated comes from the history: storage/history.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import Answer, Covers
from storage.models import DigestSubscription, Nudge, Process
from storage.visibility import seen


def subscribe(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    cadence: str,
    weekday: int | None,
    local_time: str,
    timezone: str,
    user_id: str,
    now: datetime,
    covers: str = Covers.CHANNEL,
) -> tuple[DigestSubscription, bool]:
    """Create or replace the channel's one subscription; True when it replaced one."""
    existing = session.get(DigestSubscription, (team_id, channel_id))
    if existing is not None:
        existing.cadence, existing.weekday, existing.scope = cadence, weekday, covers
        existing.local_time, existing.timezone = local_time, timezone
        existing.created_by, existing.created_at = user_id, now
        existing.stopped_at = existing.stopped_reason = None  # subscribed again: it starts
        session.flush()
        return existing, True
    sub = DigestSubscription(
        team_id=team_id,
        channel_id=channel_id,
        cadence=cadence,
        weekday=weekday,
        local_time=local_time,
        timezone=timezone,
        created_by=user_id,
        created_at=now,
        scope=covers,
    )
    session.add(sub)
    session.flush()
    return sub, False


def unsubscribe(session: Session, *, team_id: str, channel_id: str) -> bool:
    result = session.execute(
        delete(DigestSubscription).where(
            DigestSubscription.team_id == team_id, DigestSubscription.channel_id == channel_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def subscription(session: Session, *, team_id: str, channel_id: str) -> DigestSubscription | None:
    return session.get(DigestSubscription, (team_id, channel_id))


def all_subscriptions(
    session: Session, *, team_ids: list[str], running_only: bool = False
) -> list[DigestSubscription]:
    """The workspaces' subscriptions; `running_only`: not those stopped for good."""
    if not team_ids:
        return []
    query = select(DigestSubscription).where(DigestSubscription.team_id.in_(team_ids))
    if running_only:
        query = query.where(DigestSubscription.stopped_at.is_(None))
    return list(session.scalars(query))


def stop(session: Session, *, team_id: str, channel_id: str, reason: str, now: datetime) -> bool:
    """Stop the channel's digest for good (Slack said `reason`); True only for the one call
    that stopped it, so that its creator is told once, however many replicas saw it."""
    result = session.execute(
        update(DigestSubscription)
        .where(
            DigestSubscription.team_id == team_id,
            DigestSubscription.channel_id == channel_id,
            DigestSubscription.stopped_at.is_(None),
        )
        .values(stopped_at=now, stopped_reason=reason[:64])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_period_sent(session: Session, *, team_id: str, channel_id: str, period: datetime) -> None:
    sub = session.get(DigestSubscription, (team_id, channel_id))
    if sub is not None and (sub.last_sent_period is None or sub.last_sent_period < period):
        sub.last_sent_period = period
        session.flush()


def created_between(
    session: Session, *, sight: Sight, start: datetime, end: datetime, limit: int | None
) -> tuple[list[Process], int]:
    """The processes first reported in [start, end) (the first `limit` by number; every
    one when None), and how many there are in all."""
    where = and_(
        seen(sight),
        Process.created_at >= start,
        Process.created_at < end,
        Process.merged_into_id.is_(None),
    )
    total = int(session.scalar(select(func.count()).select_from(Process).where(where)) or 0)
    rows = list(session.scalars(select(Process).where(where).order_by(Process.number).limit(limit)))
    return rows, total


def reasons_between(
    session: Session, *, sight: Sight, start: datetime, end: datetime, limit: int
) -> list[tuple[Process, str, str | None]]:
    """(process, reason, who) for each 'not worth it' answer given in the period."""
    rows = session.execute(
        select(Process, Nudge.reason, Nudge.answered_by)
        .join(Nudge, Nudge.process_id == Process.id)
        .where(
            Nudge.team_id == sight.team_id,
            seen(sight),
            Nudge.answer == Answer.NOT_WORTH,
            Nudge.answered_at >= start,
            Nudge.answered_at < end,
        )
        .order_by(Nudge.answered_at)
        .limit(limit)
    )
    return [(p, r or "no reason", who) for p, r, who in rows]
