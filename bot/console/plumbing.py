"""Small helpers behind the console session: counting the app's background work, keeping
the app's log lines short, and making Slack's markup read well in a terminal."""

from __future__ import annotations

import copy
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

EMOJI = {
    "tada": "🎉",
    "robot_face": "🤖",
    "white_check_mark": "✅",
    "zzz": "💤",
    "heavy_plus_sign": "➕",
    "raising_hand": "🙋",
    "ok_hand": "👌",
    "arrow_right": "➡️",
    "hammer_and_wrench": "🛠️",
    "inbox_tray": "📥",
    "warning": "⚠️",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "chart_with_downwards_trend": "📉",
    "rotating_light": "🚨",
    "repeat": "🔁",
    "wave": "👋",
    "calendar": "📅",
    "clock9": "🕘",
    "mag": "🔍",
    "bulb": "💡",
    "thinking_face": "🤔",
    "x": "❌",
    "trophy": "🏆",
    "sparkles": "✨",
    "fire": "🔥",
    "eyes": "👀",
    "memo": "📝",
    "hourglass": "⌛",
}
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)>")


def emoji(line: str) -> str:
    """``:tada: done`` -> ``🎉 done`` for the emoji the bot uses; others stay as written."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), line)


def label_channels(obj: Any, name_of: Callable[[str], str | None]) -> Any:
    """A copy of blocks with ``<#C123>`` given its name (``<#C123|finance>``), as Slack
    shows channel mentions by name."""

    def fix(text: str) -> str:
        return _CHANNEL.sub(lambda m: f"<#{m.group(1)}|{name_of(m.group(1)) or m.group(1)}>", text)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return fix(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return walk(copy.deepcopy(obj))


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
