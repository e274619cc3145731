"""Events API deliveries: the ``event_callback`` envelope (with retries), and what people
do that the app hears of as an event: a mention, a message, a reaction, opening Home;
and the ``url_verification`` handshake."""

from __future__ import annotations

import copy
import json
import secrets
import time
import uuid

from bot.standin.fakeslack import Message
from bot.standin.simulator.sender import JSONDict, Reply, Sender


class Events(Sender):
    """Events a person's doings send to the app."""

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
        envelope = self.event_callback(event, event_id=event_id, event_time=event_time)
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

    def event_callback(
        self, event: JSONDict, *, event_id: str | None = None, event_time: int | None = None
    ) -> JSONDict:
        """An event in the ``event_callback`` envelope Slack posts over HTTP, which is also
        the payload of an ``events_api`` envelope in Socket Mode."""
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
        return envelope

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
        event, posted = self.mention_event(user_id, channel_id, text, thread_ts=thread_ts)
        reply = self.event(event, event_id=event_id, retry_num=retry_num)
        reply.message = posted
        return reply

    def mention_event(
        self, user_id: str, channel_id: str, text: str, *, thread_ts: str | None = None
    ) -> tuple[JSONDict, Message]:
        """A person posts ``@coach <text>``: stores the post; returns the ``app_mention``
        event it raises (not yet sent) and the post."""
        bot = self.fake.team(self.team_id).bot_user_id
        posted = self.fake.post_user_message(
            self.team_id, channel_id, user_id, f"<@{bot}> {text}", thread_ts=thread_ts
        )
        return self._user_post_event("app_mention", user_id, posted), posted

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
