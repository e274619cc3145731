"""The App Home tab (pure builder): my processes with their answer buttons, my recent
reports, the team's five most costly processes, and the hours eliminated so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.cards import ProcessCard
from bot.domain.costs import format_money, hours_per_year, money
from bot.domain.durations import format_hours, format_minutes
from bot.domain.lone import SinglePoints
from bot.domain.plurals import count
from bot.domain.rules import GUESTS_SEE_THEIR_OWN
from bot.domain.schedule import zone
from bot.domain.states import Status
from bot.ids import Action
from bot.messages.blocks import Block, button, context, divider, header, section
from bot.messages.decisions import lone_line
from bot.messages.effort import home_steps, verified_part
from bot.messages.help import command_list
from bot.messages.nudges import answer_buttons, figures
from bot.messages.reports import (
    QUESTION,
    mine_empty,
    name,
    retired_owned,
    status_label,
    weekly,
)
from bot.mrkdwn import Mrkdwn, mention

HOME_BLOCK_LIMIT = 100  # Slack's limit for a Home tab


@dataclass(frozen=True)
class ReportLine:
    """One of my recent reports."""

    ref: str
    title: str
    minutes: int
    occurred_at: datetime


@dataclass(frozen=True)
class HomePage:
    """Everything the Home tab shows, as plain data."""

    user_id: str
    mine: Sequence[ProcessCard]
    mine_total: int
    reports: Sequence[ReportLine]
    top: Sequence[ProcessCard]
    eliminated_minutes_per_week: float
    retired: int
    hourly_rate: float | None = None
    currency: str = "USD"
    updated_at: datetime | None = None
    tz: str | None = None  # the viewer's (Slack's profile, from the people directory)
    notes: Sequence[Mrkdwn] = field(default_factory=tuple)
    guest: bool = False  # sees their own reports only: no team figures, no team list
    retired_mine: Sequence[str] = ()  # ids of retired processes I own (the first few)
    retired_mine_total: int = 0
    lone: SinglePoints | None = None  # the processes only this person has ever done
    verified_minutes_per_week: float = 0.0  # of the eliminated: 8 weeks with no report since


def eliminated_line(page: HomePage) -> Mrkdwn:
    """'*2h 30m a week* eliminated for good, 130h a year · 3 processes retired'."""
    per_week = page.eliminated_minutes_per_week
    yearly = hours_per_year(per_week / 60)
    line = Mrkdwn("*{} a week* eliminated for good, {} a year").format(
        format_minutes(per_week), format_hours(yearly)
    )
    cash = money(yearly, page.hourly_rate)
    if cash is not None:
        line += Mrkdwn(" ({} a year)").format(format_money(cash, page.currency))
    line = Mrkdwn("{} · {} retired").format(line, count(page.retired, "process"))
    return line + verified_part(page.verified_minutes_per_week, per_week)


def _answer_buttons(card: ProcessCard) -> Block:
    return answer_buttons(
        card.process_id,
        followup=card.status == Status.AUTOMATING,
        block_id=f"home:{card.process_id}",
    )


def _local(when: datetime, tz: str | None) -> datetime:
    """`when` on the viewer's clock (UTC when their time zone is unknown)."""
    return when.astimezone(zone(tz))


def _updated_line(page: HomePage) -> Mrkdwn:
    """'Updated Mon 23 Nov 09:00 EST', in the viewer's time zone."""
    assert page.updated_at is not None
    local = _local(page.updated_at, page.tz)
    return Mrkdwn("Updated {:%a %d %b %H:%M} {}").format(local, local.tzname() or "UTC")


def _my_process(card: ProcessCard, now: datetime | None, tz: str | None) -> list[Block]:
    status = status_label(card)
    if card.snoozed_until and now and card.snoozed_until > now:
        status += Mrkdwn(", snoozed until {:%a %d %b}").format(_local(card.snoozed_until, tz))
    cost = figures(card) if card.count else "not reported lately"
    text = Mrkdwn("{} ({})\n{}").format(name(card), status, cost)
    return [section(text), _answer_buttons(card), home_steps(card)]


def home_view(page: HomePage, *, max_mine: int = 10) -> Block:
    """The Home tab view for `views.publish`; never more than 100 blocks."""
    blocks: list[Block] = [
        header("Automation Coach"),
        section(
            Mrkdwn("{}\n_The goal of business operations is to not exist._").format(
                GUESTS_SEE_THEIR_OWN if page.guest else eliminated_line(page)
            ),
            accessory=button("Refresh", Action.HOME_REFRESH, "refresh"),
        ),
        divider(),
        header("Your processes"),
    ]
    if page.mine:
        for card in list(page.mine)[:max_mine]:
            blocks.extend(_my_process(card, page.updated_at, page.tz))
        if page.mine_total > min(len(page.mine), max_mine):
            blocks.append(
                context(
                    Mrkdwn(
                        "Showing your {} most costly of {}. `/manual-task mine` lists them."
                    ).format(min(len(page.mine), max_mine), page.mine_total)
                )
            )
        also = retired_owned(page.retired_mine, page.retired_mine_total)
        blocks.append(context(QUESTION) if also is None else context(also, QUESTION))
    else:
        blocks.append(section(mine_empty(page.retired_mine, page.retired_mine_total)))
    blocks += [divider(), header("Your recent reports")]
    if page.reports:
        rows = [
            Mrkdwn("• {} · {}: {} on {:%a %d %b}").format(
                r.ref, r.title, format_minutes(r.minutes), _local(r.occurred_at, page.tz)
            )
            for r in page.reports
        ]
        blocks.append(section(Mrkdwn("\n").join(rows)))
    else:
        blocks.append(section(Mrkdwn("Nothing yet. Report manual work the moment you do it.")))
    if page.lone is not None and (alone := lone_line(page.lone)) is not None:
        blocks.append(section(alone))
    if not page.guest:  # a guest sees no team figures
        blocks += [divider(), header("The team's most costly processes"), *_team_top(page)]
    tail: list[Block] = [divider(), header("What you can do"), command_list()]
    footer = list(page.notes)
    if page.updated_at is not None:
        footer.append(_updated_line(page))
    if footer:
        tail.append(context(*footer))
    return {"type": "home", "callback_id": "home", "blocks": _fit(blocks, len(tail)) + tail}


def _team_top(page: HomePage) -> list[Block]:
    blocks: list[Block] = []
    if page.top:
        for i, card in enumerate(page.top, start=1):
            owner = (
                Mrkdwn("owner {}").format(mention(card.owner_id))
                if card.owner_id
                else Mrkdwn("no owner")
            )
            blocks.append(
                section(
                    Mrkdwn("{}. {}: *{}* ({}, {})").format(
                        i,
                        name(card),
                        weekly(card),
                        owner,
                        status_label(card),
                    )
                )
            )
    else:
        blocks.append(section(Mrkdwn("Nothing reported yet.")))
    return blocks


def _fit(blocks: list[Block], room: int = 0) -> list[Block]:
    """The blocks, cut to leave `room` for the tail (what one can do, when updated)."""
    limit = HOME_BLOCK_LIMIT - room
    if len(blocks) <= limit:
        return blocks
    return blocks[: limit - 1] + [context(Mrkdwn("More on `/manual-task list`."))]
