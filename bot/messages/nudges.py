"""The coaching prompts (pure): the owner's daily DM bundling nudges and follow-ups, and
the channel's "Who owns this?". Rebuilt in place as answers come in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.cards import ProcessCard
from bot.domain.costs import break_even_hours, format_money, money
from bot.domain.durations import format_hours, format_minutes
from bot.domain.plurals import count
from bot.domain.states import Answer, PromptKind
from bot.ids import Action
from bot.messages.blocks import Block, Message, actions, button, context, header, section
from bot.messages.effort import payback_short
from bot.messages.reports import QUESTION, label, name, weekly
from bot.mrkdwn import Mrkdwn, mention

MAX_ITEMS = 8

ANSWERED: dict[str, Mrkdwn] = {
    Answer.AUTOMATING: Mrkdwn(":robot_face: {who} will automate it"),
    Answer.AUTOMATED: Mrkdwn(":white_check_mark: Retired by {who}: automated"),
    Answer.RETIRED: Mrkdwn(":white_check_mark: Retired by {who}: automated"),
    Answer.NOT_WORTH: Mrkdwn(
        ":ok_hand: {who}: not worth automating ({reason}); back for review in 90 days"
    ),
    Answer.SNOOZED: Mrkdwn(":zzz: Snoozed for two weeks by {who}"),
    Answer.NOT_MINE: Mrkdwn(":arrow_right: {who} passed it on"),
    Answer.STILL_WORKING: Mrkdwn(
        ":hammer_and_wrench: {who} is still on it; I'll check again in two weeks"
    ),
    Answer.OWNED: Mrkdwn(":raising_hand: {who} owns it now"),
}


@dataclass(frozen=True)
class PromptItem:
    """One process in a prompt: what kind of question, and the answer if any."""

    card: ProcessCard
    kind: PromptKind
    answer: Answer | str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    reason: str | None = None


def figures(card: ProcessCard) -> Mrkdwn:
    """'45m a week · worth up to 195h of automation · $67 a week'."""
    parts = [Mrkdwn("*{}*").format(weekly(card))]
    parts.append(
        Mrkdwn("worth up to {} of automation (the 5-year break-even)").format(
            format_hours(break_even_hours(card.hours_per_week))
        )
    )
    if card.effort_hours is not None:  # the estimate: its payback beside the break-even
        parts.append(payback_short(card))
    cash = money(card.hours_per_week, card.hourly_rate)
    if cash is not None:
        parts.append(Mrkdwn("{} a week").format(format_money(cash, card.currency)))
    return Mrkdwn(" · ").join(parts)


def answered_line(item: PromptItem) -> Mrkdwn:
    if item.answer == Answer.NOT_MINE and item.reason:
        return Mrkdwn(":arrow_right: {} passed it to {}").format(
            mention(item.answered_by), mention(item.reason)
        )
    template = ANSWERED.get(item.answer or "", Mrkdwn("{who} answered"))
    return template.format(who=mention(item.answered_by), reason=item.reason or "no reason")


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
    return answer_buttons(pid, followup=item.kind == PromptKind.FOLLOWUP, block_id=f"prompt:{pid}")


def owner_dm(items: Sequence[PromptItem], *, more: int = 0) -> Message:
    """The one DM an owner gets in a day: each process's cost, break-even, and the question."""
    nudges = [i for i in items if i.kind == PromptKind.NUDGE]
    follow = [i for i in items if i.kind == PromptKind.FOLLOWUP]
    blocks: list[Block] = []
    if nudges:
        blocks.append(header(QUESTION))
        blocks.append(context(Mrkdwn("You own manual work that costs the team time every week:")))
        for item in nudges:
            blocks.extend(_item_blocks(item))
    if follow:
        blocks.append(header("Automated yet?"))
        for item in follow:
            blocks.extend(_item_blocks(item, followup=True))
    if more:
        blocks.append(
            context(Mrkdwn("…and {} more. `/manual-task mine` lists them all.").format(more))
        )
    titles = Mrkdwn(", ").join(Mrkdwn("{} {}").format(i.card.ref, i.card.title) for i in items[:3])
    return Mrkdwn("{} {}").format(QUESTION, titles), blocks


def _item_blocks(item: PromptItem, *, followup: bool = False) -> list[Block]:
    card = item.card
    if followup:
        text = Mrkdwn("{}: you started automating it two weeks ago. Is it done?\n{}").format(
            name(card), figures(card)
        )
    else:
        text = Mrkdwn("{}\n{}").format(name(card), figures(card))
    if item.answer:
        return [section(text), context(answered_line(item))]
    return [section(text), _buttons(item)]


def who_owns(item: PromptItem) -> Message:
    """Raised in the process's channel when a costly process has no owner."""
    card = item.card
    cost = format_minutes(card.minutes_per_week)
    text = Mrkdwn("Who owns {}? It costs {} a week.").format(label(card), cost)
    blocks: list[Block] = [
        section(
            Mrkdwn(":raising_hand: *Who owns {}?*\n{} in the last 28 days: {}").format(
                label(card), count(card.count, "report"), figures(card)
            )
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


def handed_over(card: ProcessCard, *, by: str) -> Message:
    """Told to the new owner when a process is passed to them."""
    text = Mrkdwn("{} is yours now, passed on by {}.").format(label(card), mention(by))
    return text, [
        section(
            Mrkdwn(":inbox_tray: {} passed {} to you.\n{}").format(
                mention(by), name(card), figures(card)
            )
        ),
        context(QUESTION),
    ]
