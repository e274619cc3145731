"""Who may do what to a process, and who may see it: each rule written once, here, and
called from every surface (commands, buttons, forms, reactions, the Home tab)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.people import Actor, Person
from bot.domain.states import Covers
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
    """Raise NotAllowed (a clear answer) unless `may_manage`; `what` is the whole verb
    phrase the refusal ends with ("retire it", "take it over")."""
    if not may_manage(actor, process):
        raise NotAllowed(
            Mrkdwn(
                "Only {}'s owner, the person who first reported it or a workspace admin can {}."
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


class Visible(Protocol):
    """What the visibility rule looks at in a process (a `Process` row, a match candidate)."""

    @property
    def team_id(self) -> str: ...

    @property
    def owner_id(self) -> str | None: ...

    @property
    def reporter_id(self) -> str: ...

    @property
    def private(self) -> bool: ...

    @property
    def channel_id(self) -> str | None: ...


@dataclass(frozen=True)
class Sight:
    """What someone (or something) may see of one workspace's processes: the visibility
    rule, written once. Storage turns it into one SQL condition (storage/visibility.py)
    and every surface reads through it: `list`, `show`, `mine`, Home, stats, digests,
    export, mention answers and the matcher.

    A process is *private* when the channel it was first reported in is private, a DM or
    a group DM, or when the bot couldn't tell (bot/channels.py). Then it is seen by its
    reporters and its owner (`user_id`), by workspace admins (`everything`), and in its own
    channel's digest (`channel_id`). A public process is seen by every member (`public`)
    and by a workspace-wide digest; a guest sees only what they reported or own."""

    team_id: str
    everything: bool = False  # an admin, the shell, the scheduled jobs
    public: bool = False  # every public process of the workspace
    user_id: str | None = None  # what this person reported or owns, private or not
    channel_id: str | None = None  # what was first reported in this channel

    @classmethod
    def whole(cls, team_id: str) -> Sight:
        """Everything of the workspace: admins, the shell's export, the jobs."""
        return cls(team_id, everything=True)

    @classmethod
    def of_channel(cls, team_id: str, channel_id: str) -> Sight:
        """A channel's digest: the processes first reported in that channel."""
        return cls(team_id, channel_id=channel_id)

    @classmethod
    def workspace_wide(cls, team_id: str) -> Sight:
        """A workspace-wide digest: the public processes only."""
        return cls(team_id, public=True)

    @classmethod
    def of_digest(cls, team_id: str, channel_id: str, covers: str) -> Sight:
        """What a channel's digest covers: its own channel's processes, or (asked for) the
        workspace's public ones. Never a private process of another channel."""
        if covers == Covers.WORKSPACE:
            return cls.workspace_wide(team_id)
        return cls.of_channel(team_id, channel_id)

    def sees(self, process: Visible, *, reported: bool = False) -> bool:
        """Whether `process` is in sight; `reported` says the person reported it (see
        `needs_reports`: asked only when the rest can't tell)."""
        if process.team_id != self.team_id:
            return False
        return (
            self.everything
            or (self.public and not process.private)
            or (self.channel_id is not None and process.channel_id == self.channel_id)
            or (
                self.user_id is not None and self.user_id in (process.owner_id, process.reporter_id)
            )
            or (self.user_id is not None and reported)
        )

    def reads(self, process: Visible, *, author: str, written_in: str | None) -> bool:
        """Whether the words of a report on `process` (in sight) are too. They are as
        private as where they were written, known public only in a public process's own
        first channel: else only their author and admins read them (the minutes count)."""
        public_channel = not process.private and written_in == process.channel_id
        return self.everything or author == self.user_id or public_channel

    def needs_reports(self, process: Visible) -> bool:
        """Whether `sees` turns on the person's reports of `process` (the query to ask)."""
        return self.user_id is not None and not self.sees(process)


def sight_of(actor: Actor) -> Sight:
    """What the person acting sees (`sight_of_person`)."""
    return sight_of_person(actor.team_id, actor.person)


def sight_of_person(team_id: str, person: Person) -> Sight:
    """What a person sees: an admin everything of the workspace, a member its public
    processes and the private ones they reported or own, a guest only the ones they
    reported or own."""
    if person.is_admin:
        return Sight.whole(team_id)
    return Sight(team_id, public=not person.is_guest, user_id=person.user_id)


def may_see(actor: Actor, process: Visible, *, reported: bool = False) -> bool:
    """See a process (or anything about it): `sight_of(actor).sees(process)`. Every
    lookup of a process passes through this rule (bot/services/lookup.py)."""
    return sight_of(actor).sees(process, reported=reported)


def require_report_for(actor: Actor, person: Person) -> None:
    """Report work someone else did (the report form's "Who did it?"): a member may name
    another member; a guest reports only their own work; nobody names a deactivated
    account, which can do no work."""
    if person.user_id == actor.user_id:
        return
    if actor.is_guest:
        raise NotAllowed(Mrkdwn("As a guest here you can report only your own work."))
    if person.deleted:
        raise NotAllowed(Mrkdwn("That account is deactivated: name who did the work."))


def sight_of_both(team_id: str, one: Person, other: Person) -> Sight:
    """What two people may both see, for a report one records for the other: its match
    must not name a process either of them may not see. (Each one's own private
    processes are left out: the other may not see them.)"""
    if one.user_id == other.user_id:
        return sight_of_person(team_id, one)
    if one.is_admin and other.is_admin:
        return Sight.whole(team_id)
    return Sight(team_id, public=not (one.is_guest or other.is_guest))
