"""Workspace settings as an admin types them in the config modal: checked and parsed.

>>> parse_settings({"hourly_rate": "85", "currency": "eur", "nudge_threshold": "30",
...                 "work_start": "9:00", "work_end": "17:30", "work_days": "0,1,2,3,4",
...                 "timezone": "Europe/Berlin"})[0].currency
'EUR'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_RATE = 100_000.0
MAX_THRESHOLD = 7 * 24 * 60  # minutes in a week
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
CURRENCY = re.compile(r"^[A-Za-z]{3}$")


@dataclass(frozen=True)
class WorkspaceSettings:
    hourly_rate: float | None
    currency: str
    nudge_threshold_minutes: int
    work_start: str
    work_end: str
    work_days: str  # "0,1,2,3,4": Monday is 0
    timezone: str


def _clock(raw: str) -> str | None:
    m = CLOCK.match(raw.strip())
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def valid_timezone(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def parse_settings(
    raw: Mapping[str, str | None],
) -> tuple[WorkspaceSettings | None, dict[str, str]]:
    """(settings, {}) when every field is good, else (None, {field: what to fix})."""
    errors: dict[str, str] = {}
    rate_text = (raw.get("hourly_rate") or "").strip().replace(",", "")
    rate: float | None = None
    if rate_text:
        try:
            rate = float(rate_text)
        except ValueError:
            rate = -1.0
        if not math.isfinite(rate) or not 0 < rate <= MAX_RATE:
            errors["hourly_rate"] = "Write an amount like 85 or 72.50, or leave it empty."
    currency = (raw.get("currency") or "").strip().upper()
    if not CURRENCY.match(currency):
        errors["currency"] = "Use a three-letter code like USD, EUR or GBP."
    threshold_text = (raw.get("nudge_threshold") or "").strip()
    threshold = int(threshold_text) if threshold_text.isdigit() else -1
    if not 0 <= threshold <= MAX_THRESHOLD:
        errors["nudge_threshold"] = "Write whole minutes a week, like 30 (0 asks about everything)."
    start, end = _clock(raw.get("work_start") or ""), _clock(raw.get("work_end") or "")
    if start is None:
        errors["work_start"] = "Write a time like 09:00."
    if end is None:
        errors["work_end"] = "Write a time like 17:30."
    elif start is not None and end <= start:
        errors["work_end"] = "The working day has to end after it starts."
    days = sorted({d for d in (raw.get("work_days") or "").split(",") if d.strip()})
    if not days or any(d not in {str(i) for i in range(7)} for d in days):
        errors["work_days"] = "Pick at least one working day."
    tz = (raw.get("timezone") or "").strip()
    if not valid_timezone(tz):
        errors["timezone"] = "Use a time zone name like Europe/Berlin or America/New_York."
    if errors:
        return None, errors
    return (
        WorkspaceSettings(
            hourly_rate=rate,
            currency=currency,
            nudge_threshold_minutes=threshold,
            work_start=start or "",
            work_end=end or "",
            work_days=",".join(days),
            timezone=tz,
        ),
        {},
    )
