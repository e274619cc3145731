"""Tiny Block Kit helpers returning plain dicts (JSON-ready), so builders stay pure.

Each respects Slack's limits (3,000 characters a section text, 75 a button label). Every
mrkdwn text they take is a :class:`~bot.mrkdwn.Mrkdwn`, so a person's text reaches Slack
only escaped; plain_text (labels, headers) is shown by Slack as it is, unparsed.
"""

from __future__ import annotations

import re
from typing import Any

from bot.mrkdwn import Mrkdwn

Block = dict[str, Any]
Message = tuple[Mrkdwn, list[Block]]  # a fallback text and its blocks
SECTION_LIMIT = 3000
BUTTON_LIMIT = 75
MAX_BLOCKS = 50


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis. Mrkdwn is never cut inside an
    escape (`&lt;`) or inside the bot's own markup (`<@U1>`, `<https://…|…>`)."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    if isinstance(text, Mrkdwn):
        cut = _markup_safe_cut(text, cut)
        return Mrkdwn(str.__add__(text[:cut], "…"))
    return text[:cut] + "…"


_TOKEN = re.compile(r"&[a-z]{2,4};|<[^<>]*>")


def _markup_safe_cut(text: str, cut: int) -> int:
    for token in _TOKEN.finditer(text, max(0, cut - 1100), cut + 1100):
        if token.start() < cut < token.end():
            return token.start()
    return cut


def mrkdwn(text: Mrkdwn) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}


def plain(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def section(
    text: Mrkdwn, *, fields: list[Mrkdwn] | None = None, accessory: Block | None = None
) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if fields:
        block["fields"] = [mrkdwn(Mrkdwn(clip(f, 2000))) for f in fields[:10]]
    if accessory:
        block["accessory"] = accessory
    return block


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, 150)}


def context(*texts: Mrkdwn) -> Block:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, url: str | None = None
) -> Block:
    el: Block = {
        "type": "button",
        "text": plain(text, BUTTON_LIMIT),
        "action_id": action_id,
        "value": value,
    }
    if style:
        el["style"] = style
    if url:
        el["url"] = url
    return el


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def text_input(
    block_id: str,
    label: str,
    *,
    placeholder: str = "",
    multiline: bool = False,
    optional: bool = False,
    initial: str | None = None,
    max_length: int | None = None,
    hint: str | None = None,
) -> Block:
    el: Block = {"type": "plain_text_input", "action_id": block_id, "multiline": multiline}
    if placeholder:
        el["placeholder"] = plain(placeholder, 150)
    if initial:
        el["initial_value"] = initial
    if max_length:
        el["max_length"] = max_length
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": el,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def option(text: str, value: str) -> Block:
    return {"text": plain(text, 75), "value": value}


def select_input(
    block_id: str,
    label: str,
    choices: list[tuple[str, str]],
    *,
    initial: str | None = None,
    optional: bool = False,
) -> Block:
    el: Block = {
        "type": "static_select",
        "action_id": block_id,
        "options": [option(t, v) for t, v in choices],
    }
    for t, v in choices:
        if v == initial:
            el["initial_option"] = option(t, v)
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": el,
        "optional": optional,
    }


def user_input(block_id: str, label: str, *, initial: str | None = None) -> Block:
    element: Block = {"type": "users_select", "action_id": block_id}
    if initial:
        element["initial_user"] = initial
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": element,
    }


def channel_input(block_id: str, label: str) -> Block:
    """A picker of the channels the person is in (public and private), DMs left out."""
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {
            "type": "conversations_select",
            "action_id": block_id,
            "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        },
    }


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = "Save",
    close: str = "Cancel",
    private_metadata: str = "",
) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, 24),
        "blocks": blocks[:100],
        "close": plain(close, 24),
        "private_metadata": private_metadata[:3000],
    }
    if submit:
        view["submit"] = plain(submit, 24)
    return view
