"""The workspace's settings (admins only): `/manual-task config` opens the form filled in
with what they are now; submitting it checks, saves and confirms by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.people import Actor
from bot.domain.settings import parse_settings
from bot.ids import Callback, Field
from bot.messages.reports import notice
from bot.messages.settings import saved, settings_modal
from bot.mrkdwn import Mrkdwn
from bot.services import settings
from handlers.after import DirectMessage, OpenForm
from handlers.context import Deps, FieldError, Reply, submitted
from handlers.payloads import form_ticked, form_values

NOT_ADMIN = Mrkdwn(
    "Only a workspace admin can change the coach's settings. "
    "Ask one of your Slack admins to run `/manual-task config`."
)


def open_config(cmd: c.Config, actor: Actor, deps: Deps) -> Reply:
    if not actor.is_admin:
        return Reply(notice(NOT_ADMIN))
    with deps.db.transaction() as session:
        current = settings.current(session, team_id=actor.team_id, now=actor.now)
    return Reply(after=(OpenForm(settings_modal(current, channel_id=actor.channel_id)),))


def submit_config(body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    entered = form_values(view)
    entered[Field.WORK_DAYS] = ",".join(form_ticked(view, Field.WORK_DAYS))
    new, errors = parse_settings(entered)
    if new is None:
        said = {field: Mrkdwn("{}").format(text) for field, text in errors.items()}
        field = next(iter(said))
        raise FieldError(field, said.pop(field), **said)
    if not actor.is_admin:
        raise FieldError(Field.HOURLY_RATE, NOT_ADMIN)
    with deps.db.transaction() as session:
        settings.save(session, team_id=actor.team_id, settings=new, now=actor.now)
    return Reply(after=(DirectMessage(actor.user_id, saved(new)),))


def register(app: App) -> None:
    app.view(Callback.CONFIG.value)(submitted(submit_config))
