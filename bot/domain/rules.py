"""Who may do what to a process, and who may see it: each rule written once, here, and
called from every surface (commands, buttons, forms, reactions, the Home tab)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.people import Actor
from bot.errors import NotAllowed
from bot.mrkdwn import Mrkdwn, date


class Owned(Protocol):
    """What the rules look at in a process (a `Process` row and a `ProcessCard` both are)."""

    @property
    def ref(self) -> str: ...

    @property
    def owner_id(self) -> str | None: ...

    @property
    def reporter_id(self) -> str: ...


def may_manage(actor: Actor, process: Owned) -> bool:
    """Retire, reassign, merge, answer for or take over a process: its owner, the person
    who first reported it, or a workspace admin."""
    return actor.is_admin or actor.user_id in (process.owner_id, process.reporter_id)


def may_take(actor: Actor, process: Owned) -> bool:
    """Take a process on: anyone, while nobody owns it; else as `may_manage`."""
    return process.owner_id is None or may_manage(actor, process)


def require_manage(actor: Actor, process: Owned, *, what: str) -> None:
    """Raise NotAllowed (a clear answer) unless `may_manage`."""
    if not may_manage(actor, process):
        raise NotAllowed(
            Mrkdwn(
                "Only {}'s owner, the person who first reported it or a workspace admin can {} it."
            ).format(process.ref, what)
        )


UNDO_WINDOW = timedelta(days=7)


def require_undo(actor: Actor, *, reporter_id: str, occurred_at: datetime) -> None:
    """Undo a report: only your own, and only from the last 7 days (older reports are
    history the figures already stand on)."""
    if reporter_id != actor.user_id:
        raise NotAllowed(Mrkdwn("Only the person who made a report can undo it."))
    if occurred_at < actor.now - UNDO_WINDOW:
        raise NotAllowed(
            Mrkdwn(
                "That report is from {}, more than 7 days ago, so it stays: undo works on "
                "your reports of the last 7 days."
            ).format(date(occurred_at, "date_short", f"{occurred_at:%d %b}"))
        )


GUESTS_SEE_THEIR_OWN = Mrkdwn(
    "As a guest here you see your own reports only: `/manual-task export` sends them to "
    "you, and reporting works as for everyone."
)


def may_see(actor: Actor, *, team_id: str, reported: bool = False) -> bool:
    """See a process (or anything about it): only in its own workspace. Every lookup of a
    process passes through this rule (bot/services/processes.py), so a finer rule of who
    sees what lands here and applies everywhere. A guest sees only processes they
    `reported` themselves."""
    return actor.team_id == team_id and (reported or not actor.is_guest)
