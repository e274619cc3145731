"""Decisions about a process: `steps P7` and its form (the steps written down, each save
a version), the "Write down the steps" button on a report's reply, `effort P7 30h`, and
the form "How long will it take?" that follows "I'll automate it"."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.people import Actor
from bot.ids import Action, Callback, Field
from bot.messages import effort as msg
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn
from bot.services import effort, lookup
from handlers.after import Ephemeral, OpenForm, Redraw, RefreshHome
from handlers.context import Deps, Reply, clicked, refused_on, submitted
from handlers.forms import form_hours
from handlers.payloads import form_memory, form_values, message_of, opened_from


def steps_command(cmd: c.Steps, actor: Actor, deps: Deps) -> Reply:
    """`steps P7`: the form to write its steps down (or edit them)."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref)
        card = effort.card_with_steps(session, actor, process)
    if not actor.trigger_id:  # a mention: Slack gives no way to open a form
        return Reply(
            notice(Mrkdwn("Type `/manual-task steps {}` to open the form.").format(card.ref))
        )
    return Reply(after=(OpenForm(msg.steps_modal(card, channel=actor.channel_id)),))


def write_steps(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Write down the steps" on a report's reply: the same form."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=action.get("value"))
        card = effort.card_with_steps(session, actor, process)
    channel = message_of(body)[0] or actor.channel_id
    return Reply(after=(OpenForm(msg.steps_modal(card, channel=channel)),))


def submit_steps(body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """The steps form: a new version, unless nothing changed."""
    got, info = form_values(view), form_memory(view)
    channel = info.get("channel") if isinstance(info.get("channel"), str) else None
    with refused_on(Field.STEPS), deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=info.get("process"))
        before = effort.card_with_steps(session, actor, process).steps
        card = effort.write_steps(session, actor, process, text=got.get(Field.STEPS) or "")
    unchanged = before is not None and card.steps is not None and before == card.steps
    told = msg.steps_unchanged(card) if unchanged else msg.steps_saved(card)
    return Reply(after=(Ephemeral(channel, told), RefreshHome()))


def effort_command(cmd: c.Effort, actor: Actor, deps: Deps) -> Reply:
    """`effort P7 30h`: the estimate (or, retired, the hours it took)."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref, lock=True)
        card = effort.set_effort(session, actor, process, hours=cmd.hours)
    return Reply(msg.effort_saved(card))


def submit_effort(body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "How long will it take?": optional; left empty, nothing changes."""
    got, info = form_values(view), form_memory(view)
    hours = form_hours(got.get(Field.EFFORT), Field.EFFORT)
    if hours is None:
        return Reply()
    message = opened_from(info)
    with refused_on(Field.EFFORT), deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=info.get("process"), lock=True)
        card = effort.set_effort(session, actor, process, hours=hours)
    return Reply(after=(Redraw(message), Ephemeral(message[0], msg.effort_saved(card))))


def register(app: App) -> None:
    app.action(Action.WRITE_STEPS.value)(clicked(write_steps))
    app.view(Callback.STEPS.value)(submitted(submit_steps))
    app.view(Callback.EFFORT.value)(submitted(submit_effort))
