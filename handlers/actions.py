"""Buttons on the report reply: take ownership, it's automated now, a different task, undo."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.clock import Clock
from bot.errors import UserError
from bot.ids import Action
from bot.messages import modals
from bot.messages.reports import report_reply
from bot.mrkdwn import Mrkdwn
from bot.services import processes, prompts
from bot.services.cards import card_for
from bot.services.home import refresh_home
from bot.services.reports import describe
from handlers.common import privately_answered, team_of
from handlers.subcommands import Request
from storage.db import Database
from storage.models import Occurrence


def _value_id(action: dict[str, Any]) -> int:
    try:
        return int(action.get("value") or "")
    except ValueError:
        raise UserError(Mrkdwn("That button is out of date: run the command again.")) from None


def take_ownership(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    with db.transaction() as session:
        process = processes.by_id(session, team_id=team_id, process_id=action.get("value"))
        req = Request(session, client, team_id, user_id, None, now)
        admin = process.owner_id not in (None, user_id) and req.is_admin()
        text = processes.take_ownership(
            session, process=process, user_id=user_id, is_admin=admin, now=now
        )
        answered = prompts.answer(
            session,
            team_id=team_id,
            message=prompts.where(body),
            process_id=process.id,
            answer="owned",
            by=user_id,
            now=now,
        )
    if answered:
        prompts.refresh(client, db, team_id=team_id, message=prompts.where(body), now=now)
    respond(text=text, replace_original=False, response_type="ephemeral")
    refresh_home(client, db, team_id=team_id, user_id=user_id, now=now)


def mark_automated(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    with db.transaction() as session:
        process = processes.by_id(session, team_id=team_id, process_id=action.get("value"))
        if process.status == "retired":
            raise UserError(
                Mrkdwn("{} · {} is already retired.").format(process.ref, process.title)
            )
        req = Request(session, client, team_id, user_id, None, now)
        processes.require(process, user_id=user_id, is_admin=req.admin_for(process), what="retire")
        channel, ts = prompts.where(body)
        view = modals.retire_modal(
            card_for(session, process, now=now), message={"channel": channel or "", "ts": ts or ""}
        )
    client.views_open(trigger_id=body["trigger_id"], view=view)


def split_report(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    with db.transaction() as session:
        occ = _occurrence(session, team_id, _value_id(action))
        processes.split(session, occurrence=occ, user_id=user_id, now=now)
        text, blocks = report_reply(describe(session, occ, now=now, created=True))
    respond(text=text, blocks=blocks, replace_original=True)


def undo_report(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    team_id, user_id = team_of(body, context), body["user"]["id"]
    with db.transaction() as session:
        occ = session.get(Occurrence, _value_id(action), with_for_update=True)  # double clicks
        if occ is None or occ.team_id != team_id:
            text = Mrkdwn("That report was already removed.")
        else:
            text = processes.undo(session, occurrence=occ, user_id=user_id)
    respond(text=text, replace_original=True)


def _occurrence(session: Any, team_id: str, occurrence_id: int) -> Occurrence:
    # Locked: a double click waits for the first click's transaction, then sees its result.
    occ = session.get(Occurrence, occurrence_id, with_for_update=True)
    if occ is None or occ.team_id != team_id:
        raise UserError(Mrkdwn("That report no longer exists (it may have been undone)."))
    return occ


def register(app: App) -> None:
    app.action(Action.TAKE_OWNERSHIP.value)(privately_answered(take_ownership))
    app.action(Action.MARK_AUTOMATED.value)(privately_answered(mark_automated))
    app.action(Action.SPLIT_REPORT.value)(privately_answered(split_report))
    app.action(Action.UNDO_REPORT.value)(privately_answered(undo_report))
