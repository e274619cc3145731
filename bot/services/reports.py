"""Recording reports of manual work: parse, match to a process, store one occurrence.

Idempotent by `slack_key` (a trigger id, an event id): recording the same key twice
returns the first result marked `duplicate` and stores nothing.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.durations import DEFAULT_MINUTES, MAX_MINUTES, DurationError, parse_report
from bot.domain.matching import best_match, normalize_title
from bot.errors import UserError
from bot.messages.cards import ReportResult
from bot.mrkdwn import Mrkdwn
from bot.services.cards import card_by_id
from storage import queries
from storage.models import Occurrence, Process

MAX_TITLE = 150
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
    source: str,
    slack_key: str,
    now: datetime,
    minutes: int | None = None,
    process: Process | None = None,
    note: str | None = None,
) -> ReportResult:
    """Record one report of manual work and return what the reporter should see.

    `minutes` given (a form's field) means `text` is only the title; `note` is kept with
    the report but never parsed. `process` given attaches the report to it.

    The common case costs three statements: the titles to match against, the insert
    (which is also the de-duplication: it stores nothing when the key is known), and the
    card. The rarer ones (a new process, a repeated key) take the ORM's path."""
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
            return known
        raise
    default = minutes is None
    counted = DEFAULT_MINUTES if minutes is None else minutes

    created = False
    if process is not None:
        process_id, status = process.id, process.status
    else:
        normalized = normalize_title(title)
        candidates = queries.matchable_titles(session, team_id=team_id)
        match = best_match(normalized, ((row[0], row[1]) for row in candidates))
        if match is not None:
            process_id = match
            status = next(row[2] for row in candidates if row[0] == match)
        else:
            # Before a process (and its number) is made: a retry whose title no longer
            # matches (edited, or its process since merged) gets what was stored.
            known = _known(session, team_id=team_id, slack_key=slack_key, now=now)
            if known is not None:
                return known
            process = queries.create_process(
                session,
                team_id=team_id,
                title=title[0].upper() + title[1:],
                normalized_title=normalized,
                reporter_id=user_id,
                channel_id=channel_id,
                now=now,
            )
            process_id, status, created = process.id, process.status, True
    regression = status == "retired"
    stored = queries.insert_occurrence(
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
    )
    if stored is None:  # the key is known: a retry of a report already stored
        if created:  # by a concurrent request, after our look-up
            session.delete(process)  # nothing of this report may stay behind
            session.flush()
        known = _known(session, team_id=team_id, slack_key=slack_key, now=now)
        assert known is not None
        return known
    return ReportResult(
        card=card_by_id(session, process_id, now=now),
        occurrence_id=stored,
        reporter_id=user_id,
        minutes=counted,
        created=created,
        duplicate=False,
        default_used=default,
        regression=regression,
    )


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
            Mrkdwn("{} minutes isn't something I can count: use 1 to {}.").format(
                minutes, MAX_MINUTES
            )
        )
    return title, minutes


def _known(session: Session, *, team_id: str, slack_key: str, now: datetime) -> ReportResult | None:
    """What was stored for `slack_key`, marked a duplicate; None when nothing was."""
    existing = queries.occurrence_by_key(session, team_id=team_id, slack_key=slack_key)
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
