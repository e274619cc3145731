"""`/manual-task digest here weekly mon 09:00`, `digest off`, `digest preview`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot import directory, mrkdwn
from bot.domain import commands as c
from bot.domain import schedule
from bot.errors import UserError
from bot.jobs.digests import title_for
from bot.messages.blocks import Message
from bot.messages.digest import digest
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn
from bot.services import digests as service
from storage import digests as q
from storage import queries

Answer = Message
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _channel(cmd_channel: str | None, req: Any) -> str:
    channel = cmd_channel or req.channel_id
    if not channel:
        raise UserError(Mrkdwn("Run this in the channel that should get the digest."))
    return str(channel)


def digest_on(cmd: c.DigestOn, req: Any, command: dict[str, Any]) -> tuple[Answer, None]:
    channel = _channel(cmd.channel_id, req)
    ws = queries.get_or_create_workspace(req.session, team_id=req.team_id, now=req.now)
    tz = cmd.tz or (ws.timezone if ws.timezone != "UTC" else None) or _person_tz(req) or "UTC"
    sub, replaced = q.subscribe(
        req.session,
        team_id=req.team_id,
        channel_id=channel,
        cadence=cmd.cadence,
        weekday=cmd.weekday,
        local_time=cmd.time,
        timezone=tz,
        user_id=req.user_id,
        now=req.now,
    )
    first = _next_slot(sub.cadence, sub.weekday, sub.local_time, tz, req.now)
    when = (
        f"every day at {cmd.time}"
        if cmd.cadence == "daily"
        else f"every {DAY_NAMES[cmd.weekday or 0]} at {cmd.time}"
    )
    verb = "now gets" if replaced else "gets"
    return notice(
        Mrkdwn(
            "{} {} a manual-work digest {} ({}). The first one: {:%a %d %b %H:%M}. "
            "`digest preview` shows it now."
        ).format(mrkdwn.channel(channel), verb, when, tz, first)
    ), None


def _person_tz(req: Any) -> str | None:
    """The requester's own time zone, from their Slack profile."""
    return directory.lookup(
        req.session, req.client, team_id=req.team_id, user_id=req.user_id, now=req.now
    ).tz


def _next_slot(cadence: str, weekday: int | None, at: str, tz: str, now: Any) -> Any:
    slot = schedule.period_start(now, cadence=cadence, weekday=weekday, at=at, tz=tz)
    return (slot + schedule.period_length(cadence)).astimezone(schedule.zone(tz))


def digest_off(cmd: c.DigestOff, req: Any, command: dict[str, Any]) -> tuple[Answer, None]:
    channel = _channel(None, req)
    if q.unsubscribe(req.session, team_id=req.team_id, channel_id=channel):
        return notice(
            Mrkdwn("{} won't get digests any more.").format(mrkdwn.channel(channel))
        ), None
    return notice(Mrkdwn("{} has no digest to turn off.").format(mrkdwn.channel(channel))), None


def digest_preview(cmd: c.DigestPreview, req: Any, command: dict[str, Any]) -> tuple[Answer, None]:
    sub = q.subscription(req.session, team_id=req.team_id, channel_id=req.channel_id or "")
    cadence = sub.cadence if sub else "weekly"
    tz = sub.timezone if sub else "UTC"
    length = timedelta(days=1) if cadence == "daily" else timedelta(days=7)
    end = req.now + timedelta(seconds=1)  # include what was reported this very second
    data = service.gather(
        req.session,
        team_id=req.team_id,
        start=end - length,
        end=end,
        title="Preview · " + title_for(cadence, req.now, tz),
    )
    text, blocks = digest(data)
    if not sub:
        blocks.append(
            notice(
                Mrkdwn(
                    "This channel has no digest yet: "
                    "`/manual-task digest here weekly mon 09:00` sets one up."
                )
            )[1][0]
        )
    return (text, blocks[:50]), None


COMMANDS: dict[type, Callable[[Any, Any, dict[str, Any]], tuple[Answer, Any]]] = {
    c.DigestOn: digest_on,
    c.DigestOff: digest_off,
    c.DigestPreview: digest_preview,
}
