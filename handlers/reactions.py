"""Reactions on the bot's prompts: ✅ retires, 🤖 automating, 💤 snooze, ➕ "I do this too".

The reactor gets one private line in the same channel; a retirement is then celebrated.
Reactions on other messages, and other emoji, are ignored without a word.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import directory
from bot.clock import Clock
from bot.services import reactions
from handlers import followups
from handlers.common import team_of
from storage.db import Database

log = logging.getLogger(__name__)


def on_reaction(
    event: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    item, user_id, emoji = event.get("item") or {}, event.get("user"), event.get("reaction")
    channel, ts = item.get("channel"), item.get("ts")
    if emoji not in reactions.EMOJI or item.get("type") != "message" or not (channel and ts):
        return
    if not user_id or user_id == context.bot_user_id:
        return
    team_id, now = team_of(body, context), clock.now()
    event_id = body.get("event_id") or f"reaction:{channel}:{ts}:{user_id}:{emoji}"
    with db.transaction() as session:

        def is_admin() -> bool:
            return directory.lookup(
                session, client, team_id=team_id, user_id=user_id, now=now
            ).is_admin

        outcome = reactions.react(
            session,
            team_id=team_id,
            event_id=str(event_id),
            user_id=user_id,
            channel_id=channel,
            ts=ts,
            emoji=emoji,
            is_admin=is_admin,
            now=now,
        )
    if outcome is None:
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user_id, text=outcome.text)
    except SlackApiError as err:  # e.g. not in the channel: the change itself stands
        log.warning("chat.postEphemeral to %s in %s failed: %s", user_id, channel, err)
    if outcome.retired is not None:
        followups.celebrate(outcome.retired)(client, db, team_id, now)
    if outcome.report is not None and (after := followups.after_report(outcome.report)):
        after(client, db, team_id, now)


def register(app: App) -> None:
    app.event("reaction_added")(on_reaction)
