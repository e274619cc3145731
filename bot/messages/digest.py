"""The channel digest (pure): biggest manual processes, what's new, what was retired and
the hours that eliminated, the reasons given, regressions, the trend, and a question.

Fits Slack's limits however big the workspace: at most 50 blocks, 3,000 characters a
section, and it says how much it left out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.cards import ProcessCard
from bot.domain.costs import break_even_hours, hours_per_year, trend, trend_icon
from bot.domain.durations import format_hours, format_minutes
from bot.domain.elimination import QuarterMedian
from bot.domain.growth import Change, Month
from bot.domain.lone import SinglePoints
from bot.domain.plurals import noun
from bot.domain.schedule import zone
from bot.domain.states import Covers
from bot.domain.toil import ToilView
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
from bot.messages.decisions import growth_lines, lone_line, toil_line
from bot.messages.effort import documented_line, time_to_eliminate_line, verified_part
from bot.messages.reports import status_label
from bot.mrkdwn import Mrkdwn, channel, mention

QUESTIONS = (
    "Is this ops investment solving a problem or institutionalizing one?",
    "Could this be automated? Why haven't we?",
    "Are we hiring people or building systems?",
    "Is our ops team growing proportionally to our business or faster?",
)
LIST_LIMIT = 10
NEW_SHOWN = 3  # new processes named; the rest are summed


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
class New:
    """A process first reported in the period, and what it costs a week now (nothing once
    it is retired: it is counted among the eliminated instead)."""

    ref: str
    title: str
    reporter_id: str
    minutes_per_week: float
    retired: bool = False


@dataclass(frozen=True)
class DigestData:
    """Everything a digest shows. `new` holds every new process, most costly first (the
    digest names a few and sums the rest); the other lists are cut, their totals say how
    many exist in all. Manual minutes are those reported in [period_start, period_end) and
    in the period before it."""

    title: str
    period_start: datetime
    top: Sequence[ProcessCard]
    top_total: int
    new: Sequence[New]
    retired: Sequence[Retired]
    retired_total: int
    eliminated_minutes_per_week: float
    reasons: Sequence[tuple[str, str, str, str | None]]  # ref, title, reason, who
    regressions: Sequence[tuple[str, str, int]]  # ref, title, minutes
    manual_minutes_this: float
    manual_minutes_before: float
    question: str
    notes: list[Mrkdwn] = field(default_factory=list)
    cadence: str = "weekly"
    tz: str = "UTC"
    period_end: datetime | None = None
    toil: ToilView | None = None  # the team's toil budget (bot/domain/toil.py)
    lone: SinglePoints | None = None  # processes only one person has done
    quarters: Sequence[Change] = ()  # the first weekly digest of a month: ops vs business
    months: Sequence[Month] = ()
    time_to_eliminate: Sequence[QuarterMedian] = ()  # the monthly one too
    # Of the eliminated, the minutes a week verified; of the manual load (the 28 days
    # ranked), the share whose steps are written down (None: no manual load).
    verified_minutes_per_week: float = 0.0
    documented_share: float | None = None

    @property
    def quiet(self) -> bool:
        """Nothing happened in the period: no manual work, nothing new, retired or back,
        no reasons given. Such a digest says so in a line instead of repeating its lists."""
        return not (
            self.manual_minutes_this
            or self.new
            or self.retired_total
            or self.regressions
            or self.reasons
        )


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


def _period_words(data: DigestData) -> tuple[str, str]:
    """How the digest names its period and the one before: ('this week', 'the week
    before'); a daily one ('since Fri 09:00', 'the day before'), which after a weekend
    or a day off starts on the last working day."""
    if data.cadence != "daily":
        return "this week", "the week before"
    start = data.period_start.astimezone(zone(data.tz))
    end = data.period_end or data.period_start
    shown = (
        f"{start:%a %H:%M}"
        if end - data.period_start < timedelta(days=6)
        else f"{start:%a %d %b %H:%M}"
    )
    return f"since {shown}", "the day before"


def _quiet_words(data: DigestData) -> str:
    """'A quiet week' / 'A quiet day' / 'Quiet since Fri 09:00' (a daily digest's period
    that spans a weekend)."""
    if data.cadence != "daily":
        return "A quiet week"
    end = data.period_end or data.period_start + timedelta(days=1)
    if end - data.period_start <= timedelta(days=1, hours=1):  # a DST day is 25 h
        return "A quiet day"
    return "Quiet " + _period_words(data)[0]


def _summary(data: DigestData) -> Block:
    """The period's manual work against the period before, and the running total
    eliminated (every figure in minutes a week, as the lists below are)."""
    this, before = _period_words(data)
    eliminated = Mrkdwn(":trophy: Eliminated so far: *{} a week* ({} a year){}.").format(
        format_minutes(data.eliminated_minutes_per_week),
        format_hours(hours_per_year(data.eliminated_minutes_per_week / 60)),
        verified_part(data.verified_minutes_per_week, data.eliminated_minutes_per_week),
    )
    if data.documented_share is not None:
        eliminated += Mrkdwn("\n") + documented_line(data.documented_share)
    if data.quiet:
        quiet = Mrkdwn(":zzz: {}: no manual work reported, nothing new, nothing retired.")
        return section(quiet.format(_quiet_words(data)) + Mrkdwn("\n") + eliminated)
    if data.manual_minutes_before:
        change = trend(data.manual_minutes_before, data.manual_minutes_this)
        said = Mrkdwn("{} on {}").format(change, before)
    else:
        change, said = "", Mrkdwn("none reported {}").format(before)
    icon = trend_icon(data.manual_minutes_before, data.manual_minutes_this)
    manual = Mrkdwn("{} Manual work {}: *{}* ({}).").format(
        Mrkdwn(icon), this, format_minutes(data.manual_minutes_this), said
    )
    return section(manual + Mrkdwn("\n") + eliminated)


def _top(data: DigestData) -> list[Block]:
    if not data.top:
        return []
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
    return [
        divider(),
        section(
            Mrkdwn("*Biggest manual processes*\n") + _bounded(lines, data.top_total, "process")
        ),
    ]


def _sum(new: Sequence[New]) -> int:
    """Minutes a week of new processes, each rounded as its own line shows it, so that
    the lines and their sums add up exactly."""
    return sum(math.floor(n.minutes_per_week + 0.5) for n in new)


def _new(data: DigestData) -> list[Block]:
    """A few new processes by name, most costly first, then the rest summed: '…and 7 more,
    3h 10m a week'. The heading's total is the sum of the lines under it."""
    if not data.new:
        return []
    shown, rest = list(data.new[:NEW_SHOWN]), list(data.new[NEW_SHOWN:])
    lines = [
        Mrkdwn("• {}: {}, first reported by {}").format(
            _named(n.ref, n.title),
            "retired already" if n.retired else format_minutes(n.minutes_per_week) + " a week",
            mention(n.reporter_id),
        )
        for n in shown
    ]
    if rest:
        lines.append(
            Mrkdwn("_…and {:,} more, {} a week_").format(len(rest), format_minutes(_sum(rest)))
        )
    heading = Mrkdwn("*New {}*").format(_period_words(data)[0])
    if len(data.new) > 1:
        heading += Mrkdwn(": {} a week in all").format(format_minutes(_sum(data.new)))
    return [section(heading + Mrkdwn("\n") + Mrkdwn("\n").join(lines))]


def _retired(data: DigestData) -> list[Block]:
    if not data.retired_total:
        return []
    lines = [
        Mrkdwn(":tada: {} retired by {}: {} a week eliminated").format(
            _named(r.ref, r.title), mention(r.by), format_minutes(r.minutes_per_week)
        )
        for r in data.retired
    ]
    return [section(Mrkdwn("*Retired*\n") + _bounded(lines, data.retired_total, "process"))]


def _regressions(data: DigestData) -> list[Block]:
    if not data.regressions:
        return []
    lines = [
        Mrkdwn(":warning: {}: {} done by hand again").format(_named(ref, title), format_minutes(m))
        for ref, title, m in data.regressions
    ]
    return [
        section(
            Mrkdwn("*Regressions* (retired, but back)\n")
            + _bounded(lines, len(lines), "regression")
        )
    ]


def _reasons(data: DigestData) -> list[Block]:
    if not data.reasons:
        return []
    lines = [
        Mrkdwn("• {}: {} ({})").format(_named(ref, title), reason, mention(who))
        for ref, title, reason, who in data.reasons
    ]
    return [section(Mrkdwn("*Why not automated*\n") + _bounded(lines, len(lines), "reason"))]


def _decisions(data: DigestData) -> list[Block]:
    """The team's toil budget and its single points of failure, under the summary."""
    lines = [
        line
        for line in (
            toil_line(data.toil) if data.toil else None,
            lone_line(data.lone) if data.lone else None,
        )
        if line is not None
    ]
    return [section(Mrkdwn("\n").join(lines))] if lines else []


def _growth(data: DigestData) -> list[Block]:
    said = growth_lines(data.quarters, data.months)
    blocks = [divider(), section(said)] if said is not None else []
    if data.time_to_eliminate:
        blocks.append(section(time_to_eliminate_line(data.time_to_eliminate)))
    return blocks


def digest(data: DigestData) -> Message:
    """The digest message. A quiet period gets one line and a pointer to `list` instead
    of the same lists again; a workspace with nothing reported yet, how to start."""
    blocks: list[Block] = [header(data.title)]
    notes = list(data.notes)
    if data.quiet and not (data.top or data.eliminated_minutes_per_week):
        blocks.append(
            section(
                Mrkdwn(
                    "No manual work reported yet. Try `/manual-task Reconcile Stripe payouts 45m`."
                )
            )
        )
    elif data.quiet:
        blocks.append(_summary(data))
        notes.insert(0, Mrkdwn("`/manual-task list` shows the biggest manual processes."))
    else:
        blocks.append(_summary(data))
        blocks += _decisions(data) + _top(data) + _retired(data) + _new(data)
        blocks += _regressions(data) + _reasons(data) + _growth(data)
    blocks.append(context(Mrkdwn(":thinking_face: {}").format(data.question), *notes))
    blocks = blocks[:MAX_BLOCKS]
    return _fallback(data), blocks


def _fallback(data: DigestData) -> Mrkdwn:
    """The notification text: the same figures as the first section."""
    eliminated = format_minutes(data.eliminated_minutes_per_week)
    if data.quiet:
        return Mrkdwn("{}: {}, {} a week eliminated so far.").format(
            data.title, _quiet_words(data).lower(), eliminated
        )
    return Mrkdwn("{}: {} of manual work {}, {} a week eliminated so far.").format(
        data.title, format_minutes(data.manual_minutes_this), _period_words(data)[0], eliminated
    )


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
