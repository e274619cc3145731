"""Who is asking: the person (what Slack says of them) and the actor (that person, in one
workspace and channel, at one moment). Built once per request, before any transaction,
and handed to the listeners (see handlers/context.py); pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Person:
    """What Slack's profile says of a user, as far as the bot knows it."""

    user_id: str
    name: str | None = None
    tz: str | None = None
    is_admin: bool = False
    # A restricted or single-channel account, or someone from another organization: may
    # report, and sees only their own reports.
    is_guest: bool = False
    # Deactivated or deleted (users.info says `deleted`): owns nothing any more.
    deleted: bool = False


@dataclass(frozen=True)
class Actor:
    """The person acting, where and when: the context every use case gets.

    `trigger_id` is set when Slack gave one (a command, a click), so that a form can open.
    `in_private` says the channel isn't a public one (private, a DM or a group DM) or the
    bot can't tell (bot/channels.py): a process first reported there is private."""

    team_id: str
    user_id: str
    now: datetime
    person: Person
    channel_id: str | None = None
    in_private: bool = True
    trigger_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.person.is_admin

    @property
    def is_guest(self) -> bool:
        return self.person.is_guest
