"""`/manual-task`: the one table from each parsed command to the feature that answers it.

Every command is answered in the acknowledgement (handlers/context.py `command`); what
follows the answer travels in its `Reply`. A mention of the bot ("@coach help") runs the
same features through `route_mention`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.parsing import parse_command
from bot.domain.people import Actor
from bot.services.home import changes_something
from handlers import digests, insights, ownership, reporting, retirement, settings
from handlers.after import RefreshHome
from handlers.context import Deps, Reply, command

COMMAND = "/manual-task"
Route = Callable[[Any, Actor, Deps], Reply]

ROUTES: dict[type, Route] = {
    c.Report: reporting.report,
    c.OpenModal: reporting.open_form,
    c.Undo: reporting.undo,
    c.Help: insights.help_,
    c.ListTop: insights.list_top,
    c.Mine: insights.mine,
    c.Show: insights.show,
    c.Stats: insights.show_stats,
    c.Export: insights.export,
    c.Own: ownership.own,
    c.Assign: ownership.assign,
    c.Merge: ownership.merge,
    c.Retire: retirement.retire_command,
    c.DigestOn: digests.digest_on,
    c.DigestOff: digests.digest_off,
    c.DigestPreview: digests.digest_preview,
    c.Config: settings.open_config,
}
# What a mention may ask besides a report: "@coach help", "@coach list", …
MENTION_SHORTCUTS = {"help": c.Help(), "list": c.ListTop(), "top": c.ListTop(), "mine": c.Mine()}


def manual_task(text: str, actor: Actor, deps: Deps) -> Reply:
    """Parse the command's text and hand it to its feature."""
    cmd = parse_command(text)
    reply = ROUTES[type(cmd)](cmd, actor, deps)
    return reply.then(RefreshHome()) if changes_something(cmd) else reply


def route_mention(text: str) -> Callable[[Actor, Deps], Reply] | None:
    """The subcommand a mention's text asks for, or None (it is a report)."""
    cmd = MENTION_SHORTCUTS.get(text.lower().strip(" .!?"))
    if cmd is None:
        return None
    return lambda actor, deps: ROUTES[type(cmd)](cmd, actor, deps)


def register(app: App) -> None:
    app.command(COMMAND)(command(manual_task))
