"""The short private answers to an emoji reaction on one of the bot's prompts (pure).

Each is one line for the person who reacted: what happened, and what comes next.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.cards import ProcessCard
from bot.domain.durations import format_minutes
from bot.messages.reports import name as _name
from bot.mrkdwn import Mrkdwn, channel, date

BUNDLED = Mrkdwn("This message covers several processes: use the buttons.")
GONE = Mrkdwn("That process no longer exists. `/manual-task list` shows the current ones.")


def retired(card: ProcessCard) -> Mrkdwn:
    """✅: 'Retired *P1 · Reconcile payouts*: 1h 30m a week eliminated. 🎉 ...'"""
    minutes = card.eliminated_minutes_per_week or 0
    where = (
        Mrkdwn("I've told {}.").format(channel(card.channel_id))
        if card.channel_id
        else Mrkdwn("Well done.")
    )
    return Mrkdwn(
        "Retired {}: {} a week eliminated. 🎉 {} `/manual-task retire {} {}` records how, "
        "if you like."
    ).format(_name(card), format_minutes(minutes), where, card.ref, "<link>")


def already_retired(card: ProcessCard) -> Mrkdwn:
    return Mrkdwn("{} is already retired: nothing to do.").format(_name(card))


def automating(card: ProcessCard, *, took_ownership: bool) -> Mrkdwn:
    """🤖: marked as being automated (and now owned by the reactor, if it was unowned)."""
    owned = " You own it now." if took_ownership else ""
    said = Mrkdwn(
        "{} is marked as being automated.{} I'll check back in two weeks; react ✅ when it's done."
    ).format(_name(card), owned)
    if card.effort_hours is None:  # the estimate the button's form asks for
        said += Mrkdwn(" `/manual-task effort {} 30h` says how long it takes.").format(card.ref)
    return said


def already_automating(card: ProcessCard) -> Mrkdwn:
    return Mrkdwn("{} is already being automated. React ✅ when it's done.").format(_name(card))


def snoozed(card: ProcessCard, *, until: datetime) -> Mrkdwn:
    """💤: no nudges until `until` (shown in the reader's own time zone by Slack)."""
    when = date(until, "date_short_pretty", until.strftime("%a %d %b"))
    return Mrkdwn("Snoozed {} until {}: no nudges about it until then.").format(_name(card), when)


def counted(
    card: ProcessCard, *, minutes: int, duplicate: bool, regression: bool = False
) -> Mrkdwn:
    """➕: 'I do this too' became a report of `minutes` for the reactor; `regression` when
    the process was retired (so it came back)."""
    if duplicate:
        return Mrkdwn("You already said you do {} today: it's counted once a day.").format(
            _name(card)
        )
    if regression:
        return Mrkdwn(
            "Counted: you did {} by hand ({}), but it was retired, so it has come back. "
            "I'll let its owner know, in their working hours."
        ).format(_name(card), format_minutes(minutes))
    return Mrkdwn(
        "Counted: you do {} too ({}, the usual time). It now costs *{} a week*. "
        "`/manual-task undo` takes it back."
    ).format(_name(card), format_minutes(minutes), format_minutes(card.minutes_per_week))
