"""Acting on processes: ownership, retirement, merging, splitting and undoing reports.

Only the owner, the person who first reported a process, or a workspace admin may
reassign, retire or merge it; anyone may take an unowned process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.commands import parse_ref
from bot.domain.durations import DurationError, parse_report
from bot.domain.matching import normalize_title
from bot.errors import NotAllowed, UserError
from bot.messages.cards import ProcessCard
from bot.mrkdwn import Mrkdwn, mention
from bot.services.cards import card_for
from storage import queries
from storage.models import Nudge, Occurrence, Process

SNOOZE = timedelta(days=14)
REVIEW_AFTER = timedelta(days=90)


def resolve(session: Session, *, team_id: str, ref: str) -> Process:
    """The process a person typed (`P7`, `p7`, `#7`), or a clear UserError."""
    norm = parse_ref(ref)
    if norm is None:
        raise UserError(Mrkdwn("“{}” isn't a process id: they look like `P7`.").format(ref[:40]))
    process = queries.process_by_ref(session, team_id=team_id, number=int(norm[1:]))
    if process is None:
        raise UserError(
            Mrkdwn("There's no {} here. `/manual-task list` shows the processes.").format(norm)
        )
    if process.merged_into_id is not None:
        target = session.get(Process, process.merged_into_id)
        if target is not None:
            return target
    return process


def by_id(session: Session, *, team_id: str, process_id: object) -> Process:
    """The process a button or form names by its internal id, or a clear UserError (the
    id may be stale, forged, or not a number)."""
    try:
        number = int(process_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        number = None
    process = (
        queries.process_by_id(session, team_id=team_id, process_id=number)
        if number is not None
        else None
    )
    if process is None:
        raise UserError(
            Mrkdwn("That process no longer exists. `/manual-task list` shows the others.")
        )
    return process


def may_manage(process: Process, *, user_id: str, is_admin: bool) -> bool:
    return is_admin or user_id in (process.owner_id, process.reporter_id)


def require(process: Process, *, user_id: str, is_admin: bool, what: str) -> None:
    """Raise NotAllowed unless the person may manage the process (see `may_manage`)."""
    if not may_manage(process, user_id=user_id, is_admin=is_admin):
        raise NotAllowed(
            Mrkdwn(
                "Only {}'s owner, the person who first reported it or a workspace admin can {} it."
            ).format(process.ref, what)
        )


def _label(process: Process) -> Mrkdwn:
    return Mrkdwn("{} · {}").format(process.ref, process.title)


def take_ownership(
    session: Session, *, process: Process, user_id: str, is_admin: bool, now: datetime
) -> Mrkdwn:
    if process.owner_id == user_id:
        return Mrkdwn("You already own {}.").format(_label(process))
    if process.owner_id is not None:
        require(process, user_id=user_id, is_admin=is_admin, what="take over")
    process.owner_id = user_id
    session.flush()
    return Mrkdwn("You now own {}. I'll check in about automating it.").format(_label(process))


def assign(
    session: Session,
    *,
    process: Process,
    actor_id: str,
    new_owner_id: str,
    is_admin: bool,
    now: datetime,
) -> Mrkdwn:
    if process.owner_id is not None or actor_id != new_owner_id:
        require(process, user_id=actor_id, is_admin=is_admin, what="reassign")
    if process.owner_id == new_owner_id:
        return Mrkdwn("{} already owns {}.").format(mention(new_owner_id), _label(process))
    process.owner_id = new_owner_id
    session.flush()
    return Mrkdwn("{} now owns {}.").format(mention(new_owner_id), _label(process))


@dataclass(frozen=True)
class Retirement:
    card: ProcessCard
    already: bool


def retire(
    session: Session,
    *,
    process: Process,
    actor_id: str,
    is_admin: bool,
    link: str | None,
    note: str | None,
    now: datetime,
) -> Retirement:
    """Retire a process: freeze its hours per week as eliminated. Idempotent, also when
    two people retire it at once (the row is locked and read again)."""
    session.refresh(process, with_for_update=True)
    if process.status == "retired":
        return Retirement(card_for(session, process, now=now), already=True)
    require(process, user_id=actor_id, is_admin=is_admin, what="retire")
    before = card_for(session, process, now=now)
    process.status = "retired"
    process.status_changed_at = now
    process.retired_at = now
    process.retired_by = actor_id
    process.automation_link = link
    process.automation_note = note.replace("\x00", "")[:500] if note else None  # PG: no NUL
    process.snoozed_until = None
    process.eliminated_minutes_per_week = before.minutes_per_week
    if process.owner_id is None:
        process.owner_id = actor_id
    session.flush()
    return Retirement(card_for(session, process, now=now), already=False)


def set_status(
    session: Session,
    *,
    process: Process,
    actor_id: str,
    is_admin: bool,
    status: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    """automating / accepted (with a reason, back for review in 90 days) / manual."""
    if process.status == "retired":
        raise UserError(Mrkdwn("{} is already retired.").format(process.ref))
    if process.owner_id is None and status == "automating":
        process.owner_id = actor_id
    else:
        require(process, user_id=actor_id, is_admin=is_admin, what="change")
    process.status = status
    process.status_changed_at = now
    if status == "accepted":
        process.accepted_reason = reason
        process.review_at = now + REVIEW_AFTER
    session.flush()


def snooze(
    session: Session, *, process: Process, actor_id: str, is_admin: bool, now: datetime
) -> datetime:
    if process.owner_id is not None:
        require(process, user_id=actor_id, is_admin=is_admin, what="snooze")
    process.snoozed_until = now + SNOOZE
    session.flush()
    return process.snoozed_until


def merge(
    session: Session,
    *,
    keep: Process,
    gone: Process,
    actor_id: str,
    is_admin: bool,
    now: datetime,
) -> int:
    """Move `gone`'s reports into `keep`; `gone` then points at `keep`."""
    if keep.id == gone.id:
        raise UserError(Mrkdwn("Those are the same process: name two different ones."))
    require(keep, user_id=actor_id, is_admin=is_admin, what="merge")
    require(gone, user_id=actor_id, is_admin=is_admin, what="merge")
    moved = queries.move_occurrences(session, from_process=gone, to_process=keep)
    for nudge in session.query(Nudge).filter(Nudge.process_id == gone.id):
        nudge.process_id = keep.id
    gone.status = "merged"
    gone.merged_into_id = keep.id
    gone.status_changed_at = now
    if keep.owner_id is None:
        keep.owner_id = gone.owner_id
    session.flush()
    return moved


def undo(session: Session, *, occurrence: Occurrence, user_id: str) -> Mrkdwn:
    """Remove one report; only its reporter may."""
    if occurrence.user_id != user_id:
        raise NotAllowed(Mrkdwn("Only the person who made a report can undo it."))
    process = session.get(Process, occurrence.process_id)
    label = _label(process) if process else Mrkdwn("that process")
    minutes = occurrence.minutes
    queries.delete_occurrence(session, occurrence=occurrence)
    return Mrkdwn("Removed your report of {}m on {}.").format(minutes, label)


def undo_last(session: Session, *, team_id: str, user_id: str) -> Mrkdwn:
    last = queries.last_report_by(session, team_id=team_id, user_id=user_id)
    if last is None:
        return Mrkdwn("You have no reports to undo.")
    return undo(session, occurrence=last, user_id=user_id)


def split(session: Session, *, occurrence: Occurrence, user_id: str, now: datetime) -> Process:
    """Move one report into a new process of its own ("this is a different task")."""
    if occurrence.user_id != user_id:
        raise NotAllowed(Mrkdwn("Only the person who made a report can split it off."))
    current = session.get(Process, occurrence.process_id)
    if current is not None and current.reporter_id == user_id and _only(session, current):
        return current  # already on its own (a second click)
    try:
        title = parse_report((occurrence.text or "").split("\n")[0]).title or "Untitled task"
    except DurationError:
        title = (occurrence.text or "Untitled task").split("\n")[0][:150]
    process = queries.create_process(
        session,
        team_id=occurrence.team_id,
        title=title[0].upper() + title[1:],
        normalized_title=normalize_title(title) or title.lower(),
        reporter_id=user_id,
        channel_id=occurrence.channel_id,
        now=now,
    )
    occurrence.process_id = process.id
    occurrence.regression = False
    session.flush()
    return process


def _only(session: Session, process: Process) -> bool:
    """True when the process has exactly one report (it was made by a split)."""
    return session.query(Occurrence).filter(Occurrence.process_id == process.id).count() == 1
