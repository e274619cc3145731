"""Answers to the coaching prompts: I'll automate it, not worth it, snooze, not mine,
still working on it. Each records who answered and redraws the message in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import announce
from bot.clock import Clock
from bot.errors import UserError
from bot.ids import Action, Callback, Field
from bot.messages import modals
from bot.messages.cards import ProcessCard
from bot.messages.nudges import handed_over
from bot.services import processes, prompts
from bot.services.cards import card_for
from handlers.common import privately_answered, team_of
from handlers.subcommands import Request
from handlers.views import meta, prompt_message, values
from storage.db import Database
from storage.models import Process

# What an answer does to its process: (session, process, who, is_admin, now) -> anything.
Act = Callable[[Session, Process, str, bool, datetime], Any]


def automating(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    _clicked(body, action, client, context, db, clock, "automating", _set_status("automating"))


def still_working(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    _clicked(body, action, client, context, db, clock, "still_working", _set_status("automating"))


def snooze(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()

    def act(
        session: Session, process: Process, user_id: str, is_admin: bool, now: datetime
    ) -> None:
        processes.snooze(session, process=process, actor_id=user_id, is_admin=is_admin, now=now)

    _clicked(body, action, client, context, db, clock, "snoozed", act)


def _set_status(status: str) -> Act:
    def act(
        session: Session, process: Process, user_id: str, is_admin: bool, now: datetime
    ) -> None:
        processes.set_status(
            session, process=process, actor_id=user_id, is_admin=is_admin, status=status, now=now
        )

    return act


def _clicked(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
    answer: str,
    act: Act,
) -> None:
    """An answer given by a button on the prompt (already acknowledged)."""
    _answer(
        body, client, context, db, clock,
        process_id=action.get("value"), message=prompts.where(body), answer=answer, act=act,
    )  # fmt: skip


def _open_form(kind: str) -> Any:
    def open_form(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        db: Database,
        clock: Clock,
    ) -> None:
        ack()
        team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
        channel, ts = prompts.where(body)
        with db.transaction() as session:
            process = processes.by_id(session, team_id=team_id, process_id=action.get("value"))
            req = Request(session, client, team_id, user_id, None, now)
            processes.require(
                process, user_id=user_id, is_admin=req.admin_for(process), what="answer for"
            )
            card = card_for(session, process, now=now)
        message = {"channel": channel or "", "ts": ts or ""}
        build = modals.not_worth_modal if kind == "not_worth" else modals.reassign_modal
        client.views_open(trigger_id=body["trigger_id"], view=build(card, message=message))

    return open_form


def submit_not_worth(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    got = values(view)
    reason = got.get(Field.REASON)
    if not reason:
        ack(response_action="errors", errors={Field.REASON: "Pick a reason."})
        return
    note = (got.get(Field.REASON_NOTE) or "").strip()
    full = (f"{reason}: {note}" if note else reason)[:200]

    def accept(
        session: Session, process: Process, user_id: str, is_admin: bool, now: datetime
    ) -> None:
        processes.set_status(
            session,
            process=process,
            actor_id=user_id,
            is_admin=is_admin,
            status="accepted",
            now=now,
            reason=full,
        )

    _submitted(ack, body, view, client, context, db, clock, Field.REASON, "not_worth", full, accept)


def submit_reassign(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    new_owner = values(view).get(Field.NEW_OWNER)
    if not new_owner or new_owner == body["user"]["id"]:
        ack(
            response_action="errors",
            errors={Field.NEW_OWNER: "Pick the person who should own it instead of you."},
        )
        return

    def hand_over(
        session: Session, process: Process, user_id: str, is_admin: bool, now: datetime
    ) -> ProcessCard:
        processes.assign(
            session,
            process=process,
            actor_id=user_id,
            new_owner_id=new_owner,
            is_admin=is_admin,
            now=now,
        )
        return card_for(session, process, now=now)

    card = _submitted(
        ack, body, view, client, context, db, clock, Field.NEW_OWNER, "not_mine", new_owner,
        hand_over,
    )  # fmt: skip
    if card is not None:
        text, blocks = handed_over(card, by=body["user"]["id"])
        announce.dm(client, user_id=new_owner, text=text, blocks=blocks)


def _submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
    field: str,
    answer: str,
    reason: str,
    act: Act,
) -> Any:
    """An answer given through a form: acknowledged once stored; a refusal is shown on
    `field` and changes nothing (None)."""
    info = meta(view)
    try:
        return _answer(
            body, client, context, db, clock,
            process_id=info.get("process"), message=prompt_message(info), answer=answer,
            act=act, reason=reason, stored=ack,
        )  # fmt: skip
    except UserError as err:
        ack(response_action="errors", errors={field: err.text.plain()[:150]})
        return None


def _answer(
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
    *,
    process_id: object,
    message: tuple[str | None, str | None],
    answer: str,
    act: Act,
    reason: str | None = None,
    stored: Callable[[], Any] | None = None,
) -> Any:
    """One answer to a prompt, however given: look the process up, `act` on it (admin
    rights asked of Slack only when needed), record the answer, then (after `stored`, a
    form's acknowledgement) redraw the prompt and the person's Home tab. Returns what `act`
    returned; a refusal (UserError) changes nothing."""
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    with db.transaction() as session:
        process = processes.by_id(session, team_id=team_id, process_id=process_id)
        req = Request(session, client, team_id, user_id, None, now)
        result = act(session, process, user_id, req.admin_for(process), now)
        prompts.answer(
            session,
            team_id=team_id,
            message=message,
            process_id=process.id,
            answer=answer,
            by=user_id,
            now=now,
            reason=reason,
        )
    if stored is not None:
        stored()
    prompts.redraw_after_answer(
        client, db, team_id=team_id, user_id=user_id, message=message, now=now
    )
    return result


def register(app: App) -> None:
    app.action(Action.AUTOMATING.value)(privately_answered(automating))
    app.action(Action.STILL_WORKING.value)(privately_answered(still_working))
    app.action(Action.SNOOZE.value)(privately_answered(snooze))
    app.action(Action.NOT_WORTH.value)(privately_answered(_open_form("not_worth")))
    app.action(Action.NOT_MINE.value)(privately_answered(_open_form("not_mine")))
    app.view(Callback.NOT_WORTH.value)(submit_not_worth)
    app.view(Callback.REASSIGN.value)(submit_reassign)
