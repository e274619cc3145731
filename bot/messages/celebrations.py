"""Celebrating retirements and flagging regressions (pure)."""

from __future__ import annotations

from bot.domain.cards import ProcessCard
from bot.domain.costs import hours_per_year
from bot.domain.durations import format_hours, format_minutes
from bot.messages.blocks import Message, context, section
from bot.messages.reports import label, name
from bot.mrkdwn import Mrkdwn, link, mention


def celebration(card: ProcessCard, *, total_eliminated_hours: float) -> Message:
    """Posted in the process's channel when it is retired."""
    minutes = card.eliminated_minutes_per_week or 0
    per_week = minutes / 60
    text = Mrkdwn("🎉 {} is retired: automated by {}. {} a week eliminated.").format(
        label(card), mention(card.retired_by), format_minutes(minutes)
    )
    how = (
        Mrkdwn("\nHow: {}").format(link(card.automation_link))
        if card.automation_link
        else Mrkdwn("")
    )
    body = Mrkdwn(
        ":tada: {} is retired, automated by {}.{}\n"
        "That's *{} a week* ({} a year) of manual work permanently eliminated."
    ).format(
        name(card),
        mention(card.retired_by),
        how,
        format_minutes(minutes),
        format_hours(hours_per_year(per_week)),
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
    automation = link(card.automation_link) if card.automation_link else "no link recorded"
    return text, [
        section(
            Mrkdwn(
                ":warning: {} was retired, but {} just did it by hand ({}). "
                "Is the automation still working?"
            ).format(name(card), mention(reporter_id), format_minutes(minutes))
        ),
        context(Mrkdwn("Automation: {}").format(automation)),
    ]
