"""What a process's effort and steps look like (pure): the payback beside the break-even,
the warning when an estimate is over it, the steps as written down, the forms that ask
for them, and the DM that hands the steps to whoever automates the process."""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.domain.cards import ProcessCard
from bot.domain.costs import break_even_hours
from bot.domain.durations import format_hours, format_minutes
from bot.domain.elimination import QuarterMedian
from bot.domain.payback import payback_text
from bot.domain.plurals import EXAMPLE_REF, count
from bot.ids import Callback, Field
from bot.messages.blocks import Block, Message, context, modal, section, text_input
from bot.mrkdwn import Mrkdwn, date, mention

MAX_SHOWN_STEPS = 2500


def label(card: ProcessCard) -> Mrkdwn:
    """'P7 · Reconcile Stripe payouts' (as bot/messages/reports.py, which shows these)."""
    return Mrkdwn("{} · {}").format(card.ref, card.title)


def name(card: ProcessCard) -> Mrkdwn:
    return Mrkdwn("*{}*").format(label(card))


def metadata(**values: object) -> str:
    return json.dumps(values, separators=(",", ":"))  # a section's text is at most 3,000 characters


def payback_line(card: ProcessCard) -> Mrkdwn | None:
    """'Estimate 30h: pays back in 6 weeks (break-even 1,300h)', or a warning when the
    estimate is over the break-even; None without an estimate."""
    if card.effort_hours is None:
        return None
    even = format_hours(break_even_hours(card.hours_per_week))
    if card.over_break_even:
        return Mrkdwn(
            ":warning: The estimate, {}, is over the break-even of {}: at today's cost it "
            "wouldn't pay back within 5 years"
        ).format(format_hours(card.effort_hours), even)
    return Mrkdwn("Estimate {}: {} (break-even {})").format(
        format_hours(card.effort_hours), payback_text(card.payback_weeks), even
    )


def payback_short(card: ProcessCard) -> Mrkdwn:
    """'pays back in 6 weeks (30h estimated)', ':warning: 400h estimated, over the
    break-even', or 'no estimate yet'."""
    if card.effort_hours is None:
        return Mrkdwn("no estimate yet")
    if card.over_break_even:
        return Mrkdwn(":warning: {} estimated, over the break-even").format(
            format_hours(card.effort_hours)
        )
    return Mrkdwn("{} ({} estimated)").format(
        payback_text(card.payback_weeks), format_hours(card.effort_hours)
    )


def realised_line(card: ProcessCard) -> Mrkdwn | None:
    """'Automating it took 20h (estimate 30h)', once told."""
    if card.actual_hours is None:
        return None
    line = Mrkdwn("Automating it took {}").format(format_hours(card.actual_hours))
    if card.effort_hours is not None:
        line += Mrkdwn(" (estimate {})").format(format_hours(card.effort_hours))
    return line


def steps_text(card: ProcessCard) -> Mrkdwn:
    """The steps as written, escaped, cut to fit a block."""
    assert card.steps is not None
    text = card.steps.text
    if len(text) > MAX_SHOWN_STEPS:
        text = text[: MAX_SHOWN_STEPS - 1] + "…"
    return Mrkdwn("{}").format(text)


def steps_byline(card: ProcessCard) -> Mrkdwn:
    """'version 2, by @ana on 23 Nov 2026'."""
    assert card.steps is not None
    when = date(card.steps.at, "date_short", card.steps.at.strftime("%d %b %Y"))
    return Mrkdwn("version {}, by {} on {}").format(
        card.steps.version, mention(card.steps.author_id), when
    )


def steps_block(card: ProcessCard) -> Block:
    """`show` and Home: '*Steps* (version 2, by @ana on …)' and the steps, or how to
    write them down."""
    if card.steps is None:
        return context(
            Mrkdwn(
                "No steps written down yet: `/manual-task steps {}` (document to automate)."
            ).format(card.ref)
        )
    return section(Mrkdwn("*Steps* ({})\n").format(steps_byline(card)) + steps_text(card))


def steps_modal(card: ProcessCard, *, channel: str | None = None) -> Block:
    """The form for a process's steps, holding the latest version to edit."""
    return modal(
        Callback.STEPS,
        "Write down the steps",
        [
            section(Mrkdwn("{}: how is it done, step by step?").format(name(card))),
            text_input(
                Field.STEPS,
                "Steps",
                multiline=True,
                initial=card.steps.text if card.steps else None,
                max_length=3000,
                placeholder="1. Open the Stripe dashboard\n2. Export the payouts…",
                hint="Each save is kept as a version, with who and when.",
            ),
        ],
        submit="Save",
        private_metadata=metadata(process=card.process_id, channel=channel),
    )


def effort_modal(card: ProcessCard, *, message: dict[str, str] | None = None) -> Block:
    """After "I'll automate it": one optional field, the hours it will take."""
    return modal(
        Callback.EFFORT,
        "How long will it take?",
        [
            section(Mrkdwn("{}: thanks for taking it on.").format(name(card))),
            text_input(
                Field.EFFORT,
                "Hours automating it will take",
                optional=True,
                placeholder="30h, 3d, 2 weeks",
                hint="Optional: with it, the card says when it pays back.",
                initial=format_hours(card.effort_hours) if card.effort_hours else None,
            ),
        ],
        submit="Save",
        private_metadata=metadata(process=card.process_id, message=message),
    )


def steps_saved(card: ProcessCard) -> Message:
    assert card.steps is not None
    text = Mrkdwn("Saved the steps of {}: {}.").format(label(card), steps_byline(card))
    return text, [section(text)]


def steps_unchanged(card: ProcessCard) -> Message:
    text = Mrkdwn("The steps of {} are as they were: nothing to save.").format(label(card))
    return text, [section(text)]


def effort_saved(card: ProcessCard) -> Message:
    """The answer to an estimate (or, retired, to the hours it took)."""
    line = realised_line(card) if card.actual_hours is not None else payback_line(card)
    text = Mrkdwn("{}: {}.").format(label(card), line or Mrkdwn("no estimate"))
    return text, [section(text)]


def steps_for_automator(card: ProcessCard) -> Message:
    """The DM to whoever says "I'll automate it": the steps as written down."""
    assert card.steps is not None
    text = Mrkdwn("The steps of {}, for automating it ({}):").format(
        label(card), steps_byline(card)
    )
    return text, [section(text), section(steps_text(card))]


HOME_STEPS_SHOWN = 300


def home_steps(card: ProcessCard) -> Block:
    """Home, under one of my processes: its steps in short (or how to write them down)."""
    if card.steps is None:
        return context(Mrkdwn("No steps written down: `/manual-task steps {}`.").format(card.ref))
    text = card.steps.text
    short = text if len(text) <= HOME_STEPS_SHOWN else text[: HOME_STEPS_SHOWN - 1] + "…"
    return context(Mrkdwn("*Steps* ({}): {}").format(steps_byline(card), short))


def verified_part(verified_minutes_per_week: float, eliminated_minutes_per_week: float) -> Mrkdwn:
    """' · 30m a week of it verified' (8 weeks with no report since), or nothing."""
    if verified_minutes_per_week <= 0 or eliminated_minutes_per_week <= 0:
        return Mrkdwn("")
    if verified_minutes_per_week >= eliminated_minutes_per_week:
        return Mrkdwn(" · all of it verified")
    return Mrkdwn(" · {} a week of it verified").format(format_minutes(verified_minutes_per_week))


def savings_field(projected: float | None, realised: float | None) -> Mrkdwn | None:
    """`stats`: '*Saved over 5 years*\n1,200h projected · 1,150h realised' (the
    break-even of what retirements eliminated, less their estimates and their real
    hours); None when no retired process has either."""
    parts = []
    if projected is not None:
        parts.append(Mrkdwn("{} projected").format(format_hours(projected)))
    if realised is not None:
        parts.append(Mrkdwn("{} realised").format(format_hours(realised)))
    if not parts:
        return None
    return Mrkdwn("*Saved over 5 years*\n") + Mrkdwn(" · ").join(parts)


def time_to_eliminate_line(quarters: Sequence[QuarterMedian]) -> Mrkdwn:
    """'*Time to eliminate* (first report to retirement, median): 2026 Q3 12 days (3
    retired) · 2026 Q4 5 days (1 retired)'."""
    parts = [
        Mrkdwn("{} {} ({} retired)").format(
            q.quarter, count(round(q.median_days), "day"), q.retired
        )
        for q in quarters
    ]
    return Mrkdwn("*Time to eliminate* (first report to retirement, median): ") + Mrkdwn(
        " · "
    ).join(parts)


def documented_line(share: float) -> Mrkdwn:
    """The digest: ':memo: 40% of the manual load has its steps written down.'"""
    percent = round(share * 100)
    if percent >= 100:
        return Mrkdwn(":memo: All of the manual load has its steps written down.")
    return Mrkdwn(
        ":memo: {}% of the manual load has its steps written down: document to automate "
        "(`/manual-task steps {}`)."
    ).format(percent, EXAMPLE_REF)
