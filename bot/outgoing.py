"""Sending the bot's own messages (channel posts, DMs) and remembering which processes they
are about, so that reactions on them can be understood later."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.messages.blocks import Block
from bot.mrkdwn import Mrkdwn
from storage import posts

log = logging.getLogger(__name__)


def post(
    client: Any,
    session_factory: Any,
    *,
    team_id: str,
    channel: str,
    text: Mrkdwn,
    blocks: list[Block],
    kind: str,
    process_ids: list[int],
    now: datetime,
    thread_ts: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> str | None:
    """Post a message (slack_sdk retries 429s and 5xx), with its `metadata` for other apps;
    remember it; return its ts. A failure is logged and returns None: the caller's own
    work is already committed."""
    try:
        resp = client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            metadata=metadata,
        )
    except Exception as err:
        log.warning("chat.postMessage to %s failed: %s", channel, err)
        return None
    ts = str(resp["ts"])
    remember(
        session_factory,
        team_id=team_id,
        channel=str(resp.get("channel") or channel),
        ts=ts,
        kind=kind,
        process_ids=process_ids,
        now=now,
    )
    return ts


def remember(
    session_factory: Any,
    *,
    team_id: str,
    channel: str,
    ts: str,
    kind: str,
    process_ids: list[int],
    now: datetime,
) -> None:
    with session_factory() as session:
        remember_in(
            session,
            team_id=team_id,
            channel=channel,
            ts=ts,
            kind=kind,
            process_ids=process_ids,
            now=now,
        )


def remember_in(session: Session, **kw: Any) -> None:
    """Remember a posted message inside the caller's transaction."""
    posts.remember_bot_message(
        session,
        team_id=kw["team_id"],
        channel_id=kw["channel"],
        ts=kw["ts"],
        kind=kw["kind"],
        process_ids=kw["process_ids"],
        now=kw["now"],
    )


def dm(
    client: Any,
    *,
    user_id: str,
    text: Mrkdwn,
    blocks: list[Block],
    pace: Callable[[], object] | None = None,
) -> tuple[str, str] | None:
    """Send a direct message; return (channel, ts) or None when Slack refused.
    `pace` (a token bucket's `acquire`) is called right before the post."""
    try:
        return send_dm(client, user_id=user_id, text=text, blocks=blocks, pace=pace)
    except Exception as err:
        log.warning("DM to %s failed: %s", user_id, err)
        return None


def send_dm(
    client: Any,
    *,
    user_id: str,
    text: Mrkdwn,
    blocks: list[Block],
    pace: Callable[[], object] | None = None,
) -> tuple[str, str]:
    """`dm`, raising Slack's refusal (for a caller that decides what a refusal stops)."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    if pace is not None:
        pace()
    resp = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    return str(channel), str(resp["ts"])
