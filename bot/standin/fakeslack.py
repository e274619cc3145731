"""A fake Slack Web API served over real HTTP on 127.0.0.1, for tests and the console.

It answers the Web API methods the bot uses with Slack's documented shapes, records every
call, keeps the messages, views and files the app produced, serves ``response_url`` and
file-upload URLs, and can be told to fail (429 with Retry-After, 500, 503, a dropped
connection) or to enforce rate limits. Standard library only.

Example::

    with FakeSlack() as fake:
        fake.add_team()  # T0001 "Acme", token xoxb-T0001, bot user UBOT1
        fake.add_user("T0001", "U1", "ana")
        fake.add_channel("T0001", "C1", "general")
        WebClient(token="xoxb-T0001", base_url=fake.api_url).chat_postMessage(
            channel="C1", text="hi"
        )
        assert fake.messages_in("C1")[-1].text == "hi"
"""

from __future__ import annotations

import copy
import json
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

JSONDict = dict[str, Any]
T = TypeVar("T")

RESPONSE_URL_MAX_USES = 5
MODAL_STACK_LIMIT = 3


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


# --------------------------------------------------------------------------- records


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
            "team": self.team_id,
        }
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": self.deleted,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": 1700000000,
            "profile": profile,
        }


@dataclass
class Channel:
    """A public channel or the bot's DM with one user (``is_im``)."""

    team_id: str
    id: str
    name: str
    is_im: bool = False
    user: str | None = None
    is_private: bool = False

    def to_json(self) -> JSONDict:
        """Slack's ``channel`` object as ``conversations.info`` returns it."""
        body: JSONDict = {
            "id": self.id,
            "created": 1700000000,
            "is_archived": False,
            "is_im": self.is_im,
            "is_member": True,
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


@dataclass
class Event:
    """A change a subscriber hears about. ``kind`` is one of message.new, message.updated,
    message.deleted, view.opened, view.updated, view.pushed, view.closed, view.errors,
    view.published, file.shared; ``obj`` is the Message, View or UploadedFile."""

    kind: str
    obj: Any


@dataclass
class _ResponseTarget:
    team_id: str
    channel: str
    user: str
    original: Message | None
    uses: int = 0


@dataclass
class _Trigger:
    team_id: str
    user: str
    view_id: str | None
    issued_at: float
    used: bool = False


@dataclass
class _Fault:
    kind: str  # "status" or "drop"
    status: int = 500
    retry_after: int | None = None


# --------------------------------------------------------------------------- helpers


def _new_id(prefix: str, length: int = 10) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _json_arg(body: JSONDict, name: str, default: Any, error: str = "invalid_arguments") -> Any:
    value = body.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise SlackError(error, [f"[ERROR] {name} is not valid JSON"]) from exc
    return value


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _text_of(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return str(obj or "")


def _validate_blocks(blocks: Any, *, limit: int) -> list[JSONDict]:
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
        if kind == "header" and len(_text_of(block.get("text"))) > 150:
            problems.append(f"[ERROR] must be less than 151 characters {where}/text")
        if kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"[ERROR] must provide either text or fields {where}")
            if len(_text_of(block.get("text"))) > 3000:
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
                if len(_text_of(element.get("text"))) > 75:
                    problems.append(f"[ERROR] button text over 75 characters {where}")
                if len(str(element.get("value") or "")) > 2000:
                    problems.append(f"[ERROR] button value over 2000 characters {where}")
    if problems:
        raise SlackError("invalid_blocks", problems)
    return blocks


def _fill_ids(blocks: list[JSONDict]) -> list[JSONDict]:
    """Copy blocks, adding the block_id/action_id Slack generates when they are missing."""
    out = copy.deepcopy(blocks)
    for block in out:
        block.setdefault("block_id", _new_id("", 5))
        elements: list[Any] = []
        if block.get("type") == "actions":
            elements = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        for element in elements:
            if isinstance(element, dict) and "type" in element and element["type"] != "image":
                element.setdefault("action_id", _new_id("", 5))
    return out


def _parse_body(raw: bytes, content_type: str, query: str) -> JSONDict:
    """Parse a Web API request body (form, JSON or multipart). Raises ValueError if malformed."""
    body: JSONDict = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    kind = content_type.split(";")[0].strip().lower()
    if not raw.strip():
        return body
    if kind == "application/json":
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        body.update(data)
    elif kind == "multipart/form-data":
        for name, _filename, payload in _multipart_parts(raw, content_type):
            body[name] = payload.decode("utf-8", errors="replace")
    else:
        text = raw.decode("utf-8")
        body.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return body


def _multipart_parts(raw: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    parts: list[tuple[str, str | None, bytes]] = []
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        name = part.get_param("name", header="content-disposition")
        parts.append(
            (
                str(name or ""),
                part.get_filename(),
                payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client that hung up is not worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """No request logging."""

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def do_GET(self) -> None:
        self.server.fake._serve(self)


def _reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


# --------------------------------------------------------------------------- the fake


class FakeSlack:
    """A fake Slack Web API on a real HTTP port. See the module docstring."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._local = threading.local()
        self._outbox: list[Event] = []
        self._subscribers: list[Callable[[Event], None]] = []
        self.subscriber_errors: list[BaseException] = []
        self.teams: dict[str, Team] = {}
        self.orgs: dict[str, Org] = {}
        self.users: dict[tuple[str, str], User] = {}
        self.channels: dict[tuple[str, str], Channel] = {}
        self.trigger_ttl: float | None = None
        self._rate_channel: float | None = None
        self._rate_team: int | None = None
        self._handlers: dict[str, Callable[[Team, JSONDict], JSONDict]] = {
            "auth.test": self._auth_test,
            "team.info": self._team_info,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
        }
        self._clear_records()

    def _clear_records(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.views: dict[str, View] = {}
        self.files: list[UploadedFile] = []
        self.rejected_429 = 0
        self._files_by_id: dict[str, UploadedFile] = {}
        self._response_urls: dict[str, _ResponseTarget] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._oauth_codes: dict[str, tuple[str, str]] = {}
        self._posts_by_channel: dict[tuple[str, str], deque[float]] = {}
        self._posts_by_team: dict[str, deque[float]] = {}
        self._last_us = 0

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        """Start serving on a background thread; returns self."""
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), _Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's root URL, e.g. ``http://127.0.0.1:53211/``."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """The Web API base URL, for ``WebClient(base_url=...)``."""
        return self.url + "api/"

    def reset(self) -> None:
        """Forget calls, messages, views, files and faults; keep teams, users and channels."""
        with self._changing():
            self._clear_records()

    # ----------------------------------------------------------------- setup

    def add_team(
        self,
        team_id: str = "T0001",
        name: str = "Acme",
        bot_token: str = "xoxb-T0001",
        bot_user_id: str = "UBOT1",
        *,
        bot_id: str | None = None,
        domain: str | None = None,
        enterprise_id: str | None = None,
    ) -> Team:
        """Install the app in a workspace; its bot token selects it in API calls. With
        `enterprise_id` (an org from `add_org`) the workspace belongs to that org: its bot
        user is the org's, and the org's token works in it too."""
        org = self.orgs[enterprise_id] if enterprise_id else None
        team = Team(
            id=team_id,
            name=name,
            domain=domain or "".join(c for c in name.lower() if c.isalnum()) or team_id.lower(),
            bot_token=bot_token,
            bot_user_id=org.bot_user_id if org else bot_user_id,
            bot_id=org.bot_id if org else bot_id or "B" + team_id.lstrip("T"),
            enterprise_id=enterprise_id,
        )
        bot_user_id = team.bot_user_id
        with self._lock:
            self.teams[team_id] = team
            self.users[(team_id, bot_user_id)] = User(
                team_id, bot_user_id, "coach", "Automation Coach", is_bot=True, bot_id=team.bot_id
            )
        return team

    def add_org(
        self,
        enterprise_id: str = "E0001",
        name: str = "Initech",
        bot_token: str = "xoxb-E0001",
        bot_user_id: str = "WBOTE1",
    ) -> Org:
        """An Enterprise Grid org with an org-wide install; add its workspaces with
        ``add_team(..., enterprise_id=...)``. Its token acts in whichever of them a call
        names (``team_id``) or whose channel, user or trigger it uses."""
        org = Org(enterprise_id, name, bot_token, bot_user_id, "B" + enterprise_id.lstrip("E"))
        with self._lock:
            self.orgs[enterprise_id] = org
        return org

    def revoke(self, token: str) -> None:
        """Make a bot token invalid (the app was uninstalled): calls answer invalid_auth."""
        with self._lock:
            holders: list[Team | Org] = [*self.teams.values(), *self.orgs.values()]
            for holder in holders:
                if holder.bot_token == token:
                    holder.revoked = True

    def add_user(
        self,
        team_id: str,
        user_id: str,
        name: str,
        *,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        real_name: str | None = None,
        deleted: bool = False,
    ) -> User:
        """Add a workspace member."""
        user = User(
            team_id,
            user_id,
            name,
            real_name or name.title(),
            tz,
            is_admin,
            is_owner,
            deleted=deleted,
        )
        with self._lock:
            self.users[(team_id, user_id)] = user
        return user

    def user(self, team_id: str, user_id: str) -> User | None:
        """A member by id."""
        with self._lock:
            return self.users.get((team_id, user_id))

    def user_by_name(self, team_id: str, name: str) -> User | None:
        """A member by handle (``ana`` or ``@ana``)."""
        wanted = name.lstrip("@").lower()
        with self._lock:
            for (tid, _), user in self.users.items():
                if tid == team_id and user.name.lower() == wanted:
                    return user
        return None

    def add_channel(self, team_id: str, channel_id: str, name: str) -> Channel:
        """Add a public channel the bot is a member of."""
        channel = Channel(team_id, channel_id, name.lstrip("#"))
        with self._lock:
            self.channels[(team_id, channel_id)] = channel
        return channel

    def ensure_channel(self, team_id: str, channel_id: str) -> Channel:
        """The channel with that id, creating it (or the DM for a ``D…`` id) if unknown."""
        with self._lock:
            known = self.channels.get((team_id, channel_id))
            if known:
                return known
            if channel_id.startswith("D"):
                return self.dm_channel(team_id, channel_id[1:])
            return self.add_channel(team_id, channel_id, channel_id.lower())

    def dm_channel(self, team_id: str, user_id: str) -> Channel:
        """The bot's DM channel with a user (``"D" + user_id``), created on first use."""
        channel_id = "D" + user_id
        with self._lock:
            channel = self.channels.get((team_id, channel_id))
            if channel is None:
                channel = Channel(team_id, channel_id, channel_id, is_im=True, user=user_id)
                self.channels[(team_id, channel_id)] = channel
            return channel

    def team(self, team_id: str) -> Team:
        """A team by id (KeyError if not added)."""
        with self._lock:
            return self.teams[team_id]

    # ----------------------------------------------------------------- faults and limits

    def fail(
        self, method: str, *, status: int = 429, retry_after: int | None = 1, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls to ``method`` with an HTTP error and no effect."""
        with self._lock:
            queue = self._faults.setdefault(method, deque())
            queue.extend(_Fault("status", status, retry_after) for _ in range(times))

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` calls to ``method`` for ``seconds`` before answering
        (then handle them normally): a slow Slack, or a request still in flight."""
        with self._lock:
            self._delays.setdefault(method, deque()).extend(seconds for _ in range(times))

    def issue_oauth_code(self, team_id: str, user_id: str = "UINSTALLER") -> str:
        """A one-time code that ``oauth.v2.access`` exchanges for ``team_id``'s bot token,
        as Slack's redirect after "Allow" would carry. Given an org's id (``add_org``) it is
        an org-wide install: the answer has ``team`` null, the org, and the org's token."""
        code = _new_id("code-", 16)
        with self._lock:
            self._oauth_codes[code] = (team_id, user_id)
        return code

    def drop(self, method: str, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` calls to ``method``."""
        with self._lock:
            self._faults.setdefault(method, deque()).extend(_Fault("drop") for _ in range(times))

    def set_rate_limits(
        self, *, per_channel_per_second: float | None = None, per_team_per_minute: int | None = None
    ) -> None:
        """Limit chat.postMessage; beyond the limits it answers 429 with Retry-After."""
        with self._lock:
            self._rate_channel = per_channel_per_second
            self._rate_team = per_team_per_minute

    # ----------------------------------------------------------------- observing

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        """Call ``callback`` (outside the fake's lock) for every change to messages, views
        and files. Exceptions it raises are kept in ``subscriber_errors``."""
        with self._lock:
            self._subscribers.append(callback)

    def calls_to(self, method: str, *, include_failed: bool = True) -> list[Call]:
        """Recorded calls to one method."""
        with self._lock:
            return [
                c for c in self.calls if c.method == method and (include_failed or c.failed is None)
            ]

    def messages_in(
        self, channel: str, *, team_id: str | None = None, include_deleted: bool = False
    ) -> list[Message]:
        """Messages in a channel (ephemeral ones included), oldest first."""
        with self._lock:
            return [
                m
                for m in self.messages
                if m.channel == channel
                and (team_id is None or m.team_id == team_id)
                and (include_deleted or not m.deleted)
            ]

    def dms_to(self, team_id: str, user_id: str) -> list[Message]:
        """The bot's messages in its DM with a user, oldest first."""
        return [m for m in self.messages_in("D" + user_id, team_id=team_id) if m.from_bot]

    def last_message(
        self,
        channel: str | None = None,
        *,
        team_id: str | None = None,
        visible_to: str | None = None,
        from_bot: bool | None = None,
    ) -> Message | None:
        """The most recently posted message that is not deleted, optionally filtered."""
        with self._lock:
            for m in reversed(self.messages):
                if m.deleted or (channel is not None and m.channel != channel):
                    continue
                if team_id is not None and m.team_id != team_id:
                    continue
                if visible_to is not None and not m.visible_to(visible_to):
                    continue
                if from_bot is not None and m.from_bot != from_bot:
                    continue
                return m
        return None

    def find_message(self, team_id: str, channel: str, ts: str) -> Message | None:
        """A message by its channel and ts."""
        with self._lock:
            for m in self.messages:
                if m.team_id == team_id and m.channel == channel and m.ts == ts:
                    return m
        return None

    def home_of(self, team_id: str, user_id: str) -> View | None:
        """The Home tab last published for a user."""
        with self._lock:
            for v in self.views.values():
                if v.kind == "home" and v.team_id == team_id and v.user == user_id:
                    return v
        return None

    def open_modals(self, team_id: str, user_id: str) -> list[View]:
        """The user's open modals, oldest first (the last is on top)."""
        with self._lock:
            return [
                v
                for v in self.views.values()
                if v.kind == "modal" and v.open and v.team_id == team_id and v.user == user_id
            ]

    def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0) -> T:
        """Wait until ``predicate()`` is truthy (checked on every change) and return it.

        Example: ``msg = fake.wait_for(lambda: fake.last_message("C1"))``.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s")
                self._cond.wait(min(remaining, 0.05))

    # ----------------------------------------------------------------- simulator hooks

    def issue_trigger_id(self, team_id: str, user_id: str, *, view_id: str | None = None) -> str:
        """A new trigger_id, usable once by views.open/push (as if the user just acted)."""
        trigger = f"{int(time.time() * 1000)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        with self._lock:
            self._triggers[trigger] = _Trigger(team_id, user_id, view_id, time.time())
        return trigger

    def new_response_url(
        self, team_id: str, channel: str, user: str, *, original: Message | None = None
    ) -> str:
        """A response_url on this server, answering for ``original`` (if any)."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._response_urls[key] = _ResponseTarget(team_id, channel, user, original)
        return f"{self.url}response/{key}"

    def new_ts(self) -> str:
        """A fresh, strictly increasing Slack timestamp (``"1700000000.000100"``)."""
        with self._lock:
            return self._next_ts()

    def set_response_original(self, response_url: str, original: Message) -> None:
        """Make ``replace_original``/``delete_original`` on a response_url act on ``original``."""
        with self._lock:
            target = self._response_urls.get(response_url.rsplit("/", 1)[-1])
            if target is not None:
                target.original = original

    def set_view_errors(self, view: View, errors: dict[str, str] | None) -> None:
        """Show field errors on an open modal (``response_action: errors``)."""
        with self._changing():
            view.errors = dict(errors or {})
            self._emit("view.errors", view)

    def record_ack_message(self, team_id: str, channel: str, user: str, body: JSONDict) -> Message:
        """Store the message an app put in its acknowledgement of a slash command."""
        with self._changing():
            in_channel = body.get("response_type") == "in_channel"
            message = self._store_message(
                team_id,
                channel,
                text=str(body.get("text") or ""),
                blocks=_fill_ids(_validate_blocks(body.get("blocks") or [], limit=50)),
                user=user if not in_channel else None,
                ephemeral=not in_channel,
                source="ack",
            )
            message.response_url = self.new_response_url(team_id, channel, user, original=message)
            return message

    def post_user_message(
        self, team_id: str, channel: str, user: str, text: str, *, thread_ts: str | None = None
    ) -> Message:
        """Record a message a person posted (for mentions and reactions to refer to)."""
        with self._changing():
            self.ensure_channel(team_id, channel)
            return self._store_message(
                team_id,
                channel,
                text=text,
                thread_ts=thread_ts,
                user=user,
                from_bot=False,
                source="user",
            )

    def add_reaction(self, message: Message, user: str, reaction: str) -> None:
        """Record that a person reacted to a message."""
        with self._changing():
            who = message.reactions.setdefault(reaction, [])
            if user not in who:
                who.append(user)
            self._emit("message.updated", message)

    def remove_reaction(self, message: Message, user: str, reaction: str) -> None:
        """Record that a person took a reaction back."""
        with self._changing():
            who = message.reactions.get(reaction, [])
            if user in who:
                who.remove(user)
            self._emit("message.updated", message)

    def replace_view(self, view: View, new_view: JSONDict) -> View:
        """Replace a view's content (``response_action: update``)."""
        with self._changing():
            self._update_view(view, self._check_view(new_view, view.kind), None)
            return view

    def push_view(self, parent: View, new_view: JSONDict) -> View:
        """Push a view on a modal's stack (``response_action: push``)."""
        with self._changing():
            return self._push_view(parent, self._check_view(new_view, "modal"))

    def close_view(self, view: View, *, whole_stack: bool = False) -> None:
        """Close a modal (and, with ``whole_stack``, every view in its stack)."""
        with self._changing():
            targets = list(view.stack) if whole_stack else [view.id]
            for view_id in targets:
                target = self.views.get(view_id)
                if target is not None and target.open:
                    target.open = False
                    self._emit("view.closed", target)

    # ----------------------------------------------------------------- internals

    @contextmanager
    def _changing(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            with self._cond:
                yield
                self._cond.notify_all()
        finally:
            self._local.depth = depth
        if depth == 0:
            self._flush_events()

    def _emit(self, kind: str, obj: Any) -> None:
        self._outbox.append(Event(kind, obj))

    def _flush_events(self) -> None:
        with self._lock:
            events, self._outbox = self._outbox, []
            subscribers = list(self._subscribers)
        for event in events:
            for callback in subscribers:
                try:
                    callback(event)
                except Exception as exc:  # a broken console must not break the fake
                    self.subscriber_errors.append(exc)

    def _next_ts(self) -> str:
        us = max(self._last_us + 1, int(time.time() * 1_000_000))
        self._last_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def _store_message(
        self,
        team_id: str,
        channel: str,
        *,
        text: str = "",
        blocks: list[JSONDict] | None = None,
        thread_ts: str | None = None,
        user: str | None = None,
        ephemeral: bool = False,
        from_bot: bool = True,
        source: str = "api",
    ) -> Message:
        team = self.teams.get(team_id)
        if from_bot and not ephemeral and user is None and team is not None:
            user = team.bot_user_id
        message = Message(
            team_id=team_id,
            channel=channel,
            ts=self._next_ts(),
            text=text,
            blocks=blocks or [],
            thread_ts=thread_ts or None,
            user=user,
            ephemeral=ephemeral,
            from_bot=from_bot,
            source=source,
            bot_id=team.bot_id if team and from_bot else None,
        )
        self.messages.append(message)
        self._emit("message.new", message)
        return message

    # ----------------------------------------------------------------- HTTP

    def _serve(self, handler: _Handler) -> None:
        try:
            parts = urlsplit(handler.path)
            try:
                length = int(handler.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                _reply(handler, 400, b'{"ok":false,"error":"invalid_arguments"}')
                return
            raw = handler.rfile.read(length) if length else b""
            path = parts.path
            if path.startswith("/api/"):
                self._serve_api(handler, path[len("/api/") :], raw, parts.query)
            elif path.startswith("/response/"):
                self._serve_response_url(handler, path[len("/response/") :], raw)
            elif path.startswith("/upload/"):
                self._serve_upload(handler, path[len("/upload/") :], raw)
            elif path == "/":
                _reply(handler, 200, b"fake slack\n", "text/plain")
            else:
                _reply(handler, 404, b"not found\n", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:
            with suppress(OSError):
                _reply(handler, 500, b'{"ok":false,"error":"internal_error"}')
        finally:
            self._flush_events()

    def _record(
        self, method: str, handler: _Handler, body: JSONDict, team: Team | None, raw: bytes
    ) -> tuple[Call, _Fault | None]:
        call = Call(
            method,
            dict(handler.headers.items()),
            body,
            team.id if team else None,
            time.time(),
            raw=raw,
        )
        self.calls.append(call)
        queue = self._faults.get(method)
        fault = queue.popleft() if queue else None
        if fault is not None:
            call.failed = "drop" if fault.kind == "drop" else str(fault.status)
            call.status = 0 if fault.kind == "drop" else fault.status
        return call, fault

    def _answer_fault(self, handler: _Handler, fault: _Fault) -> None:
        if fault.kind == "drop":
            handler.close_connection = True
            return
        headers: dict[str, str] = {}
        if fault.retry_after is not None and fault.status in (429, 503):
            headers["Retry-After"] = str(fault.retry_after)
        error = {429: "ratelimited", 503: "service_unavailable"}.get(fault.status, "internal_error")
        _reply(
            handler,
            fault.status,
            json.dumps({"ok": False, "error": error}).encode(),
            headers=headers,
        )

    def _serve_api(self, handler: _Handler, method: str, raw: bytes, query: str) -> None:
        with self._lock:
            pending = self._delays.get(method)
            hold = pending.popleft() if pending else 0.0
        if hold:
            time.sleep(hold)
        if method == "oauth.v2.access":
            self._serve_oauth(handler, raw, query)
            return
        content_type = handler.headers.get("Content-Type") or ""
        body: JSONDict | None
        try:
            body = _parse_body(raw, content_type, query)
        except (ValueError, UnicodeDecodeError):
            body = None
        auth = handler.headers.get("Authorization") or ""
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""
        token = token or str((body or {}).get("token") or "")
        status, extra_headers = 200, {}
        with self._changing():
            org = self._org_of(token)
            team, refused = self._team_for(token, org, body or {})
            call, fault = self._record(method, handler, body or {}, team, raw)
            if fault is None:
                try:
                    if body is None:
                        raise SlackError("invalid_arguments", ["[ERROR] malformed request body"])
                    action = self._handlers.get(method)
                    if action is None:
                        raise SlackError("unknown_method")
                    if not token:
                        raise SlackError("not_authed")
                    if method == "auth.test" and org and refused in ("", "missing_argument"):
                        action = partial(self._org_auth_test, org)
                    elif team is None:
                        raise SlackError(refused)
                    if method == "chat.postMessage" and team is not None:
                        wait = self._rate_limited(team, body)
                        if wait is not None:
                            self.rejected_429 += 1
                            call.failed, call.status = "ratelimited", 429
                            status, extra_headers = 429, {"Retry-After": str(wait)}
                            raise SlackError("ratelimited")
                    payload = {"ok": True, **action(team, body)}  # type: ignore[arg-type]
                except SlackError as exc:
                    payload = exc.payload()
                call.response = payload
        if fault is not None:
            self._answer_fault(handler, fault)
            return
        _reply(handler, status, json.dumps(payload).encode(), headers=extra_headers)

    def _org_of(self, token: str) -> Org | None:
        """The org whose org-wide token this is, if any."""
        return next((o for o in self.orgs.values() if token and o.bot_token == token), None)

    def _team_for(self, token: str, org: Org | None, body: JSONDict) -> tuple[Team | None, str]:
        """The workspace a call acts in, or None and the error Slack would answer: a
        workspace's token is its own; an org-wide token acts in the org's workspace that
        the call names (``team_id``, as slack_sdk sends it) or whose objects it uses."""
        for team in self.teams.values():
            if team.bot_token == token and not team.revoked:
                return team, ""
        if org is None or org.revoked:
            return None, "invalid_auth"
        members = [t for t in self.teams.values() if t.enterprise_id == org.id]
        wanted = str(body.get("team_id") or "")
        if wanted:
            named = next((t for t in members if t.id == wanted), None)
            return (named, "") if named else (None, "team_access_not_granted")
        found = next((t for t in members if self._uses(t, body)), None)
        return (found, "") if found else (None, "missing_argument")

    def _uses(self, team: Team, body: JSONDict) -> bool:
        """Whether a call's channel, user or trigger belongs to ``team``."""
        channel = str(body.get("channel") or body.get("channel_id") or "")
        if (team.id, channel) in self.channels or (
            channel.startswith("D") and (team.id, channel[1:]) in self.users
        ):
            return True
        users = str(body.get("user") or body.get("user_id") or body.get("users") or "")
        if users and (team.id, users.split(",")[0].strip()) in self.users:
            return True
        trigger = self._triggers.get(str(body.get("trigger_id") or ""))
        return trigger is not None and trigger.team_id == team.id

    def _org_auth_test(self, org: Org, team: Team | None, body: JSONDict) -> JSONDict:
        """``auth.test`` with an org-wide token: the workspace it names, else the org."""
        return {
            "url": f"https://{(team.domain if team else org.id.lower())}.slack.com/",
            "team": team.name if team else org.name,
            "user": "coach",
            "team_id": team.id if team else org.id,
            "user_id": org.bot_user_id,
            "bot_id": org.bot_id,
            "enterprise_id": org.id,
            "is_enterprise_install": True,
        }

    def _rate_limited(self, team: Team, body: JSONDict) -> int | None:
        """Seconds to wait if this chat.postMessage breaks a limit, else None (and count it).

        Posts are always counted, so limits set later see the recent past too.
        """
        now = time.time()
        by_channel = self._posts_by_channel.setdefault(
            (team.id, str(body.get("channel") or "")), deque()
        )
        by_team = self._posts_by_team.setdefault(team.id, deque())
        for times in (by_channel, by_team):
            while times and times[0] <= now - 60:
                times.popleft()
        checks: list[tuple[deque[float], float, int]] = []
        if self._rate_channel:
            window = max(1.0, 1.0 / self._rate_channel)
            checks.append((by_channel, window, max(1, round(self._rate_channel * window))))
        if self._rate_team:
            checks.append((by_team, 60.0, self._rate_team))
        for times, window, allowed in checks:
            recent = [t for t in times if t > now - window]
            if len(recent) >= allowed:
                return max(1, math.ceil(recent[-allowed] + window - now))
        by_channel.append(now)
        by_team.append(now)
        return None

    def _serve_response_url(self, handler: _Handler, key: str, raw: bytes) -> None:
        with self._changing():
            target = self._response_urls.get(key)
            team = self.teams.get(target.team_id) if target else None
            try:
                text = raw.decode("utf-8")
                if (handler.headers.get("Content-Type") or "").startswith("application/json"):
                    body: JSONDict | None = json.loads(text)
                else:
                    form = parse_qs(text)
                    body = (
                        json.loads(form["payload"][-1]) if "payload" in form else json.loads(text)
                    )
                if not isinstance(body, dict):
                    body = None
            except (ValueError, UnicodeDecodeError, KeyError):
                body = None
            call, fault = self._record("response_url", handler, body or {}, team, raw)
            answer: tuple[int, bytes] = (200, b"ok")
            if fault is None:
                if target is None or target.uses >= RESPONSE_URL_MAX_USES:
                    answer = (404, b"expired_url")
                elif body is None:
                    answer = (400, b"invalid_payload")
                else:
                    answer = self._apply_response(target, body)
                    if answer[0] == 200:
                        target.uses += 1
                call.status = answer[0]
        if fault is not None:
            self._answer_fault(handler, fault)
        else:
            _reply(handler, answer[0], answer[1], "text/html")

    def _apply_response(self, target: _ResponseTarget, body: JSONDict) -> tuple[int, bytes]:
        original = target.original
        try:
            blocks = _fill_ids(_validate_blocks(_json_arg(body, "blocks", []), limit=50))
        except SlackError as exc:
            return 400, exc.code.encode()
        text = str(body.get("text") or "")
        if _as_bool(body.get("delete_original")):
            if original is not None and not original.deleted:
                original.deleted = True
                self._emit("message.deleted", original)
            return 200, b"ok"
        if _as_bool(body.get("replace_original")) and original is not None:
            original.text, original.blocks = text, blocks
            original.updated += 1
            self._emit("message.updated", original)
            return 200, b"ok"
        if not text and not blocks:
            return 400, b"no_text"
        in_channel = body.get("response_type") == "in_channel"
        message = self._store_message(
            target.team_id,
            target.channel,
            text=text,
            blocks=blocks,
            thread_ts=str(body.get("thread_ts") or "") or None,
            user=None if in_channel else target.user,
            ephemeral=not in_channel,
            source="response_url",
        )
        message.response_url = self.new_response_url(
            target.team_id, target.channel, target.user, original=message
        )
        if target.original is None:
            target.original = message
        return 200, b"ok"

    def _serve_upload(self, handler: _Handler, file_id: str, raw: bytes) -> None:
        with self._changing():
            upload = self._files_by_id.get(file_id)
            team = self.teams.get(upload.team_id) if upload else None
            call, fault = self._record("upload", handler, {"file_id": file_id}, team, raw)
            answer: tuple[int, bytes] = (200, f"OK - {len(raw)}".encode())
            if fault is None:
                content_type = handler.headers.get("Content-Type") or ""
                content = raw
                if content_type.startswith("multipart/form-data"):
                    try:
                        parts = _multipart_parts(raw, content_type)
                        content = parts[0][2] if parts else b""
                    except (ValueError, IndexError):
                        content = b""
                        answer = (400, b"invalid_multipart")
                if upload is None:
                    answer = (404, b"file_not_found")
                elif answer[0] == 200:
                    upload.content, upload.length, upload.uploaded = content, len(content), True
                    if upload not in self.files:
                        self.files.append(upload)
                    answer = (200, f"OK - {len(content)}".encode())
                call.status = answer[0]
        if fault is not None:
            self._answer_fault(handler, fault)
        else:
            _reply(handler, answer[0], answer[1], "text/plain")

    # ----------------------------------------------------------------- methods: team, users

    def _serve_oauth(self, handler: _Handler, raw: bytes, query: str) -> None:
        """``oauth.v2.access``: exchange a code from ``issue_oauth_code`` for a bot token."""
        try:
            body = _parse_body(raw, handler.headers.get("Content-Type") or "", query)
        except (ValueError, UnicodeDecodeError):
            body = {}
        with self._changing():
            self.calls.append(
                Call(
                    "oauth.v2.access",
                    dict(handler.headers.items()),
                    body,
                    None,
                    time.time(),
                    raw=raw,
                )
            )
            found = self._oauth_codes.pop(str(body.get("code") or ""), None)
            answer = self._installed(*found) if found else None
        if answer is None:
            _reply(handler, 200, json.dumps({"ok": False, "error": "invalid_code"}).encode())
            return
        _reply(handler, 200, json.dumps(answer).encode())

    def _installed(self, installed_in: str, user_id: str) -> JSONDict | None:
        """``oauth.v2.access``'s answer for an install in a workspace (of an org or not),
        or org-wide (``team`` null, ``is_enterprise_install`` true: the org's token)."""
        org = self.orgs.get(installed_in)
        team = self.teams.get(installed_in)
        if org is None and team is None:
            return None
        if team is not None and team.enterprise_id:
            org = self.orgs[team.enterprise_id]
        return {
            "ok": True,
            "app_id": "A0COACH01",
            "authed_user": {"id": user_id},
            "scope": "app_mentions:read,chat:write,commands,files:write,im:write,"
            "reactions:read,users:read",
            "token_type": "bot",
            "access_token": team.bot_token if team else org.bot_token,  # type: ignore[union-attr]
            "bot_user_id": team.bot_user_id if team else org.bot_user_id,  # type: ignore[union-attr]
            "team": {"id": team.id, "name": team.name} if team else None,
            "enterprise": {"id": org.id, "name": org.name} if org else None,
            "is_enterprise_install": team is None,
        }

    def _auth_test(self, team: Team, body: JSONDict) -> JSONDict:
        return {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "coach",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
            **({"enterprise_id": team.enterprise_id} if team.enterprise_id else {}),
        }

    def _team_info(self, team: Team, body: JSONDict) -> JSONDict:
        return {
            "team": {
                "id": team.id,
                "name": team.name,
                "domain": team.domain,
                "email_domain": f"{team.domain}.example",
                "icon": {"image_default": True},
            }
        }

    def _users_info(self, team: Team, body: JSONDict) -> JSONDict:
        user = self.users.get((team.id, str(body.get("user") or "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user.to_json()}

    # ----------------------------------------------------------------- methods: conversations

    def _resolve_channel(self, team: Team, channel_ref: Any) -> Channel:
        ref = str(channel_ref or "")
        if not ref:
            raise SlackError("channel_not_found")
        channel = self.channels.get((team.id, ref))
        if channel is not None:
            return channel
        if (team.id, ref) in self.users:
            return self.dm_channel(team.id, ref)
        if ref.startswith("D") and (team.id, ref[1:]) in self.users:
            return self.dm_channel(team.id, ref[1:])
        name = ref.lstrip("#")
        for (tid, _), candidate in self.channels.items():
            if tid == team.id and not candidate.is_im and candidate.name == name:
                return candidate
        raise SlackError("channel_not_found")

    def _conversations_open(self, team: Team, body: JSONDict) -> JSONDict:
        if body.get("channel"):
            return {"channel": {"id": self._resolve_channel(team, body["channel"]).id}}
        users = [u.strip() for u in str(body.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        if len(users) > 1:
            raise SlackError("not_supported", ["[ERROR] the fake opens one-to-one DMs only"])
        if (team.id, users[0]) not in self.users:
            raise SlackError("user_not_found")
        if users[0] == team.bot_user_id:
            raise SlackError("cannot_dm_bot")
        channel = self.dm_channel(team.id, users[0])
        if _as_bool(body.get("return_im")):
            return {"channel": channel.to_json()}
        return {"channel": {"id": channel.id}}

    def _conversations_info(self, team: Team, body: JSONDict) -> JSONDict:
        channel = self.channels.get((team.id, str(body.get("channel") or "")))
        if channel is None:
            raise SlackError("channel_not_found")
        return {"channel": channel.to_json()}

    # ----------------------------------------------------------------- methods: chat

    def _message_content(self, body: JSONDict) -> tuple[str, list[JSONDict]]:
        blocks = _validate_blocks(_json_arg(body, "blocks", [], "invalid_blocks_format"), limit=50)
        text = str(body.get("text") or "")
        attachments = _json_arg(body, "attachments", [], "invalid_attachments")
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        return text, _fill_ids(blocks)

    def _chat_post_message(self, team: Team, body: JSONDict) -> JSONDict:
        channel = self._resolve_channel(team, body.get("channel"))
        text, blocks = self._message_content(body)
        message = self._store_message(
            team.id, channel.id, text=text, blocks=blocks, thread_ts=_opt_str(body.get("thread_ts"))
        )
        message.metadata = _json_arg(body, "metadata", None)
        return {"channel": channel.id, "ts": message.ts, "message": message.to_json()}

    def _chat_post_ephemeral(self, team: Team, body: JSONDict) -> JSONDict:
        channel = self._resolve_channel(team, body.get("channel"))
        user_id = str(body.get("user") or "")
        if not user_id:
            raise SlackError("invalid_arguments", ["[ERROR] missing required field: user"])
        if (team.id, user_id) not in self.users:
            raise SlackError("user_not_found")
        text, blocks = self._message_content(body)
        message = self._store_message(
            team.id,
            channel.id,
            text=text,
            blocks=blocks,
            thread_ts=_opt_str(body.get("thread_ts")),
            user=user_id,
            ephemeral=True,
        )
        return {"message_ts": message.ts}

    def _find_bot_message(self, team: Team, body: JSONDict) -> Message:
        channel = self._resolve_channel(team, body.get("channel"))
        message = self.find_message(team.id, channel.id, str(body.get("ts") or ""))
        if message is None or message.deleted or message.ephemeral:
            raise SlackError("message_not_found")
        if not message.from_bot:
            raise SlackError("cant_update_message")
        return message

    def _chat_update(self, team: Team, body: JSONDict) -> JSONDict:
        message = self._find_bot_message(team, body)
        if "blocks" in body:
            blocks = _json_arg(body, "blocks", [], "invalid_blocks_format")
            message.blocks = _fill_ids(_validate_blocks(blocks, limit=50))
        if "text" in body:
            message.text = str(body.get("text") or "")
        if not message.text and not message.blocks:
            raise SlackError("no_text")
        message.updated += 1
        self._emit("message.updated", message)
        return {
            "channel": message.channel,
            "ts": message.ts,
            "text": message.text,
            "message": message.to_json(),
        }

    def _chat_delete(self, team: Team, body: JSONDict) -> JSONDict:
        message = self._find_bot_message(team, body)
        message.deleted = True
        self._emit("message.deleted", message)
        return {"channel": message.channel, "ts": message.ts}

    def _chat_get_permalink(self, team: Team, body: JSONDict) -> JSONDict:
        channel = self._resolve_channel(team, body.get("channel"))
        ts = str(body.get("message_ts") or "")
        if self.find_message(team.id, channel.id, ts) is None:
            raise SlackError("message_not_found")
        link = f"https://{team.domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        return {"channel": channel.id, "permalink": link}

    # ----------------------------------------------------------------- methods: views

    def _check_view(self, view: Any, kind: str) -> JSONDict:
        if not isinstance(view, dict) or view.get("type") != kind:
            raise SlackError("invalid_arguments", [f"[ERROR] view.type must be {kind}"])
        problems: list[str] = []
        if kind == "modal":
            if len(_text_of(view.get("title"))) == 0:
                problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
            for key in ("title", "submit", "close"):
                if len(_text_of(view.get(key))) > 24:
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
        _validate_blocks(view.get("blocks") or [], limit=100)
        return view

    def _full_view(self, team: Team, view_id: str, view: JSONDict) -> JSONDict:
        full: JSONDict = {
            "id": view_id,
            "team_id": team.id,
            "type": view["type"],
            "blocks": _fill_ids(list(view.get("blocks") or [])),
            "private_metadata": str(view.get("private_metadata") or ""),
            "callback_id": str(view.get("callback_id") or ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": "A0COACH01",
            "external_id": str(view.get("external_id") or ""),
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }
        if view["type"] == "home":
            for key in ("title", "close", "submit", "clear_on_close", "notify_on_close"):
                full.pop(key, None)
        return full

    def _use_trigger(self, team: Team, body: JSONDict) -> _Trigger:
        trigger = self._triggers.get(str(body.get("trigger_id") or ""))
        if trigger is None or trigger.team_id != team.id:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self.trigger_ttl is not None and time.time() - trigger.issued_at > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _external_id_taken(self, team: Team, view: JSONDict) -> None:
        external = view.get("external_id")
        if external and any(
            v.team_id == team.id and v.view.get("external_id") == external
            for v in self.views.values()
        ):
            raise SlackError("duplicate_external_id")

    def _views_open(self, team: Team, body: JSONDict) -> JSONDict:
        view = self._check_view(_json_arg(body, "view", None), "modal")
        self._external_id_taken(team, view)
        trigger = self._use_trigger(team, body)
        view_id = _new_id("V")
        opened = View(view_id, team.id, trigger.user, self._full_view(team, view_id, view), "modal")
        opened.stack = [view_id]
        self.views[view_id] = opened
        self._emit("view.opened", opened)
        return {"view": copy.deepcopy(opened.view)}

    def _push_view(self, parent: View, view: JSONDict) -> View:
        if len(parent.stack) >= MODAL_STACK_LIMIT:
            raise SlackError("push_limit_reached")
        team = self.teams[parent.team_id]
        view_id = _new_id("V")
        full = self._full_view(team, view_id, view)
        full["previous_view_id"] = parent.stack[-1]
        full["root_view_id"] = parent.stack[0]
        pushed = View(view_id, team.id, parent.user, full, "modal", stack=parent.stack)
        parent.stack.append(view_id)
        self.views[view_id] = pushed
        self._emit("view.pushed", pushed)
        return pushed

    def _views_push(self, team: Team, body: JSONDict) -> JSONDict:
        view = self._check_view(_json_arg(body, "view", None), "modal")
        trigger = self._use_trigger(team, body)
        parent = self.views.get(trigger.view_id or "")
        if parent is None or not parent.open:
            modals = self.open_modals(team.id, trigger.user)
            parent = modals[-1] if modals else None
        if parent is None:
            raise SlackError("not_found", ["[ERROR] no open modal to push onto"])
        return {"view": copy.deepcopy(self._push_view(parent, view).view)}

    def _update_view(self, target: View, view: JSONDict, expected_hash: str | None) -> None:
        if expected_hash and expected_hash != target.hash:
            raise SlackError("hash_conflict")
        team = self.teams[target.team_id]
        full = self._full_view(team, target.id, view)
        full["previous_view_id"] = target.view.get("previous_view_id")
        full["root_view_id"] = target.view.get("root_view_id")
        target.view = full
        target.errors = None
        self._emit("view.updated", target)

    def _views_update(self, team: Team, body: JSONDict) -> JSONDict:
        view_id, external = str(body.get("view_id") or ""), str(body.get("external_id") or "")
        target = self.views.get(view_id) if view_id else None
        if target is None and external:
            target = next(
                (
                    v
                    for v in self.views.values()
                    if v.team_id == team.id and v.view.get("external_id") == external
                ),
                None,
            )
        if target is None or target.team_id != team.id:
            raise SlackError("not_found")
        view = self._check_view(_json_arg(body, "view", None), target.kind)
        self._update_view(target, view, str(body.get("hash") or "") or None)
        return {"view": copy.deepcopy(target.view)}

    def _views_publish(self, team: Team, body: JSONDict) -> JSONDict:
        user_id = str(body.get("user_id") or "")
        if (team.id, user_id) not in self.users:
            raise SlackError("user_not_found")
        view = self._check_view(_json_arg(body, "view", None), "home")
        home = self.home_of(team.id, user_id)
        if home is None:
            view_id = _new_id("V")
            home = View(view_id, team.id, user_id, self._full_view(team, view_id, view), "home")
            self.views[view_id] = home
        else:
            self._update_view(home, view, str(body.get("hash") or "") or None)
        self._emit("view.published", home)
        return {"view": copy.deepcopy(home.view)}

    # ----------------------------------------------------------------- methods: files

    def _files_get_upload_url(self, team: Team, body: JSONDict) -> JSONDict:
        filename = str(body.get("filename") or "")
        try:
            length = int(body.get("length") or 0)
        except (TypeError, ValueError) as exc:
            raise SlackError("invalid_arguments") from exc
        if not filename or length <= 0:
            raise SlackError("invalid_arguments", ["[ERROR] filename and length are required"])
        upload = UploadedFile(_new_id("F"), team.id, filename, length=length)
        self._files_by_id[upload.id] = upload
        return {"upload_url": f"{self.url}upload/{upload.id}", "file_id": upload.id}

    def _file_json(self, upload: UploadedFile) -> JSONDict:
        return {
            "id": upload.id,
            "name": upload.filename,
            "title": upload.title or upload.filename,
            "size": upload.length,
            "channels": [upload.channel] if upload.channel else [],
            "url_private": f"{self.url}files/{upload.id}",
            "permalink": f"https://slack.example/files/{upload.id}",
        }

    def _files_complete_upload(self, team: Team, body: JSONDict) -> JSONDict:
        entries = _json_arg(body, "files", None)
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments", ["[ERROR] files must be a non-empty list"])
        uploads: list[tuple[UploadedFile, JSONDict]] = []
        for entry in entries:
            upload = self._files_by_id.get(str(entry.get("id") if isinstance(entry, dict) else ""))
            if upload is None or upload.team_id != team.id:
                raise SlackError("file_not_found")
            if not upload.uploaded:
                raise SlackError("file_upload_not_complete")
            uploads.append((upload, entry))
        channel_ref = body.get("channel_id") or body.get("channels")
        channel = (
            self._resolve_channel(team, str(channel_ref).split(",")[0]) if channel_ref else None
        )
        comment = str(body.get("initial_comment") or "") or None
        thread_ts = str(body.get("thread_ts") or "") or None
        for upload, entry in uploads:
            upload.title = str(entry.get("title") or upload.filename)
            upload.channel = channel.id if channel else None
            upload.initial_comment, upload.thread_ts = comment, thread_ts
            upload.shared = channel is not None
        if channel is not None:
            message = self._store_message(
                team.id, channel.id, text=comment or "", thread_ts=thread_ts
            )
            message.files = [upload.id for upload, _ in uploads]
            for upload, _ in uploads:
                self._emit("file.shared", upload)
        return {"files": [self._file_json(upload) for upload, _ in uploads]}

    def _files_info(self, team: Team, body: JSONDict) -> JSONDict:
        upload = self._files_by_id.get(str(body.get("file") or ""))
        if upload is None or upload.team_id != team.id:
            raise SlackError("file_not_found")
        return {"file": self._file_json(upload)}
