""" "@coach spent 20 minutes copying leads into the CRM": a mention is a report, answered
in the thread; "@coach help", "@coach list" and "@coach mine" answer like the subcommands
(handlers/commands.py has the table)."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.domain.people import Actor
from bot.domain.states import Posted, Source
from bot.errors import UserError
from bot.messages.reports import notice, report_reply
from bot.mrkdwn import from_slack
from bot.services.reporting import record_report
from handlers import after as then
from handlers.commands import route_mention
from handlers.context import Deps, Incoming, Reply, happened
from storage import claims


def _without_bot(text: str, bot_user_id: str | None) -> str:
    """The mention's text as the person typed it, without the bot's own @-mention."""
    bot = re.escape(bot_user_id or "") or r"[UW][A-Z0-9_]+"
    text = re.sub(rf"<@{bot}(?:\|[^<>]*)?>", " ", text)
    return " ".join(from_slack(text).split())


def mentioned(incoming: Incoming, actor: Actor, deps: Deps) -> Reply | None:
    event, body = incoming.event, incoming.body
    channel = event.get("channel")
    if not isinstance(channel, str) or event.get("bot_id"):
        return None
    event_id = str(body.get("event_id") or f"ts:{channel}:{event.get('ts')}")
    with deps.db.transaction() as session:
        if not claims.claim_event(session, event_id=event_id, team_id=actor.team_id, now=actor.now):
            return None  # a Slack retry of an event already handled
    text = _without_bot(str(event.get("text") or ""), incoming.bot_user_id)
    thread = str(event.get("thread_ts") or event.get("ts"))
    subcommand = route_mention(text)
    try:
        if subcommand is not None:
            message = subcommand(actor, deps).message
            if message is not None:
                return Reply(after=(then.Post(channel, message, Posted.REPORT_REPLY, (), thread),))
            return None
        with deps.db.transaction() as session:
            result = record_report(
                session,
                team_id=actor.team_id,
                user_id=actor.user_id,
                channel_id=channel,
                text=text,
                source=Source.MENTION,
                slack_key=f"event:{event_id}",
                now=actor.now,
            )
    except UserError as err:
        return Reply(after=(then.Post(channel, notice(err.text), Posted.REPORT_REPLY, (), thread),))
    reply = then.Post(
        channel, report_reply(result), Posted.REPORT_REPLY, (result.card.process_id,), thread
    )
    return Reply(after=(reply, *then.after_report(result)))


def register(app: App) -> None:
    app.event("app_mention")(happened(mentioned))
