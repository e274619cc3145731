"""Mentions of the bot. "@coach spent 20 minutes copying leads into the CRM" is a report,
answered in the thread for everyone to see (and ➕). Anything else a mention asks runs
the subcommand `/manual-task` would (handlers/commands.py's table), and is answered only
to the person who asked, in the thread: a thread is public. Greetings and thanks get a
short answer; nothing that isn't a report is stored."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.parsing import parse_command
from bot.domain.people import Actor
from bot.domain.rules import sight_of
from bot.domain.states import Posted, Source
from bot.errors import UserError
from bot.messages.metadata import reported
from bot.messages.reports import notice, report_reply
from bot.mrkdwn import Mrkdwn, from_slack
from bot.services.reporting import record_report
from handlers import after as then
from handlers.commands import run
from handlers.context import Deps, Incoming, Reply, happened
from storage import claims

FORMS_NEED_A_COMMAND = Mrkdwn(
    "That opens a form, which a mention can't do: run `/manual-task {}` instead."
)


def _without_bot(text: str, bot_user_id: str | None) -> str:
    """The mention's text as the person typed it, without the bot's own @-mention."""
    bot = re.escape(bot_user_id or "") or r"[UW][A-Z0-9_]+"
    text = re.sub(rf"<@{bot}(?:\|[^<>]*)?>", " ", text)
    return " ".join(text.split())


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
    privately = _privately(channel, thread)
    try:
        cmd = parse_command(text) if text else c.Help()
        if not isinstance(cmd, c.Report):
            return _subcommand(cmd, text, actor, deps, privately)
        with deps.db.transaction() as session:
            result = record_report(
                session,
                team_id=actor.team_id,
                user_id=actor.user_id,
                channel_id=channel,
                text=cmd.text,
                source=Source.MENTION,
                slack_key=f"event:{event_id}",
                now=actor.now,
                sight=sight_of(actor),
                private=actor.in_private,
                shown_in=channel,  # the answer is posted in the channel's thread
                limits=deps.settings.limits,
                tz=actor.person.tz,
            )
    except UserError as err:
        return Reply(after=(privately(notice(err.text)),))
    reply = then.Post(
        channel,
        report_reply(result),
        Posted.REPORT_REPLY,
        (result.card.process_id,),
        thread,
        metadata=reported(result.card, minutes=result.minutes, reporter_id=result.reporter_id),
    )
    return Reply(after=(reply,))


def _subcommand(
    cmd: c.Command, text: str, actor: Actor, deps: Deps, privately: then.Privately
) -> Reply:
    reply = run(cmd, actor, deps)
    if any(isinstance(work, then.OpenForm) for work in reply.after):  # no trigger to open it
        return Reply(after=(privately(notice(FORMS_NEED_A_COMMAND.format(from_slack(text)))),))
    first = (privately(reply.message),) if reply.message is not None else ()
    return Reply(after=first + reply.after)


def _privately(channel: str, thread: str) -> then.Privately:
    def to_the_asker(message: then.Message) -> then.Ephemeral:
        return then.Ephemeral(channel, message, thread_ts=thread)

    return to_the_asker


def register(app: App) -> None:
    app.event("app_mention")(happened(mentioned))
