"""The coaching prompts (pure): the owner's daily DM bundling nudges and follow-ups, and
the channel's "Who owns this?". Rebuilt in place as answers come in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.costs import break_even_hours, format_money, money
from bot.domain.durations import format_hours, format_minutes
from bot.ids import Action
from bot.messages.blocks import Block, actions, button, context, escape, header, section, user
from bot.messages.cards import ProcessCard

QUESTION = "Could this be automated? Why haven't we?"
MAX_ITEMS = 8

ANSWERED = {
    "automating": ":robot_face: {who} will automate it",
    "automated": ":white_check_mark: Retired by {who}: automated",
    "retired": ":white_check_mark: Retired by {who}: automated",
    "not_worth": ":ok_hand: {who}: not worth automating ({reason}); back for review in 90 days",
    "snoozed": ":zzz: Snoozed for two weeks by {who}",
    "not_mine": ":arrow_right: {who} passed it on",
    "still_working": ":hammer_and_wrench: {who} is still on it; I'll check again in two weeks",
    "owned": ":raising_hand: {who} owns it now",
}


@dataclass(frozen=True)
class PromptItem:
    """One process in a prompt: what kind of question, and the answer if any."""

    card: ProcessCard
    kind: str  # nudge | followup | who_owns
    answer: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    reason: str | None = None


def figures(card: ProcessCard) -> str:
    """'45m a week · worth up to 195 h of automation · $67 a week'."""
    parts = [f"*{format_minutes(card.minutes_per_week)} a week*"]
    parts.append(
        f"worth up to {format_hours(break_even_hours(card.hours_per_week))} of "
        "automation (the 5-year break-even)"
    )
    cash = money(card.hours_per_week, card.hourly_rate)
    if cash is not None:
        parts.append(f"{format_money(cash, card.currency)} a week")
    return " · ".join(parts)


def answered_line(item: PromptItem) -> str:
    if item.answer == "not_mine" and item.reason:
        return f":arrow_right: {user(item.answered_by)} passed it to {user(item.reason)}"
    template = ANSWERED.get(item.answer or "", "{who} answered")
    return template.format(who=user(item.answered_by), reason=escape(item.reason or "no reason"))


def answer_buttons(process_id: int, *, followup: bool, block_id: str) -> Block:
    """The one-click answers about a process, as its owner sees them in a nudge, a
    follow-up, or on the App Home."""
    pid = str(process_id)
    if followup:
        row = [
            button("Done: it's automated", Action.MARK_AUTOMATED, pid, style="primary"),
            button("Still working on it", Action.STILL_WORKING, pid),
            button("Not worth it after all", Action.NOT_WORTH, pid),
            button("Not mine", Action.NOT_MINE, pid),
        ]
    else:
        row = [
            button("I'll automate it", Action.AUTOMATING, pid, style="primary"),
            button("It's already automated", Action.MARK_AUTOMATED, pid),
            button("Not worth it", Action.NOT_WORTH, pid),
            button("Snooze 2 weeks", Action.SNOOZE, pid),
            button("Not mine", Action.NOT_MINE, pid),
        ]
    return actions(*row, block_id=block_id)


def _buttons(item: PromptItem) -> Block:
    pid = item.card.process_id
    return answer_buttons(pid, followup=item.kind == "followup", block_id=f"prompt:{pid}")


def owner_dm(items: Sequence[PromptItem], *, more: int = 0) -> tuple[str, list[Block]]:
    """The one DM an owner gets in a day: each process's cost, break-even, and the question."""
    nudges = [i for i in items if i.kind == "nudge"]
    follow = [i for i in items if i.kind == "followup"]
    blocks: list[Block] = []
    if nudges:
        blocks.append(header(QUESTION))
        blocks.append(context("You own manual work that costs the team time every week:"))
        for item in nudges:
            blocks.extend(_item_blocks(item))
    if follow:
        blocks.append(header("Automated yet?"))
        for item in follow:
            blocks.extend(_item_blocks(item, followup=True))
    if more:
        blocks.append(context(f"…and {more} more. `/manual-task mine` lists them all."))
    titles = ", ".join(f"{i.card.ref} {i.card.title}" for i in items[:3])
    return f"{QUESTION} {titles}", blocks


def _item_blocks(item: PromptItem, *, followup: bool = False) -> list[Block]:
    card = item.card
    title = f"*{card.ref} · {escape(card.title)}*"
    if followup:
        text = f"{title}: you started automating it two weeks ago. Is it done?\n{figures(card)}"
    else:
        text = f"{title}\n{figures(card)}"
    if item.answer:
        return [section(text), context(answered_line(item))]
    return [section(text), _buttons(item)]


def who_owns(item: PromptItem) -> tuple[str, list[Block]]:
    """Raised in the process's channel when a costly process has no owner."""
    card = item.card
    cost = format_minutes(card.minutes_per_week)
    text = f"Who owns {card.ref} · {card.title}? It costs {cost} a week."
    blocks: list[Block] = [
        section(
            f":raising_hand: *Who owns {card.ref} · {escape(card.title)}?*\n"
            f"{card.count} reports in the last 28 days: {figures(card)}"
        ),
    ]
    if item.answer:
        blocks.append(context(answered_line(item)))
    else:
        blocks.append(
            actions(
                button("I'll own it", Action.TAKE_OWNERSHIP, str(card.process_id), style="primary"),
                block_id=f"prompt:{card.process_id}",
            )
        )
        blocks.append(context(QUESTION))
    return text, blocks


def handed_over(card: ProcessCard, *, by: str) -> tuple[str, list[Block]]:
    """Told to the new owner when a process is passed to them."""
    text = f"{card.ref} · {card.title} is yours now, passed on by <@{by}>."
    return text, [
        section(
            f":inbox_tray: {user(by)} passed *{card.ref} · {escape(card.title)}* to you.\n"
            f"{figures(card)}"
        ),
        context(QUESTION),
    ]
