"""What the fake holds and records: workspaces (teams, orgs), members, channels, every call
it received, the messages, views and files the app produced, the events a subscriber
hears of, and the internal records of trigger ids, response URLs and injected faults."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.standin.fakeslack.common import JSONDict


@dataclass
class Team:
    """One workspace with the app installed; `enterprise_id` is its Enterprise Grid org."""

    id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    revoked: bool = False
    enterprise_id: str | None = None
    # Scopes the install lacks (one made before the manifest asked for them): a method
    # that needs one answers `missing_scope`.
    missing_scopes: set[str] = field(default_factory=set)


@dataclass
class Org:
    """An Enterprise Grid org whose org-wide install has one token for all its workspaces
    (each of those workspaces shares the org's bot user)."""

    id: str
    name: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    revoked: bool = False


@dataclass
class User:
    """A workspace member as ``users.info`` knows it."""

    team_id: str
    id: str
    name: str
    real_name: str
    tz: str = "America/New_York"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    bot_id: str | None = None
    home_team: str | None = None  # Slack Connect: the person's own organization's team
    is_restricted: bool = False  # a guest: multi-channel (restricted) account

    def to_json(self) -> JSONDict:
        """Slack's ``user`` object."""
        try:
            now = datetime.now(ZoneInfo(self.tz))
            offset = now.utcoffset()
            tz_offset = int(offset.total_seconds()) if offset else 0
            tz_label = now.tzname() or self.tz
        except (KeyError, ValueError):
            tz_offset, tz_label = 0, self.tz
        profile: JSONDict = {
            "display_name": self.name,
            "display_name_normalized": self.name,
            "real_name": self.real_name,
            "real_name_normalized": self.real_name,
            "team": self.home_team or self.team_id,
        }
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": self.home_team or self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "profile": profile,
        }


@dataclass
class Channel:
    """A channel: public, private (``is_private``), a group DM (``is_mpim``, private too)
    or the bot's DM with one user (``is_im``)."""

    team_id: str
    id: str
    name: str
    is_im: bool = False
    user: str | None = None
    is_private: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    is_member: bool = True  # the bot's membership (``remove_bot`` takes it away)

    @property
    def read_scope(self) -> str:
        """The scope conversations.info needs for this kind of conversation."""
        if self.is_im:
            return "im:read"
        if self.is_mpim:
            return "mpim:read"
        return "groups:read" if self.is_private else "channels:read"

    def to_json(self) -> JSONDict:
        """Slack's ``channel`` object as ``conversations.info`` returns it."""
        body: JSONDict = {
            "id": self.id,
            "created": 1700000000,
            "is_archived": self.is_archived,
            "is_im": self.is_im,
            "is_member": self.is_member,
            "context_team_id": self.team_id,
        }
        if self.is_im:
            body.update({"user": self.user, "is_open": True})
        else:
            body.update(
                {
                    "name": self.name,
                    "is_channel": not self.is_private,
                    "is_group": False,
                    "is_mpim": self.is_mpim,
                    "is_private": self.is_private,
                    "is_general": self.name == "general",
                }
            )
        return body


@dataclass
class Call:
    """One HTTP request the fake received.

    ``method`` is a Web API method name, or ``"response_url"`` / ``"upload"`` for posts to
    those URLs. ``body`` is what was sent (form fields stay strings; use :meth:`arg` to
    decode JSON-valued ones). ``failed`` names an injected fault ("429", "500", "drop",
    "ratelimited") for calls that had no effect.
    """

    method: str
    headers: dict[str, str]
    body: JSONDict
    team_id: str | None
    at: float
    failed: str | None = None
    status: int = 200
    response: JSONDict | None = None
    raw: bytes = b""

    def arg(self, name: str, default: Any = None) -> Any:
        """A body field, JSON-decoded when it was sent as a JSON string (``blocks``, ``view``)."""
        value = self.body.get(name, default)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


@dataclass
class Message:
    """A message in the fake workspace.

    ``user`` is the recipient of an ephemeral message, else the author (the bot user for
    the bot's own messages). ``source`` is "api", "response_url", "ack" or "user" (posted
    by the simulator on a person's behalf).
    """

    team_id: str
    channel: str
    ts: str
    text: str = ""
    blocks: list[JSONDict] = field(default_factory=list)
    thread_ts: str | None = None
    user: str | None = None
    ephemeral: bool = False
    from_bot: bool = True
    updated: int = 0
    deleted: bool = False
    response_url: str | None = None
    source: str = "api"
    bot_id: str | None = None
    files: list[str] = field(default_factory=list)
    reactions: dict[str, list[str]] = field(default_factory=dict)
    metadata: JSONDict | None = None

    def visible_to(self, user_id: str) -> bool:
        """Whether ``user_id`` sees this message (ephemeral ones only their recipient)."""
        return not self.deleted and (not self.ephemeral or self.user == user_id)

    def to_json(self) -> JSONDict:
        """Slack's ``message`` object, as in API answers and interaction payloads."""
        body: JSONDict = {"type": "message", "ts": self.ts, "text": self.text, "team": self.team_id}
        if self.blocks:
            body["blocks"] = copy.deepcopy(self.blocks)
        if self.user:
            body["user"] = self.user
        if self.from_bot and self.bot_id:
            body["bot_id"] = self.bot_id
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        if self.files:
            body["files"] = [{"id": file_id} for file_id in self.files]
        if self.updated:
            body["edited"] = {"user": self.user, "ts": self.ts}
        if self.metadata:
            body["metadata"] = copy.deepcopy(self.metadata)
        return body


@dataclass
class View:
    """A modal or Home tab. ``view`` is Slack's full view object; ``stack`` (modals) is the
    list of view ids in its stack, root first, shared by every view of that stack."""

    id: str
    team_id: str
    user: str
    view: JSONDict
    kind: str
    open: bool = True
    stack: list[str] = field(default_factory=list)
    errors: dict[str, str] | None = None

    @property
    def callback_id(self) -> str:
        return str(self.view.get("callback_id") or "")

    @property
    def private_metadata(self) -> str:
        return str(self.view.get("private_metadata") or "")

    @property
    def blocks(self) -> list[JSONDict]:
        return list(self.view.get("blocks") or [])

    @property
    def hash(self) -> str:
        return str(self.view.get("hash") or "")


@dataclass
class UploadedFile:
    """A file uploaded through files.getUploadURLExternal and the upload URL."""

    id: str
    team_id: str
    filename: str
    title: str | None = None
    content: bytes = b""
    length: int = 0
    channel: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    uploaded: bool = False
    shared: bool = False
    alt_txt: str | None = None  # files.getUploadURLExternal's description for screen readers


@dataclass
class Event:
    """A change a subscriber hears about. ``kind`` is one of message.new, message.updated,
    message.deleted, view.opened, view.updated, view.pushed, view.closed, view.errors,
    view.published, file.shared, function.completed, function.failed; ``obj`` is the
    Message, View, UploadedFile or (functions.py) Execution."""

    kind: str
    obj: Any


@dataclass
class ResponseTarget:
    team_id: str
    channel: str
    user: str
    original: Message | None
    uses: int = 0


@dataclass
class Trigger:
    team_id: str
    user: str
    view_id: str | None
    issued_at: float
    used: bool = False


@dataclass
class Fault:
    kind: str  # "status" or "drop"
    status: int = 500
    retry_after: int | None = None
