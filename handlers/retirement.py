"""Retiring a process, from every surface: `retire P7 <link>` (or without a link, the
form), the "It's automated now" / "It's already automated" buttons, and the retire form.
A retirement is celebrated in the process's channel (✅ on a prompt goes through
handlers/reactions.py, to the same use case)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.people import Actor
from bot.domain.rules import require_manage
from bot.domain.states import Answer
from bot.ids import Action, Callback, Field
from bot.messages import modals
from bot.messages.celebrations import retired_answer
from bot.services import lookup, prompts, retirement
from bot.services.cards import card_for
from handlers.after import Celebrate, Ephemeral, OpenForm, Redraw
from handlers.context import Deps, Reply, clicked, refused_on, submitted
from handlers.forms import form_hours, open_about
from handlers.payloads import form_memory, form_values, opened_from


def retire_command(cmd: c.Retire, actor: Actor, deps: Deps) -> Reply:
    """`retire P7 https://…` retires it now; `retire P7` opens the form for the link. On a
    retired process both record how it is automated (the link, the form's line of how)."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref)
        if cmd.link is None:
            require_manage(actor, process, what="retire it")
            form = modals.retire_modal(card_for(session, process, now=actor.now))
            return Reply(after=(OpenForm(form),))
        link = retirement.check_link(cmd.link)
        done = retirement.retire(session, actor, process, link=link, how=None)
    answer = retired_answer(done.card, already=done.already, recorded=done.recorded)
    return Reply(answer, () if done.already else (Celebrate(done.card),))


def mark_automated(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "It's automated now": the retire form, remembering the prompt it came from."""
    return open_about(
        body, action, actor, deps, form=modals.retire_modal, what="retire it", open_only=True
    )


def submit_retire(body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """The retire form: a link (checked), and a line of how; then the celebration."""
    got, info = form_values(view), form_memory(view)
    message = opened_from(info)
    hours = form_hours(got.get(Field.ACTUAL_HOURS), Field.ACTUAL_HOURS)
    with refused_on(Field.LINK):
        link = retirement.check_link(got.get(Field.LINK))
        with deps.db.transaction() as session:
            process = lookup.find(session, actor, process_id=info.get("process"))
            prompts.record_answer(  # first: a stale prompt refuses, changing nothing
                session, actor, message=message, process_id=process.id, answer=Answer.AUTOMATED
            )
            done = retirement.retire(
                session, actor, process, link=link, how=got.get(Field.HOW), actual_hours=hours
            )
    celebrate = () if done.already else (Celebrate(done.card),)
    answer = retired_answer(done.card, already=done.already, recorded=done.recorded)
    told = Ephemeral(message[0], answer)  # privately, where the form was opened, or by DM
    return Reply(after=(Redraw(message), *celebrate, told))


def register(app: App) -> None:
    app.action(Action.MARK_AUTOMATED.value)(clicked(mark_automated))
    app.view(Callback.RETIRE.value)(submitted(submit_retire))
