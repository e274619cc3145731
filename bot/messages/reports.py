"""Builders for the answers to reports and to `/manual-task` subcommands (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.costs import break_even_hours, format_money, money
from bot.domain.durations import DEFAULT_MINUTES, format_hours, format_minutes
from bot.ids import Action
from bot.messages.blocks import (
    Block,
    actions,
    button,
    context,
    escape,
    header,
    section,
    user,
)
from bot.messages.cards import ProcessCard, ReportResult

STATUS_LABEL = {
    "manual": "manual",
    "automating": "being automated",
    "accepted": "accepted as manual",
    "retired": "retired ✅",
    "merged": "merged",
}
QUESTION = "Could this be automated? Why haven't we?"


def name(card: ProcessCard) -> str:
    return f"*{card.ref} · {escape(card.title)}*"


def cost_line(card: ProcessCard) -> str:
    """'Done 3 times in the last 28 days (2h 15m) → 34m a week · $45 a week'."""
    if card.count == 0:
        return "Not reported in the last 28 days."
    times = "once" if card.count == 1 else f"{card.count} times"
    parts = [
        f"Done {times} in the last 28 days ({format_minutes(card.minutes)})"
        f" → *{format_minutes(card.minutes_per_week)} a week*"
    ]
    cash = money(card.hours_per_week, card.hourly_rate)
    if cash is not None:
        parts.append(f"{format_money(cash, card.currency)} a week")
    return " · ".join(parts)


def break_even_line(card: ProcessCard) -> str:
    hours = break_even_hours(card.hours_per_week)
    return (
        f"You could spend up to *{format_hours(hours)}* automating this and still come out "
        "ahead within 5 years."
    )


def report_reply(result: ReportResult) -> tuple[str, list[Block]]:
    """The reporter's private answer: what was counted, what it costs, and what next."""
    card = result.card
    if result.duplicate:
        text = f"Already counted: that report is in {card.ref} · {card.title}."
    elif result.created:
        text = (
            f"Logged {format_minutes(result.minutes)} as a new process, {card.ref} · {card.title}."
        )
    else:
        text = f"Logged {format_minutes(result.minutes)} on {card.ref} · {card.title}."
    lines = [
        escape(text).replace(escape(card.ref + " · " + card.title), name(card)),
        cost_line(card),
    ]
    blocks: list[Block] = [section("\n".join(lines))]
    notes = []
    if result.default_used and not result.duplicate:
        notes.append(
            f"No duration given, so I counted {format_minutes(DEFAULT_MINUTES)}. "
            "Add one next time, like `45m` or `1h30m`."
        )
    if result.regression and not result.duplicate:
        owner = card.owner_id or card.retired_by
        told = (
            "check whether its automation still runs."
            if owner in (None, result.reporter_id)
            else f"{user(owner)} has been told it's back."
        )
        notes.append(f":warning: {card.ref} was retired, so this is a regression: {told}")
    if card.count >= 2 and card.status == "manual":
        notes.append(break_even_line(card))
    if notes:
        blocks.append(context(*notes))
    if not result.duplicate:
        buttons = []
        if card.owner_id != result.reporter_id and card.status != "retired":
            buttons.append(button("Take ownership", Action.TAKE_OWNERSHIP, str(card.process_id)))
        if card.status != "retired":
            buttons.append(
                button(
                    "It's automated now",
                    Action.MARK_AUTOMATED,
                    str(card.process_id),
                    style="primary",
                )
            )
        if not result.created:
            buttons.append(
                button("This is a different task", Action.SPLIT_REPORT, str(result.occurrence_id))
            )
        buttons.append(button("Undo", Action.UNDO_REPORT, str(result.occurrence_id)))
        blocks.append(actions(*buttons, block_id=f"report:{result.occurrence_id}"))
    return text, blocks


def process_detail(
    card: ProcessCard, recent: Sequence[tuple[str, int, datetime]]
) -> tuple[str, list[Block]]:
    """`show P7`: everything about one process."""
    fields = [
        f"*Owner*\n{user(card.owner_id)}",
        f"*Status*\n{STATUS_LABEL.get(card.status, card.status)}",
        f"*Cost*\n{format_minutes(card.minutes_per_week)} a week",
        f"*Break-even*\n{format_hours(break_even_hours(card.hours_per_week))} of automation",
    ]
    blocks: list[Block] = [
        section(f"{name(card)}\n{cost_line(card)}", fields=fields),
    ]
    extra = []
    if card.channel_id:
        extra.append(f"First reported by {user(card.reporter_id)} in <#{card.channel_id}>")
    if card.automation_link:
        extra.append(f"Automated by {user(card.retired_by)}: {card.automation_link}")
    if card.eliminated_minutes_per_week:
        extra.append(f"Eliminated {format_minutes(card.eliminated_minutes_per_week)} a week")
    if card.accepted_reason:
        extra.append(f"Not automated because: {escape(card.accepted_reason)}")
    if card.merged_into_ref:
        extra.append(f"Merged into {card.merged_into_ref}")
    if extra:
        blocks.append(context(*extra))
    if recent:
        rows = [
            f"• {user(who)}, {format_minutes(minutes)} on {when:%a %d %b}"
            for who, minutes, when in recent
        ]
        blocks.append(section("*Recent reports*\n" + "\n".join(rows)))
    if card.status in ("manual", "accepted", "automating"):
        blocks.append(context(QUESTION))
    return f"{card.ref} · {card.title}: {format_minutes(card.minutes_per_week)} a week", blocks


def process_list(
    cards: Sequence[ProcessCard], *, title: str, empty: str, total: int | None = None
) -> tuple[str, list[Block]]:
    """`list` and `mine`: processes ranked by cost."""
    if not cards:
        return empty, [section(empty)]
    blocks: list[Block] = [header(title)]
    for i, card in enumerate(cards, start=1):
        owner = f"owner {user(card.owner_id)}" if card.owner_id else "no owner"
        blocks.append(
            section(
                f"{i}. {name(card)}: *{format_minutes(card.minutes_per_week)} a week* "
                f"({owner}, {STATUS_LABEL.get(card.status, card.status)})"
            )
        )
    shown = len(cards)
    if total is not None and total > shown:
        blocks.append(context(f"Showing the top {shown} of {total}. `show P7` for one."))
    else:
        blocks.append(context("`/manual-task show P7` shows one; `own P7` takes it on."))
    return f"{title}: " + ", ".join(f"{c.ref} {c.title}" for c in cards[:5]), blocks


HELP = """*Report manual work the moment you do it:*
`/manual-task Reconcile Stripe payouts 45m`  (durations: `45m`, `1h30m`, `1.5h`, `90 minutes`)
`/manual-task` alone opens a form.
*See and act:*
`list`: the most costly processes · `mine`: the ones you own · `show P7`
`own P7` · `assign P7 @maria` · `retire P7 https://…` (a link to the automation) · `merge P7 P9`
`undo`: remove your last report · `stats` · `export`
`digest here weekly mon 09:00` · `digest off` · `digest preview` · `config` (admins)
You can also mention me: _@coach spent 20 minutes copying leads into the CRM_."""


def help_message() -> tuple[str, list[Block]]:
    return (
        "How to use Automation Coach",
        [section(HELP), context(f"The goal of business operations is to not exist. {QUESTION}")],
    )


def notice(text: str) -> tuple[str, list[Block]]:
    """A one-line answer (a refusal, a confirmation)."""
    return text, [section(text)]
