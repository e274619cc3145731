"""Answers to the coaching prompts (the owner's nudge DM, the follow-up, the Home tab's
buttons): "I'll automate it", "Still working on it", "Snooze 2 weeks", and "Not worth it"
(a form for the reason). Each records who answered and redraws the prompt in place.
("It's already automated" and "Not mine" live with retirement and ownership.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot.domain.people import Actor
from bot.domain.states import Answer
from bot.ids import Action, Callback, Field
from bot.messages import modals
from bot.messages.effort import effort_modal, steps_for_automator
from bot.mrkdwn import Mrkdwn
from bot.services import effort, lookup, prompts
from handlers.after import DirectMessage, OpenForm, Redraw
from handlers.context import (
    Deps,
    FieldError,
    Reply,
    clicked,
    refused_on,
    submitted,
)
from handlers.forms import open_about
from handlers.payloads import Where, form_memory, form_values, message_of, opened_from
from storage.models import Process

# What an answer does to its process, in the answer's transaction.
Act = Callable[[Session, Actor, Process], object]


def answer_prompt(
    actor: Actor,
    deps: Deps,
    *,
    process_id: object,
    message: Where,
    answer: Answer,
    act: Act,
    reason: str | None = None,
) -> Reply:
    """One answer to a prompt, however given: look the process up, act on it, record the
    answer, then redraw the prompt and the person's Home tab. A refusal changes nothing."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=process_id, lock=True)
        prompts.record_answer(  # first: a stale prompt refuses before anything changes
            session, actor, message=message, process_id=process.id, answer=answer, reason=reason
        )
        act(session, actor, process)
    return Reply(after=(Redraw(message),))


def _button(kind: Answer, act: Act) -> Callable[..., Reply]:
    def answered(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
        return answer_prompt(
            actor,
            deps,
            process_id=action.get("value"),
            message=message_of(body),
            answer=kind,
            act=act,
        )

    answered.__name__ = f"answered_{kind}"
    return answered


_automate = _button(Answer.AUTOMATING, prompts.automate)


def automating(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "I'll automate it": the answer, then one optional question (how many hours it
    will take, for its payback), and the steps written down, if any, by DM."""
    reply = _automate(body, action, actor, deps)
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=action.get("value"))
        card = effort.card_with_steps(session, actor, process)
    channel, ts = message_of(body)
    form = OpenForm(effort_modal(card, message={"channel": channel or "", "ts": ts or ""}))
    steps = () if card.steps is None else (DirectMessage(actor.user_id, steps_for_automator(card)),)
    return Reply(after=(form, *reply.after, *steps))


still_working = _button(Answer.STILL_WORKING, prompts.automate)
snooze = _button(Answer.SNOOZED, prompts.snooze)


def not_worth(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Not worth it": a form for the reason."""
    return open_about(body, action, actor, deps, form=modals.not_worth_modal, what="answer for it")


def submit_not_worth(body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """The reason it isn't worth automating; the process comes back for review in 90 days."""
    got, info = form_values(view), form_memory(view)
    reason = got.get(Field.REASON)
    if not reason:
        raise FieldError(Field.REASON, Mrkdwn("Pick a reason."))
    note = (got.get(Field.REASON_NOTE) or "").strip()
    full = (f"{reason}: {note}" if note else reason)[:200]

    def accept(session: Session, who: Actor, process: Process) -> None:
        prompts.accept(session, who, process, reason=full)

    with refused_on(Field.REASON):
        return answer_prompt(
            actor,
            deps,
            process_id=info.get("process"),
            message=opened_from(info),
            answer=Answer.NOT_WORTH,
            act=accept,
            reason=full,
        )


def register(app: App) -> None:
    app.action(Action.AUTOMATING.value)(clicked(automating))
    app.action(Action.STILL_WORKING.value)(clicked(still_working))
    app.action(Action.SNOOZE.value)(clicked(snooze))
    app.action(Action.NOT_WORTH.value)(clicked(not_worth))
    app.view(Callback.NOT_WORTH.value)(submitted(submit_not_worth))
