"""Mentions: "@coach spent 20 minutes copying leads into the CRM" records a report and
answers in the thread; "@coach help" and "@coach list" answer like the subcommands."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import announce
from bot.clock import Clock
from bot.domain import commands as c
from bot.messages.reports import notice, report_reply
from bot.mrkdwn import from_slack
from bot.services.reports import record_report
from handlers import followups
from handlers.common import USER_ERRORS, team_of
from handlers.subcommands import SUBCOMMANDS, Request
from storage import queries
from storage.db import Database


def _without_bot(text: str, bot_user_id: str | None) -> str:
    """The mention's text as the person typed it, without the bot's own @-mention."""
    bot = re.escape(bot_user_id or "") or r"[UW][A-Z0-9_]+"
    text = re.sub(rf"<@{bot}(?:\|[^<>]*)?>", " ", text)
    return " ".join(from_slack(text).split())


SHORTCUTS = {"help": c.Help(), "list": c.ListTop(), "top": c.ListTop(), "mine": c.Mine()}


def on_mention(
    event: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    team_id, now = team_of(body, context), clock.now()
    user_id, channel = event.get("user"), event.get("channel")
    if not user_id or not channel or event.get("bot_id"):
        return
    text = _without_bot(event.get("text") or "", context.bot_user_id)
    thread = event.get("thread_ts") or event.get("ts")
    after = None
    with db.transaction() as session:
        if not queries.claim_event(
            session,
            event_id=body.get("event_id") or f"ts:{channel}:{event.get('ts')}",
            team_id=team_id,
            now=now,
        ):
            return  # a Slack retry of an event already handled
        req = Request(session, client, team_id, user_id, channel, now)
        shortcut = SHORTCUTS.get(text.lower().strip(" .!?"))
        process_ids: list[int] = []
        try:
            if shortcut is not None:
                text_out, blocks = SUBCOMMANDS[type(shortcut)](shortcut, req)
            else:
                result = record_report(
                    session,
                    team_id=team_id,
                    user_id=user_id,
                    channel_id=channel,
                    text=text,
                    source="mention",
                    slack_key=f"event:{body.get('event_id')}",
                    now=now,
                )
                text_out, blocks = report_reply(result)
                process_ids = [result.card.process_id]
                after = followups.after_report(result)
        except USER_ERRORS as err:
            text_out, blocks = notice(err.text)
    announce.post(
        client,
        db.transaction,
        team_id=team_id,
        channel=channel,
        text=text_out,
        blocks=blocks,
        kind="report_reply",
        process_ids=process_ids,
        now=now,
        thread_ts=thread,
    )
    if after is not None:
        after(client, db, team_id, now)


def register(app: App) -> None:
    app.event("app_mention")(on_mention)
