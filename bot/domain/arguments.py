"""The pieces of a command, as people type them and as Slack sends them: a process id
(`P7`, `p7`, `#7`), a person (`<@U123|maria>`), a channel (`<#C123|ops>`), a link, a time
of day, a time zone, a weekday and a cadence. Each parser returns None when the text is
not one.

    >>> parse_ref("p7"), parse_time("4:30 pm"), parse_time_zone("europe/berlin")
    ('P7', '16:30', 'Europe/Berlin')
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from zoneinfo import available_timezones

_REF_RE = re.compile(r"(?:[pP]|#)?0*([1-9]\d{0,8})", re.ASCII)
_USER_RE = re.compile(r"<@([UW][A-Z0-9_]{2,30})(?:\|[^<>]*)?>|([UW][A-Z0-9]{8,30})")
_CHANNEL_RE = re.compile(r"<#([CG][A-Z0-9]{2,30})(?:\|[^<>]*)?>")
_LINK_RE = re.compile(r"<((?:https?|ftp)://[^<>|\s]+)(?:\|[^<>]*)?>|((?:https?)://\S+)")
_TIME_RE = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)

WEEKDAYS = {
    **dict.fromkeys(("mon", "monday", "mondays"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday", "tuesdays"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday", "wednesdays"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday", "thursdays"), 3),
    **dict.fromkeys(("fri", "friday", "fridays"), 4),
    **dict.fromkeys(("sat", "saturday", "saturdays"), 5),
    **dict.fromkeys(("sun", "sunday", "sundays"), 6),
}
CADENCES = {"daily": "daily", "weekly": "weekly", "every-day": "daily", "week": "weekly"}


class DigestWord(StrEnum):
    """What may follow `digest` (help names each: tests/unit/test_help.py)."""

    OFF = "off"
    STOP = "stop"  # = off
    PREVIEW = "preview"
    HERE = "here"


# `digest here weekly mon 09:00 workspace`: the workspace's public processes, not the channel's.
WORKSPACE_WIDE = frozenset({"workspace", "workspace-wide", "all-channels"})


def parse_ref(text: str) -> str | None:
    """A process id as people type it ("P7", "p7", "#7", "7") in its canonical form "P7"."""
    match = _REF_RE.fullmatch(text.strip())
    return f"P{int(match.group(1))}" if match else None


def parse_peek(text: str) -> str | None:
    """A text that is only a process id as written in the bot's posts ("P7", "p7?"):
    asking about it, not reporting work called "P7"."""
    match = re.fullmatch(r"[pP]0*([1-9]\d{0,8})\s*\??", text.strip(), re.ASCII)
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
    return {name.lower(): name for name in available_timezones()}


def parse_time_zone(text: str) -> str | None:
    """An IANA time zone name in its canonical spelling ("europe/berlin" -> "Europe/Berlin")."""
    return _time_zones().get(text.strip().lower())
