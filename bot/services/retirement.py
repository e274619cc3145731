"""Retiring a process: automation does it now. Its hours per week at that moment are
frozen as eliminated; the link (and a line of how) says what does the work instead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.domain.cards import ProcessCard
from bot.domain.people import Actor
from bot.domain.rules import require_manage
from bot.domain.states import Event, Status
from bot.errors import UserError
from bot.mrkdwn import MAX_LINK, Mrkdwn, is_safe_link
from bot.services import telling
from bot.services.cards import card_for
from storage import history
from storage.models import Process

MAX_HOW = 500


def check_link(link: str | None) -> str:
    """The link to an automation, or a clear refusal: only http(s) links, with no spaces,
    `<`, `>` or `|` (which could make it a disguised link or a ping), and not too long."""
    link = (link or "").strip()
    if not is_safe_link(link):
        raise UserError(
            Mrkdwn(
                "Add a link to the automation, like `https://github.com/acme/ops/pull/42`: "
                "one http(s) address, at most {:,} characters, no spaces, `&lt;`, `&gt;` "
                "or `|`."
            ).format(MAX_LINK)
        )
    return link


@dataclass(frozen=True)
class Retirement:
    """The retired process's card; `already` when it was retired before (nothing done)."""

    card: ProcessCard
    already: bool
    recorded: bool = False  # already retired, and the link or the how was added now


def record_how(
    session: Session, actor: Actor, process: Process, *, link: str | None, how: str | None
) -> bool:
    """Add (or correct) how a retired process is automated: its link, its line of how.
    False when neither was given or nothing changed."""
    note = how.replace("\x00", "")[:MAX_HOW].strip() if how else None  # PG: no NUL
    if (not link or link == process.automation_link) and (
        not note or note == process.automation_note
    ):
        return False
    require_manage(actor, process, what="say how it's automated")
    if link:
        process.automation_link = link
    if note:
        process.automation_note = note
    return True


def retire(
    session: Session,
    actor: Actor,
    process: Process,
    *,
    link: str | None,
    how: str | None,
    actual_hours: float | None = None,
) -> Retirement:
    """Retire a process. Idempotent, also when two people retire it at once (the row is
    locked and read again). Retired already, a link or a line of how given is recorded
    (`retire P1 <link>` after ✅ says how it runs now)."""
    session.refresh(process, with_for_update=True)
    if process.status == Status.RETIRED:
        recorded = record_how(session, actor, process, link=link, how=how)
        if actual_hours is not None and actual_hours != process.actual_hours:
            require_manage(actor, process, what="say how long automating it took")
            process.actual_hours, recorded = actual_hours, True
        return Retirement(card_for(session, process, now=actor.now), True, recorded)
    require_manage(actor, process, what="retire it")
    before, owner = card_for(session, process, now=actor.now), process.owner_id
    if process.owner_id is None:
        history.set_owner(
            session, process=process, owner_id=actor.user_id, actor_id=actor.user_id, at=actor.now
        )
    process.retired_at = actor.now
    process.retired_by = actor.user_id
    process.automation_link = link
    process.automation_note = how.replace("\x00", "")[:MAX_HOW] if how else None  # PG: no NUL
    process.snoozed_until = None
    process.verified_at = None  # verified afresh, 8 weeks from this retirement
    if actual_hours is not None:
        process.actual_hours = actual_hours
    process.eliminated_minutes_per_week = before.minutes_per_week
    history.record(
        session,
        process=process,
        kind=Event.RETIRED,
        actor_id=actor.user_id,
        at=actor.now,
        detail=link or process.automation_note,
        minutes_per_week=before.minutes_per_week,
    )
    done = card_for(session, process, now=actor.now)
    telling.retired(session, actor, done, owner=owner)  # an admin retired someone's process
    return Retirement(done, already=False)
