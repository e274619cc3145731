"""What a person can ask of the bot: each `/manual-task` subcommand (and a mention's), as
a type. `bot.domain.parsing.parse_command` turns text into one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from bot.domain.states import Covers
from bot.errors import UserError

# --- the commands ----------------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    """`help`: what the bot does and how to talk to it."""


@dataclass(frozen=True)
class ListTop:
    """`list` / `top`: the team's most costly manual processes (`list by payback`: the
    quickest to pay back first)."""

    by_payback: bool = False


@dataclass(frozen=True)
class Mine:
    """`mine`: the processes I own."""


@dataclass(frozen=True)
class Show:
    """`show P7`: one process in detail."""

    ref: str


@dataclass(frozen=True)
class Steps:
    """`steps P7`: write down (or edit) the steps of a process, in a form."""

    ref: str


@dataclass(frozen=True)
class Effort:
    """`effort P7 30h`: the hours automating it will take (or, once it is retired, took)."""

    ref: str
    hours: float


@dataclass(frozen=True)
class Peek:
    """`P7` alone (`@coach P7` where it is discussed): one line about the process."""

    ref: str


@dataclass(frozen=True)
class Own:
    """`own P7`: take ownership of a process."""

    ref: str


@dataclass(frozen=True)
class Assign:
    """`assign P7 @maria`: give a process to someone."""

    ref: str
    user_id: str


@dataclass(frozen=True)
class Forget:
    """`forget @person` (admins): delete one person's reports for good, once confirmed."""

    user_id: str


@dataclass(frozen=True)
class Retire:
    """`retire P7 <link>`: the process is automated now (the link shows how)."""

    ref: str
    link: str | None


@dataclass(frozen=True)
class Undo:
    """`undo`: remove my last report."""


@dataclass(frozen=True)
class Merge:
    """`merge P7 P9` (or `merge P9 into P7`): P9 was the same task as P7; keep P7."""

    keep_ref: str
    gone_ref: str


@dataclass(frozen=True)
class DigestOn:
    """`digest here weekly mon 09:00 [Europe/Berlin] [workspace]`: post a digest to a channel.

    ``channel_id`` is None for "here" (the current channel); ``weekday`` is 0 (Monday) to 6
    for a weekly digest and None for a daily one; ``time`` is "HH:MM"; ``tz`` is None when
    not given (the caller picks the workspace's or the user's). ``covers`` is what it
    covers: the channel's own processes, or (``workspace``) the workspace's public ones.
    """

    channel_id: str | None
    cadence: str
    weekday: int | None
    time: str
    tz: str | None
    covers: str = Covers.CHANNEL


@dataclass(frozen=True)
class DigestOff:
    """`digest off`: stop the digest in this channel."""


@dataclass(frozen=True)
class DigestPreview:
    """`digest preview`: show me the digest now, only to me."""


@dataclass(frozen=True)
class Stats:
    """`stats`: the team's totals."""


@dataclass(frozen=True)
class Export:
    """`export`: the data as CSV."""


@dataclass(frozen=True)
class Config:
    """`config`: the workspace settings."""


@dataclass(frozen=True)
class Toil:
    """`toil`: this channel's toil budget; `toil team 6` / `toil team auto` sets (or counts
    again) its team's size, `toil budget 40%` the workspace's budget (admins)."""

    team_size: int | None = None
    auto: bool = False  # `toil team auto`: the size is counted from reports again
    budget_percent: int | None = None


@dataclass(frozen=True)
class Volume:
    """`volume 2026-11 12000 orders` (admins): the business volume of a month; `volume`
    alone: the volumes recorded."""

    month: date | None = None
    amount: float = 0.0
    unit: str = ""


@dataclass(frozen=True)
class OpenModal:
    """No text at all: open the report form."""


@dataclass(frozen=True)
class Greeting:
    """ "hi", "thanks!": a friendly word back, and nothing stored."""

    thanks: bool


@dataclass(frozen=True)
class DidYouMean:
    """A near miss of a subcommand ("lsit", "shwo P1"): the bot asks, stores nothing.

    ``typed`` is the word as typed; ``suggestion`` the whole command it probably meant."""

    typed: str
    suggestion: str


@dataclass(frozen=True)
class Report:
    """Anything else: a report of manual work, to be parsed by ``parse_report``."""

    text: str


Command: TypeAlias = (
    Help
    | ListTop
    | Mine
    | Show
    | Steps
    | Effort
    | Peek
    | Own
    | Assign
    | Retire
    | Undo
    | Merge
    | DigestOn
    | DigestOff
    | DigestPreview
    | Stats
    | Export
    | Config
    | Forget
    | Toil
    | Volume
    | OpenModal
    | Greeting
    | DidYouMean
    | Report
)


class CommandError(UserError, ValueError):
    """A subcommand with wrong arguments; ``err.text`` is a friendly message with the right
    form."""
