"""`/manual-task`: report manual work, or run a subcommand. Always answers in the ack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.clock import Clock
from bot.domain import commands as c
from bot.errors import UserError
from bot.messages import modals
from bot.messages.reports import notice, report_reply
from bot.mrkdwn import Mrkdwn
from bot.services import home
from bot.services.reports import record_report
from handlers import digests, followups, insights
from handlers.common import answering_errors, team_of
from handlers.subcommands import SUBCOMMANDS, Request
from storage.db import Database

COMMAND = "/manual-task"
# Subcommands that may have work to do after the acknowledgement.
ROUTES = {**followups.COMMANDS, **digests.COMMANDS, **insights.COMMANDS}


def manual_task(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
    later: Callable[..., None],
) -> None:
    with answering_errors(ack):
        cmd = c.parse_command(command.get("text") or "")
        team_id, now = team_of(command, context), clock.now()
        if isinstance(cmd, c.OpenModal):
            ack()
            later(
                client.views_open,
                trigger_id=command["trigger_id"],
                view=modals.report_modal(channel_id=command.get("channel_id")),
            )
            return
        after = None
        with db.transaction() as session:
            req = Request(
                session, client, team_id, command["user_id"], command.get("channel_id"), now
            )
            if isinstance(cmd, c.Report):
                result = record_report(
                    session,
                    team_id=team_id,
                    user_id=req.user_id,
                    channel_id=req.channel_id,
                    text=cmd.text,
                    source="command",
                    slack_key=f"command:{command['trigger_id']}",
                    now=now,
                )
                text, blocks = report_reply(result)
                after = followups.after_report(result)
            elif type(cmd) in ROUTES:
                (text, blocks), after = ROUTES[type(cmd)](cmd, req, command)
            elif type(cmd) in SUBCOMMANDS:
                text, blocks = SUBCOMMANDS[type(cmd)](cmd, req)
            else:
                word = (command.get("text") or "").split()[0].lower()
                raise UserError(
                    Mrkdwn(
                        "`{}` isn't available yet. `/manual-task help` shows what I can do."
                    ).format(word[:30])
                )
        if text:
            ack(text=text, blocks=blocks or notice(text)[1])
        else:
            ack()
        if after is not None:
            later(after, client, db, team_id, now)
        if home.changes_something(cmd):
            home.refresh_home(client, db, team_id=team_id, user_id=command["user_id"], now=now)


def register(app: App) -> None:
    app.command(COMMAND)(manual_task)
