"""Modal submissions: the report form and the retirement form."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import announce
from bot.clock import Clock
from bot.domain.durations import DurationError, parse_report
from bot.errors import UserError
from bot.ids import Callback, Field
from bot.messages.reports import report_reply
from bot.services import processes, prompts
from bot.services.home import refresh_home
from bot.services.reports import record_report
from handlers import followups
from handlers.common import team_of
from handlers.subcommands import Request
from storage import queries
from storage.db import Database


def values(view: dict[str, Any]) -> dict[str, str | None]:
    """{block_id: the entered or chosen value} of a submitted view."""
    found: dict[str, str | None] = {}
    for block_id, inputs in _dict(_dict(view.get("state")).get("values")).items():
        for element in _dict(inputs).values():
            element = _dict(element)
            value = element.get("value")
            if value is None:
                value = _dict(element.get("selected_option")).get("value")
            if value is None:
                value = element.get("selected_user")
            found[block_id] = value if isinstance(value, str) else None  # forged: not a value
    return found


def _dict(value: Any) -> dict[str, Any]:
    """`value` if it is a dict, else {}: a hand-made payload may put anything anywhere."""
    return value if isinstance(value, dict) else {}


def meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def submit_report(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    got, channel = values(view), meta(view).get("channel")
    what = (got.get(Field.WHAT) or "").strip()
    minutes = None
    if got.get(Field.HOW_LONG):
        try:
            minutes = parse_report(f"x {got[Field.HOW_LONG]}").minutes
        except DurationError as err:
            ack(response_action="errors", errors={Field.HOW_LONG: err.text.plain()[:150]})
            return
        if minutes is None:
            ack(
                response_action="errors",
                errors={Field.HOW_LONG: "Write a duration like 45m, 1h30m or 1.5h."},
            )
            return
    note = " · ".join(x for x in (got.get(Field.HOW_OFTEN), got.get(Field.NOTES)) if x)
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    try:
        with db.transaction() as session:
            result = record_report(
                session,
                team_id=team_id,
                user_id=user_id,
                channel_id=channel,
                text=what,
                source="modal",
                slack_key=f"view:{view['id']}",
                now=now,
                minutes=minutes,
                note=note or None,
            )
    except UserError as err:
        ack(response_action="errors", errors={Field.WHAT: err.text.plain()[:150]})
        return
    ack()
    text, blocks = report_reply(result)
    if channel:
        client.chat_postEphemeral(channel=channel, user=user_id, text=text, blocks=blocks)
    else:
        announce.dm(client, user_id=user_id, text=text, blocks=blocks)
    refresh_home(client, db, team_id=team_id, user_id=user_id, now=now)


def submit_retire(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    got, info = values(view), meta(view)
    try:
        link = followups.check_link(got.get(Field.LINK))
    except UserError as err:
        ack(response_action="errors", errors={Field.LINK: err.text.plain()[:150]})
        return
    team_id, now, user_id = team_of(body, context), clock.now(), body["user"]["id"]
    with db.transaction() as session:
        process = queries.process_by_id(session, team_id=team_id, process_id=int(info["process"]))
        if process is None:
            ack(response_action="errors", errors={Field.LINK: "That process is gone."})
            return
        req = Request(session, client, team_id, user_id, None, now)
        admin = req.admin_for(process)
        try:
            done = processes.retire(
                session,
                process=process,
                actor_id=user_id,
                is_admin=admin,
                link=link,
                note=got.get(Field.HOW),
                now=now,
            )
        except UserError as err:
            ack(response_action="errors", errors={Field.LINK: err.text.plain()[:150]})
            return
        message = prompt_message(info)
        prompts.answer(
            session,
            team_id=team_id,
            message=message,
            process_id=process.id,
            answer="automated",
            by=user_id,
            now=now,
        )
    ack()
    prompts.redraw_after_answer(
        client, db, team_id=team_id, user_id=user_id, message=message, now=now
    )
    if not done.already:
        followups.celebrate(done.card)(client, db, team_id, now)


def prompt_message(info: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, ts) of the prompt a modal was opened from, kept in its metadata."""
    msg = info.get("message")
    if not isinstance(msg, dict):
        return None, None
    return msg.get("channel") or None, msg.get("ts") or None


def register(app: App) -> None:
    app.view(Callback.REPORT.value)(submit_report)
    app.view(Callback.RETIRE.value)(submit_retire)
