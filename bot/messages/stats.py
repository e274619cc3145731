"""`/manual-task stats`: the workspace's headline figures (pure builder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.costs import WEEKS_IN_WINDOW, format_money, hours_per_year, money, trend
from bot.domain.durations import format_hours, format_minutes
from bot.domain.elimination import QuarterMedian
from bot.domain.growth import Change, Month
from bot.domain.lone import SinglePoints
from bot.domain.plurals import count
from bot.messages.blocks import Block, Message, context, header, section
from bot.messages.decisions import growth_lines, lone_line
from bot.messages.effort import savings_field, time_to_eliminate_line, verified_part
from bot.mrkdwn import Mrkdwn


@dataclass(frozen=True)
class Figures:
    """What `stats` reports. Manual load is over the trailing 28 days of open processes;
    the trend compares all minutes reported in the last 7 days with the 7 days before."""

    reported: int
    retired: int
    active: int
    occurrences: int
    reporters: int
    manual_minutes_in_window: int
    eliminated_minutes_per_week: float
    this_week_minutes: int
    last_week_minutes: int
    hourly_rate: float | None = None
    currency: str = "USD"
    # What the figures cover when not the whole workspace (bot/domain/rules.py): "public"
    # (a member: public processes and their own private ones) or "own" (a guest).
    covers: str = "all"
    lone: SinglePoints | None = None  # the processes only one person has ever done
    quarters: Sequence[Change] = ()  # quarter on quarter (bot/domain/growth.py)
    months: Sequence[Month] = ()
    # Decisions (issue 18): savings over 5 years of the retired processes, against their
    # estimates (projected) and the hours they took (realised); None: none given. The
    # eliminated minutes a week that are verified; the median time to eliminate by quarter.
    projected_savings_hours: float | None = None
    realised_savings_hours: float | None = None
    verified_minutes_per_week: float = 0.0
    time_to_eliminate: Sequence[QuarterMedian] = ()

    @property
    def manual_minutes_per_week(self) -> float:
        return self.manual_minutes_in_window / WEEKS_IN_WINDOW

    @property
    def trend(self) -> str:
        return trend(self.last_week_minutes, self.this_week_minutes)


COVERS = {
    "public": Mrkdwn(
        "Counted over what you may see: every public process, and the private ones you "
        "reported or own."
    ),
    "own": Mrkdwn("Counted over the processes you reported or own."),
}


def _weekly(minutes_per_week: float, rate: float | None, currency: str) -> Mrkdwn:
    """'*1h 1m a week* (53h a year · $4,420 a year)'."""
    hours = minutes_per_week / 60
    extra = [Mrkdwn("{} a year").format(format_hours(hours_per_year(hours)))]
    cash = money(hours_per_year(hours), rate)
    if cash is not None:
        extra.append(Mrkdwn("{} a year").format(format_money(cash, currency)))
    return Mrkdwn("*{} a week* ({})").format(
        format_minutes(minutes_per_week), Mrkdwn(" · ").join(extra)
    )


def stats_message(f: Figures) -> Message:
    if f.reported == 0:
        text = Mrkdwn("Nothing reported {}yet. Try `/manual-task Reconcile Stripe payouts 45m`.")
        text = text.format(Mrkdwn("") if f.covers == "all" else Mrkdwn("that you can see "))
        return text, [section(text)]
    rate, cur = f.hourly_rate, f.currency
    recent = (
        Mrkdwn("({} on the 7 days before: {})").format(f.trend, format_minutes(f.last_week_minutes))
        if f.last_week_minutes
        else Mrkdwn("(none the 7 days before)")
    )
    fields = [
        Mrkdwn("*Processes reported*\n{:,} ({:,} open)").format(f.reported, f.active),
        Mrkdwn("*Retired by automation*\n{:,}").format(f.retired),
        Mrkdwn("*Manual work now*\n{}").format(_weekly(f.manual_minutes_per_week, rate, cur)),
        Mrkdwn("*Eliminated for good*\n{}{}").format(
            _weekly(f.eliminated_minutes_per_week, rate, cur),
            verified_part(f.verified_minutes_per_week, f.eliminated_minutes_per_week),
        ),
        Mrkdwn("*Reported in the last 7 days*\n{} {}").format(
            format_minutes(f.this_week_minutes), recent
        ),
        Mrkdwn("*Reports*\n{:,} by {}").format(
            f.occurrences, count(f.reporters, "person", "people")
        ),
    ]
    saved = savings_field(f.projected_savings_hours, f.realised_savings_hours)
    if saved is not None:
        fields.append(saved)
    blocks: list[Block] = [
        header("Automation Coach: the numbers"),
        section(Mrkdwn("Where things stand today:"), fields=fields),
    ]
    if f.time_to_eliminate:
        blocks.append(section(time_to_eliminate_line(f.time_to_eliminate)))
    notes = [
        Mrkdwn(
            "Manual work is the last 28 days (UTC days, today so far included) ÷ 4, over"
            " processes not yet retired."
        )
    ]
    if f.covers in COVERS:
        notes.insert(0, COVERS[f.covers])
    if rate is None:
        notes.append(
            Mrkdwn("An admin can set an hourly rate with `/manual-task config` to see money.")
        )
    decisions = [
        line
        for line in (
            lone_line(f.lone) if f.lone else None,
            growth_lines(f.quarters, f.months),
        )
        if line is not None
    ]
    if decisions:
        blocks.append(section(Mrkdwn("\n\n").join(decisions)))
    blocks.append(context(*notes))
    text = Mrkdwn(
        "{} reported, {} retired. Manual now: {} a week; eliminated: {} a week; trend {}."
    ).format(
        count(f.reported, "process"),
        f.retired,
        format_minutes(f.manual_minutes_per_week),
        format_minutes(f.eliminated_minutes_per_week),
        f.trend,
    )
    return text, blocks
