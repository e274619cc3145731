"""Pacing the bot's own posts to Slack: a thread-safe token bucket per workspace.

Slack's `chat.postMessage` allows about one message per second per channel and a
workspace-wide limit per minute it does not publish ("several hundred"); past it, it
answers 429 with Retry-After. A fan-out (one nudge DM per owner) hits the workspace limit,
so the nudge job takes a token before each post, and learns from any 429 that still
comes: nobody in that workspace posts before Retry-After has passed, and the rate drops
by a quarter, creeping back to the configured one over about a minute.

>>> pacer = Pacer(per_minute=600)
>>> pacer.bucket("T1").acquire()  # the first token is free
0.0
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

DEFAULT_POSTS_PER_MINUTE = 300
SLOW_DOWN = 0.75  # the rate after a 429, as a share of the current one
RECOVER_SECONDS = 60.0  # from the slowed rate back to the configured one


class TokenBucket:
    """`acquire()` blocks until a post may go; `rate_limited(seconds)` is a 429's lesson.

    `burst` tokens may go at once; after that one every 60/per_minute seconds."""

    def __init__(
        self,
        per_minute: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.configured = per_minute / 60.0
        self.rate = self.configured
        self.burst = max(1, burst)
        self._tokens = float(self.burst)
        self._clock, self._sleep = clock, sleep
        self._stamp = clock()
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0
        self.lessons = 0

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._stamp)
        self._stamp = now
        if self.rate < self.configured:  # creep back after a 429
            self.rate = min(
                self.configured, self.rate + self.configured * elapsed / RECOVER_SECONDS
            )
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)

    def acquire(self) -> float:
        """Take one token, waiting as long as needed; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                if now >= self._paused_until and self._tokens >= 1.0:
                    self._tokens -= 1.0
                    self.waited += waited
                    return waited
                pause = max(self._paused_until - now, (1.0 - self._tokens) / self.rate)
            self._sleep(pause)
            waited += pause

    def rate_limited(self, retry_after: float) -> None:
        """Slack said 429: post nothing for `retry_after` seconds, then go slower."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._paused_until = max(self._paused_until, now + max(0.0, retry_after))
            self.rate = max(self.configured / 20, self.rate * SLOW_DOWN)
            self._tokens = 0.0
            self.lessons += 1


class Pacer:
    """One token bucket per workspace, created on first use; safe across threads."""

    def __init__(self, per_minute: float = DEFAULT_POSTS_PER_MINUTE, *, burst: int = 1) -> None:
        self.per_minute = per_minute
        self._burst = burst
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, team_id: str) -> TokenBucket:
        with self._lock:
            found = self._buckets.get(team_id)
            if found is None:
                found = self._buckets[team_id] = TokenBucket(self.per_minute, burst=self._burst)
            return found


def retry_after_of(response: HttpResponse | None) -> float | None:
    """Retry-After of a 429 answer, in seconds (1 when the header is missing)."""
    if response is None or response.status_code != 429:
        return None
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return float(values[0])
            except ValueError:
                return 1.0
    return 1.0


class TeachesBucket(RetryHandler):
    """A slack_sdk retry handler that retries nothing itself: it tells the bucket about
    each 429 on chat.postMessage, and lets the next handler (slack_sdk's own) retry."""

    def __init__(self, bucket: TokenBucket) -> None:
        super().__init__(max_retry_count=1_000_000)
        self.bucket = bucket

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        seconds = retry_after_of(response)
        if seconds is not None and request.url.rstrip("/").endswith("chat.postMessage"):
            self.bucket.rate_limited(seconds)
        return False


def teach(client: Any, bucket: TokenBucket) -> Any:
    """Make `client`'s 429s on chat.postMessage slow `bucket` down (once per client)."""
    handlers = getattr(client, "retry_handlers", None)
    if handlers is not None and not any(
        isinstance(h, TeachesBucket) and h.bucket is bucket for h in handlers
    ):
        handlers.insert(0, TeachesBucket(bucket))
    return client
