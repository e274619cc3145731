"""`/manual-task`: the one table from each parsed command to the feature that answers it.

Every command is answered in the acknowledgement (handlers/context.py `command`); what
follows the answer travels in its `Reply`. A mention of the bot ("@coach show P3") runs
the same table (handlers/mentions.py), and so does "Did you mean `list`?"'s button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.parsing import parse_command
from bot.domain.people import Actor
from bot.domain.rules import GUESTS_SEE_THEIR_OWN
from bot.ids import Action
from bot.messages.conversation import did_you_mean, greeting
from bot.messages.reports import notice
from bot.services.home import changes_something
from handlers import (
    decisions,
    digests,
    effort,
    forget,
    insights,
    ownership,
    reporting,
    retirement,
    settings,
)
from handlers.after import RefreshHome, Replace
from handlers.context import Deps, Reply, clicked, command

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
    c.Peek: insights.peek,
    c.Stats: insights.show_stats,
    c.Export: insights.export,
    c.Own: ownership.own,
    c.Assign: ownership.assign,
    c.Merge: ownership.merge,
    c.Retire: retirement.retire_command,
    c.Steps: effort.steps_command,
    c.Effort: effort.effort_command,
    c.DigestOn: digests.digest_on,
    c.DigestOff: digests.digest_off,
    c.DigestPreview: digests.digest_preview,
    c.Config: settings.open_config,
    c.Forget: forget.forget_command,
    c.Toil: decisions.toil,
    c.Volume: decisions.volume,
    c.Greeting: lambda cmd, actor, deps: Reply(greeting(thanks=cmd.thanks)),
    c.DidYouMean: lambda cmd, actor, deps: Reply(did_you_mean(cmd.typed, cmd.suggestion)),
}


# A channel's digest is the channel's business: a guest sees their own reports only
# (bot/domain/rules.py; `list`, `stats` and the rest show them only those).
NOT_FOR_GUESTS = (c.DigestOn, c.DigestOff, c.DigestPreview, c.Toil)


def run(cmd: c.Command, actor: Actor, deps: Deps) -> Reply:
    """Hand a parsed command to its feature (a slash command, a mention, a button)."""
    if actor.is_guest and isinstance(cmd, NOT_FOR_GUESTS):
        return Reply(notice(GUESTS_SEE_THEIR_OWN))
    return ROUTES[type(cmd)](cmd, actor, deps)


def manual_task(text: str, actor: Actor, deps: Deps) -> Reply:
    """Parse the command's text and hand it to its feature."""
    cmd = parse_command(text)
    reply = run(cmd, actor, deps)
    return reply.then(RefreshHome()) if changes_something(cmd) else reply


def run_suggested(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Did you mean `list`?" → [Run list]: the suggestion, as if typed; its answer takes
    the question's place."""
    reply = manual_task(str(action.get("value") or "help"), actor, deps)
    if reply.message is None:
        return Reply(after=reply.after)
    return Reply(after=(Replace(reply.message), *reply.after))


def register(app: App) -> None:
    app.command(COMMAND)(command(manual_task))
    app.action(Action.RUN_SUGGESTED.value)(clicked(run_suggested))
