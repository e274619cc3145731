"""The workspace settings modal's submission (admins only): check, save, confirm."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import announce
from bot.clock import Clock
from bot.domain.settings import parse_settings
from bot.ids import Callback, Field
from bot.messages.settings import saved
from bot.services import settings
from handlers.common import team_of
from handlers.insights import NOT_ADMIN
from handlers.subcommands import Request
from handlers.views import values
from storage.db import Database


def _entered(view: dict[str, Any]) -> dict[str, str | None]:
    """The text inputs via `views.values`, and the ticked working days as "0,1,2"."""
    got = values(view)
    days = ((view.get("state") or {}).get("values") or {}).get(Field.WORK_DAYS) or {}
    ticked = [o.get("value", "") for el in days.values() for o in el.get("selected_options") or []]
    got[Field.WORK_DAYS] = ",".join(ticked)
    return got


def submit_config(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    new, errors = parse_settings(_entered(view))
    if new is None:
        ack(response_action="errors", errors=errors)
        return
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    with db.transaction() as session:
        if not Request(session, client, team_id, user_id, None, now).is_admin():
            ack(response_action="errors", errors={Field.HOURLY_RATE: NOT_ADMIN[:150]})
            return
        settings.save(session, team_id=team_id, settings=new, now=now)
    ack()
    text, blocks = saved(new)
    announce.dm(client, user_id=user_id, text=text, blocks=blocks)


def register(app: App) -> None:
    app.view(Callback.CONFIG.value)(submit_config)
