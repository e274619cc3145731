"""Reporting manual work, from every surface: `/manual-task <what> 45m`, `/manual-task`
alone (the form), a mention of the bot, and the buttons on a report's reply ("This is a
different task", "Undo", and "Same as P3 · …?" with *Yes, same* / *No, a new process*
when the matcher was unsure), and `/manual-task undo`."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.domain import commands as c
from bot.domain.costs import declared_minutes_per_week
from bot.domain.durations import DEFAULT_MINUTES, DurationError, parse_report
from bot.domain.people import Actor
from bot.domain.rules import require_report_for, sight_of, sight_of_both
from bot.domain.states import Source
from bot.errors import UserError
from bot.ids import Action, Callback, Field
from bot.messages import modals
from bot.messages import same_process as same_msg
from bot.messages.reports import notice, report_reply
from bot.mrkdwn import Mrkdwn, is_safe_link
from bot.services import lookup, reporting
from bot.services import same_process as asking
from bot.services.reporting import describe, record_report
from handlers import after as then
from handlers.context import (
    Deps,
    FieldError,
    Reply,
    clicked,
    refused_on,
    submitted,
)
from handlers.payloads import form_memory, form_values


def report(cmd: c.Report, actor: Actor, deps: Deps, *, key: str | None = None) -> Reply:
    """`/manual-task Reconcile Stripe payouts 45m`: one occurrence, and its cost."""
    with deps.db.transaction() as session:
        result = record_report(
            session,
            team_id=actor.team_id,
            user_id=actor.user_id,
            channel_id=actor.channel_id,
            text=cmd.text,
            source=Source.COMMAND,
            slack_key=key or f"command:{actor.trigger_id}",
            now=actor.now,
            sight=sight_of(actor),
            private=actor.in_private,
            limits=deps.settings.limits,
            tz=actor.person.tz,
        )
    return Reply(report_reply(result))


def open_form(cmd: c.OpenModal, actor: Actor, deps: Deps) -> Reply:
    """`/manual-task` alone: the report form."""
    form = modals.report_modal(channel_id=actor.channel_id, private=actor.in_private)
    return Reply(after=(then.OpenForm(form),))


def undo(cmd: c.Undo, actor: Actor, deps: Deps) -> Reply:
    """`/manual-task undo`: take back my last report."""
    with deps.db.transaction() as session:
        return Reply(notice(reporting.undo_last(session, actor)))


def submit_report(
    body: dict[str, Any], view: dict[str, Any], actor: Actor, deps: Deps, client: Any
) -> Reply:
    """The report form: checked field by field, then stored like a command's report. From
    a shortcut it may name who did the work (they are the reporter: their limits, and a
    match both may see), pick the channel (the ⚡ menu's), and link the message."""
    memory = form_memory(view)
    got, channel = form_values(view), memory.get("channel")
    channel = channel if isinstance(channel, str) else None
    public = memory.get("public") is True  # where it was opened, as Slack said then
    if got.get(Field.CHANNEL):  # picked in the form: ask Slack whether it is public
        channel = got[Field.CHANNEL]
        public = not deps.channels.private(client, team_id=actor.team_id, channel_id=channel)
    reporter = actor.person
    who = got.get(Field.WHO)
    if who and who != actor.user_id:
        reporter = deps.people.person(client, team_id=actor.team_id, user_id=who, now=actor.now)
        with refused_on(Field.WHO):
            require_report_for(actor, reporter)
    link = memory.get("link")
    minutes = _form_minutes(got.get(Field.HOW_LONG))
    note = " · ".join(x for x in (got.get(Field.HOW_OFTEN), got.get(Field.NOTES)) if x)
    with refused_on(Field.WHAT), deps.db.transaction() as session:
        result = record_report(
            session,
            team_id=actor.team_id,
            user_id=reporter.user_id,
            channel_id=channel,
            text=(got.get(Field.WHAT) or "").strip(),
            source=Source.SHORTCUT if memory.get("shortcut") else Source.FORM,
            slack_key=f"view:{view.get('id')}",
            now=actor.now,
            sight=sight_of_both(actor.team_id, actor.person, reporter),
            private=not public,
            limits=deps.settings.limits,
            tz=reporter.tz,
            minutes=minutes,
            note=note or None,
            declared=_declared(minutes, got.get(Field.HOW_OFTEN)),
            link=link if isinstance(link, str) and is_safe_link(link) else None,
            submitted_by=actor.user_id,
        )
    answer = then.Ephemeral(channel, report_reply(result))
    return Reply(after=(answer, then.RefreshHome()))


def _declared(minutes: int | None, how_often: str | None) -> float | None:
    """The form's "How often" × "How long" (the usual 15m when no time was given)."""
    return declared_minutes_per_week(DEFAULT_MINUTES if minutes is None else minutes, how_often)


def _form_minutes(how_long: str | None) -> int | None:
    if not how_long:
        return None
    try:
        minutes = parse_report(f"x {how_long}").minutes
    except DurationError as err:
        raise FieldError(Field.HOW_LONG, err.text) from None
    if minutes is None:
        raise FieldError(Field.HOW_LONG, Mrkdwn("Write a duration like 45m, 1h30m or 1.5h."))
    return minutes


def split_report(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "This is a different task": the report becomes a process of its own."""
    with deps.db.transaction() as session:
        occurrence = lookup.find_report(session, actor, action.get("value"))
        reporting.split(session, actor, occurrence)
        redrawn = report_reply(describe(session, occurrence, now=actor.now, created=True))
    return Reply(after=(then.Replace(redrawn), then.RefreshHome()))


def undo_report(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """The report reply's Undo button."""
    with deps.db.transaction() as session:
        try:
            occurrence = lookup.find_report(session, actor, action.get("value"))
        except UserError:
            text = Mrkdwn("That report was already removed.")
        else:
            text = reporting.undo(session, actor, occurrence)
    return Reply(after=(then.Replace(notice(text)), then.RefreshHome()))


def same_process(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Same as P3 · …?" answered *Yes, same*: the report's new process goes into P3."""
    with deps.db.transaction() as session:
        merged = asking.same(session, actor, action.get("value"), limits=deps.settings.limits)
    answer = same_msg.merged_answer(merged.keep, gone_ref=merged.gone_ref, moved=merged.moved)
    return Reply(after=(then.Replace(answer), then.RefreshHome()))


def new_process(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Same as P3 · …?" answered *No, a new process*: kept, and never asked again."""
    with deps.db.transaction() as session:
        kept = asking.different(session, actor, action.get("value"))
    return Reply(after=(then.Replace(same_msg.kept_answer(kept.card)), then.RefreshHome()))


def register(app: App) -> None:
    app.view(Callback.REPORT.value)(submitted(submit_report, with_client=True))
    app.action(Action.SAME_PROCESS.value)(clicked(same_process))
    app.action(Action.NEW_PROCESS.value)(clicked(new_process))
    app.action(Action.SPLIT_REPORT.value)(clicked(split_report))
    app.action(Action.UNDO_REPORT.value)(clicked(undo_report))
