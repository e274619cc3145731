"""Block Kit checks: the limits Slack enforces on blocks and views, answered as Slack
answers them (``invalid_blocks``, ``invalid_arguments`` with messages), and the block and
action ids Slack fills in when an app leaves them out."""

from __future__ import annotations

import copy
from typing import Any

from bot.standin.fakeslack.common import JSONDict, SlackError, new_id, text_of


def validate_blocks(blocks: Any, *, limit: int) -> list[JSONDict]:
    """Check the Block Kit limits that most often bite; answer like Slack (invalid_blocks)."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise SlackError("invalid_blocks_format")
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]")
    seen_blocks: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"[json-pointer:/blocks/{i}]"
        kind = block.get("type")
        if not isinstance(kind, str):
            problems.append(f"[ERROR] missing required field: type {where}")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen_blocks:
                problems.append(f"[ERROR] duplicate block_id {where}")
            seen_blocks.add(str(block_id))
        if kind == "header" and len(text_of(block.get("text"))) > 150:
            problems.append(f"[ERROR] must be less than 151 characters {where}/text")
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"[ERROR] must provide either text or fields {where}")
            if len(text_of(block.get("text"))) > 3000:
                problems.append(f"[ERROR] must be less than 3001 characters {where}/text")
            if len(block.get("fields") or []) > 10:
                problems.append(f"[ERROR] no more than 10 items allowed {where}/fields")
        elements = list(block.get("elements") or []) if kind == "actions" else []
        if kind == "actions" and not 1 <= len(elements) <= 25:
            problems.append(f"[ERROR] must have 1 to 25 elements {where}/elements")
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        seen_actions: set[str] = set()
        for element in elements:
            if not isinstance(element, dict):
                continue
            action_id = element.get("action_id")
            if action_id is not None:
                if action_id in seen_actions:
                    problems.append(f"[ERROR] duplicate action_id {where}")
                seen_actions.add(str(action_id))
            if element.get("type") == "button":
                if len(text_of(element.get("text"))) > 75:
                    problems.append(f"[ERROR] button text over 75 characters {where}")
                if len(str(element.get("value") or "")) > 2000:
                    problems.append(f"[ERROR] button value over 2000 characters {where}")
    if problems:
        raise SlackError("invalid_blocks", problems)
    return blocks


def fill_ids(blocks: list[JSONDict]) -> list[JSONDict]:
    """Copy blocks, adding the block_id/action_id Slack generates when they are missing."""
    out = copy.deepcopy(blocks)
    for block in out:
        block.setdefault("block_id", new_id("", 5))
        elements: list[Any] = []
        if block.get("type") == "actions":
            elements = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        for element in elements:
            if isinstance(element, dict) and "type" in element and element["type"] != "image":
                element.setdefault("action_id", new_id("", 5))
    return out


def check_view(view: Any, kind: str) -> JSONDict:
    """Check a modal or Home tab view (title, submit, metadata limits and its blocks)."""
    if not isinstance(view, dict) or view.get("type") != kind:
        raise SlackError("invalid_arguments", [f"[ERROR] view.type must be {kind}"])
    problems: list[str] = []
    if kind == "modal":
        if len(text_of(view.get("title"))) == 0:
            problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        for key in ("title", "submit", "close"):
            if len(text_of(view.get(key))) > 24:
                problems.append(f"[ERROR] must be less than 25 characters [/view/{key}]")
        needs_submit = any(b.get("type") == "input" for b in view.get("blocks") or [])
        if needs_submit and not view.get("submit"):
            problems.append("[ERROR] submit is required when an input block is present")
    if len(str(view.get("private_metadata") or "")) > 3000:
        problems.append("[ERROR] private_metadata must be less than 3001 characters")
    if len(str(view.get("callback_id") or "")) > 255:
        problems.append("[ERROR] callback_id must be less than 256 characters")
    if problems:
        raise SlackError("invalid_arguments", problems)
    validate_blocks(view.get("blocks") or [], limit=100)
    return view
