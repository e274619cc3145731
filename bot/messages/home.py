"""The App Home tab (pure builder): my processes with their answer buttons, my recent
reports, the team's five most costly processes, and the hours eliminated so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.costs import format_money, hours_per_year, money
from bot.domain.durations import format_hours, format_minutes
from bot.ids import Action
from bot.messages.blocks import (
    Block,
    button,
    context,
    divider,
    escape,
    header,
    section,
    user,
)
from bot.messages.cards import ProcessCard
from bot.messages.nudges import answer_buttons, figures
from bot.messages.reports import QUESTION, STATUS_LABEL, name

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
    notes: Sequence[str] = field(default_factory=tuple)


def eliminated_line(page: HomePage) -> str:
    """'*2h 30m a week* eliminated for good, 130 h a year · 3 processes retired'."""
    per_week = page.eliminated_minutes_per_week
    yearly = hours_per_year(per_week / 60)
    line = f"*{format_minutes(per_week)} a week* eliminated for good, {format_hours(yearly)} a year"
    cash = money(yearly, page.hourly_rate)
    if cash is not None:
        line += f" ({format_money(cash, page.currency)} a year)"
    retired = "1 process" if page.retired == 1 else f"{page.retired:,} processes"
    return f"{line} · {retired} retired"


def _answer_buttons(card: ProcessCard) -> Block:
    return answer_buttons(
        card.process_id, followup=card.status == "automating", block_id=f"home:{card.process_id}"
    )


def _my_process(card: ProcessCard, now: datetime | None) -> list[Block]:
    status = STATUS_LABEL.get(card.status, card.status)
    if card.snoozed_until and now and card.snoozed_until > now:
        status += f", snoozed until {card.snoozed_until:%a %d %b}"
    text = f"{name(card)} ({status})\n{figures(card) if card.count else 'not reported lately'}"
    return [section(text), _answer_buttons(card)]


def home_view(page: HomePage, *, max_mine: int = 10) -> Block:
    """The Home tab view for `views.publish`; never more than 100 blocks."""
    blocks: list[Block] = [
        header("Automation Coach"),
        section(
            f"{eliminated_line(page)}\n_The goal of business operations is to not exist._",
            accessory=button("Refresh", Action.HOME_REFRESH, "refresh"),
        ),
        divider(),
        header("Your processes"),
    ]
    if page.mine:
        for card in list(page.mine)[:max_mine]:
            blocks.extend(_my_process(card, page.updated_at))
        if page.mine_total > min(len(page.mine), max_mine):
            blocks.append(
                context(
                    f"Showing your {min(len(page.mine), max_mine)} most costly of "
                    f"{page.mine_total}. `/manual-task mine` lists them."
                )
            )
        blocks.append(context(QUESTION))
    else:
        blocks.append(
            section(
                "You don't own any process yet. `/manual-task own P7` takes one on, "
                "or report one: `/manual-task Reconcile Stripe payouts 45m`."
            )
        )
    blocks += [divider(), header("Your recent reports")]
    if page.reports:
        rows = [
            f"• {r.ref} · {escape(r.title)}: {format_minutes(r.minutes)} "
            f"on {r.occurred_at:%a %d %b}"
            for r in page.reports
        ]
        blocks.append(section("\n".join(rows)))
    else:
        blocks.append(section("Nothing yet. Report manual work the moment you do it."))
    blocks += [divider(), header("The team's most costly processes")]
    if page.top:
        for i, card in enumerate(page.top, start=1):
            owner = f"owner {user(card.owner_id)}" if card.owner_id else "no owner"
            blocks.append(
                section(
                    f"{i}. {name(card)}: *{format_minutes(card.minutes_per_week)} a week* "
                    f"({owner}, {STATUS_LABEL.get(card.status, card.status)})"
                )
            )
    else:
        blocks.append(section("Nothing reported yet."))
    footer = list(page.notes)
    if page.updated_at is not None:
        footer.append(f"Updated {page.updated_at:%a %d %b %H:%M} UTC")
    if footer:
        blocks.append(context(*footer))
    return {"type": "home", "callback_id": "home", "blocks": _fit(blocks)}


def _fit(blocks: list[Block]) -> list[Block]:
    if len(blocks) <= HOME_BLOCK_LIMIT:
        return blocks
    return blocks[: HOME_BLOCK_LIMIT - 1] + [context("More on `/manual-task list`.")]
