"""Watching the app from the console: how much of its work is still running after an
acknowledgement (so the console waits for it), and its warnings as one-liners for the
transcript."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from bot.logs import protect_handlers


class Tracking(Executor):
    """Wraps Bolt's listener executor to count work still running after the ack."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.running = 0
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._lock:
            self.running += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1

        return self.inner.submit(run)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait, cancel_futures=cancel_futures)


class AppLog(logging.Handler):
    """Keeps the app's warnings and errors as one-liners for the transcript."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self._guard = threading.Lock()
        self._saved: tuple[list[logging.Handler], int] | None = None

    def capture(self) -> None:
        """Be the root logger's only handler (warnings and up) until ``give_back()``."""
        root = logging.getLogger()
        self._saved = (list(root.handlers), root.level)
        root.handlers = [self]
        root.setLevel(logging.WARNING)
        protect_handlers()  # the transcript's handler redacts secrets as every handler does

    def give_back(self) -> None:
        """Give the root logger back its handlers and level. (Not `release`: that is
        `logging.Handler`'s own, which `handle()` calls after every record to release the
        handler's lock; overriding it restored the root logger at the first warning, so
        every INFO line after it reached the terminal, and left the lock held.)"""
        if self._saved is not None:
            root = logging.getLogger()
            root.handlers, level = self._saved
            root.setLevel(level)
            self._saved = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        text = message.splitlines()[0] if message else ""
        if record.exc_info and record.exc_info[1] is not None:
            err = record.exc_info[1]
            detail = str(err).splitlines()[0] if str(err) else ""
            text = f"{text}: {type(err).__name__}: {detail}"
        with self._guard:
            self.lines.append(f"the app logged {record.levelname.lower()}: {text}")

    def take(self) -> list[str]:
        with self._guard:
            lines, self.lines = self.lines, []
        return lines
