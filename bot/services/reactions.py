"""Emoji reactions on the bot's own prompts, as one-tap answers.

✅ `white_check_mark` retires the process, 🤖 `robot_face` marks it as being automated
(taking ownership when nobody owns it), 💤 `zzz` snoozes it for two weeks and ➕
`heavy_plus_sign` says "I do this too": a report for the reactor of the usual duration.

Only messages the bot remembered (table `bot_messages`) about exactly one process count;
any other message or emoji is ignored. Example::

    outcome = react(session, team_id="T1", event_id="Ev1", user_id="U1", channel_id="C1",
                    ts="1700000000.000100", emoji="zzz", is_admin=lambda: False, now=now)
    outcome.text  # "Snoozed *P1 · Reconcile payouts* until ..."
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.durations import DEFAULT_MINUTES, MAX_MINUTES
from bot.errors import UserError
from bot.messages import reactions as msg
from bot.messages.cards import ProcessCard, ReportResult
from bot.mrkdwn import Mrkdwn
from bot.services import processes
from bot.services.cards import card_for
from bot.services.reports import record_report
from storage import queries
from storage.models import Occurrence, Process

RECENT = 10  # how many of a process's latest reports make "the usual time"


class Reaction(StrEnum):
    RETIRE = "white_check_mark"
    AUTOMATING = "robot_face"
    SNOOZE = "zzz"
    ME_TOO = "heavy_plus_sign"


EMOJI = frozenset(r.value for r in Reaction)


@dataclass(frozen=True)
class Outcome:
    """What to tell the reactor, and what follows once the transaction has committed."""

    text: Mrkdwn
    retired: ProcessCard | None = None  # to celebrate
    report: ReportResult | None = None  # a "me too" report (maybe a regression)


@dataclass(frozen=True)
class _Who:
    """Who reacted, on which message, when."""

    user_id: str
    channel_id: str
    ts: str
    is_admin: Callable[[], bool]
    now: datetime

    def admin_for(self, process: Process) -> bool:
        """Admin rights matter only to someone who is neither owner nor first reporter."""
        return self.user_id not in (process.owner_id, process.reporter_id) and self.is_admin()


def react(
    session: Session,
    *,
    team_id: str,
    event_id: str,
    user_id: str,
    channel_id: str,
    ts: str,
    emoji: str,
    is_admin: Callable[[], bool],
    now: datetime,
) -> Outcome | None:
    """Act on one reaction; None when it is not for the bot (or a Slack retry)."""
    if emoji not in EMOJI:
        return None
    remembered = queries.bot_message(session, team_id=team_id, channel_id=channel_id, ts=ts)
    if remembered is None or not remembered.process_ids:
        return None
    if not queries.claim_event(session, event_id=event_id, team_id=team_id, now=now):
        return None  # a Slack retry of an event already handled
    if len(remembered.process_ids) > 1:
        return Outcome(msg.BUNDLED)
    process = _current(session, team_id=team_id, process_id=int(remembered.process_ids[0]))
    if process is None:
        return Outcome(msg.GONE)
    who = _Who(user_id, channel_id, ts, is_admin, now)
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            return _ACTIONS[Reaction(emoji)](session, process, who)
    except UserError as err:
        return Outcome(err.text)


def _current(session: Session, *, team_id: str, process_id: int) -> Process | None:
    """The process, or the one it was merged into."""
    process = queries.process_by_id(session, team_id=team_id, process_id=process_id)
    if process is not None and process.merged_into_id is not None:
        return queries.process_by_id(session, team_id=team_id, process_id=process.merged_into_id)
    return process


def _retire(session: Session, process: Process, who: _Who) -> Outcome:
    if process.status == "retired":
        return Outcome(msg.already_retired(card_for(session, process, now=who.now)))
    done = processes.retire(
        session,
        process=process,
        actor_id=who.user_id,
        is_admin=who.admin_for(process),
        link=None,
        note=None,
        now=who.now,
    )
    return Outcome(msg.retired(done.card), retired=done.card)


def _automating(session: Session, process: Process, who: _Who) -> Outcome:
    if process.status == "retired":
        return Outcome(msg.already_retired(card_for(session, process, now=who.now)))
    if process.status == "automating" and process.owner_id is not None:
        return Outcome(msg.already_automating(card_for(session, process, now=who.now)))
    unowned = process.owner_id is None
    processes.set_status(
        session,
        process=process,
        actor_id=who.user_id,
        is_admin=not unowned and who.admin_for(process),
        status="automating",
        now=who.now,
    )
    card = card_for(session, process, now=who.now)
    return Outcome(msg.automating(card, took_ownership=unowned))


def _snooze(session: Session, process: Process, who: _Who) -> Outcome:
    if process.status == "retired":
        return Outcome(msg.already_retired(card_for(session, process, now=who.now)))
    admin = process.owner_id is not None and who.admin_for(process)
    until = processes.snooze(
        session, process=process, actor_id=who.user_id, is_admin=admin, now=who.now
    )
    return Outcome(msg.snoozed(card_for(session, process, now=who.now), until=until))


def _me_too(session: Session, process: Process, who: _Who) -> Outcome:
    minutes = usual_minutes(session, process=process)
    result = record_report(
        session,
        team_id=process.team_id,
        user_id=who.user_id,
        channel_id=who.channel_id,
        text=process.title,
        source="reaction",
        slack_key=f"plus:{who.channel_id}:{who.ts}:{who.user_id}",
        now=who.now,
        minutes=minutes,
        process=process,
    )
    text = msg.counted(result.card, minutes=result.minutes, duplicate=result.duplicate)
    return Outcome(text, report=result)


def usual_minutes(session: Session, *, process: Process) -> int:
    """The median of the process's latest reports (the default duration if it has none)."""
    recent = list(
        session.scalars(
            select(Occurrence.minutes)
            .where(Occurrence.process_id == process.id)
            .order_by(Occurrence.occurred_at.desc(), Occurrence.id.desc())
            .limit(RECENT)
        )
    )
    if not recent:
        return DEFAULT_MINUTES
    return max(1, min(MAX_MINUTES, int(statistics.median(recent) + 0.5)))


_ACTIONS: dict[Reaction, Callable[[Session, Process, _Who], Outcome]] = {
    Reaction.RETIRE: _retire,
    Reaction.AUTOMATING: _automating,
    Reaction.SNOOZE: _snooze,
    Reaction.ME_TOO: _me_too,
}
