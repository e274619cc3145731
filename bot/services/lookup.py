"""Finding the process (or report) a person means: the one lookup every surface uses.

A command names a process as people type it (`P7`, `p7`, `#7`); a button, a form or a
reaction by its internal id. Either way the lookup follows merges (P9 merged into P7 is
P7), stays inside the actor's workspace, applies the visibility rule, and turns anything
stale, forged or unknown into one clear answer::

    process = find(session, actor, ref="p7")
    process = find(session, actor, process_id=button_value)
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.domain.arguments import parse_ref
from bot.domain.people import Actor, Person
from bot.domain.rules import Sight, sight_of, sight_of_person
from bot.errors import UserError
from bot.mrkdwn import Mrkdwn
from storage import occurrences, people, processes
from storage.models import Occurrence, Process

GONE = Mrkdwn("That process no longer exists. `/manual-task list` shows the others.")


def find(
    session: Session,
    actor: Actor,
    *,
    ref: str | None = None,
    process_id: object = None,
    lock: bool = False,
    posted_in: str | None = None,
) -> Process:
    """The process `ref` (as typed) or `process_id` (from a button or form) names, or the
    one it was merged into; a UserError saying why when there is none to see. `lock`
    takes a row lock (two clicks at once act one after the other). `posted_in`: the
    channel of the bot's post that was clicked or reacted to; a member there may act on
    a private process of that very channel, as a report there joins it."""
    if ref is not None:
        process = _by_ref(session, actor, ref)
    else:
        process = _by_id(session, actor, process_id, posted_in)
    for _ in range(8):  # a chain of merges ends; a cycle must not hang us
        if process.merged_into_id is None:
            break
        target = processes.process_by_id(
            session, team_id=actor.team_id, process_id=process.merged_into_id
        )
        if target is None:
            break
        if not _seen(session, actor, target):  # merged into one they may not see
            raise UserError(GONE)
        process = target
    if lock:
        session.refresh(process, with_for_update=True)
    return process


def _seen(session: Session, actor: Actor, process: Process | None) -> bool:
    """The visibility rule (bot/domain/rules.py), asking whether the actor reported the
    process only when the rest of the rule can't tell."""
    return process is not None and _sees(session, sight_of(actor), actor.user_id, process)


def _sees(session: Session, sight: Sight, user_id: str, process: Process) -> bool:
    reported = sight.needs_reports(process) and bool(
        occurrences.processes_reported_by(session, user_id=user_id, process_ids=[process.id])
    )
    return sight.sees(process, reported=reported)


def known_person(session: Session, *, team_id: str, user_id: str) -> Person:
    """Who `user_id` is as the directory last saved them (unknown: seen as a guest)."""
    known = people.cached_user(session, team_id=team_id, user_id=user_id)
    if known is None:
        return Person(user_id, is_guest=True)
    return Person(user_id, is_admin=known.is_admin, is_guest=known.is_guest)


def seen_by(session: Session, *, user_id: str, process: Process) -> bool:
    """Whether someone told about `process` (not the one asking) may see it: the same
    rule, for the person as the directory last saved them."""
    person = known_person(session, team_id=process.team_id, user_id=user_id)
    return _sees(session, sight_of_person(process.team_id, person), user_id, process)


def _by_ref(session: Session, actor: Actor, ref: str) -> Process:
    number = parse_ref(ref)
    if number is None:
        raise UserError(
            Mrkdwn("“{}” isn't a process id: ids are P and a number, as `list` shows.").format(
                ref[:40]
            )
        )
    process = processes.process_by_ref(session, team_id=actor.team_id, number=int(number[1:]))
    if process is None or not _seen(session, actor, process):
        raise UserError(
            Mrkdwn("There's no {} here. `/manual-task list` shows the processes.").format(number)
        )
    return process


def _by_id(
    session: Session, actor: Actor, process_id: object, posted_in: str | None = None
) -> Process:
    try:
        number = int(process_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise UserError(GONE) from None
    process = processes.process_by_id(session, team_id=actor.team_id, process_id=number)
    if process is None:
        raise UserError(GONE)
    own_channel = posted_in is not None and process.channel_id == posted_in
    if not (own_channel and not actor.person.is_guest) and not _seen(session, actor, process):
        raise UserError(GONE)
    return process


def find_report(session: Session, actor: Actor, occurrence_id: object) -> Occurrence:
    """A report a button names, locked (a double click waits for the first click's
    transaction, then sees its result); a UserError when it is gone."""
    try:
        number = int(occurrence_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise UserError(Mrkdwn("That button is out of date: run the command again.")) from None
    occurrence = session.get(Occurrence, number, with_for_update=True)
    if occurrence is None or occurrence.team_id != actor.team_id:
        raise UserError(Mrkdwn("That report no longer exists (it may have been undone)."))
    return occurrence
