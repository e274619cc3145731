"""Who owns a process: taking one on, handing it to someone, and merging two processes
that turned out to be the same work. Every change passes `bot.domain.rules`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.domain.limits import DEFAULT_LIMITS, Limits
from bot.domain.people import Actor
from bot.domain.rules import may_take, require_manage
from bot.domain.states import Event, Status
from bot.errors import UserError
from bot.messages.ownership import merge_into_retired
from bot.mrkdwn import Mrkdwn
from bot.services import lookup, telling
from bot.services.cards import card_for
from bot.services.limits import check_merge
from storage import history, match_index, occurrences, steps
from storage.models import Nudge, Process


@dataclass(frozen=True)
class Handover:
    """What a change of owner did: `changed` False when it already was so; `before` the
    owner before it (None: nobody)."""

    changed: bool
    before: str | None


def take(session: Session, actor: Actor, process: Process) -> Handover:
    """The actor takes the process on (anyone, while nobody owns it)."""
    before = process.owner_id
    if before == actor.user_id:
        return Handover(changed=False, before=before)
    if not may_take(actor, process):
        require_manage(actor, process, what="take it over")
    history.set_owner(
        session, process=process, owner_id=actor.user_id, actor_id=actor.user_id, at=actor.now
    )
    telling.new_owner(session, actor, process, before=before)
    return Handover(changed=True, before=before)


def assign(session: Session, actor: Actor, process: Process, *, to: str) -> Handover:
    """Give the process to `to` (taking an unowned one oneself needs no rights)."""
    before = process.owner_id
    if before is not None or to != actor.user_id:
        require_manage(actor, process, what="reassign it")
    if before == to:
        return Handover(changed=False, before=before)
    history.set_owner(session, process=process, owner_id=to, actor_id=actor.user_id, at=actor.now)
    telling.new_owner(session, actor, process, before=before)
    return Handover(changed=True, before=before)


def merge(
    session: Session,
    actor: Actor,
    *,
    keep: Process,
    gone: Process,
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """Move `gone`'s reports into `keep`; `gone` then points at `keep`. Returns how many
    reports moved."""
    if keep.id == gone.id:
        raise UserError(Mrkdwn("Those are the same process: name two different ones."))
    if (
        keep.status == Status.RETIRED
        and gone.status != Status.RETIRED
        and keep.retired_at is not None
        and not occurrences.done_since(session, process_id=gone.id, since=keep.retired_at)
    ):
        # All of its manual work predates the retirement: merged, it would vanish into an
        # automated process. (Work done since does not vanish: it brings `keep` back.)
        raise UserError(merge_into_retired(keep.ref, gone.ref))
    for process in (keep, gone):
        require_manage(actor, process, what="merge it")
    owners, gone_card = {keep.owner_id, gone.owner_id}, card_for(session, gone, now=actor.now)
    saw = {o for o in owners if o is not None and lookup.seen_by(session, user_id=o, process=gone)}
    moved = merge_checked(session, actor, keep=keep, gone=gone, limits=limits)
    telling.merged(session, actor, gone=gone_card, keep=keep, owners=owners, saw_gone=saw)
    return moved


def merge_checked(
    session: Session,
    actor: Actor,
    *,
    keep: Process,
    gone: Process,
    limits: Limits = DEFAULT_LIMITS,
) -> int:
    """`merge` once the caller has checked who may (answering "same process?" about a
    process of one's own needs no rights on the other: it is what a report landing there
    would have done). Refused, changing nothing, when the two would hold more of one
    person's day than a report could (bot/services/limits.py `check_merge`)."""
    check_merge(session, limits, keep=keep, gone=gone, now=actor.now)
    match_index.unindex_process(session, process=gone)
    moved = occurrences.move_occurrences(session, from_process=gone, to_process=keep)
    written = steps.latest_of(session, process_id=gone.id)
    if written is not None and steps.latest_of(session, process_id=keep.id) is None:
        # Its steps come along (as their author wrote them), unless `keep` has its own.
        steps.add_version(
            session,
            process=keep,
            text=written.text,
            author_id=written.author_id or actor.user_id,
            now=actor.now,
        )
    for nudge in session.query(Nudge).filter(Nudge.process_id == gone.id):
        nudge.process_id = keep.id
    gone.merged_into_id = keep.id
    # Private reports stay private: what they join becomes private too (bot/domain/rules.py).
    keep.private = keep.private or gone.private
    if keep.declared_minutes_per_week is None:  # what its form said, until reports measure
        keep.declared_minutes_per_week = gone.declared_minutes_per_week
    history.record(
        session,
        process=gone,
        kind=Event.MERGED,
        actor_id=actor.user_id,
        at=actor.now,
        detail=keep.ref,
    )
    history.record(  # and on the one kept, so its own history shows it
        session,
        process=keep,
        kind=Event.MERGED_IN,
        actor_id=actor.user_id,
        at=actor.now,
        detail=gone.ref,
    )
    if keep.owner_id is None and gone.owner_id is not None:
        history.set_owner(
            session, process=keep, owner_id=gone.owner_id, actor_id=actor.user_id, at=actor.now
        )
    if keep.status == Status.RETIRED and keep.retired_at is not None:
        # Reports done by hand since it was retired now sit on it: it has come back, as
        # if they had been made on it (an answered "Same as P3?" is the common case).
        since = occurrences.mark_regressions(session, process_id=keep.id, since=keep.retired_at)
        if since is not None:
            history.record(
                session, process=keep, kind=Event.CAME_BACK, actor_id=since, at=actor.now
            )
    return moved
