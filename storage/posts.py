"""The bot's own posts, remembered with the processes they are about, so that reactions
on them can be understood later. Keyword-only arguments; nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.models import (
    BotMessage,
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
