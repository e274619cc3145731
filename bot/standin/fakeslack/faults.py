"""Faults and limits: answering the next calls to a method with 429/500/503, holding them
(a slow Slack), dropping the connection, and chat.postMessage rate limits. Every request
is recorded here first, and takes its injected fault if one is queued."""

from __future__ import annotations

import json
import math
import time
from collections import deque

from bot.standin.fakeslack.common import JSONDict
from bot.standin.fakeslack.records import Call, Fault, Team
from bot.standin.fakeslack.state import State
from bot.standin.fakeslack.transport import Handler, reply


class Faults(State):
    """Injected failures and rate limits."""

    def fail(
        self, method: str, *, status: int = 429, retry_after: int | None = 1, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls to ``method`` with an HTTP error and no effect."""
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend(Fault("status", status, retry_after) for _ in range(times))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` calls to ``method`` for ``seconds`` before answering
        (then handle them normally): a slow Slack, or a request still in flight."""
        with self._lock:
            self._delays.setdefault(method, deque()).extend(seconds for _ in range(times))

    def drop(self, method: str, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` calls to ``method``."""
        with self._lock:
            self._faults.setdefault(method, deque()).extend(Fault("drop") for _ in range(times))

    def _hold(self, method: str) -> None:
        """Wait out the delay queued for this call to ``method``, if any (outside the lock)."""
        with self._lock:
            pending = self._delays.get(method)
            hold = pending.popleft() if pending else 0.0
            if hold:
                self._holding[method] = self._holding.get(method, 0) + 1
                self._cond.notify_all()
        if hold:
            try:
                time.sleep(hold)
            finally:
                with self._lock:
                    self._holding[method] -= 1

    def holding(self, method: str) -> int:
        """How many calls to ``method`` a ``delay`` is holding right now (in flight)."""
        with self._lock:
            return self._holding.get(method, 0)

    def set_rate_limits(
        self, *, per_channel_per_second: float | None = None, per_team_per_minute: int | None = None
    ) -> None:
        """Limit chat.postMessage; beyond the limits it answers 429 with Retry-After."""
        with self._lock:
            self._rate_channel = per_channel_per_second
            self._rate_team = per_team_per_minute

    def _rate_limited(self, team: Team, body: JSONDict) -> int | None:
        """Seconds to wait if this chat.postMessage breaks a limit, else None (and count it).

        Posts are always counted, so limits set later see the recent past too.
        """
        now = time.time()
        by_channel = self._posts_by_channel.setdefault(
            (team.id, str(body.get("channel") or "")), deque()
        )
        by_team = self._posts_by_team.setdefault(team.id, deque())
        for times in (by_channel, by_team):
            while times and times[0] <= now - 60:
                times.popleft()
        checks: list[tuple[deque[float], float, int]] = []
        if self._rate_channel:
            window = max(1.0, 1.0 / self._rate_channel)
            checks.append((by_channel, window, max(1, round(self._rate_channel * window))))
        if self._rate_team:
            checks.append((by_team, 60.0, self._rate_team))
        for times, window, allowed in checks:
            recent = [t for t in times if t > now - window]
            if len(recent) >= allowed:
                return max(1, math.ceil(recent[-allowed] + window - now))
        by_channel.append(now)
        by_team.append(now)
        return None

    def _record(
        self, method: str, handler: Handler, body: JSONDict, team: Team | None, raw: bytes
    ) -> tuple[Call, Fault | None]:
        call = Call(
            method,
            dict(handler.headers.items()),
            body,
            team.id if team else None,
            time.time(),
            raw=raw,
        )
        self.calls.append(call)
        queue = self._faults.get(method)
        fault = queue.popleft() if queue else None
        if fault is not None:
            call.failed = "drop" if fault.kind == "drop" else str(fault.status)
            call.status = 0 if fault.kind == "drop" else fault.status
        return call, fault

    def _answer_fault(self, handler: Handler, fault: Fault) -> None:
        if fault.kind == "drop":
            handler.close_connection = True
            return
        headers: dict[str, str] = {}
        if fault.retry_after is not None and fault.status in (429, 503):
            headers["Retry-After"] = str(fault.retry_after)
        error = {429: "ratelimited", 503: "service_unavailable"}.get(fault.status, "internal_error")
        reply(
            handler,
            fault.status,
            json.dumps({"ok": False, "error": error}).encode(),
            headers=headers,
        )
