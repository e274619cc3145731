"""Channel digests: `/manual-task digest here weekly mon 09:00 [Europe/Berlin] [workspace]`,
`digest off` and `digest preview` (the job that posts them is bot/jobs/digests.py).

What a digest covers is the visibility rule's (bot/domain/rules.py `Sight.of_digest`): the
processes first reported in its channel, or with `workspace` the workspace's public ones."""

from __future__ import annotations

from datetime import timedelta

from bot import mrkdwn
from bot.domain import commands as c
from bot.domain import schedule
from bot.domain.people import Actor
from bot.domain.rules import Sight
from bot.domain.states import Covers
from bot.errors import UserError
from bot.messages.digest import digest, stopped_why, title_for
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn
from bot.services import digests as service
from handlers.context import Deps, Reply
from storage import digests as subscriptions
from storage import workspaces

COVERS: dict[str, str] = {
    Covers.CHANNEL: "the processes first reported here",
    Covers.WORKSPACE: "every public process of the workspace (private ones never)",
}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _channel(named: str | None, actor: Actor) -> str:
    channel = named or actor.channel_id
    if not channel:
        raise UserError(Mrkdwn("Run this in the channel that should get the digest."))
    return channel


def digest_on(cmd: c.DigestOn, actor: Actor, deps: Deps) -> Reply:
    """Subscribe the channel (or replace its schedule), in the workspace's time zone, else
    the asker's own (from their Slack profile), else UTC."""
    channel = _channel(cmd.channel_id, actor)
    with deps.db.transaction() as session:
        ws = workspaces.get_or_create_workspace(session, team_id=actor.team_id, now=actor.now)
        tz = cmd.tz or (ws.timezone if ws.timezone != "UTC" else None) or actor.person.tz or "UTC"
        sub, replaced = subscriptions.subscribe(
            session,
            team_id=actor.team_id,
            channel_id=channel,
            cadence=cmd.cadence,
            weekday=cmd.weekday,
            local_time=cmd.time,
            timezone=tz,
            user_id=actor.user_id,
            now=actor.now,
            covers=cmd.covers,
        )
        sends = service.schedule_of(sub, ws.work_days)
        first = sends.after(actor.now).astimezone(schedule.zone(tz))
    when = (
        f"every day at {cmd.time}"
        if cmd.cadence == "daily"
        else f"every {DAY_NAMES[cmd.weekday or 0]} at {cmd.time}"
    )
    return Reply(
        notice(
            Mrkdwn(
                "{} {} a manual-work digest {} ({}), of {}. The first one: {:%a %d %b %H:%M}. "
                "`digest preview` shows it now."
            ).format(
                mrkdwn.channel(channel),
                "now gets" if replaced else "gets",
                when,
                tz,
                COVERS[cmd.covers],
                first,
            )
        )
    )


def digest_off(cmd: c.DigestOff, actor: Actor, deps: Deps) -> Reply:
    channel = _channel(None, actor)
    with deps.db.transaction() as session:
        stopped = subscriptions.unsubscribe(session, team_id=actor.team_id, channel_id=channel)
    said = "{} won't get digests any more." if stopped else "{} has no digest to turn off."
    return Reply(notice(Mrkdwn(said).format(mrkdwn.channel(channel))))


def digest_preview(cmd: c.DigestPreview, actor: Actor, deps: Deps) -> Reply:
    """The channel's next digest as it would be now (the period so far, laid out as the job
    lays it out), shown only to the asker; without a digest, the last 7 days."""
    end = actor.now + timedelta(seconds=1)  # include what was reported this very second
    with deps.db.transaction() as session:
        sub = subscriptions.subscription(
            session, team_id=actor.team_id, channel_id=actor.channel_id or ""
        )
        cadence = sub.cadence if sub else "weekly"
        tz = sub.timezone if sub else "UTC"
        covers = sub.scope if sub else Covers.CHANNEL
        if sub is not None:
            ws = workspaces.get_or_create_workspace(session, team_id=actor.team_id, now=actor.now)
            sends = service.schedule_of(sub, ws.work_days)
            start = sends.start(actor.now)
            before = sends.before(start)
            titled = sends.after(actor.now)  # named after the digest it previews, as sent
        else:
            start = end - schedule.period_length(cadence)
            before = start - schedule.period_length(cadence)
            titled = actor.now
        data = service.gather(
            session,
            sight=Sight.of_digest(actor.team_id, actor.channel_id or "", covers),
            start=start,
            end=end,
            title="Preview · " + title_for(cadence, titled, tz, covers),
            before=before,
            cadence=cadence,
            tz=tz,
            live=True,
        )
    text, blocks = digest(data)
    if sub and sub.stopped_at:
        what, todo = stopped_why(sub.channel_id, sub.stopped_reason or "", sub.cadence)
        when = mrkdwn.date(sub.stopped_at, "date_short", sub.stopped_at.strftime("%d %b %Y"))
        said = Mrkdwn("This channel's digest stopped on {}: {} (Slack said `{}`). {}")
        blocks.append(notice(said.format(when, what, sub.stopped_reason or "", todo))[1][0])
    if not sub:
        blocks.append(
            notice(
                Mrkdwn(
                    "This channel has no digest yet: "
                    "`/manual-task digest here weekly mon 09:00` sets one up."
                )
            )[1][0]
        )
    return Reply((text, blocks[:50]))
