"""The text of ``/manual-task`` (or of a mention of the bot), parsed into a command.

    >>> parse_command("show p7")
    Show(ref='P7')
    >>> parse_command("Reconcile Stripe payouts 45m")
    Report(text='Reconcile Stripe payouts 45m')

A first word is a subcommand only when the rest fits its grammar: "list" is one, "list
of vendors update 20m" a report. A subcommand word with wrong arguments and no duration
("show banana", "assign P3") raises :class:`CommandError`, saying what is wrong and the
right form. "P7" alone asks about P7 (never a report of work called "P7")."""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz.distance import OSA

from bot.domain.arguments import (
    CADENCES,
    WEEKDAYS,
    WORKSPACE_WIDE,
    DigestWord,
    parse_channel,
    parse_link,
    parse_peek,
    parse_ref,
    parse_time,
    parse_time_zone,
    parse_user,
)
from bot.domain.commands import (
    Assign,
    Command,
    CommandError,
    Config,
    DidYouMean,
    DigestOff,
    DigestOn,
    DigestPreview,
    Export,
    Forget,
    Help,
    ListTop,
    Merge,
    Mine,
    OpenModal,
    Own,
    Peek,
    Report,
    Retire,
    Show,
    Stats,
    Undo,
)
from bot.domain.decision_args import is_by_payback, parse_effort, parse_steps
from bot.domain.durations import DurationError, parse_report
from bot.domain.parsing_decisions import DECISION_PARSERS
from bot.domain.smalltalk import greeting_in, without_politeness
from bot.domain.states import Covers
from bot.mrkdwn import Mrkdwn, from_slack

_USAGE = {
    "show": Mrkdwn("`/manual-task show Pn`"),
    "own": Mrkdwn("`/manual-task own Pn`"),
    "assign": Mrkdwn("`/manual-task assign Pn @maria`"),
    "retire": Mrkdwn("`/manual-task retire Pn https://github.com/acme/ops/pull/12`"),
    "merge": Mrkdwn("`/manual-task merge Pn Pm` (keeps Pn)"),
    "digest": Mrkdwn("`/manual-task digest here weekly mon 09:00` or `/manual-task digest off`"),
    "undo": Mrkdwn("`/manual-task undo`"),
    "forget": Mrkdwn("`/manual-task forget @maria`"),
}

_CONFIG_TAKES_NOTHING = (
    "`{0}` opens the settings form and takes nothing after it: `/manual-task {0}`. To "
    "report work, say how long it took, like `/manual-task {0} the VPN for a new hire 20m`."
)
_TOKEN_RE = re.compile(r"<[^<>|\s]{1,500}(?:\|[^<>]{0,500})?>|\S+")
_UNDO_WORDS = frozenset({"my", "last", "report", "that", "it", "the", "one", "please", "!"})
_MAX_SHOWN = 40


def _shown(text: str) -> str:
    """A piece of what was typed, as typed, to quote back (the message escapes it)."""
    text = from_slack(text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _near_miss(text: str, tokens: list[str]) -> DidYouMean | None:
    """A first word one typo away from a subcommand, whose arguments fit that subcommand
    ("lsit", "shwo P1"); never a text with a duration (that is a report)."""
    word = tokens[0].lower()
    if len(word) < 4 or word in _SUBCOMMAND_WORDS:
        return None
    close = [
        candidate
        for candidate in sorted(_SUBCOMMAND_WORDS, key=len)
        if len(candidate) >= 4 and OSA.distance(word, candidate) <= (1 if len(candidate) < 6 else 2)
    ]
    if not close or _has_duration(text):  # the distances first: they cost far less
        return None
    for candidate in close:
        suggestion = " ".join([candidate, *tokens[1:]])
        try:
            meant = _parse_tokens(suggestion, [candidate, *tokens[1:]])
        except CommandError:
            continue
        if not isinstance(meant, Report):
            return DidYouMean(typed=from_slack(tokens[0]), suggestion=from_slack(suggestion))
    return None


def _has_duration(text: str) -> bool:
    try:
        return parse_report(text).minutes is not None
    except DurationError as err:
        # A report with a bad duration (parse_report will explain it); not one whose
        # would-be duration can't be read at all ("9:75" may be a mistyped time).
        return not err.unreadable


def _needs_ref(word: str, args: list[str]) -> str:
    if not args:
        raise CommandError(Mrkdwn("`{}` needs a process id, like {}.").format(word, _USAGE[word]))
    ref = parse_ref(args[0])
    if ref is None:
        raise CommandError(
            Mrkdwn(
                "“{}” isn't a process id. Ids are P and a number (`/manual-task list`): {}."
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


def _parse_forget(word: str, args: list[str]) -> Command:
    user_id = parse_user(args[0]) if len(args) == 1 else None
    if user_id is None:
        raise CommandError(
            Mrkdwn("`forget` takes one person, @-mentioned: {}.").format(_USAGE["forget"])
        )
    return Forget(user_id)


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
            Mrkdwn("`merge` needs two process ids: {}. `/manual-task list` shows them.").format(
                _USAGE["merge"]
            )
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
    if first in (DigestWord.OFF, DigestWord.STOP):
        if len(args) > 1:
            raise _too_many("digest", args[1:])
        return DigestOff()
    if first == DigestWord.PREVIEW:
        if len(args) > 1:
            raise _too_many("digest", args[1:])
        return DigestPreview()

    rest = [a for a in args if a.lower() not in WORKSPACE_WIDE]
    covers = Covers.WORKSPACE if len(rest) < len(args) else Covers.CHANNEL
    if not rest:
        raise CommandError(Mrkdwn("`digest` needs a schedule: {}.").format(_USAGE["digest"]))
    channel_id: str | None = None
    if rest[0].lower() == DigestWord.HERE:
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
    if rest and rest[0].lower() in CADENCES:
        cadence = CADENCES[rest.pop(0).lower()]
    weekday: int | None = None
    if rest and rest[0].lower() in WEEKDAYS:
        weekday = WEEKDAYS[rest.pop(0).lower()]
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
    return DigestOn(
        channel_id=channel_id, cadence=cadence, weekday=weekday, time=time, tz=tz, covers=covers
    )


_WITH_ARGS: dict[str, Callable[[str, list[str]], Command]] = {
    "show": _parse_show_or_own,
    "own": _parse_show_or_own,
    "assign": _parse_assign,
    "retire": _parse_retire,
    "merge": _parse_merge,
    "digest": _parse_digest,
    "forget": _parse_forget,
    "steps": parse_steps,
    "effort": parse_effort,
} | DECISION_PARSERS

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
_SUBCOMMAND_WORDS = frozenset(_NO_ARGS) - {"?"} | frozenset(_WITH_ARGS)


def parse_command(text: str) -> Command:
    """The command in the text of ``/manual-task``; a :class:`Report` when it is none.

    Before a report, three kinds of text that are none: a greeting or thanks (answered
    kindly, nothing stored); a subcommand wrapped in politeness ("list please", "can you
    show P3?"); and a near miss of a subcommand ("lsit", "shwo P1"), which is asked
    about. Raises :class:`CommandError` for a subcommand with wrong arguments.
    """
    stripped = text.strip()
    if not stripped:
        return OpenModal()
    if (greeting := greeting_in(stripped)) is not None:
        return greeting
    if (ref := parse_peek(stripped)) is not None:  # "P7" alone asks about P7
        return Peek(ref)
    tokens = _TOKEN_RE.findall(stripped)
    polite = without_politeness(tokens)
    if polite != tokens and polite and polite[0].lower() in _SUBCOMMAND_WORDS:
        found = _parse_tokens(" ".join(polite), polite)
        if not isinstance(found, Report):
            return found
    found = _parse_tokens(stripped, tokens)
    if isinstance(found, Report) and (near := _near_miss(stripped, polite or tokens)):
        return near
    return found


def _parse_tokens(stripped: str, tokens: list[str]) -> Command:
    word, args = tokens[0].lower(), tokens[1:]
    report = Report(from_slack(stripped))

    if word in _NO_ARGS:
        if not args or (word in ("list", "top") and is_by_payback(args)):
            return ListTop(by_payback=bool(args)) if word in ("list", "top") else _NO_ARGS[word]
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
            raise CommandError(Mrkdwn(_CONFIG_TAKES_NOTHING).format(word))
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
