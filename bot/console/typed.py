"""What a person types into the console, parsed into a console command (pure: no Slack,
no database).

>>> parse("as @maria")
As(name='maria')
>>> parse("click 2 on 5")
Click(index=2, message=5, selected=None, home=False)
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.console.anywhere_words import (
    RunStep,
    Say,
    UseShortcut,
    parse_say,
    parse_shortcut,
    parse_step,
)
from bot.console.clock_words import (
    ClockBy,
    ClockShow,
    ClockStart,
    ClockTo,
    parse_clock,
)
from bot.console.errors import ConsoleInputError
from bot.domain.commands import CommandError, DidYouMean, Peek, Report
from bot.domain.parsing import parse_command


@dataclass(frozen=True)
class Slash:
    command: str
    text: str


@dataclass(frozen=True)
class Mention:
    text: str


@dataclass(frozen=True)
class As:
    name: str


@dataclass(frozen=True)
class In:
    channel: str
    private: bool = False  # `in #hr private`: a new channel is made private


@dataclass(frozen=True)
class Tz:
    """`tz Asia/Tokyo` (yours) or `tz @kenji Asia/Tokyo`: a person's Slack time zone."""

    zone: str
    name: str | None = None


@dataclass(frozen=True)
class Gone:
    """Something in Slack goes for good: `archive #ops`, `kick #ops` (the bot is removed
    from it), `deactivate @sam`."""

    what: str  # archive | kick | deactivate
    name: str


@dataclass(frozen=True)
class Click:
    index: int
    message: int | None = None
    selected: str | None = None
    home: bool = False  # `click 2 on home`: a button of the App Home tab


@dataclass(frozen=True)
class Submit:
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Cancel:
    pass


@dataclass(frozen=True)
class React:
    emoji: str
    message: int | None = None


@dataclass(frozen=True)
class Save:
    """`save 12`: write the files on message [12] (a digest's chart) to files here."""

    message: int


@dataclass(frozen=True)
class Home:
    pass


@dataclass(frozen=True)
class Show:
    message: int | None = None


@dataclass(frozen=True)
class People:
    pass


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Quit:
    pass


Command = (
    Slash
    | Mention
    | As
    | In
    | Click
    | Submit
    | Cancel
    | React
    | ClockShow
    | ClockBy
    | ClockTo
    | Home
    | Show
    | People
    | Help
    | Quit
    | Gone
    | Tz
    | ClockStart
    | Save
    | Say
    | UseShortcut
    | RunStep
)

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_EMOJI = re.compile(r"^:?([a-z0-9_+\-]+):?$")


def parse(line: str) -> Command | None:
    """One console line as a command; None for blank lines and comments.

    Raises ConsoleInputError with a one-line explanation when the line makes no sense.
    """
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    if line.startswith("/"):
        command, _, text = line.partition(" ")
        if command != "/manual-task":
            raise ConsoleInputError(
                f"{command} is not a command here: the app has /manual-task (try /manual-task help)"
            )
        return Slash(command, text.strip())
    if line.startswith("@"):
        who, _, text = line.partition(" ")
        if who.lower() not in ("@coach", "@automation-coach"):
            raise ConsoleInputError(f"Mention the bot as @coach, not {who}")
        return Mention(text.strip())
    word, _, rest = line.partition(" ")
    word, rest = word.lower(), rest.strip()
    parser = _PARSERS.get(word)
    if parser is None:
        raise ConsoleInputError(_unknown(word, line))
    return parser(rest)


def _unknown(word: str, line: str) -> str:
    """What to say of a word the console doesn't know; when the line is one of the app's
    subcommands (`list`, `show P1`), that it goes after /manual-task."""
    try:
        meant = parse_command(line)
    except CommandError:
        meant = None
    if meant is not None and not isinstance(meant, Report | DidYouMean | Peek):
        return f"{word!r} is the app's: type /manual-task {line}"
    return f"Unknown command {word!r}: type help to see what you can do"


def _no_args(command: Command) -> Callable[[str], Command]:
    def parse_it(rest: str) -> Command:
        if rest:
            raise ConsoleInputError(f"{type(command).__name__.lower()} takes no arguments")
        return command

    return parse_it


def _as(rest: str) -> Command:
    name = rest.lstrip("@").strip().lower()
    if not _NAME.match(name):
        raise ConsoleInputError("Say who you want to be, like: as @maria")
    return As(name)


def _in(rest: str) -> Command:
    words = rest.split()
    private = len(words) == 2 and words[1].lower() == "private"
    name = (words[0] if words else "").lstrip("#").strip().lower()
    if not _NAME.match(name) or len(words) > (2 if private else 1):
        raise ConsoleInputError("Say which channel, like: in #finance (or: in #hr private)")
    return In(name, private)


def _tz(rest: str) -> Command:
    words = rest.split()
    name = words.pop(0).lstrip("@").lower() if len(words) == 2 and words[0][:1] == "@" else None
    if len(words) != 1 or (name is not None and not _NAME.match(name)):
        raise ConsoleInputError(
            "Say which time zone, like: tz Asia/Tokyo (or tz @kenji Asia/Tokyo)"
        )
    return Tz(words[0], name)


def _gone(what: str) -> Callable[[str], Command]:
    person = what == "deactivate"
    example = "deactivate @sam" if person else f"{what} #ops"

    def parse_it(rest: str) -> Command:
        name = rest.strip().lstrip("@" if person else "#").lower()
        if not _NAME.match(name) or rest.strip()[:1] not in ("@" if person else "#"):
            raise ConsoleInputError(f"Say {'who' if person else 'which channel'}, like: {example}")
        return Gone(what, name)

    return parse_it


def _number(text: str, what: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ConsoleInputError(f"{what} must be a number like 1 or 2, not {text!r}")
    return int(text)


def _on_message(words: list[str], *, home: bool = False) -> tuple[list[str], int | str | None]:
    """Split off a trailing ``on M`` (M may be written 5 or #5, or ``home`` if allowed)."""
    if len(words) >= 2 and words[-2].lower() == "on":
        if home and words[-1].lower() == "home":
            return words[:-2], "home"
        return words[:-2], _number(words[-1].lstrip("#"), "The message number")
    return words, None


def _click(rest: str) -> Command:
    words = _split(rest)
    if not words:
        raise ConsoleInputError("Say which button, like: click 2 (or click 2 on 5, on home)")
    index = _number(words[0].strip("[]"), "The button number")
    words, on = _on_message(words[1:], home=True)
    selected = " ".join(words) or None
    if on == "home":
        return Click(index, None, selected, home=True)
    return Click(index, on if isinstance(on, int) else None, selected)


def _react(rest: str) -> Command:
    words, message = _on_message(rest.split())
    assert message is None or isinstance(message, int)
    if len(words) != 1 or not _EMOJI.match(words[0]):
        raise ConsoleInputError(
            "Say which emoji, like: react :white_check_mark: (or react :zzz: on 5)"
        )
    match = _EMOJI.match(words[0])
    assert match is not None
    return React(match.group(1), message)


def _submit(rest: str) -> Command:
    values: dict[str, str] = {}
    for token in _split(rest):
        key, sep, value = token.partition("=")
        if not sep or not key.strip():
            raise ConsoleInputError(
                f'Give each field as name=value, like: submit What="Reconcile payouts" '
                f"(not {token!r})"
            )
        values[key.strip()] = value
    return Submit(values)


def _show(rest: str) -> Command:
    if re.fullmatch(r"[Pp]\d+", rest):  # a process: what /manual-task show P1 answers
        return Slash("/manual-task", f"show {rest.upper()}")
    return Show(_number(rest.lstrip("#"), "The message number") if rest else None)


def _save(rest: str) -> Command:
    if not rest:
        raise ConsoleInputError("Say which message's files, like: save 12")
    return Save(_number(rest.lstrip("#"), "The message number"))


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        raise ConsoleInputError('A quote is not closed: use "..." around values') from None


_PARSERS: dict[str, Callable[[str], Command]] = {
    "as": _as,
    "in": _in,
    "click": _click,
    "press": _click,
    "submit": _submit,
    "cancel": _no_args(Cancel()),
    "react": _react,
    "clock": parse_clock,
    "time": parse_clock,
    "home": _no_args(Home()),
    "show": _show,
    "people": _no_args(People()),
    "who": _no_args(People()),
    "tz": _tz,
    "save": _save,
    "say": parse_say,
    "shortcut": parse_shortcut,
    "step": parse_step,
    "archive": _gone("archive"),
    "kick": _gone("kick"),
    "deactivate": _gone("deactivate"),
    "help": lambda rest: Help(),
    "?": lambda rest: Help(),
    "quit": _no_args(Quit()),
    "exit": _no_args(Quit()),
}
