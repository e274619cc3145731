"""The hostile corpus, and the check that nothing a person typed reaches Slack as markup.

`markup_problems(payload, ...)` walks anything the bot sends (a message body, blocks, a
view, an acknowledgement) and returns every piece of Slack markup in a mrkdwn text that the
bot did not mean: a special mention (`<!channel>`), a mention or channel that isn't a real
one, a link to anywhere but the links the test itself accepted, or a bare `<`, `>` or `&`
(text that went out unescaped). `visible(text)` is what a reader sees, so a test can check
that the person's text still shows as they typed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from bot.mrkdwn import FSI, PDI, link_label

# What people type (or what Slack sends for what they type) that must never act as markup.
HOSTILE_TITLES = [
    "<!channel> urgent payroll fix",
    "<!here> reset the VPN tokens",
    "<!everyone> rotate the keys",
    "<!subteam^S1ABC> page the ops team",
    "<@U1> copy the CRM leads",
    "<#C1> archive the old threads",
    "<https://evil.example|Open the payroll sheet> update",
    "&lt;!channel&gt; escaped already",
    "&amp;lt;!here&amp;gt; escaped twice",
    "R&D budget & <expenses> sheet",
    "*bold* _italic_ ~strike~ `code` > quote",
    "\u202eevil override\u202c payroll export",
    "\u200fמשכורת\u200f sync salaries",
    "<mailto:ceo@evil.example|CEO> forward invoices",
    "<!date^1700000000^{date}|fake date> report",
]
LONG_TITLE = "Reconcile " + "very " * 27 + "long payouts"  # just under the title limit
HOSTILE_LINKS = [
    "https://x.io/<!channel><https://evil.example|github.com/acme/ops/pull/42>",
    "https://x.io/a|b",
    "https://x.io/a b",
    "javascript:alert(1)",
    "https://x.io/" + "a" * 1200,
    "<https://evil.example|github.com>",
    "ftp://x.io/file",
]
GOOD_LINK = "https://github.com/acme/ops/pull/42?tab=files&view=split"
HOSTILE_NOTE = "<!channel> see <https://evil.example|the runbook> & <@U1>"

_SEGMENT = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_USER = re.compile(r"@([UW][A-Z0-9_]+)")
_CHANNEL = re.compile(r"#([CGD][A-Z0-9_]+)")
_DATE = re.compile(r"!date\^\d+\^\{[a-z_]+\}\|[^<>|&]*(?:&(?:amp|lt|gt);[^<>|&]*)*")


def _segment_ok(inner: str, users: set[str], channels: set[str], links: set[str]) -> bool:
    if (m := _USER.fullmatch(inner)) is not None:
        return m.group(1) in users
    if (m := _CHANNEL.fullmatch(inner)) is not None:
        return m.group(1) in channels
    if _DATE.fullmatch(inner):
        return True
    url, bar, label = inner.partition("|")
    honest = link_label(unescape(url))  # a label that says where the link goes
    return bool(bar) and unescape(url) in links and not _bare(label) and visible(label) == honest


def _bare(text: str) -> bool:
    """A `<`, `>` or an `&` that doesn't start an entity: text that went out unescaped."""
    return "<" in text or ">" in text or "&" in _ENTITY.sub("", text)


def text_problems(
    text: str, *, users: Iterable[str] = (), channels: Iterable[str] = (), links: Iterable[str] = ()
) -> list[str]:
    """The markup in one mrkdwn text that the bot didn't mean to send."""
    known_users, known_channels, known_links = set(users), set(channels), set(links)
    found = [
        m.group(0)
        for m in _SEGMENT.finditer(text)
        if not _segment_ok(m.group(1), known_users, known_channels, known_links)
    ]
    if _bare(_SEGMENT.sub("", text)):
        found.append(f"unescaped text in {text[:200]!r}")
    return found


def mrkdwn_texts(payload: Any, *, top_level: bool = True) -> Iterator[str]:
    """Every text Slack parses as mrkdwn in a message body, blocks or a view: mrkdwn text
    objects, and a message's own (fallback) `text`. plain_text is shown unparsed."""
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
            yield payload["text"]
        elif top_level and isinstance(payload.get("text"), str):
            yield payload["text"]  # a message's fallback text: notifications show it
        for key, value in payload.items():
            nested = key in ("blocks", "view", "elements", "fields", "accessory", "element")
            if nested or (key == "text" and isinstance(value, dict)):
                yield from mrkdwn_texts(value, top_level=False)
    elif isinstance(payload, list):
        for item in payload:
            yield from mrkdwn_texts(item, top_level=False)


def markup_problems(
    payload: Any,
    *,
    users: Iterable[str] = (),
    channels: Iterable[str] = (),
    links: Iterable[str] = (),
) -> list[str]:
    users, channels, links = list(users), list(channels), list(links)
    return [
        problem
        for text in mrkdwn_texts(payload)
        for problem in text_problems(text, users=users, channels=channels, links=links)
    ]


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def visible(text: str) -> str:
    """What a reader sees of a mrkdwn text (markup aside): escapes undone, isolates gone."""
    return unescape(text).replace(FSI, "").replace(PDI, "")
