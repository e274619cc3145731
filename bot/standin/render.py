"""Block Kit to readable plain-text lines, for the terminal console and test failure output.

Pure: no Slack imports. Interactive elements are numbered in reading order by
:func:`interactive_elements`; the simulator's ``click(index=...)`` uses the same numbering.

Example::

    >>> render_blocks([{"type": "section", "text": {"type": "mrkdwn", "text": "*Hi* <@U1>"}}])
    ['Hi @U1']
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

JSONDict = dict[str, Any]
NameLookup = Callable[[str], str | None]

#: Element types a person can click or choose from (inputs in modals are not numbered).
INTERACTIVE_TYPES = frozenset(
    {
        "button",
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
        "multi_external_select",
        "overflow",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "radio_buttons",
        "checkboxes",
    }
)

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")


def interactive_elements(blocks: list[JSONDict]) -> list[JSONDict]:
    """Clickable elements in reading order: ``{index, block_id, element}`` (index from 1).

    Section accessories and ``actions`` elements count; ``input`` blocks do not.
    """
    found: list[JSONDict] = []
    for block in blocks:
        candidates: list[Any] = []
        if block.get("type") == "actions":
            candidates = list(block.get("elements") or [])
        elif block.get("type") == "section" and isinstance(block.get("accessory"), dict):
            candidates = [block["accessory"]]
        for element in candidates:
            if isinstance(element, dict) and element.get("type") in INTERACTIVE_TYPES:
                found.append(
                    {"index": len(found) + 1, "block_id": block.get("block_id"), "element": element}
                )
    return found


def mrkdwn_to_text(text: str, *, names: NameLookup | None = None) -> str:
    """Slack mrkdwn as plain text: ``*b*`` -> ``b``, ``<@U1>`` -> ``@ana``,
    ``<https://x|site>`` -> ``site (https://x)``, ``&lt;`` -> ``<``."""

    def link(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            name = names(target[1:]) if names else None
            return "@" + (name or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            if label:
                return label
            return "@" + target[1:].split("^")[0]
        shown = html.unescape(target)
        if label and html.unescape(label) not in (shown, shown.split("://", 1)[-1]):
            return f"{label} ({target})"
        return target

    text = _LINK.sub(link, text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    return html.unescape(text)


def _text(obj: Any, names: NameLookup | None) -> str:
    if not isinstance(obj, dict):
        return str(obj or "")
    raw = str(obj.get("text") or "")
    return mrkdwn_to_text(raw, names=names) if obj.get("type") == "mrkdwn" else raw


def _element_label(element: JSONDict, names: NameLookup | None) -> str:
    kind = element.get("type")
    if kind == "button":
        label = _text(element.get("text"), names)
        style = element.get("style")
        return f"{label} ({style})" if style in ("danger",) else label
    if kind == "overflow":
        options = [_text(o.get("text"), names) for o in element.get("options") or []]
        return "⋯ " + " | ".join(options)
    if kind in ("radio_buttons", "checkboxes"):
        options = [_text(o.get("text"), names) for o in element.get("options") or []]
        return " / ".join(options)
    initial = element.get("initial_option")
    if isinstance(initial, dict):
        return "▾ " + _text(initial.get("text"), names)
    for key in ("initial_user", "initial_conversation", "initial_channel", "initial_date"):
        if element.get(key):
            value = str(element[key])
            shown = names(value) if names and key == "initial_user" else None
            return "▾ " + (f"@{shown}" if shown else value)
    placeholder = _text(element.get("placeholder"), names)
    return "▾ " + (placeholder or str(kind).replace("_", " "))


def _rich_text(elements: list[Any], names: NameLookup | None) -> str:
    parts: list[str] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if "elements" in element:
            parts.append(_rich_text(list(element["elements"]), names))
        elif kind == "text":
            parts.append(str(element.get("text") or ""))
        elif kind == "user":
            user_id = str(element.get("user_id") or "")
            parts.append("@" + ((names(user_id) if names else None) or user_id))
        elif kind == "channel":
            parts.append("#" + str(element.get("channel_id") or ""))
        elif kind == "link":
            parts.append(str(element.get("text") or element.get("url") or ""))
        elif kind == "emoji":
            parts.append(f":{element.get('name')}:")
    return "".join(parts)


def _input_line(block: JSONDict, names: NameLookup | None) -> str:
    label = _text(block.get("label"), names)
    element = block.get("element") if isinstance(block.get("element"), dict) else {}
    assert isinstance(element, dict)
    shown = ""
    if element.get("initial_value"):
        shown = str(element["initial_value"])
    elif isinstance(element.get("initial_option"), dict):
        shown = _text(element["initial_option"].get("text"), names)
    elif element.get("initial_options"):  # checkboxes, multi-selects: every one chosen
        shown = ", ".join(_text(o.get("text"), names) for o in element["initial_options"])
    else:
        for key in ("initial_user", "initial_conversation", "initial_date", "initial_time"):
            if element.get(key):
                shown = str(element[key])
                name = names(shown) if names and key == "initial_user" else None
                shown = f"@{name}" if name else shown
                break
    if not shown:
        placeholder = _text(element.get("placeholder"), names)
        shown = f"({placeholder})" if placeholder else "(empty)"
    optional = " (optional)" if block.get("optional") else ""
    line = f"• {label}{optional}: {shown}"
    hint = _text(block.get("hint"), names)
    return f"{line}  — {hint}" if hint else line


def render_blocks(
    blocks: list[JSONDict], *, fallback_text: str = "", names: NameLookup | None = None
) -> list[str]:
    """Block Kit blocks as readable lines; the fallback text if there are no blocks.

    ``names`` maps a user id to a display name for ``<@U…>`` mentions.
    """
    if not blocks:
        return mrkdwn_to_text(fallback_text, names=names).splitlines() if fallback_text else []
    numbers = {id(item["element"]): item["index"] for item in interactive_elements(blocks)}
    lines: list[str] = []

    def numbered(element: JSONDict) -> str:
        return f"[{numbers.get(id(element), '?')}] {_element_label(element, names)}"

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append("# " + _text(block.get("text"), names))
        elif kind == "section":
            if block.get("text"):
                lines.extend(_text(block.get("text"), names).splitlines() or [""])
            for field in block.get("fields") or []:
                lines.extend("  " + line for line in _text(field, names).splitlines())
            accessory = block.get("accessory")
            if isinstance(accessory, dict):
                if accessory.get("type") == "image":
                    lines.append(f"  [image: {accessory.get('alt_text') or ''}]")
                else:
                    lines.append("  " + numbered(accessory))
        elif kind == "context":
            parts = []
            for element in block.get("elements") or []:
                if isinstance(element, dict) and element.get("type") == "image":
                    parts.append(f"[image: {element.get('alt_text') or ''}]")
                else:
                    parts.append(_text(element, names))
            lines.append("  " + " · ".join(parts))
        elif kind == "divider":
            lines.append("─" * 40)
        elif kind == "image":
            title = _text(block.get("title"), names)
            alt = block.get("alt_text") or title
            lines.append(f"[image: {alt}]")
        elif kind == "actions":
            elements = [e for e in block.get("elements") or [] if isinstance(e, dict)]
            lines.append("  ".join(numbered(e) for e in elements))
        elif kind == "input":
            lines.append(_input_line(block, names))
        elif kind == "rich_text":
            lines.extend(_rich_text(list(block.get("elements") or []), names).splitlines())
        elif kind == "file":
            lines.append(f"[file: {block.get('external_id') or ''}]")
        elif kind == "video":
            lines.append(f"[video: {_text(block.get('title'), names)}]")
        else:
            lines.append(f"[{kind}]")
    return lines


def render_view(view: JSONDict, *, names: NameLookup | None = None) -> list[str]:
    """A modal or Home tab as lines: title, blocks, then its submit/close buttons."""
    lines: list[str] = []
    title = _text(view.get("title"), names)
    if title:
        lines.append(f"┌ {title}")
    lines.extend(render_blocks(list(view.get("blocks") or []), names=names))
    buttons = []
    if view.get("submit"):
        buttons.append(f"[Submit: {_text(view.get('submit'), names)}]")
    if view.get("type", "modal") == "modal":
        buttons.append(f"[Close: {_text(view.get('close'), names) or 'Cancel'}]")
    if buttons:
        lines.append("  ".join(buttons))
    return lines
