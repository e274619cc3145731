"""Work that follows a committed change: celebrations, regression notices, modals.

Each returns a callable `after(client, db, team_id, now)` that the listener runs once
its transaction has committed and Slack has had its acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot import announce
from bot.domain import commands as c
from bot.domain.durations import format_minutes
from bot.errors import UserError
from bot.messages import modals
from bot.messages.blocks import Message
from bot.messages.cards import ProcessCard, ReportResult
from bot.messages.celebrations import celebration, regression_notice
from bot.messages.reports import notice
from bot.mrkdwn import MAX_LINK, Mrkdwn, is_safe_link
from bot.services import processes
from storage import queries
from storage.db import Database

After = Callable[[Any, Database, str, datetime], None]
Answer = Message


def check_link(link: str | None) -> str:
    """The link to an automation, or a clear refusal: only http(s) links, with no spaces,
    `<`, `>` or `|` (which could make it a disguised link or a ping), and not too long."""
    link = (link or "").strip()
    if not is_safe_link(link):
        raise UserError(
            Mrkdwn(
                "Add a link to the automation (the script, PR or runbook): one http(s) address "
                "of at most {:,} characters, with no spaces, `<`, `>` or `|`, like "
                "`https://github.com/acme/ops/pull/42`."
            ).format(MAX_LINK)
        )
    return link


def after_report(result: ReportResult) -> After | None:
    if not result.regression or result.duplicate:
        return None
    card = result.card
    owner = card.owner_id or card.retired_by

    def tell_owner(client: Any, db: Database, team_id: str, now: datetime) -> None:
        if owner and owner != result.reporter_id:
            text, blocks = regression_notice(
                card, reporter_id=result.reporter_id, minutes=result.minutes
            )
            announce.dm(client, user_id=owner, text=text, blocks=blocks)

    return tell_owner


def celebrate(card: ProcessCard) -> After:
    def post(client: Any, db: Database, team_id: str, now: datetime) -> None:
        with db.transaction() as session:
            total = queries.total_eliminated_minutes(session, team_id=team_id) / 60
        text, blocks = celebration(card, total_eliminated_hours=total)
        channel = card.channel_id
        if channel is None and card.retired_by:
            found = announce.dm(client, user_id=card.retired_by, text=text, blocks=blocks)
            if found:
                announce.remember(
                    db.transaction,
                    team_id=team_id,
                    channel=found[0],
                    ts=found[1],
                    kind="celebration",
                    process_ids=[card.process_id],
                    now=now,
                )
            return
        if channel:
            announce.post(
                client,
                db.transaction,
                team_id=team_id,
                channel=channel,
                text=text,
                blocks=blocks,
                kind="celebration",
                process_ids=[card.process_id],
                now=now,
            )

    return post


def retire_command(cmd: c.Retire, req: Any, command: dict[str, Any]) -> tuple[Answer, After | None]:
    process = req.process(cmd.ref)
    if process.status == "retired":
        return (
            notice(Mrkdwn("{} · {} is already retired.").format(process.ref, process.title)),
            None,
        )
    if cmd.link is None:
        processes.require(
            process, user_id=req.user_id, is_admin=req.admin_for(process), what="retire"
        )
        from bot.services.cards import card_for

        view = modals.retire_modal(card_for(req.session, process, now=req.now))

        def open_form(client: Any, db: Database, team_id: str, now: datetime) -> None:
            client.views_open(trigger_id=command["trigger_id"], view=view)

        return (Mrkdwn(""), []), open_form
    link = check_link(cmd.link)
    admin = req.admin_for(process)
    done = processes.retire(
        req.session,
        process=process,
        actor_id=req.user_id,
        is_admin=admin,
        link=link,
        note=None,
        now=req.now,
    )
    minutes = format_minutes(done.card.eliminated_minutes_per_week or 0)
    answer = Mrkdwn("Retired {} · {}: {} a week eliminated. I've told the channel.").format(
        process.ref, process.title, minutes
    )
    return notice(answer), celebrate(done.card)


COMMANDS: dict[type, Callable[[Any, Any, dict[str, Any]], tuple[Answer, After | None]]] = {
    c.Retire: retire_command,
}
