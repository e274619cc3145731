"""Builders for the answers to reports and to `/manual-task` subcommands (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.cards import ProcessCard, ReportResult
from bot.domain.costs import break_even_hours, format_money, money
from bot.domain.durations import DEFAULT_MINUTES, format_hours, format_minutes
from bot.domain.history import HistoryLine
from bot.domain.plurals import EXAMPLE_REF, count, example_ref, times
from bot.domain.states import OPEN_STATUSES, Status
from bot.ids import Action
from bot.messages.blocks import Block, Message, actions, button, context, header, section
from bot.messages.effort import payback_line, payback_short, realised_line, steps_block
from bot.messages.history import history_block
from bot.messages.same_process import question_blocks
from bot.mrkdwn import Mrkdwn, channel, escape, link, mention

STATUS_LABEL: dict[str, str] = {
    Status.MANUAL: "manual",
    Status.AUTOMATING: "being automated",
    Status.ACCEPTED: "accepted as manual",
    Status.RETIRED: "retired ✅",
    Status.MERGED: "merged",
    Status.CAME_BACK: "came back ↩️",
}
QUESTION = Mrkdwn("Could this be automated? Why haven't we?")


def label(card: ProcessCard) -> Mrkdwn:
    """'P7 · Reconcile Stripe payouts', for fallback texts and plain lines."""
    return Mrkdwn("{} · {}").format(card.ref, card.title)


def name(card: ProcessCard) -> Mrkdwn:
    """'*P7 · Reconcile Stripe payouts*', in bold."""
    return Mrkdwn("*{}*").format(label(card))


def weekly(card: ProcessCard) -> Mrkdwn:
    """'34m a week', or 'about 1h a week, as declared' while the form's frequency stands
    in for reports too few to measure."""
    if card.as_declared:
        return Mrkdwn("about {} a week, as declared").format(format_minutes(card.minutes_per_week))
    return Mrkdwn("{} a week").format(format_minutes(card.minutes_per_week))


def cost_line(card: ProcessCard) -> Mrkdwn:
    """'Done 3 times in the last 28 days (2h 15m) → 34m a week · $45 a week'."""
    if card.count == 0:
        return Mrkdwn("Not reported in the last 28 days.")
    parts = [
        Mrkdwn("Done {} in the last 28 days ({}) → *{}*").format(
            times(card.count), format_minutes(card.minutes), weekly(card)
        )
    ]
    cash = money(card.hours_per_week, card.hourly_rate)
    if cash is not None:
        parts.append(Mrkdwn("{} a week").format(format_money(cash, card.currency)))
    return Mrkdwn(" · ").join(parts)


def break_even_line(card: ProcessCard) -> Mrkdwn:
    hours = break_even_hours(card.hours_per_week)
    return Mrkdwn(
        "You could spend up to *{}* automating this and still come out ahead within 5 years."
    ).format(format_hours(hours))


def credit(card: ProcessCard) -> Mrkdwn:
    """Who a retirement is credited to: the owner, and who recorded it when that was
    someone else ('@ana (recorded by @alex)')."""
    owner = card.owner_id or card.retired_by
    if card.retired_by and owner != card.retired_by:
        return Mrkdwn("{} (recorded by {})").format(mention(owner), mention(card.retired_by))
    return mention(owner)


def how_it_runs(card: ProcessCard) -> Mrkdwn | None:
    """'<link> · a Zap copies the payouts nightly': the link and the line of how, as
    recorded (None when neither is)."""
    parts = []
    if card.automation_link:
        parts.append(link(card.automation_link))
    if card.automation_note:
        parts.append(Mrkdwn("{}").format(card.automation_note))
    return Mrkdwn(" · ").join(parts) if parts else None


def report_reply(result: ReportResult) -> Message:
    """The reporter's private answer: what was counted, what it costs, and what next."""
    card = result.card
    minutes = format_minutes(result.minutes)
    if result.duplicate:
        said = Mrkdwn("Already counted: that report is in {}.")
    elif result.created:
        said = Mrkdwn("Logged {1} as a new process, {0}.")
    else:
        said = Mrkdwn("Logged {1} on {0}.")
    text = said.format(label(card), minutes)
    blocks: list[Block] = [section(said.format(name(card), minutes) + "\n" + cost_line(card))]
    notes: list[Mrkdwn] = []
    if result.default_used and not result.duplicate:
        notes.append(
            Mrkdwn(
                "No duration given, so I counted {}. Add one next time, like `45m` or `1h30m`."
            ).format(format_minutes(DEFAULT_MINUTES))
        )
    if result.regression and not result.duplicate:
        owner = card.owner_id or card.retired_by
        told = (
            Mrkdwn("check whether its automation still runs.")
            if owner in (None, result.reporter_id)
            else Mrkdwn("I'll tell {} it's back, in their working hours.").format(mention(owner))
        )
        notes.append(
            Mrkdwn(":warning: {} was retired, so this is a regression: {}").format(card.ref, told)
        )
    if card.count >= 2 and card.status in (Status.MANUAL, Status.CAME_BACK):
        notes.append(break_even_line(card))
    if notes:
        blocks.append(context(*notes))
    if result.asked is not None and not result.duplicate:
        blocks.extend(question_blocks(result))
        return text + " " + Mrkdwn("Same as {}?").format(label(result.asked)), blocks
    if not result.duplicate:
        buttons = []
        if card.owner_id != result.reporter_id and card.status != Status.RETIRED:
            buttons.append(button("Take ownership", Action.TAKE_OWNERSHIP, str(card.process_id)))
        if card.status != Status.RETIRED:
            buttons.append(
                button(
                    "It's automated now",
                    Action.MARK_AUTOMATED,
                    str(card.process_id),
                    style="primary",
                )
            )
        if not result.created:
            buttons.append(
                button("This is a different task", Action.SPLIT_REPORT, str(result.occurrence_id))
            )
        buttons.append(button("Undo", Action.UNDO_REPORT, str(result.occurrence_id)))
        if result.ask_steps and card.status != Status.RETIRED:  # document to automate
            buttons.append(button("Write down the steps", Action.WRITE_STEPS, str(card.process_id)))
        blocks.append(actions(*buttons, block_id=f"report:{result.occurrence_id}"))
    return text, blocks


def status_label(card: ProcessCard) -> Mrkdwn:
    return escape(STATUS_LABEL.get(card.status, card.status))


def peek(card: ProcessCard) -> Message:
    """`P7` alone: one line, '*P7 · Reconcile Stripe payouts*: 34m a week · owner @ana ·
    manual', and `show P7` for the rest."""
    owner = Mrkdwn("owner {}").format(mention(card.owner_id)) if card.owner_id else "no owner"
    line = Mrkdwn("{}: {} · {} · {}").format(name(card), weekly(card), owner, status_label(card))
    more = Mrkdwn("`/manual-task show {}` for its reports and history.").format(card.ref)
    return line, [section(line), context(more)]


def process_detail(
    card: ProcessCard,
    recent: Sequence[tuple[str, int, datetime]],
    history: Sequence[HistoryLine] = (),
    *,
    history_total: int = 0,
    merged_from: str | None = None,
) -> Message:
    """`show P7`: everything about one process, its latest reports and its history;
    `merged_from` is the id asked for when it was merged into this one (`show P10` of P10
    merged into P8 says so, then shows P8)."""
    fields = [
        Mrkdwn("*Owner*\n{}").format(mention(card.owner_id)),
        Mrkdwn("*Status*\n{}").format(status_label(card)),
        Mrkdwn("*Cost*\n{} a week").format(format_minutes(card.minutes_per_week)),
        Mrkdwn("*Break-even*\n{} of automation").format(
            format_hours(break_even_hours(card.hours_per_week))
        ),
    ]
    if card.effort_hours is not None and card.status != Status.RETIRED:
        fields.append(Mrkdwn("*Payback*\n{}").format(payback_short(card)))
    blocks: list[Block] = [
        section(name(card) + "\n" + cost_line(card), fields=fields),
    ]
    effort = realised_line(card) if card.status == Status.RETIRED else None
    if card.over_break_even and card.status != Status.RETIRED:
        effort = payback_line(card)  # the warning, with both figures
    if effort is not None:
        blocks.append(context(effort))
    merged = (
        Mrkdwn("{} was merged into {}: its reports count here.").format(merged_from, card.ref)
        if merged_from
        else None
    )
    if merged is not None:
        blocks.insert(0, context(Mrkdwn(":twisted_rightwards_arrows: ") + merged))
    extra: list[Mrkdwn] = []
    if card.channel_id:
        extra.append(
            Mrkdwn("First reported by {} in {}").format(
                mention(card.reporter_id), channel(card.channel_id)
            )
        )
    if card.source_link:
        extra.append(Mrkdwn("Prompted by {}").format(link(card.source_link)))
    how = how_it_runs(card)
    if card.status == Status.RETIRED:
        extra.append(
            Mrkdwn("Automated by {}: {}").format(credit(card), how)
            if how is not None
            else Mrkdwn("Automated by {}. `/manual-task retire {} https://…` records how.").format(
                credit(card), card.ref
            )
        )
    if card.eliminated_minutes_per_week and card.status == Status.RETIRED:
        extra.append(
            Mrkdwn("Eliminated {} a week").format(format_minutes(card.eliminated_minutes_per_week))
        )
    if card.verified_at is not None and card.status == Status.RETIRED:
        extra.append(Mrkdwn("Verified: not done by hand for 8 weeks since"))
    if card.accepted_reason:
        extra.append(Mrkdwn("Not automated because: {}").format(card.accepted_reason))
    if card.merged_into_ref:
        extra.append(Mrkdwn("Merged into {}").format(card.merged_into_ref))
    if extra:
        blocks.append(context(*extra))
    if recent:
        rows = [
            Mrkdwn("• {}, {} on {:%a %d %b}").format(mention(who), format_minutes(minutes), when)
            for who, minutes, when in recent
        ]
        blocks.append(section(Mrkdwn("*Recent reports*\n") + Mrkdwn("\n").join(rows)))
    if card.status != Status.MERGED:
        blocks.append(steps_block(card))
    if history:
        blocks.append(history_block(history, total=history_total))
    if card.status in OPEN_STATUSES:
        blocks.append(context(QUESTION))
    text = Mrkdwn("{}: {} a week").format(label(card), format_minutes(card.minutes_per_week))
    return (merged + " " + text if merged is not None else text), blocks


def retired_owned(refs: Sequence[str], total: int) -> Mrkdwn | None:
    """'You own 2 retired processes too: P1, P3.' (None when there are none)."""
    if total <= 0:
        return None
    shown = ", ".join(refs) + (", …" if total > len(refs) else "")
    return Mrkdwn("You own {} too: {}.").format(count(total, "retired process"), shown)


def mine_empty(refs: Sequence[str], total: int) -> Mrkdwn:
    """`mine` and Home with nothing open: what the person does own (retired ones), or how
    to take something on."""
    if total > 0:
        shown = ", ".join(refs) + (", …" if total > len(refs) else "")
        return Mrkdwn(
            "Nothing you own is manual any more: you own {}, all retired ({}). :tada:"
        ).format(count(total, "process"), shown)
    return Mrkdwn(
        "You don't own any process yet. `/manual-task list` shows the team's; `own {}` takes "
        "one on."
    ).format(EXAMPLE_REF)


def process_list(
    cards: Sequence[ProcessCard],
    *,
    title: str,
    empty: Mrkdwn,
    total: int | None = None,
    note: Mrkdwn | None = None,
    payback: bool = False,
) -> Message:
    """`list` and `mine`: processes ranked by cost; `note` is one more line under them;
    `payback`: ranked by payback, each with it."""
    if not cards:
        return empty, [section(empty)]
    blocks: list[Block] = [header(title)]
    for i, card in enumerate(cards, start=1):
        owner = (
            Mrkdwn("owner {}").format(mention(card.owner_id))
            if card.owner_id
            else Mrkdwn("no owner")
        )
        line = Mrkdwn("{}. {}: *{} a week* ({}, {})").format(
            i, name(card), format_minutes(card.minutes_per_week), owner, status_label(card)
        )
        blocks.append(section(line + Mrkdwn(" · ") + payback_short(card) if payback else line))
    shown, ref = len(cards), example_ref([c.ref for c in cards])
    if total is not None and total > shown:
        blocks.append(
            context(
                Mrkdwn("Showing the top {} of {}. `show {}` for one.").format(shown, total, ref)
            )
        )
    elif all(c.owner_id for c in cards):
        blocks.append(context(Mrkdwn("`/manual-task show {}` shows one.").format(ref)))
    else:
        unowned = example_ref([c.ref for c in cards if not c.owner_id])
        blocks.append(
            context(
                Mrkdwn("`/manual-task show {}` shows one; `own {}` takes it on.").format(
                    ref, unowned
                )
            )
        )
    if note is not None:
        blocks.append(context(note))
    text = Mrkdwn("{}: ").format(title) + Mrkdwn(", ").join(
        Mrkdwn("{} {}").format(c.ref, c.title) for c in cards[:5]
    )
    return text, blocks


def notice(text: Mrkdwn) -> Message:
    """A one-line answer (a refusal, a confirmation)."""
    return text, [section(text)]
