"""The text of ``/manual-task`` (or of a mention of the bot), parsed into a command.

    >>> parse_command("show p7")
    Show(ref='P7')
    >>> parse_command("Reconcile Stripe payouts 45m")
    Report(text='Reconcile Stripe payouts 45m')

Rule for ambiguity: a first word is a subcommand only when the rest fits that
subcommand's grammar. "help", "list" and "top" are commands; "help desk triage 30m" and
"list of vendors update 20m" are reports. A subcommand word followed by wrong arguments
and no duration ("show banana", "assign P3") raises :class:`CommandError`, whose message
says what was wrong and shows the right form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from bot.domain.durations import DurationError, parse_report
from bot.errors import UserError
from bot.mrkdwn import Mrkdwn, from_slack

# --- the commands ----------------------------------------------------------------------


@dataclass(frozen=True)
class Help:
    """`help`: what the bot does and how to talk to it."""


@dataclass(frozen=True)
class ListTop:
    """`list` / `top`: the team's most costly manual processes."""


@dataclass(frozen=True)
class Mine:
    """`mine`: the processes I own."""


@dataclass(frozen=True)
class Show:
    """`show P7`: one process in detail."""

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
    """`digest here weekly mon 09:00 [Europe/Berlin]`: post a digest to a channel.

    ``channel_id`` is None for "here" (the current channel); ``weekday`` is 0 (Monday) to 6
    for a weekly digest and None for a daily one; ``time`` is "HH:MM"; ``tz`` is None when
    not given (the caller picks the workspace's or the user's).
    """

    channel_id: str | None
    cadence: str
    weekday: int | None
    time: str
    tz: str | None


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
class OpenModal:
    """No text at all: open the report form."""


@dataclass(frozen=True)
class Report:
    """Anything else: a report of manual work, to be parsed by ``parse_report``."""

    text: str


Command: TypeAlias = (
    Help
    | ListTop
    | Mine
    | Show
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
    | OpenModal
    | Report
)


class CommandError(UserError, ValueError):
    """A subcommand with wrong arguments; ``err.text`` is a friendly message with the right
    form."""


# --- the pieces of a command -----------------------------------------------------------

_USAGE = {
    "show": Mrkdwn("`/manual-task show P7`"),
    "own": Mrkdwn("`/manual-task own P7`"),
    "assign": Mrkdwn("`/manual-task assign P7 @maria`"),
    "retire": Mrkdwn("`/manual-task retire P7 https://github.com/acme/ops/pull/12`"),
    "merge": Mrkdwn("`/manual-task merge P7 P9` (keeps P7)"),
    "digest": Mrkdwn("`/manual-task digest here weekly mon 09:00` or `/manual-task digest off`"),
    "undo": Mrkdwn("`/manual-task undo`"),
}

_TOKEN_RE = re.compile(r"<[^<>|\s]{1,500}(?:\|[^<>]{0,500})?>|\S+")
_REF_RE = re.compile(r"(?:[pP]|#)?0*([1-9]\d{0,8})", re.ASCII)
_USER_RE = re.compile(r"<@([UW][A-Z0-9_]{2,30})(?:\|[^<>]*)?>|([UW][A-Z0-9]{8,30})")
_CHANNEL_RE = re.compile(r"<#([CG][A-Z0-9]{2,30})(?:\|[^<>]*)?>")
_LINK_RE = re.compile(r"<((?:https?|ftp)://[^<>|\s]+)(?:\|[^<>]*)?>|((?:https?)://\S+)")
_TIME_RE = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)

_WEEKDAYS = {
    **dict.fromkeys(("mon", "monday", "mondays"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday", "tuesdays"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday", "wednesdays"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday", "thursdays"), 3),
    **dict.fromkeys(("fri", "friday", "fridays"), 4),
    **dict.fromkeys(("sat", "saturday", "saturdays"), 5),
    **dict.fromkeys(("sun", "sunday", "sundays"), 6),
}
_CADENCES = {"daily": "daily", "weekly": "weekly", "every-day": "daily", "week": "weekly"}
_UNDO_WORDS = frozenset({"my", "last", "report", "that", "it", "the", "one", "please", "!"})
_MAX_SHOWN = 40


def _shown(text: str) -> str:
    """A piece of what the person typed, as they typed it, to quote back (not escaped:
    the message it goes into escapes it)."""
    text = from_slack(text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def parse_ref(text: str) -> str | None:
    """A process id as people type it ("P7", "p7", "#7", "7") in its canonical form "P7"."""
    match = _REF_RE.fullmatch(text.strip())
    return f"P{int(match.group(1))}" if match else None


def parse_user(text: str) -> str | None:
    """A user id from Slack's escaped mention ("<@U123ABC|maria>" -> "U123ABC")."""
    match = _USER_RE.fullmatch(text.strip())
    return (match.group(1) or match.group(2)) if match else None


def parse_channel(text: str) -> str | None:
    """A channel id from Slack's escaped channel reference ("<#C123|finance>" -> "C123")."""
    match = _CHANNEL_RE.fullmatch(text.strip())
    return match.group(1) if match else None


def parse_link(text: str) -> str | None:
    """A URL, bare or as Slack escapes it ("<https://x|label>" -> "https://x")."""
    match = _LINK_RE.fullmatch(text.strip())
    if match is None:
        return None
    url = match.group(1) or match.group(2)
    return url.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_time(text: str) -> str | None:
    """A time of day as "HH:MM": "09:00", "9:30", "8.30", "4pm", "4:30 pm" -> "16:30"."""
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").replace(".", "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


@lru_cache(maxsize=1)
def _time_zones() -> dict[str, str]:
    from zoneinfo import available_timezones

    return {name.lower(): name for name in available_timezones()}


def parse_time_zone(text: str) -> str | None:
    """An IANA time zone name in its canonical spelling ("europe/berlin" -> "Europe/Berlin")."""
    return _time_zones().get(text.strip().lower())


def _has_duration(text: str) -> bool:
    try:
        return parse_report(text).minutes is not None
    except DurationError:
        return True  # a report with a bad duration: parse_report will explain it


# --- the subcommands with arguments ----------------------------------------------------


def _needs_ref(word: str, args: list[str]) -> str:
    if not args:
        raise CommandError(Mrkdwn("`{}` needs a process id, like {}.").format(word, _USAGE[word]))
    ref = parse_ref(args[0])
    if ref is None:
        raise CommandError(
            Mrkdwn(
                "“{}” isn't a process id. Use one like `P7` (`/manual-task list` shows them): {}."
            ).format(_shown(args[0]), _USAGE[word])
        )
    return ref


def _too_many(word: str, extra: list[str]) -> CommandError:
    return CommandError(
        Mrkdwn("I didn't understand “{}” after `{}`. Use {}.").format(
            _shown(" ".join(extra)), word, _USAGE[word]
        )
    )


def _parse_show_or_own(word: str, args: list[str]) -> Command:
    ref = _needs_ref(word, args)
    if len(args) > 1:
        raise _too_many(word, args[1:])
    return Show(ref) if word == "show" else Own(ref)


def _parse_assign(word: str, args: list[str]) -> Command:
    ref = _needs_ref("assign", args)
    rest = args[1:]
    if rest and rest[0].lower() == "to":
        rest = rest[1:]
    if not rest:
        raise CommandError(
            Mrkdwn(
                "`assign` needs a person to give {0} to: `/manual-task assign {0} @maria`."
            ).format(ref)
        )
    user_id = parse_user(rest[0])
    if user_id is None:
        raise CommandError(
            Mrkdwn(
                "“{}” isn't someone I can find: @-mention them so Slack links the name, like "
                "`/manual-task assign {} @maria`."
            ).format(_shown(rest[0]), ref)
        )
    if len(rest) > 1:
        raise _too_many("assign", rest[1:])
    return Assign(ref, user_id)


def _parse_retire(word: str, args: list[str]) -> Command:
    ref = _needs_ref("retire", args)
    rest = args[1:]
    if not rest:
        return Retire(ref, None)
    link = parse_link(rest[0])
    if link is None or len(rest) > 1:
        raise CommandError(
            Mrkdwn(
                "`retire` takes a process id and, if you have one, a link to the automation: "
                "`/manual-task retire {} https://github.com/acme/ops/pull/12`."
            ).format(ref)
        )
    return Retire(ref, link)


def _parse_merge(word: str, args: list[str]) -> Command:
    if len(args) == 3 and args[1].lower() == "into":
        gone, keep = parse_ref(args[0]), parse_ref(args[2])
    elif len(args) == 2:
        keep, gone = parse_ref(args[0]), parse_ref(args[1])
    else:
        raise CommandError(Mrkdwn("`merge` needs two process ids: {}.").format(_USAGE["merge"]))
    if keep is None or gone is None:
        raise CommandError(
            Mrkdwn(
                "`merge` needs two process ids like `P7`: {}. `/manual-task list` shows them."
            ).format(_USAGE["merge"])
        )
    if keep == gone:
        raise CommandError(
            Mrkdwn("{} can't be merged into itself: give two different ids.").format(keep)
        )
    return Merge(keep, gone)


def _parse_digest(word: str, args: list[str]) -> Command:
    if not args:
        raise CommandError(Mrkdwn("`digest` needs a schedule: {}.").format(_USAGE["digest"]))
    first = args[0].lower()
    if first in ("off", "stop"):
        if len(args) > 1:
            raise _too_many("digest", args[1:])
        return DigestOff()
    if first == "preview":
        if len(args) > 1:
            raise _too_many("digest", args[1:])
        return DigestPreview()

    rest = list(args)
    channel_id: str | None = None
    if rest[0].lower() == "here":
        rest.pop(0)
    elif (channel := parse_channel(rest[0])) is not None:
        channel_id = channel
        rest.pop(0)
    elif rest[0].startswith("#"):
        raise CommandError(
            Mrkdwn(
                "I can't see the channel “{}”: pick it from Slack's # list, or run the command "
                "in that channel with `here`."
            ).format(_shown(rest[0]))
        )

    cadence: str | None = None
    if rest and rest[0].lower() in _CADENCES:
        cadence = _CADENCES[rest.pop(0).lower()]
    weekday: int | None = None
    if rest and rest[0].lower() in _WEEKDAYS:
        weekday = _WEEKDAYS[rest.pop(0).lower()]
    cadence = cadence or ("weekly" if weekday is not None else None)
    if cadence is None:
        raise CommandError(
            Mrkdwn("Say how often: `daily` or `weekly` and a day, like {}.").format(
                _USAGE["digest"]
            )
        )
    if cadence == "weekly" and weekday is None:
        raise CommandError(
            Mrkdwn(
                "A weekly digest needs a day: `mon`, `tue`, … `sun`, like "
                "`/manual-task digest here weekly mon 09:00`."
            )
        )
    if cadence == "daily" and weekday is not None:
        raise CommandError(
            Mrkdwn(
                "A daily digest goes out every day, so leave out the day, or use `weekly`: "
                "`/manual-task digest here daily 08:30`."
            )
        )

    time = "09:00"
    if rest and rest[0][:1].isdigit():
        raw = rest.pop(0)
        if rest and rest[0].lower().replace(".", "") in ("am", "pm"):
            raw += rest.pop(0)
        parsed = parse_time(raw)
        if parsed is None:
            raise CommandError(
                Mrkdwn("“{}” isn't a time of day: use `09:00`, `16:30` or `4pm`.").format(
                    _shown(raw)
                )
            )
        time = parsed

    tz: str | None = None
    if rest:
        tz = parse_time_zone(rest[0])
        if tz is None:
            raise CommandError(
                Mrkdwn(
                    "“{}” isn't a time zone I know: use a name like `Europe/Berlin`, "
                    "`America/New_York` or `UTC`."
                ).format(_shown(rest[0]))
            )
        rest.pop(0)
    if rest:
        raise _too_many("digest", rest)
    return DigestOn(channel_id=channel_id, cadence=cadence, weekday=weekday, time=time, tz=tz)


_WITH_ARGS: dict[str, Callable[[str, list[str]], Command]] = {
    "show": _parse_show_or_own,
    "own": _parse_show_or_own,
    "assign": _parse_assign,
    "retire": _parse_retire,
    "merge": _parse_merge,
    "digest": _parse_digest,
}

_NO_ARGS: dict[str, Command] = {
    "help": Help(),
    "?": Help(),
    "list": ListTop(),
    "top": ListTop(),
    "mine": Mine(),
    "undo": Undo(),
    "stats": Stats(),
    "export": Export(),
    "config": Config(),
    "settings": Config(),
}


def parse_command(text: str) -> Command:
    """The command in the text of ``/manual-task``; a :class:`Report` when it is none.

    Raises :class:`CommandError` for a subcommand with wrong arguments.
    """
    stripped = text.strip()
    if not stripped:
        return OpenModal()
    tokens = _TOKEN_RE.findall(stripped)
    word, args = tokens[0].lower(), tokens[1:]
    report = Report(from_slack(stripped))

    if word in _NO_ARGS:
        if not args:
            return _NO_ARGS[word]
        if _has_duration(stripped):
            return report
        if word in ("help", "?"):
            return Help()
        if word == "undo":
            if all(a.lower() in _UNDO_WORDS for a in args):
                return Undo()
            raise CommandError(
                Mrkdwn(
                    "`undo` removes your last report and takes nothing else: `/manual-task undo`."
                )
            )
        if word in ("config", "settings"):  # "config rate 80 EUR": settings, not a task
            raise CommandError(
                Mrkdwn(
                    "`{0}` opens the settings form and takes nothing after it: "
                    "`/manual-task {0}`. To report work, say how long it took, like "
                    "`/manual-task {0} the VPN for a new hire 20m`."
                ).format(word)
            )
        return report

    parse = _WITH_ARGS.get(word)
    if parse is None:
        return report
    try:
        return parse(word, args)
    except CommandError:
        # "merge invoices from two systems 30m" is a report, not a broken merge; but
        # "show P3 45m" or "assign P3" clearly meant the subcommand.
        if args and parse_ref(args[0]) is None and _has_duration(stripped):
            return report
        raise
