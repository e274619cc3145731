"""Sending a request to the app as Slack does: signing it, POSTing it over real HTTP and
reading the answer; and the team, user and channel objects every payload carries."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlencode

from bot.standin.fakeslack import FakeSlack, Message

JSONDict = dict[str, Any]


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


class Sender:
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

    def for_team(self, team_id: str) -> Self:
        """The same simulator acting in another workspace."""
        return type(self)(
            self.fake,
            self.app_url,
            self.signing_secret,
            team_id=team_id,
            timeout=self.timeout,
            api_app_id=self.api_app_id,
            verification_token=self.verification_token,
        )

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
