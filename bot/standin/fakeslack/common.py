"""What every part of the fake uses: the error a method answers with, fresh ids, and
reading a request's arguments as Slack does (JSON-valued fields, "true"/"1" booleans)."""

from __future__ import annotations

import json
import secrets
from typing import Any

JSONDict = dict[str, Any]


class SlackError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": code}``."""

    def __init__(self, code: str, messages: list[str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.messages = messages or []

    def payload(self) -> JSONDict:
        """The JSON body Slack would answer with."""
        body: JSONDict = {"ok": False, "error": self.code}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


def new_id(prefix: str, length: int = 10) -> str:
    """A random Slack-like id: ``new_id("V")`` -> ``"V3K9..."``."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def as_bool(value: Any) -> bool:
    """A boolean argument as Slack reads it ("true", "1", "yes" or a JSON true)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def json_arg(body: JSONDict, name: str, default: Any, error: str = "invalid_arguments") -> Any:
    """A JSON-valued argument (``blocks``, ``view``...), decoded; ``error`` if it is not JSON."""
    value = body.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SlackError(error, [f"[ERROR] {name} is not valid JSON"]) from exc
    return value


def opt_str(value: Any) -> str | None:
    """A string argument, or None when it is missing or empty."""
    return str(value) if value not in (None, "") else None


def text_of(obj: Any) -> str:
    """The text of a text object (or of a bare string)."""
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return str(obj or "")
