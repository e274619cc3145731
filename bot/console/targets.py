"""What a console ``click`` presses: the buttons a person was shown, and only those.

Each thing printed with buttons (a message, an App Home, a modal) is remembered with the
buttons it showed. ``click 2`` means the last one printed for the current person;
``click 2 on 5`` message [5]; ``click 2 on home`` the App Home. A click whose target has
changed since it was printed (the Home tab republished, a message answered) is refused
and asks to look again, so a number never presses a button nobody saw::

    key = message_key(5)
    shown.saw(key, message.blocks)
    shown.unchanged(key, message.blocks)  # True until its buttons change
"""

from __future__ import annotations

import json
from typing import Any

from bot.standin.render import interactive_elements


def message_key(number: int) -> str:
    return f"message:{number}"


def home_key(user_id: str) -> str:
    return f"home:{user_id}"


def modal_key(view_id: str) -> str:
    return f"modal:{view_id}"


def signature(blocks: list[dict[str, Any]]) -> str:
    """The buttons and menus of ``blocks``, in order, as one comparable string."""
    items = [
        [
            e["element"].get("type"),
            e["element"].get("action_id"),
            e["element"].get("value"),
            e["element"].get("text"),
            e["element"].get("options"),
        ]
        for e in interactive_elements(blocks)
    ]
    return json.dumps(items, sort_keys=True)


class Shown:
    """The buttons each printed thing had when it was printed, newest last."""

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}
        self._had_buttons: set[str] = set()

    def saw(self, key: str, blocks: list[dict[str, Any]]) -> None:
        """``key`` was printed with ``blocks``; with buttons, it becomes the newest."""
        self._seen.pop(key, None)
        self._seen[key] = signature(blocks)
        if self._seen[key] != "[]":
            self._had_buttons.add(key)

    def was_shown(self, key: str) -> bool:
        return key in self._seen

    def had_buttons(self, key: str) -> bool:
        """Whether ``key`` was ever printed with buttons (since answered, if none now)."""
        return key in self._had_buttons

    def unchanged(self, key: str, blocks: list[dict[str, Any]]) -> bool:
        """Whether ``blocks`` still has the buttons printed for ``key``."""
        return self._seen.get(key) == signature(blocks)

    def newest(self) -> list[str]:
        """Keys of things printed with buttons, newest first."""
        return [k for k, sig in reversed(self._seen.items()) if sig != "[]"]
