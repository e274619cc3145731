"""Recording reports of manual work: parse, match to a process, store one occurrence.

Idempotent by `slack_key` (a trigger id, an event id): recording the same key twice
returns the first result marked `duplicate` and stores nothing.
"""

from __future__ import annotations

import re
import statistics
from datetime import datetime

from sqlalchemy.orm import Session

from bot import metrics
from bot.domain.cards import ReportResult
from bot.domain.durations import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    DurationError,
    format_minutes,
    parse_report,
)
from bot.domain.limits import DEFAULT_LIMITS, LimitReached, Limits
from bot.domain.matching import Decision, decide, match_key, normalize_title
from bot.domain.people import Actor
from bot.domain.rules import Sight, require_undo
from bot.domain.states import Event, Notice, Source, Status
from bot.errors import NotAllowed, UserError
from bot.mrkdwn import Mrkdwn
from bot.services import telling
from bot.services.cards import card_by_id
from bot.services.effort import asks_for_steps
from bot.services.limits import check_new_process, check_report
from storage import history, match_index, occurrences, outbox, processes
from storage.match_index import Candidate
from storage.models import Occurrence, Process

MAX_TITLE = 150
USUAL_OF = 10  # how many of a process's latest reports make "the usual time"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _title_problem(title: str) -> Mrkdwn | None:
    if not title.strip():
        return Mrkdwn(
            "Tell me what you did, like `/manual-task Reconcile Stripe payouts 45m`, "
            "or run `/manual-task` alone for a form."
        )
    if len(title) > MAX_TITLE:
        return Mrkdwn(
            "That's {:,} characters: give the task a short name (under {} characters), like "
            "`Reconcile Stripe payouts 45m`."
        ).format(len(title), MAX_TITLE)
    if not normalize_title(title):
        return Mrkdwn("I need a few words about the task, like `Reconcile Stripe payouts 45m`.")
    return None


def record_report(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    text: str,
    source: Source,
    slack_key: str,
    now: datetime,
    minutes: int | None = None,
    process: Process | None = None,
    note: str | None = None,
    declared: float | None = None,
    sight: Sight,
    private: bool = True,
    shown_in: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    tz: str | None = None,
    ask: bool = True,
    link: str | None = None,
    submitted_by: str | None = None,
) -> ReportResult:
    """Record one report of manual work and return what the reporter should see.

    `minutes` given (a form's field) means `text` is only the title; `note` is kept with
    the report but never parsed. `process` given attaches the report to it. `declared`
    (minutes a week, from the form's frequency) becomes the process's declared load.
    `limits` (bot/domain/limits.py) are checked on every report, `tz` (the reporter's)
    says where their day starts. `ask=False` (a workflow step, which nobody answers)
    never asks "Same as P3?". `link` (the Slack message a shortcut reported) is kept on
    the process, unless it has one already. `submitted_by` (who sent a report naming
    someone else as its doer) is kept, and its sender's minute limit holds too.

    Who sees what (bot/domain/rules.py): the report is matched only against processes in
    the reporter's `sight`, so its answer (or a "Same as P3?") never names one they may
    not see; when the answer is posted `shown_in` a channel (a mention's reply), a private
    process joins only from its own channel. A new process is `private` unless it was
    first reported in a public channel (the caller asks Slack: bot/channels.py).

    Matching (bot/domain/matching.py) decides: the same process, a new one, or unsure,
    in which case the report goes on a new process at once and `asked` names the one to
    ask about ("Same as P3?", bot/services/same_process.py answers it). It reads only the
    candidates the match index gives (storage/match_index.py: the word counts, the
    processes sharing a distinctive word, the pairs told apart), then the insert (which
    is also the de-duplication: it stores nothing when the key is known) and the card.
    The rarer cases (a new process, a repeated key) take the ORM's path."""
    text = _printable(text)
    note = _printable(note) if note else note
    try:
        title, minutes = _title_and_minutes(text, minutes)
        problem = _title_problem(title) if process is None else None
        if problem:
            raise UserError(problem)
    except UserError:
        # A retry of a report stored before its form was edited gets what was stored.
        known = _known(session, team_id=team_id, slack_key=slack_key, now=now)
        if known is not None:
            metrics.report("duplicate", source)
            return known
        metrics.report("refused", source)
        raise
    default = minutes is None
    counted = DEFAULT_MINUTES if minutes is None else minutes

    created = False
    asked: int | None = None
    if process is not None:
        process_id, status = process.id, process.status
    else:
        normalized = normalize_title(title)
        candidates, stats, rejected = match_index.candidates_and_rejected(
            session, team_id=team_id, title=title, key=match_key(title)
        )
        candidates = _in_sight(session, candidates, sight=sight, shown_in=shown_in)
        match = decide(title, ((r[0], r[1]) for r in candidates), stats=stats, rejected=rejected)
        if match.decision is Decision.SAME:
            assert match.key is not None
            process_id = match.key
            status = next(row[2] for row in candidates if row[0] == match.key)
        else:
            # Unsure (ASK) or new: the report goes on a new process at once (nothing is
            # lost), and an unsure one asks whether it is `match.key` after all.
            asked = match.key if ask else None
            # Before a process (and its number) is made: a retry whose title no longer
            # matches (edited, or its process since merged) gets what was stored.
            known = _known(session, team_id=team_id, slack_key=slack_key, now=now)
            if known is not None:
                metrics.report("duplicate", source)
                return known
            try:
                check_new_process(session, limits, team_id=team_id, now=now)
            except UserError:
                metrics.report("refused", source)
                raise
            process = processes.create_process(
                session,
                team_id=team_id,
                title=title[0].upper() + title[1:],
                normalized_title=normalized,
                reporter_id=user_id,
                channel_id=channel_id,
                private=private,
                now=now,
            )
            process.asked_about_id = asked  # the question it asks, recorded
            process_id, status, created = process.id, process.status, True
    try:
        check_report(
            session,
            limits,
            team_id=team_id,
            user_id=user_id,
            process_id=process_id,
            minutes=counted,
            now=now,
            tz=tz,
            submitted_by=submitted_by,
        )
    except LimitReached:
        known = _known(session, team_id=team_id, slack_key=slack_key, now=now)
        if known is not None:
            metrics.report("duplicate", source)
            return known
        metrics.report("refused", source)
        raise
    regression = status == Status.RETIRED  # it comes back (below) once the report is stored
    stored = occurrences.insert_occurrence(
        session,
        team_id=team_id,
        process_id=process_id,
        user_id=user_id,
        minutes=counted,
        default_duration=default,
        occurred_at=now,
        source=source,
        slack_key=slack_key,
        text=(text if not note else f"{text}\n{note}")[:2000],
        channel_id=channel_id,
        regression=regression,
        submitted_by=submitted_by if submitted_by != user_id else None,
    )
    if stored is None:  # the key is known: a retry of a report already stored
        if created:  # by a concurrent request, after our look-up
            assert process is not None
            match_index.unindex_process(session, process=process)
            session.delete(process)  # nothing of this report may stay behind
            session.flush()
        known = _known(session, team_id=team_id, slack_key=slack_key, now=now)
        assert known is not None
        metrics.report("duplicate", source)
        return known
    metrics.on_commit(session, lambda: metrics.report("stored", source))
    if declared is not None:
        processes.declare_load(session, process_id=process_id, minutes_per_week=declared)
    if link is not None:
        processes.link_source(session, process_id=process_id, link=link)
    if regression:  # retired, and done by hand again: it came back (the rare path)
        came_back = process or session.get(Process, process_id)
        assert came_back is not None
        history.record(session, process=came_back, kind=Event.CAME_BACK, actor_id=user_id, at=now)
    card = card_by_id(session, process_id, now=now)
    result = ReportResult(
        card=card,
        occurrence_id=stored,
        reporter_id=user_id,
        minutes=counted,
        created=created,
        duplicate=False,
        default_used=default,
        regression=regression,
        asked=None if asked is None else card_by_id(session, asked, now=now),
        ask_steps=asks_for_steps(card),
    )
    if regression:  # its owner hears, through the outbox, with the report or not at all
        telling.came_back(session, result, team_id=team_id, now=now)
    return result


def _in_sight(
    session: Session, found: list[Candidate], *, sight: Sight, shown_in: str | None
) -> list[Candidate]:
    """The candidates the reporter may see (and, for an answer posted in a channel, that
    the channel may see named: public ones, or private ones of that very channel)."""
    if shown_in is not None:
        found = [r for r in found if not r.private or r.channel_id == shown_in]
    ask = [r.id for r in found if sight.needs_reports(r)]
    mine = occurrences.processes_reported_by(session, user_id=sight.user_id or "", process_ids=ask)
    return [r for r in found if sight.sees(r, reported=r.id in mine)]


def _title_and_minutes(text: str, minutes: int | None) -> tuple[str, int | None]:
    """The title and the minutes (None: not said) of a report, or a UserError."""
    if minutes is None:
        try:
            parsed = parse_report(text)
        except DurationError as err:
            raise UserError(err.text) from None
        title, minutes = parsed.title, parsed.minutes
    else:
        title = " ".join(text.split())
    if minutes is not None and not 0 < minutes <= MAX_MINUTES:
        raise UserError(
            Mrkdwn("{} isn't something I can count: use 1m to {}.").format(
                format_minutes(minutes), format_minutes(MAX_MINUTES)
            )
        )
    return title, minutes


def _known(session: Session, *, team_id: str, slack_key: str, now: datetime) -> ReportResult | None:
    """What was stored for `slack_key`, marked a duplicate; None when nothing was."""
    existing = occurrences.occurrence_by_key(session, team_id=team_id, slack_key=slack_key)
    if existing is None:
        return None
    return _result(session, existing, now=now, created=False, duplicate=True, default=False)


def _printable(text: str) -> str:
    """Without control characters (tabs and newlines kept): PostgreSQL refuses NUL in text,
    and the others only garble the messages they end up in."""
    return CONTROL.sub("", text)


def describe(
    session: Session, occ: Occurrence, *, now: datetime, created: bool = False
) -> ReportResult:
    """The reply to show for an already stored report."""
    return _result(
        session, occ, now=now, created=created, duplicate=False, default=occ.default_duration
    )


def _result(
    session: Session,
    occ: Occurrence,
    *,
    now: datetime,
    created: bool,
    duplicate: bool,
    default: bool,
) -> ReportResult:
    return ReportResult(
        card=card_by_id(session, occ.process_id, now=now),
        occurrence_id=occ.id,
        reporter_id=occ.user_id,
        minutes=occ.minutes,
        created=created,
        duplicate=duplicate,
        default_used=default,
        regression=occ.regression,
    )


# ------------------------------------------------------------ taking a report back


def undo(session: Session, actor: Actor, occurrence: Occurrence) -> Mrkdwn:
    """Remove one of your reports of the last 7 days (bot/domain/rules.py). A process
    left with no report at all goes with it, whatever its state: nobody did it."""
    require_undo(actor, reporter_id=occurrence.user_id, occurred_at=occurrence.occurred_at)
    process = session.get(Process, occurrence.process_id)
    on = Mrkdwn("{} · {}").format(process.ref, process.title) if process else "that process"
    minutes, brought_back = occurrence.minutes, occurrence.regression
    process_id = occurrence.process_id
    removed = occurrences.delete_occurrence(session, occurrence=occurrence)
    if removed:  # nothing left to tell anyone about
        outbox.withdraw(session, team_id=actor.team_id, process_id=process_id)
    elif brought_back and process is not None:
        _not_back(session, process)  # retired again, as before
    done = Mrkdwn("Removed your report of {} on {}.").format(format_minutes(minutes), on)
    if removed:
        return Mrkdwn("{} It had no other reports, so it's gone too.").format(done)
    return done


def undo_last(session: Session, actor: Actor) -> Mrkdwn:
    """`/manual-task undo`: remove the actor's last report."""
    last = occurrences.last_report_by(session, team_id=actor.team_id, user_id=actor.user_id)
    if last is None:
        return Mrkdwn("You have no reports to undo.")
    return undo(session, actor, last)


def split(session: Session, actor: Actor, occurrence: Occurrence) -> Process:
    """Move one report into a new process of its own ("this is a different task")."""
    if occurrence.user_id != actor.user_id:
        raise NotAllowed(Mrkdwn("Only the person who made a report can split it off."))
    current = session.get(Process, occurrence.process_id)
    if current is not None and current.reporter_id == actor.user_id and _alone(session, current):
        return current  # already on its own (a second click)
    first_line = (occurrence.text or "").split("\n")[0]
    try:
        title = parse_report(first_line).title or "Untitled task"
    except DurationError:
        title = first_line[:MAX_TITLE] or "Untitled task"
    process = processes.create_process(
        session,
        team_id=occurrence.team_id,
        title=title[0].upper() + title[1:],
        normalized_title=normalize_title(title) or title.lower(),
        reporter_id=actor.user_id,
        channel_id=occurrence.channel_id,
        # Split off a private process, it stays private (its report was seen as such).
        private=current is None or current.private,
        now=actor.now,
    )
    brought_back = occurrence.regression
    occurrence.process_id = process.id
    occurrence.regression = False
    session.flush()
    if brought_back and current is not None:
        _not_back(session, current)  # it wasn't about this one
    return process


def _not_back(session: Session, process: Process) -> None:
    """The report that brought `process` back is gone: retired again, as if never made,
    and its owner isn't told it came back (if that notice still waits)."""
    if history.withdraw_came_back(session, process=process):
        outbox.withdraw(
            session, team_id=process.team_id, process_id=process.id, kinds=[Notice.CAME_BACK]
        )


def _alone(session: Session, process: Process) -> bool:
    """True when the process has exactly one report (it was made by a split)."""
    return occurrences.reports_at_most(session, process_id=process.id, most=1) == 1


def usual_minutes(session: Session, *, process: Process) -> int:
    """The median of the process's latest reports (the default duration if it has none):
    what ➕ "I do this too" counts."""
    recent = occurrences.recent_minutes(session, process_id=process.id, limit=USUAL_OF)
    if not recent:
        return DEFAULT_MINUTES
    return max(1, min(MAX_MINUTES, int(statistics.median(recent) + 0.5)))
