"""The people's side of Slack: builds the requests Slack sends to an app, signs them as
Slack does, and POSTs them to the app's events URL over real HTTP.

Works with :class:`~bot.standin.fakeslack.FakeSlack`, which holds the workspace (users,
channels, messages, views) and receives the app's Web API calls.

Example::

    sim = SlackSimulator(fake, "http://127.0.0.1:3000/slack/events", "secret")
    reply = sim.slash("U1", "C1", "Reconcile payouts 45m")
    sim.click("U1", reply.message, index=1)      # first button of the ephemeral answer
    sim.submit("U1", fake.open_modals("T0001", "U1")[-1], {"title": "Reconcile"})
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.standin.fakeslack import FakeSlack, Message, View
from bot.standin.render import interactive_elements

JSONDict = dict[str, Any]

_TEXT_INPUTS = {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
_ONE_OPTION = {"static_select", "external_select", "radio_buttons", "overflow"}
_MANY_OPTIONS = {"multi_static_select", "multi_external_select", "checkboxes"}
_PICKERS = {
    "users_select": "selected_user",
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
}
_MULTI_PICKERS = {
    "multi_users_select": "selected_users",
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
}
_INITIAL = {
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


@dataclass
class Reply:
    """The app's HTTP answer. ``message`` is the message the request created or stored, if
    any (the person's post for ``mention``, the acknowledged reply for ``slash``)."""

    status: int
    body: bytes
    json: JSONDict | None
    elapsed: float
    headers: dict[str, str] | None = None
    message: Message | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


def slack_signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's request signature: ``v0=`` + HMAC-SHA256 of ``v0:{ts}:{body}``."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _plain(text: str) -> JSONDict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _options(element: JSONDict) -> list[JSONDict]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found.extend(group.get("options") or [])
    return found


def _label(obj: Any) -> str:
    return str(obj.get("text") or "") if isinstance(obj, dict) else str(obj or "")


def _find_option(element: JSONDict, wanted: Any) -> JSONDict:
    wanted_text = str(wanted).strip().lower()
    options = _options(element)
    for option in options:
        if str(option.get("value")) == str(wanted) or _label(option.get("text")).lower() == (
            wanted_text
        ):
            return copy.deepcopy(option)
    if not options:  # external_select: options come from the app; take the value as given
        return {"text": _plain(str(wanted)), "value": str(wanted)}
    choices = ", ".join(str(o.get("value")) for o in options)
    raise ValueError(f"{wanted!r} is not an option of {element.get('action_id')} ({choices})")


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [value]


class SlackSimulator:
    """Sends what Slack would send to the app at ``app_url`` on behalf of people."""

    def __init__(
        self,
        fake: FakeSlack,
        app_url: str,
        signing_secret: str,
        *,
        team_id: str = "T0001",
        timeout: float = 10.0,
        api_app_id: str = "A0COACH01",
        verification_token: str = "fake-verification-token",
    ) -> None:
        self.fake = fake
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.timeout = timeout
        self.api_app_id = api_app_id
        self.verification_token = verification_token
        self.last_event_id: str | None = None

    def for_team(self, team_id: str) -> SlackSimulator:
        """The same simulator acting in another workspace."""
        return SlackSimulator(
            self.fake,
            self.app_url,
            self.signing_secret,
            team_id=team_id,
            timeout=self.timeout,
            api_app_id=self.api_app_id,
            verification_token=self.verification_token,
        )

    # ----------------------------------------------------------------- transport

    def post_raw(
        self,
        body: bytes,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        timestamp: int | None = None,
        bad_signature: bool = False,
    ) -> Reply:
        """POST bytes to the app, signed unless ``sign=False``; for hostile-input tests."""
        sent = {"Content-Type": content_type}
        if sign:
            stamp = int(time.time()) if timestamp is None else timestamp
            signature = slack_signature(self.signing_secret, stamp, body)
            if bad_signature:
                signature = "v0=" + ("0" if signature[-1] != "0" else "1") * 64
            sent["X-Slack-Request-Timestamp"] = str(stamp)
            sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        request = urllib.request.Request(self.app_url, data=body, headers=sent, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, data = response.status, response.read()
                answer_headers = dict(response.headers.items())
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
            answer_headers = dict(error.headers.items())
        elapsed = time.monotonic() - started
        parsed: JSONDict | None = None
        if data.strip():
            try:
                loaded = json.loads(data)
                parsed = loaded if isinstance(loaded, dict) else None
            except ValueError:
                parsed = None
        return Reply(status, data, parsed, elapsed, answer_headers)

    def _post_form(self, fields: dict[str, str], **signing: Any) -> Reply:
        return self.post_raw(
            urlencode(fields).encode(), content_type="application/x-www-form-urlencoded", **signing
        )

    def _post_payload(self, payload: JSONDict) -> Reply:
        return self._post_form({"payload": json.dumps(payload)})

    # ----------------------------------------------------------------- who is who

    def _team(self) -> JSONDict:
        team = self.fake.team(self.team_id)
        return {"id": team.id, "domain": team.domain}

    def _user(self, user_id: str) -> JSONDict:
        user = self.fake.user(self.team_id, user_id)
        name = user.name if user else user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _channel(self, channel_id: str) -> JSONDict:
        channel = self.fake.ensure_channel(self.team_id, channel_id)
        return {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name}

    # ----------------------------------------------------------------- slash commands

    def slash(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        *,
        command: str = "/manual-task",
        sign: bool = True,
        bad_signature: bool = False,
        timestamp: int | None = None,
    ) -> Reply:
        """Run a slash command; an answer in the acknowledgement is stored as a message."""
        team = self._team()
        channel = self._channel(channel_id)
        response_url = self.fake.new_response_url(self.team_id, channel["id"], user_id)
        fields = {
            "token": self.verification_token,
            "team_id": self.team_id,
            "team_domain": team["domain"],
            "channel_id": channel["id"],
            "channel_name": channel["name"],
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id),
        }
        reply = self._post_form(fields, sign=sign, bad_signature=bad_signature, timestamp=timestamp)
        if reply.status == 200 and reply.body.strip():
            answer = reply.json if reply.json is not None else {"text": reply.body.decode()}
            if answer.get("text") or answer.get("blocks"):
                reply.message = self.fake.record_ack_message(
                    self.team_id, channel["id"], user_id, answer
                )
                self.fake.set_response_original(response_url, reply.message)
        return reply

    # ----------------------------------------------------------------- events

    def event(
        self,
        event: JSONDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_time: int | None = None,
        sign: bool = True,
        bad_signature: bool = False,
        timestamp: int | None = None,
    ) -> Reply:
        """Deliver an Events API event in its ``event_callback`` envelope."""
        team = self.fake.team(self.team_id)
        inner = dict(event)
        inner.setdefault("event_ts", self.fake.new_ts())
        event_id = event_id or "Ev" + secrets.token_hex(5).upper()
        self.last_event_id = event_id
        envelope = {
            "token": self.verification_token,
            "team_id": team.id,
            "context_team_id": team.id,
            "api_app_id": self.api_app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()) if event_time is None else event_time,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team.id,
                    "user_id": team.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.post_raw(
            json.dumps(envelope).encode(),
            content_type="application/json",
            headers=headers,
            sign=sign,
            bad_signature=bad_signature,
            timestamp=timestamp,
        )

    def _user_post_event(
        self, kind: str, user_id: str, message: Message, extra: JSONDict | None = None
    ) -> JSONDict:
        event: JSONDict = {
            "type": kind,
            "user": user_id,
            "text": message.text,
            "ts": message.ts,
            "channel": message.channel,
            "event_ts": message.ts,
            "team": self.team_id,
            "client_msg_id": str(uuid.uuid4()),
        }
        if message.thread_ts:
            event["thread_ts"] = message.thread_ts
        event.update(extra or {})
        return event

    def mention(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> Reply:
        """A person posts ``@coach <text>``: stores the post, sends ``app_mention``."""
        bot = self.fake.team(self.team_id).bot_user_id
        posted = self.fake.post_user_message(
            self.team_id, channel_id, user_id, f"<@{bot}> {text}", thread_ts=thread_ts
        )
        reply = self.event(
            self._user_post_event("app_mention", user_id, posted),
            event_id=event_id,
            retry_num=retry_num,
        )
        reply.message = posted
        return reply

    def message(
        self,
        user_id: str,
        channel_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        event_id: str | None = None,
    ) -> Reply:
        """A person posts a plain message (``message`` event; ``D…`` channels are DMs)."""
        posted = self.fake.post_user_message(
            self.team_id, channel_id, user_id, text, thread_ts=thread_ts
        )
        channel_type = "im" if channel_id.startswith("D") else "channel"
        reply = self.event(
            self._user_post_event("message", user_id, posted, {"channel_type": channel_type}),
            event_id=event_id,
        )
        reply.message = posted
        return reply

    def react(
        self,
        user_id: str,
        message: Message,
        reaction: str,
        *,
        event_id: str | None = None,
        removed: bool = False,
    ) -> Reply:
        """A person adds (or, with ``removed``, takes back) an emoji reaction."""
        if removed:
            self.fake.remove_reaction(message, user_id, reaction)
        else:
            self.fake.add_reaction(message, user_id, reaction)
        event = {
            "type": "reaction_removed" if removed else "reaction_added",
            "user": user_id,
            "reaction": reaction,
            "item": {"type": "message", "channel": message.channel, "ts": message.ts},
            "item_user": message.user,
            "event_ts": self.fake.new_ts(),
        }
        return self.event(event, event_id=event_id)

    def open_home(self, user_id: str) -> Reply:
        """A person opens the app's Home tab (``app_home_opened``)."""
        channel = self.fake.dm_channel(self.team_id, user_id)
        event: JSONDict = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": channel.id,
            "tab": "home",
            "event_ts": self.fake.new_ts(),
        }
        home = self.fake.home_of(self.team_id, user_id)
        if home is not None:
            event["view"] = copy.deepcopy(home.view)
        return self.event(event)

    def url_verification(self) -> Reply:
        """Slack's handshake when the events URL is saved; the app must echo ``challenge``."""
        body = {
            "token": self.verification_token,
            "challenge": secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return self.post_raw(json.dumps(body).encode(), content_type="application/json")

    # ----------------------------------------------------------------- interactivity

    def buttons(self, target: Message | View) -> list[JSONDict]:
        """The clickable elements of a message or view, numbered from 1 in reading order."""
        listed = []
        for item in interactive_elements(target.blocks):
            element = item["element"]
            listed.append(
                {
                    "index": item["index"],
                    "action_id": element.get("action_id"),
                    "block_id": item["block_id"],
                    "type": element.get("type"),
                    "text": _label(element.get("text") or element.get("placeholder")),
                    "value": element.get("value"),
                    "style": element.get("style"),
                }
            )
        return listed

    def _pick(
        self, target: Message | View, action_id: str | None, index: int | None
    ) -> tuple[JSONDict, str]:
        items = interactive_elements(target.blocks)
        chosen = None
        if action_id is not None:
            chosen = next((i for i in items if i["element"].get("action_id") == action_id), None)
        elif index is not None:
            chosen = items[index - 1] if 1 <= index <= len(items) else None
        elif len(items) == 1:
            chosen = items[0]
        if chosen is None:
            listed = ", ".join(
                f"[{b['index']}] {b['action_id']} {b['text']!r}" for b in self.buttons(target)
            )
            raise LookupError(
                f"no element action_id={action_id!r} index={index!r}; have: {listed or 'none'}"
            )
        return chosen["element"], str(chosen["block_id"])

    def _action(
        self, element: JSONDict, block_id: str, value: str | None, selected: Any
    ) -> JSONDict:
        kind = str(element.get("type"))
        action: JSONDict = {
            "type": kind,
            "action_id": element.get("action_id"),
            "block_id": block_id,
            "action_ts": self.fake.new_ts(),
        }
        if kind == "button":
            action["text"] = element.get("text") or _plain("")
            if value is not None or "value" in element:
                action["value"] = value if value is not None else element.get("value")
            if element.get("style"):
                action["style"] = element["style"]
            return action
        if selected is None:
            raise ValueError(f"clicking a {kind} needs selected=...")
        if kind in _ONE_OPTION:
            action["selected_option"] = _find_option(element, selected)
        elif kind in _MANY_OPTIONS:
            action["selected_options"] = [_find_option(element, s) for s in _as_list(selected)]
        elif kind in _PICKERS:
            action[_PICKERS[kind]] = selected
        elif kind in _MULTI_PICKERS:
            action[_MULTI_PICKERS[kind]] = _as_list(selected)
        if element.get("placeholder"):
            action["placeholder"] = element["placeholder"]
        return action

    def click(
        self,
        user_id: str,
        target: Message | View,
        *,
        action_id: str | None = None,
        index: int | None = None,
        value: str | None = None,
        selected: Any = None,
    ) -> Reply:
        """Click a button (or choose in a select: ``selected=``) on a message or view.

        The element is found by ``action_id`` or 1-based ``index`` (as numbered by
        :meth:`buttons` and the renderer); ``value`` overrides a button's value.
        """
        element, block_id = self._pick(target, action_id, index)
        view_id = target.id if isinstance(target, View) else None
        payload: JSONDict = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id, view_id=view_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [self._action(element, block_id, value, selected)],
        }
        if isinstance(target, View):
            payload["container"] = {"type": "view", "view_id": target.id}
            view = copy.deepcopy(target.view)
            view["state"] = {"values": self._state_values(target, {})}
            payload["view"] = view
            payload["state"] = view["state"]
        else:
            if not target.visible_to(user_id):
                raise LookupError(f"message {target.ts} is not visible to {user_id}")
            payload["container"] = {
                "type": "message",
                "message_ts": target.ts,
                "channel_id": target.channel,
                "is_ephemeral": target.ephemeral,
            }
            payload["channel"] = self._channel(target.channel)
            if not target.ephemeral:
                payload["message"] = target.to_json()
            payload["state"] = {"values": {}}
            payload["response_url"] = self.fake.new_response_url(
                self.team_id, target.channel, user_id, original=target
            )
        return self._post_payload(payload)

    def _element_state(self, element: JSONDict, given: Any, answered: bool) -> JSONDict:
        kind = str(element.get("type"))
        state: JSONDict = {"type": kind}
        if kind in _TEXT_INPUTS:
            state["value"] = str(given) if answered else element.get("initial_value")
        elif kind in _ONE_OPTION:
            state["selected_option"] = (
                _find_option(element, given) if answered else element.get("initial_option")
            )
        elif kind in _MANY_OPTIONS:
            state["selected_options"] = (
                [_find_option(element, g) for g in _as_list(given)]
                if answered
                else list(element.get("initial_options") or [])
            )
        elif kind in _PICKERS:
            key = _PICKERS[kind]
            state[key] = given if answered else element.get(_INITIAL[key])
        elif kind in _MULTI_PICKERS:
            key = _MULTI_PICKERS[kind]
            state[key] = _as_list(given) if answered else list(element.get(_INITIAL[key]) or [])
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

    def _state_values(self, view: View, values: dict[str, Any]) -> JSONDict:
        remaining = {str(k): v for k, v in values.items()}
        state: JSONDict = {}
        inputs: list[str] = []
        for block in view.blocks:
            element = block.get("element")
            if block.get("type") != "input" or not isinstance(element, dict):
                continue
            block_id, action_id = str(block.get("block_id")), str(element.get("action_id"))
            label = _label(block.get("label")).strip().lower()
            inputs.append(f"{block_id}/{action_id} ({label})")
            key = next(
                (k for k in remaining if k in (block_id, action_id) or k.strip().lower() == label),
                None,
            )
            given = remaining.pop(key) if key is not None else None
            state.setdefault(block_id, {})[action_id] = self._element_state(
                element, given, key is not None
            )
        if remaining:
            raise KeyError(f"no input matches {sorted(remaining)}; inputs: {inputs}")
        return state

    def submit(self, user_id: str, view: View, values: dict[str, Any] | None = None) -> Reply:
        """Press a modal's submit button with ``values`` keyed by block_id, action_id or label.

        Applies the app's ``response_action`` (errors, update, push, clear) to the fake;
        an empty acknowledgement closes the view.
        """
        state = self._state_values(view, values or {})
        submitted = copy.deepcopy(view.view)
        submitted["state"] = {"values": state}
        payload: JSONDict = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id, view_id=view.id),
            "view": submitted,
            "response_urls": [],
            "enterprise": None,
            "is_enterprise_install": False,
        }
        reply = self._post_payload(payload)
        if reply.status != 200:
            return reply
        answer = reply.json or {}
        action = answer.get("response_action")
        if action == "errors":
            self.fake.set_view_errors(view, answer.get("errors"))
        elif action == "update":
            self.fake.replace_view(view, answer.get("view") or {})
        elif action == "push":
            self.fake.push_view(view, answer.get("view") or {})
        elif action == "clear":
            self.fake.close_view(view, whole_stack=True)
        else:
            self.fake.close_view(view)
        return reply

    def close(self, user_id: str, view: View) -> Reply | None:
        """Press a modal's close button. Slack sends ``view_closed`` only when the view has
        ``notify_on_close``; otherwise nothing is sent and this returns None."""
        self.fake.close_view(view, whole_stack=bool(view.view.get("clear_on_close")))
        if not view.view.get("notify_on_close"):
            return None
        payload: JSONDict = {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "view": copy.deepcopy(view.view),
            "is_cleared": bool(view.view.get("clear_on_close")),
            "enterprise": None,
            "is_enterprise_install": False,
        }
        return self._post_payload(payload)
