"""What a person's input into a Block Kit element looks like in a payload: the element
kinds, finding a chosen option, and the ``state.values`` of a submitted modal."""

from __future__ import annotations

import copy
from typing import Any

from bot.standin.fakeslack import View

JSONDict = dict[str, Any]


TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
ONE_OPTION = {"static_select", "external_select", "radio_buttons", "overflow"}
MANY_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}
PICKERS = {
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
MULTI_PICKERS = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
INITIAL = {
    "selected_user": "initial_user",
    "selected_conversation": "initial_conversation",
    "selected_channel": "initial_channel",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_date_time": "initial_date_time",
    "selected_users": "initial_users",
    "selected_conversations": "initial_conversations",
    "selected_channels": "initial_channels",
}


def plain(text: str) -> JSONDict:
    """A plain_text object."""
    return {"type": "plain_text", "text": text, "emoji": True}


def options_of(element: JSONDict) -> list[JSONDict]:
    """An element's options, those in option groups included."""
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found.extend(group.get("options") or [])
    return found


def label_of(obj: Any) -> str:
    """The text of a text object (or of a bare string)."""
    return str(obj.get("text") or "") if isinstance(obj, dict) else str(obj or "")


def find_option(element: JSONDict, wanted: Any) -> JSONDict:
    """The option of ``element`` whose value or label is ``wanted`` (ValueError if none)."""
    wanted_text = str(wanted).strip().lower()
    options = options_of(element)
    for option in options:
        if str(option.get("value")) == str(wanted) or label_of(option.get("text")).lower() == (
            wanted_text
        ):
            return copy.deepcopy(option)
    if not options:  # external_select: options come from the app; take the value as given
        return {"text": plain(str(wanted)), "value": str(wanted)}
    choices = ", ".join(str(o.get("value")) for o in options)
    raise ValueError(f"{wanted!r} is not an option of {element.get('action_id')} ({choices})")


def as_list(value: Any) -> list[Any]:
    """A list from a list, a tuple, a comma-separated string ("a, b") or one value."""
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [value]


def element_state(element: JSONDict, given: Any, answered: bool) -> JSONDict:
    """An input element's entry in ``state.values``: what was given, else its initial value."""
    kind = str(element.get("type"))
    state: JSONDict = {"type": kind}
    if kind in TEXT_INPUTS:
        state["value"] = str(given) if answered else element.get("initial_value")
    elif kind in ONE_OPTION:
        state["selected_option"] = (
            find_option(element, given) if answered else element.get("initial_option")
        )
    elif kind in MANY_OPTIONS:
        state["selected_options"] = (
            [find_option(element, g) for g in as_list(given)]
            if answered
            else list(element.get("initial_options") or [])
        )
    elif kind in PICKERS:
        key = PICKERS[kind]
        state[key] = given if answered else element.get(INITIAL[key])
    elif kind in MULTI_PICKERS:
        key = MULTI_PICKERS[kind]
        state[key] = as_list(given) if answered else list(element.get(INITIAL[key]) or [])
    elif kind == "rich_text_input":
        text = str(given) if answered else ""
        state["rich_text_value"] = {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    elif kind == "file_input":
        state["files"] = list(given) if answered else []
    else:
        state["value"] = given if answered else None
    return state


def state_values(view: View, values: dict[str, Any]) -> JSONDict:
    """A modal's ``state.values`` with ``values`` keyed by block_id, action_id or label
    (KeyError naming the inputs if one matches none)."""
    remaining = {str(k): v for k, v in values.items()}
    state: JSONDict = {}
    inputs: list[str] = []
    for block in view.blocks:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
        label = label_of(block.get("label")).strip().lower()
        inputs.append(f"{block_id}/{action_id} ({label})")
        key = next(
            (k for k in remaining if k in (block_id, action_id) or k.strip().lower() == label),
            None,
        )
        given = remaining.pop(key) if key is not None else None
        state.setdefault(block_id, {})[action_id] = element_state(element, given, key is not None)
    if remaining:
        raise KeyError(f"no input matches {sorted(remaining)}; inputs: {inputs}")
    return state
