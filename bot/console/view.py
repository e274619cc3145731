"""Printing the console's transcript: plain text in scripts and pipes, colour in a terminal.

Every line goes through :class:`Printer`, so a script's transcript is exactly what a
person sees, minus the colour codes.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from typing import Any, TextIO

_CODES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}
_BUTTON = re.compile(r"\[(\d+|Submit: [^\]]*|Close: [^\]]*)\]")


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal that is not "dumb", and never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Printer:
    """Writes the transcript to ``out``; ``colour`` adds ANSI styles."""

    def __init__(self, out: TextIO, *, colour: bool = False) -> None:
        self.out = out
        self.colour = colour

    def paint(self, text: str, *styles: str, prompt: bool = False) -> str:
        """``text`` in the given styles (unchanged without colour). With ``prompt``, the
        codes are wrapped so that readline measures the prompt's width correctly."""
        if not self.colour or not styles:
            return text
        start = "\033[" + ";".join(_CODES[s] for s in styles) + "m"
        end = "\033[0m"
        if prompt:
            start, end = f"\001{start}\002", f"\001{end}\002"
        return f"{start}{text}{end}"

    def write(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def echo(self, line: str) -> None:
        """A script's command, as if typed at the prompt."""
        self.write(self.paint(f"> {line}", "bold"))

    def comment(self, line: str) -> None:
        """A script's narration line."""
        self.write(self.paint(line, "cyan"))

    def note(self, text: str) -> None:
        """What the console itself says (not the app)."""
        self.write(self.paint(f"  · {text}", "dim"))

    def error(self, text: str) -> None:
        self.write(self.paint(f"  ! {text}", "red"))

    def warn(self, text: str) -> None:
        self.write(self.paint(f"  ! {text}", "yellow"))

    def when(self, text: str) -> None:
        """A step of the clock at which something happened."""
        self.write(self.paint(f"⏰ {text}", "magenta", "bold"))

    def card(self, header: str, lines: list[str], *, style: str = "green") -> None:
        """Something the app showed: a header line, then the rendered body indented."""
        self.write(self.paint(header, style, "bold"))
        for line in lines or ["(empty message)"]:
            self.write("    " + self._buttons(line))

    def _buttons(self, line: str) -> str:
        if not self.colour:
            return line
        return _BUTTON.sub(lambda m: self.paint(m.group(0), "yellow", "bold"), line)


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
    "scales": "⚖️",
    "bust_in_silhouette": "👤",
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
