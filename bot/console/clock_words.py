"""How a person moves the console's clock, parsed (pure: no Slack, no database).

>>> parse_clock("+1d2h")
ClockBy(delta=datetime.timedelta(days=1, seconds=7200))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.console.errors import ConsoleInputError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DELTA = re.compile(r"(\d+(?:\.\d+)?)\s*(w|d|h|m|min|mins)", re.IGNORECASE)
_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "min": 60, "mins": 60}


@dataclass(frozen=True)
class ClockShow:
    pass


@dataclass(frozen=True)
class ClockBy:
    delta: timedelta


@dataclass(frozen=True)
class ClockTo:
    """Move to a wall-clock time in the current person's time zone.

    Either an absolute ``day`` and ``at``, or (``weekday`` set) the next such weekday, or
    (neither) the next time the local clock shows ``at``."""

    at: time
    day: date | None = None
    weekday: int | None = None

    def resolve(self, now: datetime, tz: tzinfo) -> datetime:
        """The instant meant, as seen from ``now`` by someone in ``tz``."""
        local = now.astimezone(tz)
        if self.day is not None:
            return datetime.combine(self.day, self.at, tzinfo=tz)
        candidate = datetime.combine(local.date(), self.at, tzinfo=tz)
        if self.weekday is not None:
            candidate += timedelta(days=(self.weekday - local.weekday()) % 7)
            if candidate <= local:
                candidate += timedelta(days=7)
        elif candidate <= local:
            candidate += timedelta(days=1)
        return datetime.combine(candidate.date(), self.at, tzinfo=tz)


@dataclass(frozen=True)
class ClockStart:
    """`clock start 2026-11-23 09:00`: where a fresh console's clock starts (a script pins
    its dates with it), in the current person's time zone."""

    day: date
    at: time


def parse_clock(rest: str) -> ClockShow | ClockBy | ClockTo | ClockStart:
    if not rest:
        return ClockShow()
    if rest.startswith("+"):
        return ClockBy(parse_delta(rest[1:]))
    words = rest.lower().split()
    if words[0] == "start" and len(words) in (2, 3):
        try:
            start = date.fromisoformat(words[1])
        except ValueError:
            raise ConsoleInputError(
                f"{words[1]!r} is not a date: like clock start 2026-11-23 09:00"
            ) from None
        return ClockStart(start, _hhmm(words[2]) if len(words) == 3 else time(9, 0))
    if words[0] == "next" and len(words) in (2, 3):
        weekday = words[1][:3]
        if weekday not in WEEKDAYS:
            raise ConsoleInputError(f"{words[1]!r} is not a weekday: try clock next mon 09:00")
        at = _hhmm(words[2]) if len(words) == 3 else time(9, 0)
        return ClockTo(at, weekday=WEEKDAYS.index(weekday))
    if len(words) == 1 and ":" in words[0]:
        return ClockTo(_hhmm(words[0]))
    if len(words) in (1, 2):
        try:
            day: date | None = date.fromisoformat(words[0])
        except ValueError:
            day = None
        if day is not None:
            return ClockTo(_hhmm(words[1]) if len(words) == 2 else time(9, 0), day=day)
    raise ConsoleInputError(
        "Move the clock like: clock +3d, clock +2h, clock next mon 09:00 or clock 2026-12-07 09:00"
    )


def parse_delta(text: str) -> timedelta:
    """``7d``, ``2h``, ``1d2h30m``, ``1w`` as a timedelta."""
    compact = text.replace(" ", "")
    matches = list(_DELTA.finditer(compact))
    if not matches or "".join(m.group(0) for m in matches) != compact:
        raise ConsoleInputError(f"{text!r} is not a duration: try +3d, +2h or +1d2h")
    seconds = sum(float(m.group(1)) * _SECONDS[m.group(2).lower()] for m in matches)
    if seconds <= 0:
        raise ConsoleInputError("The clock only moves forward: give a duration like +1h")
    if seconds > 400 * 86400:
        raise ConsoleInputError("That is more than a year: move the clock in smaller steps")
    return timedelta(seconds=seconds)


def _hhmm(text: str) -> time:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ConsoleInputError(f"{text!r} is not a time of day: use HH:MM, like 09:00")
    return time(int(match.group(1)), int(match.group(2)))
