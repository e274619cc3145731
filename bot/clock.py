"""Clocks: the app asks a clock for the time instead of reading the wall clock.

`SystemClock` is the real time; `ManualClock` is moved by tests and by scripted console
runs; `RunningClock` is moved by the console and runs on with wall time in between.
All return timezone-aware UTC datetimes.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: `clock.advance(days=7)`, `clock.set(dt)`."""

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = _aware(when)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        with self._lock:
            self._now = self._now + (delta or timedelta(**kwargs))
            return self._now


class RunningClock(ManualClock):
    """A manual clock that runs on with the wall clock from wherever it was last set (the
    console between commands): `set()` and `advance()` move it; time passes as usual."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._mark = time.monotonic()

    def now(self) -> datetime:
        with self._lock:
            return self._now + timedelta(seconds=time.monotonic() - self._mark)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now, self._mark = _aware(when), time.monotonic()

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        when = self.now() + (delta or timedelta(**kwargs))
        self.set(when)
        return when


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
