"""The channel digest (pure): biggest manual processes, what's new, what was retired and
the hours that eliminated, the reasons given, regressions, the trend, and a question.

Fits Slack's limits however big the workspace: at most 50 blocks, 3,000 characters a
section, and it says how much it left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.cards import ProcessCard
from bot.domain.costs import break_even_hours, hours_per_year, trend
from bot.domain.durations import format_hours, format_minutes
from bot.domain.plurals import noun
from bot.domain.schedule import zone
from bot.domain.states import Covers
from bot.messages.blocks import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    Block,
    Message,
    context,
    divider,
    header,
    section,
)
from bot.messages.reports import status_label
from bot.mrkdwn import Mrkdwn, channel, mention

QUESTIONS = (
    "Is this ops investment solving a problem or institutionalizing one?",
    "Could this be automated? Why haven't we?",
    "Are we hiring people or building systems?",
    "Is our ops team growing proportionally to our business or faster?",
)
LIST_LIMIT = 10


def title_for(cadence: str, start: datetime, tz: str, covers: str = Covers.CHANNEL) -> str:
    """'Manual work digest · week to Mon 07 Dec' (a daily one: the day), in `tz`; a
    workspace-wide digest says so ('Public manual work digest · …')."""
    local = start.astimezone(zone(tz))
    name = "Public manual work digest" if covers == Covers.WORKSPACE else "Manual work digest"
    if cadence == "daily":
        return f"{name} · {local:%a %d %b}"
    return f"{name} · week to {local:%a %d %b}"


def question_for(period_start: datetime) -> str:
    """One of the seed's questions, a different one each period."""
    return QUESTIONS[period_start.toordinal() % len(QUESTIONS)]


@dataclass(frozen=True)
class Retired:
    ref: str
    title: str
    by: str | None
    minutes_per_week: float
    link: str | None = None


@dataclass(frozen=True)
class DigestData:
    """Everything a digest shows; counts say how many exist in all."""

    title: str
    period_start: datetime
    top: Sequence[ProcessCard]
    top_total: int
    new: Sequence[tuple[str, str, str]]  # ref, title, reporter
    new_total: int
    retired: Sequence[Retired]
    retired_total: int
    eliminated_minutes_per_week: float
    reasons: Sequence[tuple[str, str, str, str | None]]  # ref, title, reason, who
    regressions: Sequence[tuple[str, str, int]]  # ref, title, minutes
    manual_hours_this: float
    manual_hours_before: float
    question: str
    notes: list[Mrkdwn] = field(default_factory=list)


def covers_note(channel_id: str | None) -> Mrkdwn:
    """What a digest covers, said at its foot (the rule: bot/domain/rules.py): its
    channel's processes, or (no channel) every public process of the workspace."""
    if channel_id is not None:
        return Mrkdwn("Covers the processes first reported in {}.").format(channel(channel_id))
    return Mrkdwn("Covers every public process of the workspace; private ones never show here.")


def _bounded(lines: list[Mrkdwn], total: int, one: str, many: str | None = None) -> Mrkdwn:
    """Join lines into one section's text, cutting at Slack's limit and saying so."""
    out: list[Mrkdwn] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > SECTION_LIMIT - 80:
            break
        out.append(line)
        size += len(line) + 1
    left = total - len(out)
    if left > 0:
        out.append(Mrkdwn("_…and {:,} more {}_").format(left, noun(left, one, many)))
    return Mrkdwn("\n").join(out)


def _named(ref: str, title: str) -> Mrkdwn:
    return Mrkdwn("*{} · {}*").format(ref, title)


def digest(data: DigestData) -> Message:
    blocks: list[Block] = [header(data.title)]
    eliminated_h = data.eliminated_minutes_per_week / 60
    if data.manual_hours_before:
        change = Mrkdwn("{} on the period before").format(
            trend(data.manual_hours_before, data.manual_hours_this)
        )
    else:
        change = Mrkdwn("none reported the period before")
    blocks.append(
        section(
            Mrkdwn(
                ":chart_with_downwards_trend: Manual work: *{}* this period ({}).\n"
                ":trophy: Eliminated so far: *{} a week* ({} a year)."
            ).format(
                format_hours(data.manual_hours_this),
                change,
                format_minutes(data.eliminated_minutes_per_week),
                format_hours(hours_per_year(eliminated_h)),
            )
        )
    )
    if data.top:
        lines = [
            Mrkdwn("{}. {}: {} a week, {}, {}, worth up to {} of automation").format(
                i,
                _named(c.ref, c.title),
                format_minutes(c.minutes_per_week),
                mention(c.owner_id) if c.owner_id else "no owner",
                status_label(c),
                format_hours(break_even_hours(c.hours_per_week)),
            )
            for i, c in enumerate(data.top, start=1)
        ]
        blocks += [
            divider(),
            section(
                Mrkdwn("*Biggest manual processes*\n") + _bounded(lines, data.top_total, "process")
            ),
        ]
    if data.retired_total:
        lines = [
            Mrkdwn(":tada: {} retired by {}: {} a week eliminated").format(
                _named(r.ref, r.title), mention(r.by), format_minutes(r.minutes_per_week)
            )
            for r in data.retired
        ]
        blocks.append(
            section(Mrkdwn("*Retired*\n") + _bounded(lines, data.retired_total, "process"))
        )
    if data.new_total:
        lines = [
            Mrkdwn("• {} (first reported by {})").format(_named(ref, title), mention(by))
            for ref, title, by in data.new
        ]
        blocks.append(
            section(
                Mrkdwn("*New this period*\n")
                + _bounded(lines, data.new_total, "new process", "new processes")
            )
        )
    if data.regressions:
        lines = [
            Mrkdwn(":warning: {}: {} done by hand again").format(
                _named(ref, title), format_minutes(m)
            )
            for ref, title, m in data.regressions
        ]
        blocks.append(
            section(
                Mrkdwn("*Regressions* (retired, but back)\n")
                + _bounded(lines, len(lines), "regression")
            )
        )
    if data.reasons:
        lines = [
            Mrkdwn("• {}: {} ({})").format(_named(ref, title), reason, mention(who))
            for ref, title, reason, who in data.reasons
        ]
        blocks.append(
            section(Mrkdwn("*Why not automated*\n") + _bounded(lines, len(lines), "reason"))
        )
    if not (data.top or data.new_total or data.retired_total):
        blocks.append(
            section(
                Mrkdwn(
                    "No manual work reported yet. Try `/manual-task Reconcile Stripe payouts 45m`."
                )
            )
        )
    blocks.append(context(Mrkdwn(":thinking_face: {}").format(data.question), *data.notes))
    blocks = blocks[:MAX_BLOCKS]
    text = Mrkdwn("{}: {} of manual work, {} a week eliminated so far.").format(
        data.title,
        format_hours(data.manual_hours_this),
        format_minutes(data.eliminated_minutes_per_week),
    )
    return text, blocks


_WHY_STOPPED = {
    "is_archived": (
        "{where} was archived",
        "To have a digest elsewhere, run `/manual-task digest here {cadence}` in another channel.",
    ),
    "not_in_channel": (
        "I'm no longer a member of {where}",
        "To have it again, invite me there (`/invite @Automation Coach`) and run "
        "`/manual-task digest here {cadence}` in it.",
    ),
}
_CANT_FIND = (
    "I can't find {where} any more (it was deleted, or I was removed from it)",
    "To have it again, invite me to the channel and run `/manual-task digest here {cadence}` "
    "in it, or set one up in another channel.",
)


def stopped_why(channel_id: str, reason: str, cadence: str) -> tuple[Mrkdwn, Mrkdwn]:
    """(what happened, what to do) for a digest Slack refused for good with `reason`."""
    what, todo = _WHY_STOPPED.get(reason, _CANT_FIND)
    return (
        Mrkdwn(what).format(where=channel(channel_id)),
        Mrkdwn(todo).format(cadence=Mrkdwn(cadence)),
    )


def digest_stopped(channel_id: str, reason: str, cadence: str) -> Message:
    """The one DM to whoever set up a digest that Slack refused for good: why, and what to
    do. Nothing more is sent to that channel until someone subscribes it again."""
    what, todo = stopped_why(channel_id, reason, cadence)
    text = Mrkdwn(":pause_button: The {} digest you set up has stopped: {}. {}").format(
        Mrkdwn(cadence), what, todo
    )
    return text, [section(text)]
