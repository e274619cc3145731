"""The `digests` job: each subscribed channel gets its digest once per period, at its
local time (a daily one on the workspace's working days only); a period missed while the
bot was down is sent once, when it comes back. Each period is claimed in the database
first, so however many replicas run the job, one sends it."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import outgoing
from bot.charts import Chart, alt_text, manual_vs_eliminated
from bot.domain.rules import Sight
from bot.domain.schedule import Schedule
from bot.domain.states import Notice, Posted
from bot.growth_chart import growth_chart
from bot.jobs.context import JobContext
from bot.jobs.refusals import refused
from bot.messages import metadata
from bot.messages.digest import digest, digest_stopped, title_for
from bot.services import digests as service
from bot.slack import Gone, error_code
from storage import claims, outbox, workspaces
from storage import digests as q
from storage.models import DigestSubscription

log = logging.getLogger(__name__)


def run_digests(ctx: JobContext, now: datetime) -> dict[str, int]:
    figures = {"digests": 0, "charts": 0, "claimed_elsewhere": 0, "failed": 0, "stopped": 0}
    with ctx.db.transaction() as session:
        teams = workspaces.team_ids(session, served_only=True)
        due = []
        days = {ws.team_id: ws.work_days for ws in workspaces.by_ids(session, team_ids=teams)}
        for sub in q.all_subscriptions(session, team_ids=teams, running_only=True):
            when = service.schedule_of(sub, days.get(sub.team_id))
            slot = when.start(now)
            if slot > sub.created_at and (
                sub.last_sent_period is None or sub.last_sent_period < slot
            ):
                due.append((sub, when, slot))
            session.expunge(sub)
    for sub, when, slot in due:
        client = ctx.clients.for_team(sub.team_id)
        if client is not None:
            _send(ctx, client, sub, when, slot, now, figures)
    return figures


def _send(
    ctx: JobContext,
    client: Any,
    sub: DigestSubscription,
    when: Schedule,
    slot: datetime,
    now: datetime,
    figures: dict[str, int],
) -> None:
    team_id, channel, cadence, tz = sub.team_id, sub.channel_id, sub.cadence, sub.timezone
    sight = Sight.of_digest(team_id, channel, sub.scope)  # what it covers: the rule's
    key = f"digest:{team_id}:{channel}:{slot.isoformat()}"
    with ctx.db.transaction() as session:
        if not claims.claim(
            session,
            key=key,
            team_id=team_id,
            kind=Posted.DIGEST,
            worker=ctx.worker,
            now=now,
            timeout=ctx.claim_timeout,
        ):
            figures["claimed_elsewhere"] += 1
            return
    start = when.before(slot)  # a Monday's daily digest starts on the last working day
    with ctx.db.transaction() as session:
        title = title_for(cadence, slot, tz, sub.scope)
        data = service.gather(
            session,
            sight=sight,
            start=start,
            end=slot,
            title=title,
            before=when.before(start),
            cadence=cadence,
            tz=tz,
            monthly=service.first_of_month(cadence, slot, tz),
        )
        points = [] if data.quiet else service.series(session, sight=sight, end=slot)
    text, blocks = digest(data)
    facts = metadata.digest(
        period_start=start.isoformat(),
        period_end=slot.isoformat(),
        manual_minutes=data.manual_minutes_this,
        manual_minutes_before=data.manual_minutes_before,
        eliminated_minutes_per_week=data.eliminated_minutes_per_week,
        new_processes=len(data.new),
        retired_processes=data.retired_total,
    )
    try:
        resp = client.chat_postMessage(channel=channel, text=text, blocks=blocks, metadata=facts)
    except Exception as err:
        log.warning("digest to %s failed: %s", channel, error_code(err))
        figures["failed"] += 1
        if refused(ctx, team_id=team_id, key=key, err=err, now=now) == Gone.CHANNEL:
            _stop(ctx, client, sub, error_code(err), now, figures)
        return
    ts = str(resp["ts"])
    with ctx.db.transaction() as session:
        claims.mark_sent(session, key=key, worker=ctx.worker, now=now, detail=ts)
        q.mark_period_sent(session, team_id=team_id, channel_id=channel, period=slot)
        outgoing.remember_in(
            session,
            team_id=team_id,
            channel=channel,
            ts=ts,
            kind=Posted.DIGEST,
            process_ids=[],
            now=now,
        )
    figures["digests"] += 1
    # A quiet period's chart would repeat the last one: a quiet digest is one line.
    if points and _upload_chart(client, channel, ts, points):
        figures["charts"] += 1
    if (
        points
        and data.quarters
        and _upload(client, channel, ts, growth_chart(data.quarters, data.months))
    ):
        figures["charts"] += 1


def _stop(
    ctx: JobContext,
    client: Any,
    sub: DigestSubscription,
    reason: str,
    now: datetime,
    figures: dict[str, int],
) -> None:
    """Slack refused the channel for good: the subscription stops, and the one replica
    that stopped it tells whoever set it up, once, through the outbox (in the
    transaction that stops it)."""
    with ctx.db.transaction() as session:
        stopped = q.stop(
            session, team_id=sub.team_id, channel_id=sub.channel_id, reason=reason, now=now
        )
        if stopped:  # told in their working hours, in their DM of the day (the outbox)
            outbox.tell(
                session,
                team_id=sub.team_id,
                user_id=sub.created_by,
                kind=Notice.DIGEST_STOPPED,
                message=digest_stopped(sub.channel_id, reason, sub.cadence),
                now=now,
            )
    if not stopped:
        return
    figures["stopped"] += 1
    log.warning("the digest of %s stopped for good: %s", sub.channel_id, reason)


CHART_ATTEMPTS = 3


def _upload_chart(
    client: Any, channel: str, ts: str, points: list[tuple[datetime, float, float]]
) -> bool:
    """Share the chart in the digest's thread, with its one-line description for screen
    readers (`alt_txt`, which slack_sdk passes to files.getUploadURLExternal, where Slack
    documents it). files_upload_v2's POST to the upload URL bypasses slack_sdk's retry
    handlers, so a dropped connection there is retried here (a fresh upload each time:
    only a completed one is shared)."""
    chart = Chart(
        manual_vs_eliminated(points),
        alt_text(points),
        "manual-vs-eliminated.png",
        "Manual hours vs hours eliminated, last 12 weeks",
    )
    return _upload(client, channel, ts, chart)


def _upload(client: Any, channel: str, ts: str, chart: Chart) -> bool:
    for attempt in range(CHART_ATTEMPTS):
        try:
            client.files_upload_v2(
                channel=channel,
                thread_ts=ts,
                filename=chart.filename,
                title=chart.title,
                alt_txt=chart.alt,
                content=chart.png,
            )
            return True
        except SlackApiError as err:  # Slack answered (its retry handlers already ran)
            log.warning("digest chart upload to %s failed: %s", channel, err)
            return False
        except Exception as err:  # the digest itself is out; the chart is a bonus
            log.warning("digest chart upload to %s failed (try %d): %s", channel, attempt + 1, err)
            time.sleep(0.2 * 2**attempt)
    return False
