"""Queries for the coaching loop: what each process's nudge history is, and answers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import windows
from bot.domain.schedule import ProcessState
from bot.domain.states import OPEN_STATUSES, Event, PromptKind
from storage import history, rollups
from storage.models import Nudge, Process


def process_states(
    session: Session, *, team_id: str, now: datetime, window_days: int = 28
) -> list[tuple[Process, ProcessState]]:
    """Every open process of the workspace with its load (the last `window_days` UTC days,
    today so far included, read from the rollups) and when it was last asked about."""
    load = rollups.summed(team_id, windows.last_days(now, window_days))
    asked = (
        select(
            Nudge.process_id.label("pid"),
            Nudge.kind.label("kind"),
            func.max(Nudge.asked_at).label("at"),
        )
        .where(Nudge.team_id == team_id)
        .group_by(Nudge.process_id, Nudge.kind)
    )
    last: dict[tuple[int, str], datetime] = {(r.pid, r.kind): r.at for r in session.execute(asked)}
    rows = session.execute(
        select(Process, func.coalesce(load.c.m, 0), func.coalesce(load.c.n, 0))
        .outerjoin(load, load.c.pid == Process.id)
        .where(
            Process.team_id == team_id,
            Process.status.in_(OPEN_STATUSES),
            Process.merged_into_id.is_(None),
        )
    )
    found = []
    for process, minutes, count in rows:
        found.append(
            (
                process,
                ProcessState(
                    process_id=process.id,
                    status=process.status,
                    owner_id=process.owner_id,
                    minutes_in_window=int(minutes),
                    count_in_window=int(count),
                    declared_minutes_per_week=process.declared_minutes_per_week,
                    snoozed_until=process.snoozed_until,
                    review_at=process.review_at,
                    status_changed_at=process.status_changed_at,
                    last_nudged=_aware(last.get((process.id, PromptKind.NUDGE))),
                    last_followup=_aware(last.get((process.id, PromptKind.FOLLOWUP))),
                    last_who_owns=_aware(last.get((process.id, PromptKind.WHO_OWNS))),
                ),
            )
        )
    return found


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def record_prompt(
    session: Session,
    *,
    team_id: str,
    items: list[tuple[int, str, str | None]],
    channel_id: str,
    ts: str,
    now: datetime,
) -> None:
    """One Nudge row per (process id, kind, asked user) shown in the message channel/ts."""
    for process_id, kind, asked in items:
        session.add(
            Nudge(
                team_id=team_id,
                process_id=process_id,
                kind=kind,
                asked_user_id=asked,
                asked_at=now,
                channel_id=channel_id,
                message_ts=ts,
            )
        )
    session.flush()


def prompt_nudges(session: Session, *, team_id: str, channel_id: str, ts: str) -> list[Nudge]:
    return list(
        session.scalars(
            select(Nudge)
            .where(Nudge.team_id == team_id, Nudge.channel_id == channel_id, Nudge.message_ts == ts)
            .order_by(Nudge.id)
        )
    )


def record_answer(
    session: Session,
    *,
    team_id: str,
    channel_id: str | None,
    ts: str | None,
    process_id: int,
    answer: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> bool:
    """Mark the prompt about `process_id` in message channel/ts as answered."""
    if not channel_id or not ts:
        return False
    nudge = session.scalars(
        select(Nudge).where(
            Nudge.team_id == team_id,
            Nudge.channel_id == channel_id,
            Nudge.message_ts == ts,
            Nudge.process_id == process_id,
        )
    ).first()
    if nudge is None:
        return False
    nudge.answer, nudge.answered_by, nudge.answered_at, nudge.reason = answer, by, now, reason
    session.flush()
    return True


def release_owner(session: Session, *, team_id: str, owner_id: str, now: datetime) -> int:
    """Slack can't reach `owner_id` any more: the open processes they own go
    back to nobody, each with a line in its history, so that "Who owns this?" asks their
    channels. Retired ones keep their owner: the credit stays. How many went back."""
    processes = session.scalars(
        select(Process)
        .where(
            Process.team_id == team_id,
            Process.owner_id == owner_id,
            Process.status.in_(OPEN_STATUSES),
        )
        .with_for_update()
    ).all()
    for process in processes:
        process.owner_id = None
        history.record(
            session, process=process, kind=Event.RELEASED, actor_id=None, at=now, detail=owner_id
        )
    return len(processes)


def prompt_about(
    session: Session, *, team_id: str, channel_id: str, ts: str, process_id: int
) -> Nudge | None:
    """The question about `process_id` asked in message channel_id/ts, if it asked one."""
    return session.scalars(
        select(Nudge).where(
            Nudge.team_id == team_id,
            Nudge.channel_id == channel_id,
            Nudge.message_ts == ts,
            Nudge.process_id == process_id,
        )
    ).first()


def asked_again(session: Session, *, nudge: Nudge) -> bool:
    """Whether a later message asked about the same process (a newer prompt replaces it)."""
    newer = select(Nudge.id).where(
        Nudge.team_id == nudge.team_id,
        Nudge.process_id == nudge.process_id,
        Nudge.asked_at > nudge.asked_at,
        (Nudge.channel_id != nudge.channel_id) | (Nudge.message_ts != nudge.message_ts),
    )
    return session.scalars(newer.limit(1)).first() is not None
