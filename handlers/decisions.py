"""`toil` (a channel team's toil budget, its size and the workspace's budget) and `volume`
(the business volume of a month): answered to the person, thin over
bot/services/decisions.py and storage/teams.py."""

from __future__ import annotations

from bot.domain import commands as c
from bot.domain.growth import Month
from bot.domain.people import Actor
from bot.domain.rules import Sight, sight_of
from bot.domain.windows import utc_day
from bot.messages import decisions as msg
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn
from bot.services import decisions
from handlers.context import Deps, Reply
from storage import teams

ONLY_ADMINS = Mrkdwn(
    "Only a workspace admin can set a team's size, the toil budget or a business volume."
    " `/manual-task toil` shows this channel's toil budget to anyone."
)


def toil(cmd: c.Toil, actor: Actor, deps: Deps) -> Reply:
    """This channel's team against its budget (what its digest would say), or an admin's
    change of the team's size or of the budget."""
    changes = cmd.team_size is not None or cmd.auto or cmd.budget_percent is not None
    if changes and not actor.is_admin:
        return Reply(notice(ONLY_ADMINS))
    channel_id = actor.channel_id or ""
    with deps.db.transaction() as session:
        if cmd.budget_percent is not None:
            teams.set_budget(
                session, team_id=actor.team_id, percent=cmd.budget_percent, now=actor.now
            )
            return Reply(msg.toil_saved(percent_set=cmd.budget_percent))
        if changes:
            teams.set_team_size(
                session,
                team_id=actor.team_id,
                channel_id=channel_id,
                size=cmd.team_size,
                by=actor.user_id,
                now=actor.now,
            )
            return Reply(msg.toil_saved(size=cmd.team_size))
        view = decisions.toil_view(
            session,
            sight=Sight.of_channel(actor.team_id, channel_id),  # what its digest covers
            now=actor.now,  # the last 28 days, today included; the team: whole weeks
            channel_id=channel_id,
        )
    return Reply(msg.toil_message(view))


def volume(cmd: c.Volume, actor: Actor, deps: Deps) -> Reply:
    """`volume 2026-11 12000 orders` (admins) records a month's volume; `volume` alone
    lists the months recorded, with manual minutes per unit over what the person sees."""
    if cmd.month is not None and not actor.is_admin:
        return Reply(notice(ONLY_ADMINS))
    with deps.db.transaction() as session:
        if cmd.month is not None:
            recorded = teams.Volume(cmd.month, cmd.amount, cmd.unit)
            teams.record_volumes(
                session, team_id=actor.team_id, volumes=[recorded], by=actor.user_id, now=actor.now
            )
            return Reply(msg.volume_saved(Month(cmd.month, 0, cmd.amount, cmd.unit)))
        months = decisions.months(
            session, sight=sight_of(actor), today=utc_day(actor.now), n=12, current=True
        )
    return Reply(msg.volumes_message(months))
