"""Answering the coaching prompts ("I'll automate it", "Not worth it", "Snooze 2 weeks",
"Still working on it") and what a prompt should look like once answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.people import Actor
from bot.domain.rules import require_manage
from bot.domain.states import Answer, Event, Posted, PromptKind, Status
from bot.errors import Settled, UserError
from bot.messages.blocks import Message
from bot.messages.nudges import PromptItem, owner_dm, who_owns
from bot.messages.outbox import with_notices
from bot.mrkdwn import Mrkdwn, mention
from bot.services.cards import cards_for
from storage import coaching, history, outbox, posts
from storage.models import Process

SNOOZE = timedelta(days=14)
REVIEW_AFTER = timedelta(days=90)
Where = tuple[str | None, str | None]  # (channel, ts) of a message


def _still_open(process: Process) -> None:
    if process.status == Status.RETIRED:
        raise UserError(Mrkdwn("{} is already retired.").format(process.ref))


def automate(session: Session, actor: Actor, process: Process) -> bool:
    """ "I'll automate it": the process is being automated; nobody owned it, so the actor
    does now (returns True then)."""
    _still_open(process)
    took = process.owner_id is None
    if took:
        history.set_owner(
            session, process=process, owner_id=actor.user_id, actor_id=actor.user_id, at=actor.now
        )
    else:
        require_manage(actor, process, what="change it")
    history.record(
        session, process=process, kind=Event.AUTOMATING, actor_id=actor.user_id, at=actor.now
    )
    return took


def accept(session: Session, actor: Actor, process: Process, *, reason: str) -> None:
    """ "Not worth it": accepted as manual work, for `reason`; back for review in 90 days."""
    _still_open(process)
    require_manage(actor, process, what="change it")
    process.accepted_reason = reason
    process.review_at = actor.now + REVIEW_AFTER
    history.record(
        session,
        process=process,
        kind=Event.ACCEPTED,
        actor_id=actor.user_id,
        at=actor.now,
        detail=reason,
    )


def snooze(session: Session, actor: Actor, process: Process) -> datetime:
    """No nudges about the process for two weeks; returns until when."""
    if process.owner_id is not None:
        require_manage(actor, process, what="snooze it")
    process.snoozed_until = actor.now + SNOOZE
    history.record(
        session, process=process, kind=Event.SNOOZED, actor_id=actor.user_id, at=actor.now
    )
    return process.snoozed_until


def record_answer(
    session: Session,
    actor: Actor,
    *,
    message: Where,
    process_id: int,
    answer: Answer,
    reason: str | None = None,
) -> bool:
    """Mark the prompt about `process_id` in `message` as answered; False when `message`
    is no prompt about it (an answer from the Home tab or a report's reply). A prompt a
    newer one replaced, or whose question is settled, refuses (`refuse_stale`): callers
    record the answer before they act, in the same transaction."""
    channel, ts = message
    if channel and ts:
        refuse_stale(session, actor, channel=channel, ts=ts, process_id=process_id, answer=answer)
    return coaching.record_answer(
        session,
        team_id=actor.team_id,
        channel_id=channel,
        ts=ts,
        process_id=process_id,
        answer=answer,
        by=actor.user_id,
        now=actor.now,
        reason=reason,
    )


def refuse_stale(
    session: Session,
    actor: Actor,
    *,
    channel: str,
    ts: str,
    process_id: int,
    answer: Answer | None = None,
) -> None:
    """The one rule for every kind of prompt (a nudge, a follow-up, "Who owns this?"): an
    answer on one that a later message about the same process replaced, or whose question
    is settled (the process retired, or, for "Who owns this?", owned by someone else now),
    is refused, saying why; nothing changes. Giving one's own answer again (a double click)
    is no change, so it still goes through; any other press of an answered prompt, the
    answerer's too, meets the same rule as everyone's (having answered "I'll own it" once
    is no right to take the process back from whoever owns it since)."""
    nudge = coaching.prompt_about(
        session, team_id=actor.team_id, channel_id=channel, ts=ts, process_id=process_id
    )
    process = session.get(Process, process_id)
    if nudge is None or process is None:
        return
    again = nudge.answered_by == actor.user_id and answer is not None and nudge.answer == answer
    if process.status == Status.RETIRED and not again:
        raise Settled(
            Mrkdwn("{} is already retired by {}, so this question is settled.").format(
                process.ref, mention(process.retired_by)
            )
        )
    owner = process.owner_id
    if nudge.kind == PromptKind.WHO_OWNS and owner is not None and owner != actor.user_id:
        raise Settled(
            Mrkdwn("{} owns {} now, so this question is settled. `show {}` says more.").format(
                mention(owner), process.ref, process.ref
            )
        )
    if coaching.asked_again(session, nudge=nudge):
        raise Settled(
            Mrkdwn(
                "This message about {} is out of date: a newer one asks about it. Answer "
                "there, or see `show {}`."
            ).format(process.ref, process.ref)
        )


def render(
    session: Session, *, team_id: str, channel: str, ts: str, now: datetime
) -> Message | None:
    """The prompt message as it should look now, or None if it isn't a prompt."""
    remembered = posts.bot_message(session, team_id=team_id, channel_id=channel, ts=ts)
    if remembered is None or remembered.kind not in (Posted.NUDGE, Posted.WHO_OWNS):
        return None
    nudges = coaching.prompt_nudges(session, team_id=team_id, channel_id=channel, ts=ts)
    procs = {
        p.id: p
        for p in session.query(Process).filter(Process.id.in_([n.process_id for n in nudges]))
    }
    cards = {c.process_id: c for c in cards_for(session, list(procs.values()), now=now)}
    items = []
    for n in nudges:
        if n.process_id not in cards:
            continue
        answer, who = n.answer, n.answered_by
        proc = procs[n.process_id]
        if answer is None and proc.status == Status.RETIRED:
            answer, who = Answer.RETIRED, proc.retired_by
        items.append(
            PromptItem(
                cards[n.process_id], PromptKind(n.kind), answer, who, n.answered_at, n.reason
            )
        )
    if not items:
        return None
    if remembered.kind == Posted.WHO_OWNS:
        return who_owns(items[0])
    # The notices that went out in the same DM stay above its nudges.
    told = outbox.delivered_in(session, team_id=team_id, channel_id=channel, ts=ts)
    return with_notices([(Mrkdwn(n.text), list(n.blocks)) for n in told], owner_dm(items))
