"""Answering the coaching prompts and redrawing them in place."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.messages.blocks import Block
from bot.messages.nudges import PromptItem, owner_dm, who_owns
from bot.services.cards import cards_for
from storage import coaching, queries
from storage.db import Database
from storage.models import Process

log = logging.getLogger(__name__)


def where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, ts) of the message a block action came from."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def answer(
    session: Session,
    *,
    team_id: str,
    message: tuple[str | None, str | None],
    process_id: int,
    answer: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> bool:
    channel, ts = message
    return coaching.record_answer(
        session,
        team_id=team_id,
        channel_id=channel,
        ts=ts,
        process_id=process_id,
        answer=answer,
        by=by,
        now=now,
        reason=reason,
    )


def render(
    session: Session, *, team_id: str, channel: str, ts: str, now: datetime
) -> tuple[str, list[Block]] | None:
    """The prompt message as it should look now, or None if it isn't a prompt."""
    remembered = queries.bot_message(session, team_id=team_id, channel_id=channel, ts=ts)
    if remembered is None or remembered.kind not in ("nudge", "who_owns"):
        return None
    nudges = coaching.prompt_nudges(session, team_id=team_id, channel_id=channel, ts=ts)
    procs = {
        p.id: p
        for p in session.query(Process).filter(Process.id.in_([n.process_id for n in nudges]))
    }
    cards = {c.process_id: c for c in cards_for(session, list(procs.values()), now=now)}
    items = []
    for n in nudges:
        if n.process_id not in cards:
            continue
        ans = n.answer
        proc = procs[n.process_id]
        if ans is None and proc.status == "retired":
            ans, who = "retired", proc.retired_by
        else:
            who = n.answered_by
        items.append(PromptItem(cards[n.process_id], n.kind, ans, who, n.answered_at, n.reason))
    if not items:
        return None
    if remembered.kind == "who_owns":
        return who_owns(items[0])
    return owner_dm(items)


def refresh(
    client: Any,
    db: Database,
    *,
    team_id: str,
    message: tuple[str | None, str | None],
    now: datetime,
) -> None:
    """Redraw a prompt after an answer (chat.update; no new message)."""
    channel, ts = message
    if not channel or not ts:
        return
    with db.transaction() as session:
        drawn = render(session, team_id=team_id, channel=channel, ts=ts, now=now)
    if drawn is None:
        return
    text, blocks = drawn
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except Exception as err:
        log.warning("could not redraw prompt %s/%s: %s", channel, ts, err)


def redraw_after_answer(
    client: Any,
    db: Database,
    *,
    team_id: str,
    user_id: str,
    message: tuple[str | None, str | None],
    now: datetime,
) -> None:
    """After an answer: the prompt it came from, in place, and the person's Home tab."""
    from bot.services.home import refresh_home

    refresh(client, db, team_id=team_id, message=message, now=now)
    refresh_home(client, db, team_id=team_id, user_id=user_id, now=now)
