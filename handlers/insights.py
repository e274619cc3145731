"""What the team sees of its manual work: `help`, `list` (the most costly processes),
`mine`, `show P7`, `stats` and `export` (a CSV in a DM)."""

from __future__ import annotations

from bot.domain import commands as c
from bot.domain import windows
from bot.domain.people import Actor
from bot.domain.plurals import example_ref
from bot.domain.rules import sight_of
from bot.domain.states import OPEN_STATUSES, Status
from bot.messages import reports as msg
from bot.messages.help import help_message
from bot.messages.history import SHOWN
from bot.messages.stats import stats_message
from bot.mrkdwn import Mrkdwn
from bot.services import lookup
from bot.services.cards import cards_for, with_steps
from bot.services.effort import by_payback
from bot.services.stats import figures
from handlers.after import SendExport
from handlers.context import Deps, Reply
from storage import history, occurrences, processes, rollups, stats


def help_(cmd: c.Help, actor: Actor, deps: Deps) -> Reply:
    return Reply(help_message())


def list_top(cmd: c.ListTop, actor: Actor, deps: Deps) -> Reply:
    """The team's most costly open processes."""
    with deps.db.transaction() as session:
        retired = processes.count_processes(
            session, sight=sight_of(actor), statuses=(Status.RETIRED,)
        )
    if retired == 1:
        empty = Mrkdwn("No manual work left open: the one reported process is retired. :tada:")
    elif retired:
        empty = Mrkdwn(
            "No manual work left open: all {} reported processes are retired. :tada:"
        ).format(retired)
    elif sight_of(actor).everything:
        empty = Mrkdwn("Nothing reported yet. Try `/manual-task Reconcile Stripe payouts 45m`.")
    else:  # private processes of others may exist: not said (nor counted) here
        empty = Mrkdwn(
            "Nothing reported that you can see yet. Try "
            "`/manual-task Reconcile Stripe payouts 45m`."
        )
    if cmd.by_payback:
        with deps.db.transaction() as session:
            ranked, total = by_payback(session, actor, limit=10)
        note = Mrkdwn("`/manual-task effort {} 30h` gives one an estimate.").format(
            example_ref([c.ref for c in ranked if c.effort_hours is None])
        )
        return Reply(
            msg.process_list(
                ranked,
                title="Quickest to pay back",
                empty=empty,
                total=total,
                note=note,
                payback=True,
            )
        )
    return _ranked(actor, deps, owner_id=None, title="Most costly manual processes", empty=empty)


def mine(cmd: c.Mine, actor: Actor, deps: Deps) -> Reply:
    """The processes the person owns, open ones ranked by cost, and the retired ones named."""
    team_id, me = actor.team_id, actor.user_id
    with deps.db.transaction() as session:
        refs = stats.retired_refs(session, team_id=team_id, owner_id=me)
        retired = stats.retired_count(session, team_id=team_id, owner_id=me)
    return _ranked(
        actor,
        deps,
        owner_id=actor.user_id,
        title="Your processes",
        empty=msg.mine_empty(refs, retired),
        note=msg.retired_owned(refs, retired),
    )


def _ranked(
    actor: Actor,
    deps: Deps,
    *,
    owner_id: str | None,
    title: str,
    empty: Mrkdwn,
    note: Mrkdwn | None = None,
) -> Reply:
    with deps.db.transaction() as session:
        loads = rollups.loads(
            session,
            sight=sight_of(actor),
            window=windows.recent_weeks(actor.now),
            statuses=OPEN_STATUSES,
            limit=10,
            owner_id=owner_id,
        )
        cards = cards_for(session, [pl.process for pl in loads], now=actor.now)
        total = (
            processes.count_processes(session, sight=sight_of(actor), statuses=OPEN_STATUSES)
            if owner_id is None
            else None
        )
    return Reply(msg.process_list(cards, title=title, empty=empty, total=total, note=note))


def show(cmd: c.Show, actor: Actor, deps: Deps) -> Reply:
    """One process in detail, with its latest reports and its history."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref)
        card = with_steps(session, cards_for(session, [process], now=actor.now))[0]
        recent = occurrences.latest_of(session, process_id=process.id, limit=5)
        lines, total = history.lines(session, process_id=process.id, limit=SHOWN)
    merged = cmd.ref if cmd.ref != process.ref else None  # the lookup followed a merge
    return Reply(msg.process_detail(card, recent, lines, history_total=total, merged_from=merged))


def peek(cmd: c.Peek, actor: Actor, deps: Deps) -> Reply:
    """`P7` alone (`@coach P7` in a thread about it): its one-line card, to whoever may
    see it (the lookup refuses anyone else as if it didn't exist)."""
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, ref=cmd.ref)
        card = cards_for(session, [process], now=actor.now)[0]
    return Reply(msg.peek(card))


def show_stats(cmd: c.Stats, actor: Actor, deps: Deps) -> Reply:
    with deps.db.transaction() as session:
        return Reply(stats_message(figures(session, sight=sight_of(actor), now=actor.now)))


def export(cmd: c.Export, actor: Actor, deps: Deps) -> Reply:
    """A CSV of processes and one of reports, by DM."""
    with deps.db.transaction() as session:
        reported = stats.counts(session, sight=sight_of(actor)).reported
    if reported == 0 and actor.is_guest:
        return Reply(msg.notice(Mrkdwn("You haven't reported anything here: nothing to export.")))
    if reported == 0:
        return Reply(
            msg.notice(Mrkdwn("Nothing to export yet: no manual work has been reported here."))
        )
    sending = Mrkdwn("Sending you a CSV of processes and one of reports in a DM…")
    if actor.is_guest:
        sending = Mrkdwn("Sending you a CSV of your own reports in a DM…")
    return Reply(msg.notice(sending), (SendExport(),))
