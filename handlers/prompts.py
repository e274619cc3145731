"""Answers to the coaching prompts: I'll automate it, not worth it, snooze, not mine,
still working on it. Each records who answered and redraws the message in place."""

from __future__ import annotations

from collections.abc import Callable
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
    _status_answer(
        body, action, client, context, db, clock, status="automating", answer="automating"
    )


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
    _status_answer(
        body, action, client, context, db, clock, status="automating", answer="still_working"
    )


def _status_answer(
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
    *,
    status: str,
    answer: str,
) -> None:
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    message = prompts.where(body)
    with db.transaction() as session:
        process = processes.by_id(session, team_id=team_id, process_id=action.get("value"))
        req = Request(session, client, team_id, user_id, None, now)
        processes.set_status(
            session,
            process=process,
            actor_id=user_id,
            is_admin=req.admin_for(process),
            status=status,
            now=now,
        )
        prompts.answer(
            session,
            team_id=team_id,
            message=message,
            process_id=process.id,
            answer=answer,
            by=user_id,
            now=now,
        )
    prompts.redraw_after_answer(
        client, db, team_id=team_id, user_id=user_id, message=message, now=now
    )


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
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    message = prompts.where(body)
    with db.transaction() as session:
        process = processes.by_id(session, team_id=team_id, process_id=action.get("value"))
        req = Request(session, client, team_id, user_id, None, now)
        processes.snooze(
            session, process=process, actor_id=user_id, is_admin=req.admin_for(process), now=now
        )
        prompts.answer(
            session,
            team_id=team_id,
            message=message,
            process_id=process.id,
            answer="snoozed",
            by=user_id,
            now=now,
        )
    prompts.redraw_after_answer(
        client, db, team_id=team_id, user_id=user_id, message=message, now=now
    )


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

    def accept(session: Session, process: Any, user_id: str, is_admin: bool, now: Any) -> None:
        processes.set_status(
            session,
            process=process,
            actor_id=user_id,
            is_admin=is_admin,
            status="accepted",
            now=now,
            reason=full,
        )

    _answer_by_form(
        ack,
        body,
        view,
        client,
        context,
        db,
        clock,
        field=Field.REASON,
        answer="not_worth",
        reason=full,
        act=accept,
    )


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

    def hand_over(session: Session, process: Any, user_id: str, is_admin: bool, now: Any) -> None:
        processes.assign(
            session,
            process=process,
            actor_id=user_id,
            new_owner_id=new_owner,
            is_admin=is_admin,
            now=now,
        )

    card = _answer_by_form(
        ack,
        body,
        view,
        client,
        context,
        db,
        clock,
        field=Field.NEW_OWNER,
        answer="not_mine",
        reason=new_owner,
        act=hand_over,
    )
    if card is not None:
        text, blocks = handed_over(card, by=body["user"]["id"])
        announce.dm(client, user_id=new_owner, text=text, blocks=blocks)


def _answer_by_form(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
    *,
    field: str,
    answer: str,
    reason: str,
    act: Callable[[Session, Any, str, bool, Any], None],
) -> ProcessCard | None:
    """An answer given through a form: act on the process, record the answer and redraw the
    prompt. A refusal is shown on `field` and changes nothing (None)."""
    info = meta(view)
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    message = prompt_message(info)
    with db.transaction() as session:
        process = processes.by_id(session, team_id=team_id, process_id=info.get("process"))
        req = Request(session, client, team_id, user_id, None, now)
        try:
            act(session, process, user_id, req.admin_for(process), now)
        except UserError as err:
            ack(response_action="errors", errors={field: str(err)[:150]})
            return None
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
        card = card_for(session, process, now=now)
    ack()
    prompts.redraw_after_answer(
        client, db, team_id=team_id, user_id=user_id, message=message, now=now
    )
    return card


def register(app: App) -> None:
    app.action(Action.AUTOMATING.value)(privately_answered(automating))
    app.action(Action.STILL_WORKING.value)(privately_answered(still_working))
    app.action(Action.SNOOZE.value)(privately_answered(snooze))
    app.action(Action.NOT_WORTH.value)(privately_answered(_open_form("not_worth")))
    app.action(Action.NOT_MINE.value)(privately_answered(_open_form("not_mine")))
    app.view(Callback.NOT_WORTH.value)(submit_not_worth)
    app.view(Callback.REASSIGN.value)(submit_reassign)
