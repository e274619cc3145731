"""The `nudges` job: each owner of costly manual work gets at most one DM a day, in their
working hours, bundling their due nudges and follow-ups with what waits for them in the
outbox (bot/jobs/daily_dm.py); unowned costly processes are raised in their channel once a
week."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import outgoing
from bot.domain import schedule
from bot.domain.states import Posted, PromptKind
from bot.jobs import daily_dm
from bot.jobs.context import JobContext
from bot.jobs.refusals import refused
from bot.messages.metadata import needs_owner
from bot.messages.nudges import PromptItem, who_owns
from bot.services.cards import card
from bot.slack import error_code
from storage import claims, coaching, outbox, workspaces
from storage.models import Process, Workspace

log = logging.getLogger(__name__)


def run_nudges(ctx: JobContext, now: datetime) -> dict[str, int]:
    figures = {
        "dms": 0,
        "notices": 0,
        "who_owns": 0,
        "not_working_hours": 0,
        "claimed_elsewhere": 0,
        "failed": 0,
        "gone": 0,
    }
    with ctx.db.transaction() as session:
        teams = workspaces.team_ids(session, served_only=True)
    for team_id in teams:
        client = ctx.clients.for_team(team_id)
        if client is None:
            continue
        _team(ctx, client, team_id, now, figures)
    return figures


@dataclass
class Plan:
    """What is due in one workspace: prompts by owner, unowned processes, working hours."""

    by_owner: dict[str, list[PromptItem]]
    unowned: list[PromptItem]
    hours: tuple[str, str, tuple[int, ...]]
    timezone: str


def plan(session: Session, *, team_id: str, now: datetime) -> Plan:
    """Decide who is due for a nudge, a follow-up or a "who owns this?" (no Slack calls)."""
    by_owner: dict[str, list[PromptItem]] = defaultdict(list)
    unowned: list[PromptItem] = []
    ws = session.get(Workspace, team_id)
    assert ws is not None
    threshold = ws.nudge_threshold_minutes
    for process, state in coaching.process_states(session, team_id=team_id, now=now):
        if schedule.nudge_due(state, now, threshold):
            by_owner[process.owner_id or ""].append(_item(process, state, ws))
        elif schedule.followup_due(state, now):
            item = _item(process, state, ws)
            by_owner[process.owner_id or ""].append(PromptItem(item.card, PromptKind.FOLLOWUP))
        elif schedule.who_owns_due(state, now, threshold) and process.channel_id:
            unowned.append(PromptItem(_item(process, state, ws).card, PromptKind.WHO_OWNS))
    hours = (ws.work_start, ws.work_end, schedule.parse_days(ws.work_days))
    return Plan(dict(by_owner), unowned, hours, ws.timezone)


def _team(
    ctx: JobContext, client: object, team_id: str, now: datetime, figures: dict[str, int]
) -> None:
    with ctx.db.transaction() as session:
        due = plan(session, team_id=team_id, now=now)
        waiting = outbox.pending_by_user(session, team_id=team_id)
    by_owner, unowned, hours, ws_tz = due.by_owner, due.unowned, due.hours, due.timezone
    # Everyone with something for today's DM: nudges due, or notices in the outbox.
    for user_id in sorted(set(by_owner) | set(waiting)):
        try:
            daily_dm.deliver(
                ctx,
                client,
                team_id=team_id,
                user_id=user_id,
                items=by_owner.get(user_id, []),
                hours=hours,
                now=now,
                figures=figures,
            )
        except Exception:  # one person's trouble never stops the others' DMs
            log.exception(
                "the DM of the day to %s in %s failed; the next run tries again", user_id, team_id
            )
            figures["failed"] += 1
    if unowned and schedule.in_working_hours(now, ws_tz, *hours):
        week = schedule.local_date(now, ws_tz).isocalendar()
        for item in unowned:
            key = f"who:{team_id}:{item.card.process_id}:{week.year}-W{week.week}"
            _send_who_owns(ctx, client, team_id, item, key, now, figures)


def _item(process: Process, state: schedule.ProcessState, ws: Workspace) -> PromptItem:
    return PromptItem(
        card(process, count=state.count_in_window, minutes=state.minutes_in_window, workspace=ws),
        PromptKind.NUDGE,
    )


def _claim(ctx: JobContext, team_id: str, key: str, kind: str, now: datetime) -> bool:
    with ctx.db.transaction() as session:
        return claims.claim(
            session,
            key=key,
            team_id=team_id,
            kind=kind,
            worker=ctx.worker,
            now=now,
            timeout=ctx.claim_timeout,
        )


def _send_who_owns(
    ctx: JobContext,
    client: object,
    team_id: str,
    item: PromptItem,
    key: str,
    now: datetime,
    figures: dict[str, int],
) -> None:
    if not _claim(ctx, team_id, key, PromptKind.WHO_OWNS, now):
        figures["claimed_elsewhere"] += 1
        return
    text, blocks = who_owns(item)
    channel = item.card.channel_id or ""
    try:
        resp = client.chat_postMessage(  # type: ignore[attr-defined]
            channel=channel, text=text, blocks=blocks, metadata=needs_owner(item.card)
        )
    except Exception as err:  # gone for good: not asked there again this week
        log.warning("who-owns post to %s failed: %s", channel, error_code(err))
        refused(ctx, team_id=team_id, key=key, err=err, now=now)
        figures["failed"] += 1
        return
    with ctx.db.transaction() as session:
        ts = str(resp["ts"])
        coaching.record_prompt(
            session,
            team_id=team_id,
            channel_id=channel,
            ts=ts,
            now=now,
            items=[(item.card.process_id, PromptKind.WHO_OWNS, None)],
        )
        outgoing.remember_in(
            session,
            team_id=team_id,
            channel=channel,
            ts=ts,
            kind=Posted.WHO_OWNS,
            process_ids=[item.card.process_id],
            now=now,
        )
        claims.mark_sent(session, key=key, worker=ctx.worker, now=now, detail=ts)
    figures["who_owns"] += 1
