"""The one bot DM a person gets in a day: their due nudges and follow-ups, and whatever
waited for them in the outbox (storage/outbox.py: a process handed to them, a regression,
a digest that stopped), together, in their working hours.

The rule is the claim `dm:team:user:local-date` (kind `nudge_dm`): whoever takes it sends
that person's DM of the day, and nobody sends another until their next day, whatever the
kind and however many replicas run the job at the same moment. Notices that come after it
wait for the next day's. The notices are read after the claim is taken, and marked sent,
with the DM they went in, in the transaction that marks the claim sent."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot import outgoing
from bot.domain import schedule
from bot.domain.states import Posted, PromptKind
from bot.jobs.context import JobContext
from bot.jobs.refusals import refused
from bot.messages.blocks import Message
from bot.messages.nudges import MAX_ITEMS, PromptItem, owner_dm
from bot.messages.outbox import fits, with_notices
from bot.mrkdwn import Mrkdwn
from bot.slack import Gone, error_code
from storage import claims, coaching, outbox
from storage.models import PendingDM

log = logging.getLogger(__name__)
Hours = tuple[str, str, tuple[int, ...]]


def deliver(
    ctx: JobContext,
    client: Any,
    *,
    team_id: str,
    user_id: str,
    items: list[PromptItem],
    hours: Hours,
    now: datetime,
    figures: dict[str, int],
) -> None:
    """Send `user_id` their DM of the day (the nudge `items`, and what waits in their
    outbox), if it is their working time and nobody sent it yet today."""
    person = ctx.people.person(client, team_id=team_id, user_id=user_id, now=now)
    if person.deleted:  # gone: the directory gave back what they owned; nothing waits
        with ctx.db.transaction() as session:
            ids = [row.id for row in outbox.pending_for(session, team_id=team_id, user_id=user_id)]
            outbox.settle(session, ids=ids, now=now, status=outbox.DROPPED)
        figures["gone"] += 1
        return
    tz = person.tz
    if not schedule.in_working_hours(now, tz, *hours):
        figures["not_working_hours"] += 1
        return
    key = f"dm:{team_id}:{user_id}:{schedule.local_date(now, tz).isoformat()}"
    if not _claim(ctx, team_id, key, now):
        figures["claimed_elsewhere"] += 1
        return
    with ctx.db.transaction() as session:
        waiting = outbox.pending_for(session, team_id=team_id, user_id=user_id)
        stale = outbox.outdated(session, waiting)  # no longer so: not sent, settled
        outbox.settle(session, ids=stale, now=now, status=outbox.WITHDRAWN)
        waiting = [row for row in waiting if row.id not in stale]
        for row in waiting:
            session.expunge(row)
    items.sort(key=lambda i: (i.kind != PromptKind.NUDGE, -i.card.minutes))
    shown, more = items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS)
    prompt = owner_dm(shown, more=more) if shown else None
    notices = [_message(row) for row in waiting]
    taken = waiting[: fits(notices, prompt)]
    if not shown and not taken:  # sent nothing: the day's DM is still to come
        with ctx.db.transaction() as session:
            claims.release(session, key=key, worker=ctx.worker)
        return
    text, blocks = with_notices(notices[: len(taken)], prompt)
    pace = ctx.clients.pacer.bucket(team_id).acquire
    try:
        channel, ts = outgoing.send_dm(client, user_id=user_id, text=text, blocks=blocks, pace=pace)
    except Exception as err:
        log.warning("the DM of the day to %s failed: %s", user_id, error_code(err))
        gone = refused(ctx, team_id=team_id, key=key, err=err, now=now, person=user_id)
        if gone == Gone.PERSON:  # never reachable: what waited for them is dropped
            with ctx.db.transaction() as session:
                ids = [row.id for row in taken]
                outbox.settle(session, ids=ids, now=now, status=outbox.DROPPED)
        figures["failed"] += 1
        return
    with ctx.db.transaction() as session:
        if shown:
            coaching.record_prompt(
                session,
                team_id=team_id,
                channel_id=channel,
                ts=ts,
                now=now,
                items=[(i.card.process_id, i.kind, user_id) for i in shown],
            )
            outgoing.remember_in(
                session,
                team_id=team_id,
                channel=channel,
                ts=ts,
                kind=Posted.NUDGE,
                process_ids=[i.card.process_id for i in shown],
                now=now,
            )
        outbox.settle(session, ids=[row.id for row in taken], now=now, channel_id=channel, ts=ts)
        claims.mark_sent(session, key=key, worker=ctx.worker, now=now, detail=ts)
    figures["dms"] += 1
    figures["notices"] += len(taken)


def _message(row: PendingDM) -> Message:
    """A notice as it was written (its text was escaped then)."""
    return Mrkdwn(row.text), list(row.blocks or [])


def _claim(ctx: JobContext, team_id: str, key: str, now: datetime) -> bool:
    with ctx.db.transaction() as session:
        return claims.claim(
            session,
            key=key,
            team_id=team_id,
            kind="nudge_dm",
            worker=ctx.worker,
            now=now,
            timeout=ctx.claim_timeout,
        )
