"""Slack's markup, both ways: the one place where text a person typed is made safe to send.

Going out, everything the bot sends as mrkdwn (block texts, the fallback `text` that
notifications show, modal sections, the Home tab) is a :class:`Mrkdwn`: a `str` made from
the bot's own templates in which every other piece was escaped on the way in, like
markupsafe's `Markup`::

    >>> Mrkdwn("Logged 40m on {}.").format("P12 · <!channel> urgent")
    Mrkdwn('Logged 40m on P12 · &lt;!channel&gt; urgent.')

So a title can never become a mention, a channel ping or a disguised link, and the reader
still sees it as it was typed (Slack shows `&lt;` as `<`). Markup the bot means to send is
made only here: :func:`mention`, :func:`channel`, :func:`link`, :func:`date`.

Coming in, :func:`from_slack` turns the markup Slack puts into a command's or a message's
text back into what the person typed (`<@U1|maria>` is "@maria", `&lt;` is "<"), once, so
that text is stored as the person meant it and escaped once, on output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date as _date
from datetime import datetime
from decimal import Decimal
from typing import SupportsIndex

# Values that may be formatted into a template as they are: their text can't hold markup.
_INERT = (int, float, Decimal, datetime, _date)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters that change the direction of what follows them (overrides, embeddings,
# isolates and the strong right-to-left letters): user text holding one is isolated
# (U+2068 … U+2069), so it can't reorder the bot's own words around it.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u061c")
FSI, PDI = "\u2068", "\u2069"


class Mrkdwn(str):
    """Text that is safe to send to Slack as mrkdwn.

    `Mrkdwn(template)` marks the bot's own text (a literal in the code) as markup; never
    wrap a person's text in it: pass it through :func:`escape`, or as an argument to
    :meth:`format`, `+` or :meth:`join`, which escape whatever is not already Mrkdwn."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> Mrkdwn:  # type: ignore[override]
        return Mrkdwn(
            str.format(self, *map(_safe, args), **{k: _safe(v) for k, v in kwargs.items()})
        )

    def __add__(self, other: str) -> Mrkdwn:  # type: ignore[override]
        return Mrkdwn(str.__add__(self, escape(other)))

    def __radd__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(escape(other), self))

    def join(self, items: Iterable[str]) -> Mrkdwn:  # type: ignore[override]
        return Mrkdwn(str.join(self, (escape(i) for i in items)))

    def __mul__(self, n: SupportsIndex) -> Mrkdwn:  # type: ignore[override]
        return Mrkdwn(str.__mul__(self, n))

    def __repr__(self) -> str:
        return f"Mrkdwn({str.__repr__(self)})"

    def plain(self) -> str:
        """What a reader sees, for places that show text without parsing it (a form
        field's error, a log line): the escapes undone."""
        return unescape(self)


def _safe(value: object) -> object:
    if isinstance(value, Mrkdwn):
        return value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, bool) or not isinstance(value, _INERT):
        # A bool would print as True/False, and an arbitrary object's str() could carry
        # a person's text unescaped: format those explicitly.
        raise TypeError(f"format {type(value).__name__} into Mrkdwn explicitly, not {value!r}")
    return value


def escape(text: str) -> Mrkdwn:
    """A person's text as mrkdwn that shows it literally: Slack's three control characters
    as entities, and text that could reorder the line around it isolated.

    >>> escape("<https://evil.example|github.com> & co")
    Mrkdwn('&lt;https://evil.example|github.com&gt; &amp; co')
    """
    if isinstance(text, Mrkdwn):
        return text
    out = text.translate(_ESCAPES)
    if _needs_isolating(out):
        out = FSI + out + PDI
    return Mrkdwn(out)


def _needs_isolating(text: str) -> bool:
    if text.isascii():  # no ASCII character is right-to-left or a direction control
        return False
    return any(ch in _BIDI_CONTROLS or unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def unescape(text: str) -> str:
    """Undo :func:`escape` (the entities and the isolates it added)."""
    out = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if out.startswith(FSI) and out.endswith(PDI):
        out = out[1:-1]
    return out


def bold(text: str) -> Mrkdwn:
    """`*text*`, the text escaped."""
    return Mrkdwn("*{}*").format(text)


# --------------------------------------------------------------- markup the bot makes

_USER_ID = re.compile(r"[UW][A-Z0-9_]{2,30}")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9_]{2,30}")
NOBODY = Mrkdwn("_nobody yet_")


def mention(user_id: str | None) -> Mrkdwn:
    """`<@U123>`, which Slack shows as the person's name; an id that isn't one is shown
    as plain text, never as markup."""
    if not user_id:
        return NOBODY
    if _USER_ID.fullmatch(user_id):
        return Mrkdwn(f"<@{user_id}>")
    return escape(f"@{user_id}")


def channel(channel_id: str | None) -> Mrkdwn:
    """`<#C123>`, which Slack shows as the channel's name."""
    if channel_id and _CHANNEL_ID.fullmatch(channel_id):
        return Mrkdwn(f"<#{channel_id}>")
    return Mrkdwn("a conversation")


MAX_LINK = 1000
_LINK = re.compile(r"https?://[^\s<>|\x00-\x1f\x7f]+", re.IGNORECASE | re.ASCII)
_LINK_LABEL = 60


def is_safe_link(url: str) -> bool:
    """An http(s) URL with a host, without whitespace, `<`, `>` or `|`, at most 1,000
    characters: the only kind of link the bot accepts from a person or shows."""
    if len(url) > MAX_LINK or not _LINK.fullmatch(url):
        return False
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return bool(host.strip(".@:")) and not host.startswith((".", "$", "?"))


def link_label(url: str) -> str:
    """What a link shows: its host and path, without the scheme, shortened."""
    label = url.split("://", 1)[-1].rstrip("/")
    return label if len(label) <= _LINK_LABEL else label[: _LINK_LABEL - 1] + "…"


def link(url: str, label: str | None = None) -> Mrkdwn:
    """`<url|label>`: a clickable link whose label is the URL itself (or `label`), both
    escaped, so what it says is where it goes. A URL that isn't safe is shown as text."""
    if not is_safe_link(url):
        return escape(url)
    target = url.replace("&", "&amp;")
    return Mrkdwn(f"<{target}|{escape(label or link_label(url))}>")


def date(when: datetime, token: str, fallback: str) -> Mrkdwn:
    """`<!date^…>`: a time each reader sees in their own time zone."""
    return Mrkdwn(f"<!date^{int(when.timestamp())}^{{{token}}}|{escape(fallback)}>")


# ------------------------------------------------------------------------ coming in

_MARKUP = re.compile(r"<([^<>\s][^<>]*)>")


def _decoded(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (label.lstrip("#") or target[1:])
    if target.startswith("!"):
        if label:
            return label if label.startswith("@") or target.startswith("!date") else "@" + label
        word = target[1:].split("^", 1)[0]
        return "@" + (target.split("^", 1)[1] if word == "subteam" and "^" in target else word)
    url = _entities(target)
    shown = _entities(label)
    if not shown or shown in (url, url.split("://", 1)[-1], url.removeprefix("mailto:")):
        return url.removeprefix("mailto:") if url.startswith("mailto:") else url
    return f"{shown} ({url})"


def _entities(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def from_slack(text: str) -> str:
    """The text a person typed, from the markup Slack sends for it: mentions, channels,
    special mentions and links as readable words, and Slack's escapes undone. Used once,
    where a command's or a message's text comes in.

    >>> from_slack("Onboard <@U1|maria> in <#C2|ops> &lt;3 <https://x.io/a|x.io/a>")
    'Onboard @maria in #ops <3 https://x.io/a'
    """
    return _entities(_MARKUP.sub(lambda m: _decoded(m.group(1)), text))
