"""`/manual-task forget @person` (admins): what would go, confirmed with one click, then
deleted for good (storage/forget.py) and logged. `coach forget` does the same from a
shell."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.people import Actor
from bot.ids import Action
from bot.messages import forget as msg
from bot.messages.reports import notice
from handlers.after import RefreshHome, Replace
from handlers.context import Deps, Reply, clicked
from storage import forget

log = logging.getLogger(__name__)


def forget_command(cmd: c.Forget, actor: Actor, deps: Deps) -> Reply:
    if not actor.is_admin:
        return Reply(notice(msg.NOT_ADMIN))
    with deps.db.transaction() as session:
        would = forget.reports_of(session, team_id=actor.team_id, user_id=cmd.user_id)
    return Reply(msg.confirm(cmd.user_id, reports=would.reports, processes=would.processes))


def confirmed(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    if not actor.is_admin:  # checked again: the button is only a request
        return Reply(after=(Replace(notice(msg.NOT_ADMIN)),))
    user_id = str(action.get("value") or "")
    if not forget.USER_ID.fullmatch(user_id):  # a forged value: nothing to do
        return Reply(after=(Replace(notice(msg.cancelled(user_id or "nobody"))),))
    with deps.db.transaction() as session:
        done = forget.forget_person(session, team_id=actor.team_id, user_id=user_id)
    log.info(
        "forgot %s in %s at the request of %s: %d reports, %d processes",
        user_id,
        actor.team_id,
        actor.user_id,
        done.reports,
        done.processes,
    )
    said = msg.forgotten(user_id, reports=done.reports, processes=done.processes)
    return Reply(after=(Replace(notice(said)), RefreshHome()))


def cancelled(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    return Reply(after=(Replace(notice(msg.cancelled(str(action.get("value") or "")))),))


def register(app: App) -> None:
    app.action(Action.FORGET.value)(clicked(confirmed))
    app.action(Action.FORGET_CANCEL.value)(clicked(cancelled))
