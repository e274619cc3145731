"""`/manual-task stats`: the workspace's headline figures (pure builder)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.costs import WEEKS_IN_WINDOW, format_money, hours_per_year, money, trend
from bot.domain.durations import format_hours, format_minutes
from bot.messages.blocks import Block, context, header, section


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

    @property
    def manual_minutes_per_week(self) -> float:
        return self.manual_minutes_in_window / WEEKS_IN_WINDOW

    @property
    def trend(self) -> str:
        return trend(self.last_week_minutes, self.this_week_minutes)


def _weekly(minutes_per_week: float, rate: float | None, currency: str) -> str:
    """'*1h 1m a week* (53 h a year · $4,420 a year)'."""
    hours = minutes_per_week / 60
    extra = [f"{format_hours(hours_per_year(hours))} a year"]
    cash = money(hours_per_year(hours), rate)
    if cash is not None:
        extra.append(f"{format_money(cash, currency)} a year")
    return f"*{format_minutes(minutes_per_week)} a week* ({' · '.join(extra)})"


def stats_message(f: Figures) -> tuple[str, list[Block]]:
    if f.reported == 0:
        text = "Nothing reported yet. Try `/manual-task Reconcile Stripe payouts 45m`."
        return text, [section(text)]
    rate, cur = f.hourly_rate, f.currency
    fields = [
        f"*Processes reported*\n{f.reported:,} ({f.active:,} open)",
        f"*Retired by automation*\n{f.retired:,}",
        f"*Manual work now*\n{_weekly(f.manual_minutes_per_week, rate, cur)}",
        f"*Eliminated for good*\n{_weekly(f.eliminated_minutes_per_week, rate, cur)}",
        f"*Reported in the last 7 days*\n{format_minutes(f.this_week_minutes)} "
        + (
            f"({f.trend} on the 7 days before: {format_minutes(f.last_week_minutes)})"
            if f.last_week_minutes
            else "(none the 7 days before)"
        ),
        f"*Reports*\n{f.occurrences:,} by {f.reporters:,} "
        + ("person" if f.reporters == 1 else "people"),
    ]
    blocks: list[Block] = [
        header("Automation Coach: the numbers"),
        section("Where things stand today:", fields=fields),
    ]
    notes = ["Manual work is the last 28 days ÷ 4, over processes not yet retired."]
    if rate is None:
        notes.append("An admin can set an hourly rate with `/manual-task config` to see money.")
    blocks.append(context(*notes))
    text = (
        f"{f.reported} processes reported, {f.retired} retired. Manual now: "
        f"{format_minutes(f.manual_minutes_per_week)} a week; eliminated: "
        f"{format_minutes(f.eliminated_minutes_per_week)} a week; trend {f.trend}."
    )
    return text, blocks
