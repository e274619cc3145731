"""The fake's state and what every family of methods shares: the lock that guards it, the
events sent to subscribers after each change, storing a message, and the queries tests
and the console use to look at what the app did (``messages_in``, ``wait_for``, ...)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from bot.standin.fakeslack.common import JSONDict
from bot.standin.fakeslack.records import (
    Call,
    Channel,
    Event,
    Fault,
    Message,
    Org,
    ResponseTarget,
    Team,
    Trigger,
    UploadedFile,
    User,
    View,
)
from bot.standin.fakeslack.transport import Server

T = TypeVar("T")


class State:
    """Everything the fake knows, guarded by one lock; see the package docstring."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._local = threading.local()
        self._outbox: list[Event] = []
        self._subscribers: list[Callable[[Event], None]] = []
        self.subscriber_errors: list[BaseException] = []
        self.teams: dict[str, Team] = {}
        self.orgs: dict[str, Org] = {}
        self.users: dict[tuple[str, str], User] = {}
        self.channels: dict[tuple[str, str], Channel] = {}
        self.trigger_ttl: float | None = None
        self.socket_mode_url: str | None = None  # what apps.connections.open answers
        self._rate_channel: float | None = None
        self._rate_team: int | None = None
        self._clear_records()

    def _clear_records(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.views: dict[str, View] = {}
        self.files: list[UploadedFile] = []
        self.rejected_429 = 0
        self._files_by_id: dict[str, UploadedFile] = {}
        self._response_urls: dict[str, ResponseTarget] = {}
        self._triggers: dict[str, Trigger] = {}
        self.executions: dict[str, Any] = {}  # runs of workflow steps (functions.py)
        self._faults: dict[str, deque[Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._holding: dict[str, int] = {}
        self._oauth_codes: dict[str, tuple[str, str]] = {}
        self._posts_by_channel: dict[tuple[str, str], deque[float]] = {}
        self._posts_by_team: dict[str, deque[float]] = {}
        self._last_us = 0

    @property
    def url(self) -> str:
        """The server's root URL, e.g. ``http://127.0.0.1:53211/``."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL, for ``WebClient(base_url=...)``."""
        return self.url + "api/"

    def reset(self) -> None:
        """Forget calls, messages, views, files and faults; keep teams, users and channels."""
        with self._changing():
            self._clear_records()

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        """Call ``callback`` (outside the fake's lock) for every change to messages, views
        and files. Exceptions it raises are kept in ``subscriber_errors``."""
        with self._lock:
            self._subscribers.append(callback)

    def calls_to(self, method: str, *, include_failed: bool = True) -> list[Call]:
        """Recorded calls to one method."""
        with self._lock:
            return [
                c for c in self.calls if c.method == method and (include_failed or c.failed is None)
            ]

    def messages_in(
        self, channel: str, *, team_id: str | None = None, include_deleted: bool = False
    ) -> list[Message]:
        """Messages in a channel (ephemeral ones included), oldest first."""
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel
                and (team_id is None or m.team_id == team_id)
                and (include_deleted or not m.deleted)
            ]

    def dms_to(self, team_id: str, user_id: str) -> list[Message]:
        """The bot's messages in its DM with a user, oldest first."""
        return [m for m in self.messages_in("D" + user_id, team_id=team_id) if m.from_bot]

    def last_message(
        self,
        channel: str | None = None,
        *,
        team_id: str | None = None,
        visible_to: str | None = None,
        from_bot: bool | None = None,
    ) -> Message | None:
        """The most recently posted message that is not deleted, optionally filtered."""
        with self._lock:
            for m in reversed(self.messages):
                if m.deleted or (channel is not None and m.channel != channel):
                    continue
                if team_id is not None and m.team_id != team_id:
                    continue
                if visible_to is not None and not m.visible_to(visible_to):
                    continue
                if from_bot is not None and m.from_bot != from_bot:
                    continue
                return m
        return None

    def find_message(self, team_id: str, channel: str, ts: str) -> Message | None:
        """A message by its channel and ts."""
        with self._lock:
            for m in self.messages:
                if m.team_id == team_id and m.channel == channel and m.ts == ts:
                    return m
        return None

    def home_of(self, team_id: str, user_id: str) -> View | None:
        """The Home tab last published for a user."""
        with self._lock:
            for v in self.views.values():
                if v.kind == "home" and v.team_id == team_id and v.user == user_id:
                    return v
        return None

    def open_modals(self, team_id: str, user_id: str) -> list[View]:
        """The user's open modals, oldest first (the last is on top)."""
        with self._lock:
            return [
                v
                for v in self.views.values()
                if v.kind == "modal" and v.open and v.team_id == team_id and v.user == user_id
            ]

    def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Wait until ``predicate()`` is truthy (checked on every change) and return it.

        Example: ``msg = fake.wait_for(lambda: fake.last_message("C1"))``.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s")
                self._cond.wait(min(remaining, 0.05))

    def new_ts(self) -> str:
        """A fresh, strictly increasing Slack timestamp (``"1700000000.000100"``)."""
        with self._lock:
            return self._next_ts()

    @contextmanager
    def _changing(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            with self._cond:
                yield
                self._cond.notify_all()
        finally:
            self._local.depth = depth
        if depth == 0:
            self._flush_events()

    def _emit(self, kind: str, obj: Any) -> None:
        self._outbox.append(Event(kind, obj))

    def _flush_events(self) -> None:
        with self._lock:
            events, self._outbox = self._outbox, []
            subscribers = list(self._subscribers)
        for event in events:
            for callback in subscribers:
                try:
                    callback(event)
                except Exception as exc:  # a broken console must not break the fake
                    self.subscriber_errors.append(exc)

    def _next_ts(self) -> str:
        us = max(self._last_us + 1, int(time.time() * 1_000_000))
        self._last_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def _store_message(
        self,
        team_id: str,
        channel: str,
        *,
        text: str = "",
        blocks: list[JSONDict] | None = None,
        thread_ts: str | None = None,
        user: str | None = None,
        ephemeral: bool = False,
        from_bot: bool = True,
        source: str = "api",
    ) -> Message:
        team = self.teams.get(team_id)
        if from_bot and not ephemeral and user is None and team is not None:
            user = team.bot_user_id
        message = Message(
            team_id=team_id,
            channel=channel,
            ts=self._next_ts(),
            text=text,
            blocks=blocks or [],
            thread_ts=thread_ts or None,
            user=user,
            ephemeral=ephemeral,
            from_bot=from_bot,
            source=source,
            bot_id=team.bot_id if team and from_bot else None,
        )
        self.messages.append(message)
        self._emit("message.new", message)
        return message
