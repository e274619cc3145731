"""Emoji reactions on the bot's own posts, as one-tap answers.

✅ `white_check_mark` retires the process, 🤖 `robot_face` marks it as being automated
(taking ownership when nobody owns it), 💤 `zzz` snoozes it for two weeks and ➕
`heavy_plus_sign` says "I do this too": a report for the reactor of the usual duration.

Only messages the bot remembered (table `bot_messages`) about exactly one process count;
any other message or emoji is ignored. Each reaction does what the matching button does,
through the same use case. Example::

    outcome = react(session, actor, event_id="Ev1", ts="1700000000.000100", emoji="zzz")
    outcome.text  # "Snoozed *P1 · Reconcile payouts* until ..."
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.domain.cards import ProcessCard
from bot.domain.limits import DEFAULT_LIMITS, Limits
from bot.domain.people import Actor
from bot.domain.rules import sight_of
from bot.domain.schedule import local_date
from bot.domain.states import Posted, Source, Status
from bot.errors import UserError
from bot.messages import reactions as msg
from bot.mrkdwn import Mrkdwn
from bot.services import effort, lookup, prompts, retirement
from bot.services.cards import card_for
from bot.services.reporting import record_report, usual_minutes
from storage import claims, posts
from storage.models import Process


class Reaction(StrEnum):
    RETIRE = "white_check_mark"
    AUTOMATING = "robot_face"
    SNOOZE = "zzz"
    ME_TOO = "heavy_plus_sign"


EMOJI = frozenset(r.value for r in Reaction)
# Posts where ➕ means "I do this too": the ones about manual work being done.
ABOUT_MANUAL_WORK = frozenset({Posted.REPORT_REPLY, Posted.WHO_OWNS, Posted.NUDGE})


@dataclass(frozen=True)
class Outcome:
    """What to tell the reactor, and what follows once the transaction has committed."""

    text: Mrkdwn
    retired: ProcessCard | None = None  # to celebrate
    steps: ProcessCard | None = None  # 🤖: its steps, written down, go to the reactor by DM


def react(
    session: Session,
    actor: Actor,
    *,
    event_id: str,
    ts: str,
    emoji: str,
    limits: Limits = DEFAULT_LIMITS,
) -> Outcome | None:
    """Act on one reaction in `actor.channel_id`; None when it is not for the bot (or a
    Slack retry)."""
    if emoji not in EMOJI or not actor.channel_id:
        return None
    remembered = posts.bot_message(
        session, team_id=actor.team_id, channel_id=actor.channel_id, ts=ts
    )
    if remembered is None or not remembered.process_ids:
        return None
    if not claims.claim_event(session, event_id=event_id, team_id=actor.team_id, now=actor.now):
        return None  # a Slack retry of an event already handled
    if emoji == Reaction.ME_TOO and remembered.kind not in ABOUT_MANUAL_WORK:
        return None  # ➕ on a celebration isn't "I do this too"
    if len(remembered.process_ids) > 1:
        return Outcome(msg.BUNDLED)
    try:
        process = lookup.find(
            session, actor, process_id=remembered.process_ids[0], posted_in=actor.channel_id
        )
    except UserError:
        return Outcome(msg.GONE)
    try:
        with session.begin_nested():  # a refusal leaves nothing half-done
            return _ACTIONS[Reaction(emoji)](session, actor, process, ts, limits)
    except UserError as err:
        return Outcome(err.text)


def _retire(session: Session, actor: Actor, process: Process, ts: str, limits: Limits) -> Outcome:
    if process.status == Status.RETIRED:
        return Outcome(msg.already_retired(card_for(session, process, now=actor.now)))
    done = retirement.retire(session, actor, process, link=None, how=None)
    return Outcome(msg.retired(done.card), retired=done.card)


def _automating(
    session: Session, actor: Actor, process: Process, ts: str, limits: Limits
) -> Outcome:
    if process.status == Status.RETIRED:
        return Outcome(msg.already_retired(card_for(session, process, now=actor.now)))
    if process.status == Status.AUTOMATING and process.owner_id is not None:
        return Outcome(msg.already_automating(card_for(session, process, now=actor.now)))
    took = prompts.automate(session, actor, process)
    card = effort.card_with_steps(session, actor, process)
    steps = card if card.steps is not None else None
    return Outcome(msg.automating(card, took_ownership=took), steps=steps)


def _snooze(session: Session, actor: Actor, process: Process, ts: str, limits: Limits) -> Outcome:
    if process.status == Status.RETIRED:
        return Outcome(msg.already_retired(card_for(session, process, now=actor.now)))
    until = prompts.snooze(session, actor, process)
    return Outcome(msg.snoozed(card_for(session, process, now=actor.now), until=until))


def _me_too(session: Session, actor: Actor, process: Process, ts: str, limits: Limits) -> Outcome:
    result = record_report(
        session,
        team_id=actor.team_id,
        user_id=actor.user_id,
        channel_id=actor.channel_id,
        text=process.title,
        source=Source.REACTION,
        # One ➕ a person a process a (their) day, on however many posts about it.
        slack_key=f"plus:{process.id}:{actor.user_id}:{local_date(actor.now, actor.person.tz)}",
        now=actor.now,
        minutes=usual_minutes(session, process=process),
        process=process,
        sight=sight_of(actor),
        limits=limits,
        tz=actor.person.tz,
    )
    text = msg.counted(
        result.card,
        minutes=result.minutes,
        duplicate=result.duplicate,
        regression=result.regression,
    )
    return Outcome(text)


# Each gets the limits on volume: ➕ is a report, the others ignore them.
_ACTIONS: dict[Reaction, Callable[[Session, Actor, Process, str, Limits], Outcome]] = {
    Reaction.RETIRE: _retire,
    Reaction.AUTOMATING: _automating,
    Reaction.SNOOZE: _snooze,
    Reaction.ME_TOO: _me_too,
}
