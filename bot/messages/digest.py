"""The channel digest (pure): biggest manual processes, what's new, what was retired and
the hours that eliminated, the reasons given, regressions, the trend, and a question.

Fits Slack's limits however big the workspace: at most 50 blocks, 3,000 characters a
section, and it says how much it left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.costs import break_even_hours, hours_per_year, trend
from bot.domain.durations import format_hours, format_minutes
from bot.messages.blocks import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    Block,
    context,
    divider,
    escape,
    header,
    section,
    user,
)
from bot.messages.cards import ProcessCard

QUESTIONS = (
    "Is this ops investment solving a problem or institutionalizing one?",
    "Could this be automated? Why haven't we?",
    "Are we hiring people or building systems?",
    "Is our ops team growing proportionally to our business or faster?",
)
LIST_LIMIT = 10


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
    notes: list[str] = field(default_factory=list)


def _bounded(lines: list[str], total: int, noun: str) -> str:
    """Join lines into one section's text, cutting at Slack's limit and saying so."""
    out: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > SECTION_LIMIT - 80:
            break
        out.append(line)
        size += len(line) + 1
    left = total - len(out)
    if left > 0:
        out.append(f"_…and {left:,} more {noun}_")
    return "\n".join(out)


def digest(data: DigestData) -> tuple[str, list[Block]]:
    blocks: list[Block] = [header(data.title)]
    eliminated_h = data.eliminated_minutes_per_week / 60
    if data.manual_hours_before:
        change = f"{trend(data.manual_hours_before, data.manual_hours_this)} on the period before"
    else:
        change = "none reported the period before"
    blocks.append(
        section(
            f":chart_with_downwards_trend: Manual work: *{format_hours(data.manual_hours_this)}* "
            f"this period ({change}).\n:trophy: Eliminated so far: "
            f"*{format_minutes(data.eliminated_minutes_per_week)} a week* "
            f"({format_hours(hours_per_year(eliminated_h))} a year)."
        )
    )
    if data.top:
        lines = [
            f"{i}. *{c.ref} · {escape(c.title)}*: {format_minutes(c.minutes_per_week)} a week, "
            f"{user(c.owner_id) if c.owner_id else 'no owner'}, {c.status}, worth up to "
            f"{format_hours(break_even_hours(c.hours_per_week))} of automation"
            for i, c in enumerate(data.top, start=1)
        ]
        blocks += [
            divider(),
            section("*Biggest manual processes*\n" + _bounded(lines, data.top_total, "processes")),
        ]
    if data.retired_total:
        lines = [
            f":tada: *{r.ref} · {escape(r.title)}* retired by {user(r.by)}: "
            f"{format_minutes(r.minutes_per_week)} a week eliminated"
            for r in data.retired
        ]
        blocks.append(section("*Retired*\n" + _bounded(lines, data.retired_total, "retired")))
    if data.new_total:
        lines = [
            f"• *{ref} · {escape(title)}* (first reported by {user(by)})"
            for ref, title, by in data.new
        ]
        blocks.append(
            section("*New this period*\n" + _bounded(lines, data.new_total, "new processes"))
        )
    if data.regressions:
        lines = [
            f":warning: *{ref} · {escape(title)}*: {format_minutes(m)} done by hand again"
            for ref, title, m in data.regressions
        ]
        blocks.append(
            section(
                "*Regressions* (retired, but back)\n" + _bounded(lines, len(lines), "regressions")
            )
        )
    if data.reasons:
        lines = [
            f"• *{ref} · {escape(title)}*: {escape(reason)} ({user(who)})"
            for ref, title, reason, who in data.reasons
        ]
        blocks.append(section("*Why not automated*\n" + _bounded(lines, len(lines), "reasons")))
    if not (data.top or data.new_total or data.retired_total):
        blocks.append(
            section("No manual work reported yet. Try `/manual-task Reconcile Stripe payouts 45m`.")
        )
    blocks.append(context(f":thinking_face: {data.question}", *data.notes))
    blocks = blocks[:MAX_BLOCKS]
    text = (
        f"{data.title}: {format_hours(data.manual_hours_this)} of manual work, "
        f"{format_minutes(data.eliminated_minutes_per_week)} a week eliminated so far."
    )
    return text, blocks
