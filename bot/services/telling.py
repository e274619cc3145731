"""Telling people about their processes when someone else changes them: the new owner of
a process passed to them, the owner it was taken from, the owner of a process someone
else retired or merged, the owner of a retired process done by hand again. Each notice
goes into the outbox (storage/outbox.py) in the transaction of the change, and out in the
person's working hours, within their one bot DM of the day (bot/jobs/daily_dm.py).
Nobody is told of what they did themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.cards import ProcessCard, ReportResult
from bot.domain.people import Actor
from bot.domain.states import Notice
from bot.messages.blocks import Message
from bot.messages.celebrations import regression_notice
from bot.messages.nudges import handed_over
from bot.messages.outbox import merged_for_you, retired_for_you, taken_over
from bot.services import lookup
from bot.services.cards import card_for
from storage import outbox
from storage.models import Process


def new_owner(session: Session, actor: Actor, process: Process, *, before: str | None) -> None:
    """`process` went from `before` to its owner now, by `actor`: the new owner hears
    (unless they took it themselves), and so does the one it was taken from."""
    to = process.owner_id
    if to is None or to == before:
        return
    card = card_for(session, process, now=actor.now)
    if to != actor.user_id:
        _tell(session, actor, to, Notice.HANDED_OVER, handed_over(card, by=actor.user_id), card)
    if before is not None and before not in (actor.user_id, to):
        message = taken_over(card, by=actor.user_id, to=to)
        _tell(session, actor, before, Notice.TAKEN_OVER, message, card)


def retired(session: Session, actor: Actor, card: ProcessCard, *, owner: str | None) -> None:
    """Someone other than its owner retired the process: the owner hears."""
    if owner is not None and owner != actor.user_id:
        _tell(
            session,
            actor,
            owner,
            Notice.RETIRED_FOR_YOU,
            retired_for_you(card, by=actor.user_id),
            card,
        )


def merged(
    session: Session,
    actor: Actor,
    *,
    gone: ProcessCard,
    keep: Process,
    owners: set[str | None],
    saw_gone: set[str],
) -> None:
    """`gone` was merged into `keep`: each of their owners (before the merge) who didn't do
    it hears, with the titles of those they may see (`saw_gone`: who saw `gone` before)."""
    kept = card_for(session, keep, now=actor.now)
    for owner in sorted(o for o in owners if o is not None and o != actor.user_id):
        names = (owner in saw_gone, lookup.seen_by(session, user_id=owner, process=keep))
        message = merged_for_you(gone, kept, by=actor.user_id, to=owner, names=names)
        _tell(session, actor, owner, Notice.MERGED_FOR_YOU, message, kept)


def came_back(session: Session, result: ReportResult, *, team_id: str, now: datetime) -> None:
    """A retired process was reported again: its owner (or whoever retired it) hears,
    unless they reported it. Called in the report's own transaction (record_report), so
    the notice is stored with the report or not at all."""
    card = result.card
    owner = card.owner_id or card.retired_by
    if owner and owner != result.reporter_id:
        message = regression_notice(card, reporter_id=result.reporter_id, minutes=result.minutes)
        outbox.tell(
            session,
            team_id=team_id,
            user_id=owner,
            kind=Notice.CAME_BACK,
            message=message,
            now=now,
            process_id=card.process_id,
        )


def _tell(
    session: Session,
    actor: Actor,
    user_id: str,
    kind: Notice,
    message: Message,
    card: ProcessCard,
) -> None:
    outbox.tell(
        session,
        team_id=actor.team_id,
        user_id=user_id,
        kind=kind,
        message=message,
        now=actor.now,
        process_id=card.process_id,
    )
