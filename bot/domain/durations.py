"""Durations in reports of manual work: finding them in free text and formatting them.

A report is one line typed in a hurry, with a duration somewhere in it::

    >>> parse_report("spent 20 minutes copying leads into the CRM again")
    ParsedReport(title='Copying leads into the CRM', minutes=20, duration_text='20 minutes')

The parser is a single linear scan with possessive quantifiers (no catastrophic
backtracking), so 10,000 characters of arbitrary text parse in well under a millisecond
per kilobyte. It only ever raises :class:`DurationError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rapidfuzz.distance import OSA

from bot.errors import UserError
from bot.mrkdwn import Mrkdwn

DEFAULT_MINUTES = 15
MAX_MINUTES = 480  # a working day

_MAX_HOURS_TEXT = f"{MAX_MINUTES // 60}h"


class DurationError(UserError, ValueError):
    """A duration was found but cannot be counted (zero, negative, or over a working day).

    ``err.text`` is a one-line message meant to be shown to the person as is.
    """

    def __init__(self, message: Mrkdwn, duration_text: str, *, unreadable: bool = False) -> None:
        super().__init__(message)
        self.duration_text = duration_text
        self.unreadable = unreadable  # looked like a duration, but none was read

    @staticmethod
    def _quote(duration_text: str) -> str:
        return duration_text if len(duration_text) <= 24 else duration_text[:20] + "…"

    @classmethod
    def not_countable(cls, duration_text: str, *, unreadable: bool = False) -> DurationError:
        return cls(
            Mrkdwn(
                "“{}” isn't a duration I can count: use something like `45m` or `1h30m`."
            ).format(cls._quote(duration_text)),
            duration_text,
            unreadable=unreadable,
        )

    @classmethod
    def too_long(cls, duration_text: str) -> DurationError:
        return cls(
            Mrkdwn(
                "“{}” is longer than a working day ({} max). Split it into separate reports."
            ).format(cls._quote(duration_text), _MAX_HOURS_TEXT),
            duration_text,
        )


@dataclass(frozen=True)
class ParsedReport:
    """A report split into its title and its duration (``minutes`` is None when absent)."""

    title: str
    minutes: int | None
    duration_text: str | None


# --- the grammar ------------------------------------------------------------------------

# "1,5" is a decimal comma; "1,000" is not (it is a thousands separator, not a duration).
_NUM = r"\d++(?:\.\d++|,\d{1,2}+(?!\d))?+"
_HOUR_UNIT = r"(?:hours?+|hrs?+|h)"
_MIN_UNIT = r"(?:minutes?+|mins?+|m)"
_LONG_HOUR_UNIT = r"(?:hours?+|hrs?+)"
_LONG_MIN_UNIT = r"(?:minutes?+|mins?+)"
_END = r"(?![^\W_])"  # the unit must not run on into a word ("3 months", "4 hosts")

_WORD_NUMBERS: dict[str, float] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "a couple of": 2,
    "a few": 3,
}
_WORD_NUM = "|".join(
    re.escape(w).replace(r"\ ", r"\s++") for w in sorted(_WORD_NUMBERS, key=len, reverse=True)
)

_PHRASES: dict[str, float] = {  # minutes
    r"(?:a\s++)?half\s++(?:a\s++)?(?:working\s++|work\s++)?day": MAX_MINUTES / 2,
    r"(?:a\s++)?half-day": MAX_MINUTES / 2,
    r"(?:a|one|1)\s++(?:full\s++|whole\s++|working\s++|work\s++)?day": MAX_MINUTES,
    r"all\s++day": MAX_MINUTES,
    r"an?\s++hour\s++and\s++a\s++half": 90,
    r"one\s++and\s++a\s++half\s++hours?+": 90,
    r"half\s++an\s++hour": 30,
    r"a\s++half[\s-]hour": 30,
    r"half[\s-]hour": 30,
    r"(?:a\s++)?quarter\s++of\s++an\s++hour": 15,
    r"(?:a\s++)?quarter[\s-]hour": 15,
}
_PHRASE_PATTERNS = [re.compile(p, re.IGNORECASE) for p in _PHRASES]
_PHRASE = "|".join(f"(?:{p})" for p in _PHRASES)

_DURATION_RE = re.compile(
    # Not glued to a word, a number, or a currency/time/id marker before it.
    r"(?<![\w.,:/$€£#@])"
    r"(?:"
    # 1h30m, 1 h 30 min, 1h 30, 1.5h, 2 hours
    rf"(?P<h>{_NUM})\s*+{_HOUR_UNIT}"
    rf"(?:\s*+(?:and\s++)?(?P<hm>\d++)\s*+{_MIN_UNIT}{_END}|(?P<hm2>\d{{1,2}}+)(?!\w)|{_END})"
    # 1:30 (hours and minutes), but not a time of day ("at 9:30", "9:30am")
    r"|(?P<ch>\d):(?P<cm>[0-5]\d)(?![\d:]|\s*+(?:[ap]\.?m\b|o'?clock))"
    # 2d, 3 days: counted in working days (so, past one, refused as too long)
    rf"|(?P<d>{_NUM})\s*+(?:d|days?+|working\s++days?+){_END}"
    # 45m, 45 min, 45mins, 90 minutes
    rf"|(?P<m>{_NUM})\s*+{_MIN_UNIT}{_END}"
    # half an hour, an hour and a half, ...
    rf"|(?P<phrase>{_PHRASE}){_END}"
    # an hour, two hours, twenty minutes
    rf"|(?P<wn>{_WORD_NUM})\s++(?P<wu>{_LONG_HOUR_UNIT}|{_LONG_MIN_UNIT}){_END}"
    r")",
    re.IGNORECASE,
)

# Connecting filler right before a duration: "took 20m", "for 20 mins", "- 30 min", "~20m".
_FILLER_BEFORE_RE = re.compile(
    r"(?:(?<!\S)(?:i\s++)?(?:spent|spend|took|takes|taking|lasted|for|about|around|roughly"
    r"|approx\.?|approximately|like)|[-–—:=~,])\s*+$",
    re.IGNORECASE,
)
# Connecting filler right after a duration whose sentence starts with it: "20m on X".
# "at 9:30", "from 1:30", "by 4:00": a time of day, not how long it took.
_CLOCK_BEFORE_RE = re.compile(r"(?:\b(?:at|from|until|till|by|before|after|since)|@)\s*+$", re.I)
_FILLER_AFTER_RE = re.compile(r"^\s*+(?:on|of|doing|for)\b", re.IGNORECASE)

_LEADING_WORDS_RE = re.compile(
    r"^(?:i\s++)?(?:just\s++)?(?:spent|did|was\s++doing|doing)(?:\s++|$)", re.IGNORECASE
)
_TRAILING_WORDS_RE = re.compile(
    r"(?:^|\s++)(?:again|today|this\s++morning|this\s++afternoon|yesterday)$", re.IGNORECASE
)
_END_PUNCTUATION = " \t\n\r-–—:;,.!?~=*_|/\\"
_BRACKETS = {"(": ")", "[": "]", "{": "}", "“": "”", '"': '"'}
_WHITESPACE_RE = re.compile(r"\s++")


# A number with a word after it that reads like a duration but isn't one a person can
# count: a misspelt unit ("45 minuets", "2 huors") or a joke ("45 parsecs", "ages").
_NUMBER_AND_WORD_RE = re.compile(r"(?<![\w.,:/$€£#@])\d++(?:[.,]\d++)?+\s*+([^\W\d_]{2,}+)")
_UNITS = ("minute", "minutes", "mins", "hour", "hours")
_NOT_COUNTABLE = frozenset({
    "parsec", "parsecs", "lightyear", "lightyears", "eon", "eons", "aeon", "aeons", "ages",
    "jiffy", "jiffies", "moment", "moments", "sec", "secs", "second", "seconds", "ms",
    "fortnight", "fortnights", "nanoseconds", "milliseconds", "microseconds",
})  # fmt: skip


# A number-like run glued to a unit that the grammar couldn't read: "1:60", "99:99",
# "½h", "1.5.5h", "1e9m" (a clock time with minutes past 59 is no time of day either).
_GARBLED_RE = re.compile(
    r"(?<![\w.,:/$€£#@])(?:\d++:[6-9]\d(?!\d)|\d++(?::\d++){2,}+(?=\s*+[hm])"
    r"|[\d½¼¾][\d.:e½¼¾]*+\s*+(?:hours?+|hrs?+|h|minutes?+|mins?+|m)(?![^\W_]))",
    re.IGNORECASE,
)


def _unreadable_duration(text: str) -> str | None:
    """The first "number unit" in ``text`` that looks like a duration but can't be read."""
    garbled = _GARBLED_RE.search(text)
    if garbled is not None:
        return garbled.group(0)
    for found in _NUMBER_AND_WORD_RE.finditer(text):
        word = found.group(1).lower()
        if word in _NOT_COUNTABLE or (
            len(word) >= 5 and any(u[0] == word[0] and OSA.distance(word, u) == 1 for u in _UNITS)
        ):
            return found.group(0)
    return None


# --- parsing ---------------------------------------------------------------------------


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _minutes_of(match: re.Match[str]) -> float:
    groups = match.groupdict()
    if groups["h"] is not None:
        extra = groups["hm"] or groups["hm2"]
        return _number(groups["h"]) * 60 + (float(extra) if extra else 0.0)
    if groups["m"] is not None:
        return _number(groups["m"])
    if groups["ch"] is not None:
        return int(groups["ch"]) * 60 + int(groups["cm"])
    if groups["d"] is not None:
        return _number(groups["d"]) * MAX_MINUTES
    if groups["phrase"] is not None:
        phrase = groups["phrase"]
        for pattern, minutes in zip(_PHRASE_PATTERNS, _PHRASES.values(), strict=True):
            if pattern.fullmatch(phrase):
                return minutes
        raise AssertionError(phrase)  # pragma: no cover - every alternative is listed
    amount = _WORD_NUMBERS[_WHITESPACE_RE.sub(" ", groups["wn"].lower())]
    return amount * 60 if groups["wu"].lower().startswith("h") else amount


def _is_negative(text: str, start: int) -> bool:
    """A minus sign glued to the number and not to a word before it: "payouts -5m"."""
    if start == 0 or text[start - 1] not in "-−":
        return False
    return start == 1 or text[start - 2].isspace() or text[start - 2] in "(["


def _is_clock_time(text: str, match: re.Match[str]) -> bool:
    if match.group("ch") is None:
        return False
    return _CLOCK_BEFORE_RE.search(text, max(0, match.start() - 8), match.start()) is not None


def _round_minutes(minutes: float) -> int:
    return max(1, math.floor(minutes + 0.5))


def _strip_filler_before(prefix: str) -> tuple[str, bool]:
    """Remove connecting words at the end of ``prefix``; report whether any were removed."""
    removed = False
    for _ in range(4):
        tail_start = max(0, len(prefix) - 40)
        found = _FILLER_BEFORE_RE.search(prefix, tail_start)
        if found is None:
            break
        prefix = prefix[: found.start()].rstrip()
        removed = True
    return prefix, removed


def _strip_ends(title: str) -> str:
    """Strip punctuation at both ends, keeping balanced brackets like "Fix bug (urgent)"."""
    for _ in range(8):  # each round strips whole runs, so a few rounds always suffice
        before = title
        lonely_openers = "".join(
            o for o, c in _BRACKETS.items() if (title.count(c) < 2 if o == c else c not in title)
        )
        lonely_closers = "".join(
            c for o, c in _BRACKETS.items() if (title.count(o) < 2 if o == c else o not in title)
        )
        title = title.lstrip(_END_PUNCTUATION + lonely_openers)
        title = title.rstrip(_END_PUNCTUATION + lonely_closers)
        if len(title) >= 2 and _BRACKETS.get(title[0]) == title[-1]:
            inner = title[1:-1]
            if title[0] not in inner and title[-1] not in inner:
                title = inner
        if title == before:
            break
    return title


def clean_title(text: str) -> str:
    """Tidy a report title: spaces, end punctuation, filler words, first letter upper-case.

    >>> clean_title("  i did  invoice chasing again. ")
    'Invoice chasing'
    """
    title = _WHITESPACE_RE.sub(" ", text).strip()
    for _ in range(3):
        before = title
        title = _strip_ends(title)
        title = _LEADING_WORDS_RE.sub("", title, count=1)
        title = _TRAILING_WORDS_RE.sub("", title, count=1)
        if title == before:
            break
    title = _strip_ends(title)
    return title[:1].upper() + title[1:]


def parse_report(text: str) -> ParsedReport:
    """Split a report into a title and a duration found anywhere in it.

    The last duration in the text wins ("5 minute standup notes 20m" took 20 minutes).
    Raises :class:`DurationError` for a zero, negative or over-long duration.

    >>> parse_report("Reconcile Stripe payouts 45m")
    ParsedReport(title='Reconcile Stripe payouts', minutes=45, duration_text='45m')
    """
    found = [m for m in _DURATION_RE.finditer(text) if not _is_clock_time(text, m)]
    match = found[-1] if found else None  # the last duration wins
    if match is None:
        unreadable = _unreadable_duration(text)
        if unreadable is not None:
            raise DurationError.not_countable(unreadable, unreadable=True)
        return ParsedReport(title=clean_title(text), minutes=None, duration_text=None)

    duration_text = match.group(0)
    start, end = match.span()
    if _is_negative(text, start):
        raise DurationError.not_countable("-" + duration_text)
    minutes = _minutes_of(match)
    if minutes > MAX_MINUTES:
        raise DurationError.too_long(duration_text)
    if minutes <= 0:
        raise DurationError.not_countable(duration_text)

    prefix, suffix = text[:start].rstrip(), text[end:]
    opener = prefix[-1:]
    if opener and opener in "([" and suffix.lstrip()[:1] == _BRACKETS[opener]:
        prefix, suffix = prefix[:-1].rstrip(), suffix.lstrip()[1:]
    prefix, _ = _strip_filler_before(prefix)
    if not _LEADING_WORDS_RE.sub("", prefix.strip()).strip(_END_PUNCTUATION):
        # The sentence starts with the duration: "spent 20 minutes on invoices".
        suffix = _FILLER_AFTER_RE.sub("", suffix, count=1)
    title = clean_title(f"{prefix} {suffix}")
    return ParsedReport(title=title, minutes=_round_minutes(minutes), duration_text=duration_text)


# --- formatting ------------------------------------------------------------------------


def _half_up(value: float, places: str = "1") -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_minutes(minutes: float) -> str:
    """A duration for people: 45 -> "45m", 90 -> "1h 30m", 120 -> "2h", 7.5 -> "8m"."""
    if not math.isfinite(minutes):
        return "—"
    total = int(_half_up(minutes))
    if total < 0:
        return "-" + format_minutes(-total)
    hours, rest = divmod(total, 60)
    if hours == 0:
        return f"{rest}m"
    return f"{hours:,}h" if rest == 0 else f"{hours:,}h {rest}m"


def format_hours(hours: float) -> str:
    """Hours in the same format as :func:`format_minutes` (one unit format everywhere):
    1.5 -> "1h 30m", 0.25 -> "15m", 2 -> "2h"; from 10 hours on, whole hours: 12.4 -> "12h",
    1234.5 -> "1,235h" (a year's figure in minutes would be noise)."""
    if not math.isfinite(hours):
        return "—"
    if abs(hours) >= 10:
        return f"{int(_half_up(hours, '1')):,}h"
    return format_minutes(hours * 60)
