"""Who owns a process, from every surface: `own P7`, `assign P7 @maria`, `merge P7 P9`,
the "Take ownership" / "I'll own it" buttons, and a prompt's "Not mine" (a form to pass
it on)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.domain import commands as c
from bot.domain.people import Actor
from bot.domain.states import Answer, Status
from bot.ids import Action, Callback, Field
from bot.messages import modals
from bot.messages import ownership as msg
from bot.messages.blocks import Message
from bot.mrkdwn import Mrkdwn
from bot.services import lookup, ownership, prompts
from bot.services.cards import check_in_figures
from handlers.after import Redraw, RefreshHome
from handlers.context import (
    Deps,
    FieldError,
    Reply,
    clicked,
    refused_on,
    submitted,
)
from handlers.forms import open_about
from handlers.payloads import form_memory, form_values, message_of, opened_from
from storage.models import Process


def own(cmd: c.Own, actor: Actor, deps: Deps) -> Reply:
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref)
        done = ownership.take(session, actor, process)
        return Reply(_taken(session, process, done, actor))


def _taken(session: Session, process: Process, done: ownership.Handover, actor: Actor) -> Message:
    """The answer to taking a process on (`own P7`, "Take ownership", "I'll own it"):
    whose it was, and when the bot will ask about automating it."""
    cost, threshold = check_in_figures(session, process, now=actor.now)
    return msg.taken(
        process.ref,
        process.title,
        changed=done.changed,
        minutes_per_week=cost,
        threshold=threshold,
        was=done.before,
    )


def assign(cmd: c.Assign, actor: Actor, deps: Deps) -> Reply:
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref)
        done = ownership.assign(session, actor, process, to=cmd.user_id)
        return Reply(msg.assigned(process.ref, process.title, to=cmd.user_id, changed=done.changed))


def merge(cmd: c.Merge, actor: Actor, deps: Deps) -> Reply:
    with deps.db.transaction() as session:
        keep = lookup.find(session, actor, ref=cmd.keep_ref)
        gone = lookup.find(session, actor, ref=cmd.gone_ref)
        was_retired = keep.status == Status.RETIRED
        moved = ownership.merge(session, actor, keep=keep, gone=gone, limits=deps.settings.limits)
        came_back = was_retired and keep.status == Status.CAME_BACK
        return Reply(msg.merged(gone.ref, keep.ref, keep.title, moved=moved, came_back=came_back))


def take_ownership(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Take ownership" on a report's reply, or "I'll own it" on "Who owns this?"."""
    message = message_of(body)
    with deps.db.transaction() as session:
        process = lookup.find(
            session,
            actor,
            process_id=action.get("value"),
            lock=True,
            posted_in=message[0] if message[1] else None,  # the post clicked
        )
        answered = prompts.record_answer(  # first: a stale prompt refuses, changing nothing
            session, actor, message=message, process_id=process.id, answer=Answer.OWNED
        )
        done = ownership.take(session, actor, process)
        answer = _taken(session, process, done, actor)
    redraw = Redraw(message) if answered else RefreshHome()
    return Reply(answer, (redraw,))


def not_mine(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """A prompt's "Not mine": a form to pass the process to its real owner."""
    return open_about(body, action, actor, deps, form=modals.reassign_modal, what="answer for it")


def submit_reassign(body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """The "Not mine" form: the process goes to the person picked, who is told."""
    new_owner = form_values(view).get(Field.NEW_OWNER)
    if not new_owner or new_owner == actor.user_id:
        raise FieldError(
            Field.NEW_OWNER, Mrkdwn("Pick the person who should own it instead of you.")
        )
    info = form_memory(view)
    message = opened_from(info)
    with refused_on(Field.NEW_OWNER), deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=info.get("process"))
        prompts.record_answer(  # first: a stale prompt refuses, changing nothing
            session,
            actor,
            message=message,
            process_id=process.id,
            answer=Answer.NOT_MINE,
            reason=new_owner,
        )
        ownership.assign(session, actor, process, to=new_owner)
    # The new owner is told by `ownership.assign`, through the outbox.
    return Reply(after=(Redraw(message),))


def register(app: App) -> None:
    app.action(Action.TAKE_OWNERSHIP.value)(clicked(take_ownership))
    app.action(Action.NOT_MINE.value)(clicked(not_mine))
    app.view(Callback.REASSIGN.value)(submitted(submit_reassign))
