"""The short private answers to an emoji reaction on one of the bot's prompts (pure).

Each is one line for the person who reacted: what happened, and what comes next.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.durations import format_hours, format_minutes
from bot.messages.blocks import escape
from bot.messages.cards import ProcessCard

BUNDLED = "This message covers several processes: use the buttons."
GONE = "That process no longer exists. `/manual-task list` shows the current ones."


def _name(card: ProcessCard) -> str:
    return f"*{card.ref} · {escape(card.title)}*"


def retired(card: ProcessCard) -> str:
    """✅: 'Retired *P1 · Reconcile payouts*: 1.5 h a week eliminated. 🎉 ...'"""
    hours = (card.eliminated_minutes_per_week or 0) / 60
    where = f"I've told <#{card.channel_id}>." if card.channel_id else "Well done."
    return (
        f"Retired {_name(card)}: {format_hours(hours)} a week eliminated. 🎉 {where} "
        f"`/manual-task retire {card.ref} <link>` records how, if you like."
    )


def already_retired(card: ProcessCard) -> str:
    return f"{_name(card)} is already retired: nothing to do."


def automating(card: ProcessCard, *, took_ownership: bool) -> str:
    """🤖: marked as being automated (and now owned by the reactor, if it was unowned)."""
    owned = " You own it now." if took_ownership else ""
    return (
        f"{_name(card)} is marked as being automated.{owned} "
        "I'll check back in two weeks; react ✅ when it's done."
    )


def already_automating(card: ProcessCard) -> str:
    return f"{_name(card)} is already being automated. React ✅ when it's done."


def snoozed(card: ProcessCard, *, until: datetime) -> str:
    """💤: no nudges until `until` (shown in the reader's own time zone by Slack)."""
    stamp = int(until.timestamp())
    fallback = until.strftime("%a %d %b")
    return (
        f"Snoozed {_name(card)} until <!date^{stamp}^{{date_short_pretty}}|{fallback}>: "
        "no nudges about it until then."
    )


def counted(card: ProcessCard, *, minutes: int, duplicate: bool) -> str:
    """➕: 'I do this too' became a report of `minutes` for the reactor."""
    if duplicate:
        return f"You already said you do {_name(card)} too: it's counted once."
    if card.status == "retired":
        return (
            f"Counted: you did {_name(card)} by hand ({format_minutes(minutes)}), but it was "
            "retired. I've let its owner know it's back."
        )
    return (
        f"Counted: you do {_name(card)} too ({format_minutes(minutes)}, the usual time). "
        f"It now costs *{format_minutes(card.minutes_per_week)} a week*. "
        "`/manual-task undo` takes it back."
    )
