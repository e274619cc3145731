"""`/manual-task stats`, `export` and `config`: the numbers, the data, the settings.

Each takes (parsed command, request, raw command) and returns ((text, blocks), after):
`after(client, db, team_id, now)` runs once Slack has its acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.domain import commands as c
from bot.messages.reports import notice
from bot.messages.settings import settings_modal
from bot.messages.stats import stats_message
from bot.mrkdwn import Mrkdwn
from bot.services import export, settings
from bot.services.stats import figures
from handlers.followups import After, Answer
from handlers.subcommands import Request
from storage import stats
from storage.db import Database

NOT_ADMIN = Mrkdwn(
    "Only a workspace admin can change the coach's settings. "
    "Ask one of your Slack admins to run `/manual-task config`."
)


def stats_command(cmd: c.Stats, req: Request, command: dict[str, Any]) -> tuple[Answer, None]:
    return stats_message(figures(req.session, team_id=req.team_id, now=req.now)), None


def export_command(
    cmd: c.Export, req: Request, command: dict[str, Any]
) -> tuple[Answer, After | None]:
    if stats.counts(req.session, team_id=req.team_id).reported == 0:
        return notice(Mrkdwn("Nothing to export yet: no manual work has been reported here.")), None
    user_id = req.user_id

    def send(client: Any, db: Database, team_id: str, now: datetime) -> None:
        export.send_csv(client, db, team_id=team_id, user_id=user_id, now=now)

    return notice(Mrkdwn("Sending you a CSV of processes and one of reports in a DM…")), send


def config_command(
    cmd: c.Config, req: Request, command: dict[str, Any]
) -> tuple[Answer, After | None]:
    if not req.is_admin():
        return notice(NOT_ADMIN), None
    view = settings_modal(
        settings.current(req.session, team_id=req.team_id, now=req.now),
        channel_id=req.channel_id,
    )

    def open_form(client: Any, db: Database, team_id: str, now: datetime) -> None:
        client.views_open(trigger_id=command["trigger_id"], view=view)

    return (Mrkdwn(""), []), open_form


COMMANDS: dict[type, Callable[[Any, Any, dict[str, Any]], tuple[Answer, After | None]]] = {
    c.Stats: stats_command,
    c.Export: export_command,
    c.Config: config_command,
}
