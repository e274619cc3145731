"""Celebrating retirements and flagging regressions (pure)."""

from __future__ import annotations

from bot.domain.costs import hours_per_year
from bot.domain.durations import format_hours, format_minutes
from bot.messages.blocks import Block, context, escape, section, user
from bot.messages.cards import ProcessCard


def celebration(card: ProcessCard, *, total_eliminated_hours: float) -> tuple[str, list[Block]]:
    """Posted in the process's channel when it is retired."""
    minutes = card.eliminated_minutes_per_week or 0
    per_week = minutes / 60
    text = (
        f"🎉 {card.ref} · {card.title} is retired: automated by "
        f"<@{card.retired_by}>. {format_minutes(minutes)} a week eliminated."
    )
    how = f"\nHow: {card.automation_link}" if card.automation_link else ""
    body = (
        f":tada: *{card.ref} · {escape(card.title)}* is retired, automated by "
        f"{user(card.retired_by)}.{how}\n"
        f"That's *{format_minutes(minutes)} a week* ({format_hours(hours_per_year(per_week))} "
        "a year) of manual work permanently eliminated."
    )
    return text, [
        section(body),
        context(
            f"Team total eliminated: *{format_minutes(total_eliminated_hours * 60)} a week*. "
            "The goal of business operations is to not exist."
        ),
    ]


def regression_notice(
    card: ProcessCard, *, reporter_id: str, minutes: int
) -> tuple[str, list[Block]]:
    """Sent to the owner when a retired process is reported again."""
    text = f"{card.ref} · {card.title} is back: {format_minutes(minutes)} reported by hand."
    return text, [
        section(
            f":warning: *{card.ref} · {escape(card.title)}* was retired, but {user(reporter_id)} "
            f"just did it by hand ({format_minutes(minutes)}). Is the automation still working?"
        ),
        context(f"Automation: {card.automation_link or 'no link recorded'}"),
    ]
