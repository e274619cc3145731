"""Reading what Slack sent: where a click came from, what a form holds, and what a form
remembered. A hand-made payload may put anything anywhere, so each reader returns a safe
default rather than raising."""

from __future__ import annotations

import json
from typing import Any

Where = tuple[str | None, str | None]  # (channel, ts) of a message


def _dict(value: Any) -> dict[str, Any]:
    """`value` if it is a dict, else {}."""
    return value if isinstance(value, dict) else {}


def message_of(body: dict[str, Any]) -> Where:
    """(channel, ts) of the message a block action came from."""
    container = _dict(body.get("container"))
    channel = container.get("channel_id") or _dict(body.get("channel")).get("id")
    ts = container.get("message_ts") or _dict(body.get("message")).get("ts")
    return (
        channel if isinstance(channel, str) else None,
        ts if isinstance(ts, str) else None,
    )


def form_values(view: dict[str, Any]) -> dict[str, str | None]:
    """{block_id: the entered or chosen value} of a submitted view."""
    found: dict[str, str | None] = {}
    for block_id, inputs in _dict(_dict(view.get("state")).get("values")).items():
        for element in _dict(inputs).values():
            element = _dict(element)
            value = element.get("value")
            if value is None:
                value = _dict(element.get("selected_option")).get("value")
            for picked in ("selected_user", "selected_conversation", "selected_channel"):
                value = element.get(picked) if value is None else value
            found[block_id] = value if isinstance(value, str) else None  # forged: not a value
    return found


def form_ticked(view: dict[str, Any], block_id: str) -> list[str]:
    """The values of the options ticked in a checkboxes input."""
    inputs = _dict(_dict(_dict(view.get("state")).get("values")).get(block_id))
    return [
        str(o.get("value", ""))
        for element in inputs.values()
        for o in _dict(element).get("selected_options") or []
        if isinstance(o, dict)
    ]


def form_memory(view: dict[str, Any]) -> dict[str, Any]:
    """What the form remembered when it was opened (its private_metadata)."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def opened_from(info: dict[str, Any]) -> Where:
    """(channel, ts) of the prompt a form was opened from, kept in its metadata."""
    msg = _dict(info.get("message"))
    channel, ts = msg.get("channel") or None, msg.get("ts") or None
    return (
        channel if isinstance(channel, str) else None,
        ts if isinstance(ts, str) else None,
    )
