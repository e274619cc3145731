"""The figures that turn the backlog into decisions, as lines for the digest, `stats`
and the `toil` and `volume` answers (pure builders): a team's toil budget, the processes
only one person has done, and whether ops grows faster than it is automated away."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.durations import format_minutes
from bot.domain.growth import Change, Month, outpaces
from bot.domain.lone import SinglePoints, percent
from bot.domain.plurals import count
from bot.domain.toil import ToilView
from bot.messages.blocks import Block, Message, context, header, section
from bot.mrkdwn import Mrkdwn, channel


def _and(items: Sequence[str]) -> Mrkdwn:
    """'P3', 'P3 and P9', 'P1, P3 and P9' (each escaped)."""
    if len(items) <= 1:
        return Mrkdwn("").join(items)
    return Mrkdwn(", ").join(items[:-1]) + Mrkdwn(" and ") + items[-1]


def toil_line(view: ToilView) -> Mrkdwn | None:
    """'⚖️ Toil budget: manual work is 62% of the team's working hours (…), over its 50%
    budget. Automating P1 · … would bring it back under.' None for a team of nobody."""
    b = view.budget
    if not b.known:
        return None
    who = Mrkdwn("{} × {} a week{}").format(
        count(b.size, "person", "people"),
        format_minutes(b.week_minutes),
        Mrkdwn(", as an admin set it") if b.size_set else Mrkdwn(""),
    )
    head = Mrkdwn(
        ":scales: Toil budget: manual work is *{}* of the team's working hours"
        " ({} a week of {}: {}),"
    ).format(
        percent(b.share), format_minutes(b.manual_minutes), format_minutes(b.capacity_minutes), who
    )
    if not b.over:
        return head + Mrkdwn(" within its {}% budget.").format(b.percent)
    head += Mrkdwn(" *over its {}% budget* by {} a week.").format(
        b.percent, format_minutes(b.excess_minutes)
    )
    named = [
        Mrkdwn("{} · {} ({} a week)").format(c.ref, c.title, format_minutes(c.minutes_per_week))
        for c in view.chosen
    ]
    if not named:
        return head
    if view.enough:
        said = Mrkdwn("\nAutomating {} would bring it back under.")
    else:
        said = Mrkdwn("\nEven automating {} would leave it over: the team needs fewer chores.")
    return head + said.format(Mrkdwn("; ").join(named))


def toil_message(view: ToilView) -> Message:
    """The answer to `toil`: this channel's team against its budget, and how to change it."""
    line = toil_line(view)
    where = channel(view.channel_id) if view.channel_id else Mrkdwn("the workspace")
    if line is None:
        line = Mrkdwn(
            "Nobody reported manual work in {} in the last four weeks and this one, so its team"
            " has no size yet: an admin can set one with `/manual-task toil team 6`."
        ).format(where)
    notes = Mrkdwn(
        "The team is the people who reported in {} in the last four weeks and this one"
        " (Monday to Sunday, UTC), or the size an admin set; manual work is the last 28 days"
        " (UTC days, today so far included) ÷ 4. Admins: `/manual-task toil team 6`,"
        " `toil team auto`, `toil budget 40%`."
    ).format(where)
    return line, [header("Toil budget"), section(line), context(notes)]


def toil_saved(*, size: int | None = None, percent_set: int | None = None) -> Message:
    if percent_set is not None:
        text = Mrkdwn(
            ":white_check_mark: The toil budget is now {}% of a team's working hours."
        ).format(percent_set)
    elif size is not None:
        text = Mrkdwn(":white_check_mark: This channel's team is now {}.").format(
            count(size, "person", "people")
        )
    else:
        text = Mrkdwn(
            ":white_check_mark: This channel's team is counted again: the people who reported"
            " here in the last four weeks and this one."
        )
    return text, [section(text)]


def lone_line(lone: SinglePoints) -> Mrkdwn | None:
    """'P3 and P9 (31% of the manual load) have only ever been done by one person. Write
    down their steps first.' None when there are none."""
    if not lone.refs:
        return None
    refs = list(lone.named)
    if lone.unnamed:
        refs.append(Mrkdwn("{} more").format(lone.unnamed))
    one = len(lone.refs) == 1
    return Mrkdwn(
        ":bust_in_silhouette: {} ({} of the manual load) {} only ever been done by one person."
        " Write down {} steps first."
    ).format(_and(refs), percent(lone.share), "has" if one else "have", "its" if one else "their")


def _quarter(c: Change, current: bool) -> Mrkdwn:
    return Mrkdwn(
        "*{}{}*: {} a week of manual work added, {} a week eliminated; {} did manual work"
        " ({} the quarter before)."
    ).format(
        c.label,
        " so far" if current else "",
        format_minutes(c.added),
        format_minutes(c.eliminated),
        count(c.people, "person", "people"),
        c.people_before,
    )


def _singular(unit: str) -> str:
    """'orders' → 'order', 'deliveries' → 'delivery', 'boxes' → 'box', 'kg' → 'kg'."""
    if unit.endswith("ies") and len(unit) > 4:
        return unit[:-3] + "y"
    if unit.endswith(("ses", "xes", "ches", "shes")):
        return unit[:-2]
    if unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


def _amount(value: float) -> str:
    """'12,000', '1,250.50'."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _per_unit(m: Month) -> Mrkdwn:
    return Mrkdwn("{:,.2f} manual minutes per {} in {:%b %Y}").format(
        m.per_unit or 0.0, _singular(m.unit), m.start
    )


def growth_lines(changes: Sequence[Change], months: Sequence[Month] = ()) -> Mrkdwn | None:
    """Quarter on quarter, and (with a volume) manual minutes per unit, with a flag when
    manual work grows faster than the business. None with less than two quarters."""
    if not changes:
        return None
    last = changes[-1]
    lines = [Mrkdwn(":chart_with_upwards_trend: Is ops growing faster than the business?")]
    shown = [c for c in changes[-2:-1] if c.people or c.load or c.eliminated] + [last]
    lines += [_quarter(c, current=c is last) for c in shown]
    if last.growing:
        lines.append(Mrkdwn(":warning: More manual work was added than eliminated this quarter."))
    with_volume = [m for m in months if m.volume]
    if with_volume:
        latest = with_volume[-1]
        lines.append(_per_unit(latest) + Mrkdwn("."))
        before = [m for m in months if m.volume and m.start < latest.start]
        if before and outpaces(before[-1], latest):
            lines.append(
                Mrkdwn(":warning: Manual work grew faster than {} ({} against {}).").format(
                    latest.unit, _per_unit(latest), _per_unit(before[-1])
                )
            )
    return Mrkdwn("\n").join(lines)


def volume_saved(m: Month) -> Message:
    text = Mrkdwn(":white_check_mark: Recorded {} {} for {:%B %Y}.").format(
        _amount(m.volume or 0), m.unit, m.start
    )
    return text, [section(text)]


def volumes_message(months: Sequence[Month]) -> Message:
    """`volume` alone: the months recorded, with manual minutes per unit."""
    recorded = [m for m in months if m.volume]
    if not recorded:
        text = Mrkdwn(
            "No business volume recorded yet. An admin records one a month: "
            "`/manual-task volume 2026-11 12000 orders` (or `coach volume import FILE.csv`)."
        )
        return text, [section(text)]
    lines = [
        Mrkdwn("• {:%b %Y}: {} {}, {} of manual work, {:,.2f} manual minutes per {}").format(
            m.start,
            _amount(m.volume or 0),
            m.unit,
            format_minutes(m.manual_minutes),
            m.per_unit or 0.0,
            _singular(m.unit),
        )
        for m in recorded
    ]
    text = Mrkdwn("*Business volume*\n") + Mrkdwn("\n").join(lines)
    blocks: list[Block] = [section(text)]
    return text, blocks
