"""Celebrating retirements and flagging regressions (pure)."""

from __future__ import annotations

from bot.domain.cards import ProcessCard
from bot.domain.costs import format_money, hours_per_year, money
from bot.domain.durations import format_hours, format_minutes
from bot.messages.blocks import Message, context, section
from bot.messages.reports import credit, how_it_runs, label, name
from bot.mrkdwn import Mrkdwn, channel, mention


def _yearly(card: ProcessCard, minutes_per_week: float) -> Mrkdwn:
    """'39h a year', with the money when the workspace has an hourly rate:
    '39h a year · $3,315 a year'."""
    hours = hours_per_year(minutes_per_week / 60)
    said = Mrkdwn("{} a year").format(format_hours(hours))
    cash = money(hours, card.hourly_rate)
    if cash is not None:
        said += Mrkdwn(" · {} a year").format(format_money(cash, card.currency))
    return said


def celebration(card: ProcessCard, *, total_eliminated_hours: float) -> Message:
    """Posted in the process's channel when it is retired."""
    minutes = card.eliminated_minutes_per_week or 0
    text = Mrkdwn("🎉 {} is retired: automated by {}. {} a week eliminated.").format(
        label(card), credit(card), format_minutes(minutes)
    )
    how = how_it_runs(card)
    body = Mrkdwn(
        ":tada: {} is retired, automated by {}.{}\n"
        "That's *{} a week* ({}) of manual work permanently eliminated."
    ).format(
        name(card),
        credit(card),
        Mrkdwn("\nHow: {}").format(how) if how is not None else Mrkdwn(""),
        format_minutes(minutes),
        _yearly(card, minutes),
    )
    return text, [
        section(body),
        context(
            Mrkdwn(
                "Team total eliminated: *{} a week*. The goal of business operations is to "
                "not exist."
            ).format(format_minutes(total_eliminated_hours * 60))
        ),
    ]


def regression_notice(card: ProcessCard, *, reporter_id: str, minutes: int) -> Message:
    """Sent to the owner when a retired process is reported again."""
    text = Mrkdwn("{} is back: {} reported by hand.").format(label(card), format_minutes(minutes))
    automation = how_it_runs(card) or Mrkdwn("no link recorded")
    return text, [
        section(
            Mrkdwn(
                ":warning: {} was retired, but {} has done it by hand again ({}). "
                "Is the automation still working?"
            ).format(name(card), mention(reporter_id), format_minutes(minutes))
        ),
        context(Mrkdwn("Automation: {}").format(automation)),
    ]


def retired_answer(card: ProcessCard, *, already: bool, recorded: bool) -> Message:
    """The private answer to whoever retired a process (`retire P7 <link>`, the form):
    what was eliminated and where it was celebrated; or, retired before, what was added."""
    how = how_it_runs(card)
    if already and recorded and how is not None:
        said = Mrkdwn("Recorded how {} is automated: {}. `show {}` shows it.").format(
            label(card), how, card.ref
        )
    elif already:
        said = Mrkdwn("{} is already retired: nothing changed. `show {}` says how it runs.").format(
            label(card), card.ref
        )
    else:
        told = (
            Mrkdwn("I've told {}.").format(channel(card.channel_id))
            if card.channel_id
            else Mrkdwn("The celebration is in your DMs.")
        )
        said = Mrkdwn("Retired {}: {} a week eliminated. {}").format(
            label(card), format_minutes(card.eliminated_minutes_per_week or 0), told
        )
        if how is None:
            said += Mrkdwn(" `/manual-task retire {} https://…` records how.").format(card.ref)
    if not already and card.actual_hours is None:
        ask = Mrkdwn(
            "How many hours did automating it take? `/manual-task effort {} 20h` keeps its "
            "realised savings{}."
        ).format(
            card.ref,
            Mrkdwn(" (the estimate was {})").format(format_hours(card.effort_hours))
            if card.effort_hours
            else Mrkdwn(""),
        )
        return said, [section(said), context(ask)]
    return said, [section(said)]
