"""Answering "Same as P3 · Update the pricing sheet?", the question on a report the
matcher was unsure about (bot/domain/matching.py). The report is already stored, on a new
process; *Yes* merges that process into the one asked about (bot/services/ownership.py
`merge_checked`, so its reports move), *No* remembers the pair of titles so it is never
asked about again (storage/match_index.py `reject`).

Only someone who may manage the new process answers (its reporter, its owner or an
admin: bot/domain/rules.py), and only the question the bot asked: the new process
remembers which process it was asked about (`asked_about_id`), so a forged value can't
merge it anywhere else. A second or stale click (already merged, already kept, the
process gone) says so and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.domain.cards import ProcessCard
from bot.domain.limits import DEFAULT_LIMITS, Limits
from bot.domain.people import Actor
from bot.domain.rules import require_manage
from bot.domain.states import Status
from bot.domain.words import match_key
from bot.errors import UserError
from bot.mrkdwn import Mrkdwn
from bot.services.cards import card_by_id
from bot.services.lookup import find
from bot.services.ownership import merge_checked
from storage import match_index, processes
from storage.models import Process

ALREADY = Mrkdwn("That question was already answered: {} · {}.")


@dataclass(frozen=True)
class Merged:
    """Yes: `keep` now holds the report(s) of `gone_ref`."""

    keep: ProcessCard
    gone_ref: str
    moved: int


@dataclass(frozen=True)
class Kept:
    """No: `card` stays a process of its own."""

    card: ProcessCard


def _pair(session: Session, actor: Actor, value: object) -> tuple[Process, Process]:
    """The new process and the one asked about, from the buttons' value "new:asked"."""
    try:
        new_id, asked_id = (int(part) for part in str(value).split(":"))
    except ValueError:
        raise UserError(Mrkdwn("That question is out of date.")) from None
    new = processes.process_by_id(session, team_id=actor.team_id, process_id=new_id)
    if new is None:
        raise UserError(Mrkdwn("That report was removed, so there's nothing to answer."))
    session.refresh(new, with_for_update=True)  # two clicks at once: one after the other
    require_manage(actor, new, what="answer for it")
    if new.asked_about_id != asked_id:  # a value the bot never sent: no such question
        raise UserError(Mrkdwn("That question is out of date."))
    asked = find(session, actor, process_id=asked_id, lock=True)
    return new, asked


def _answered(session: Session, actor: Actor, new: Process, asked: Process) -> None:
    """Raise "already answered" when the question was."""
    if new.status == Status.MERGED or new.merged_into_id is not None:
        target = find(session, actor, process_id=new.id)
        raise UserError(ALREADY.format(target.ref, target.title))
    if new.id == asked.id or match_index.is_rejected(
        session, team_id=actor.team_id, key=match_key(new.title), other=match_key(asked.title)
    ):
        raise UserError(ALREADY.format(new.ref, new.title))


def same(
    session: Session, actor: Actor, value: object, *, limits: Limits = DEFAULT_LIMITS
) -> Merged:
    """*Yes, same*: the new process is merged into the one asked about (unless the two
    would hold more of someone's day than a report could: bot/services/limits.py)."""
    new, asked = _pair(session, actor, value)
    _answered(session, actor, new, asked)
    moved = merge_checked(session, actor, keep=asked, gone=new, limits=limits)
    return Merged(card_by_id(session, asked.id, now=actor.now), new.ref, moved)


def different(session: Session, actor: Actor, value: object) -> Kept:
    """*No, a new process*: kept, and the pair of titles is remembered."""
    new, asked = _pair(session, actor, value)
    _answered(session, actor, new, asked)
    match_index.reject(
        session,
        team_id=actor.team_id,
        key=match_key(new.title),
        other=match_key(asked.title),
        by=actor.user_id,
        now=actor.now,
    )
    return Kept(card_by_id(session, new.id, now=actor.now))
