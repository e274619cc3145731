"""Response URLs: issuing them (with a slash command, a button click, an acknowledged
answer), serving posts to them (a new message, ``replace_original``, ``delete_original``;
five uses at most), and storing the message an app put in its acknowledgement."""

from __future__ import annotations

import json
import secrets
from urllib.parse import parse_qs

from bot.standin.fakeslack.blocks import fill_ids, validate_blocks
from bot.standin.fakeslack.common import JSONDict, SlackError, as_bool, json_arg
from bot.standin.fakeslack.faults import Faults
from bot.standin.fakeslack.records import Message, ResponseTarget
from bot.standin.fakeslack.transport import Handler, reply

RESPONSE_URL_MAX_USES = 5


class Responses(Faults):
    """What an app sends to a ``response_url``."""

    def new_response_url(
        self, team_id: str, channel: str, user: str, *, original: Message | None = None
    ) -> str:
        """A response_url on this server, answering for ``original`` (if any)."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._response_urls[key] = ResponseTarget(team_id, channel, user, original)
        return f"{self.url}response/{key}"

    def set_response_original(self, response_url: str, original: Message) -> None:
        """Make ``replace_original``/``delete_original`` on a response_url act on ``original``."""
        with self._lock:
            target = self._response_urls.get(response_url.rsplit("/", 1)[-1])
            if target is not None:
                target.original = original

    def record_ack_message(self, team_id: str, channel: str, user: str, body: JSONDict) -> Message:
        """Store the message an app put in its acknowledgement of a slash command."""
        with self._changing():
            in_channel = body.get("response_type") == "in_channel"
            message = self._store_message(
                team_id,
                channel,
                text=str(body.get("text") or ""),
                blocks=fill_ids(validate_blocks(body.get("blocks") or [], limit=50)),
                user=user if not in_channel else None,
                ephemeral=not in_channel,
                source="ack",
            )
            message.response_url = self.new_response_url(team_id, channel, user, original=message)
            return message

    def _serve_response_url(self, handler: Handler, key: str, raw: bytes) -> None:
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
            reply(handler, answer[0], answer[1], "text/html")

    def _apply_response(self, target: ResponseTarget, body: JSONDict) -> tuple[int, bytes]:
        original = target.original
        try:
            blocks = fill_ids(validate_blocks(json_arg(body, "blocks", []), limit=50))
        except SlackError as exc:
            return 400, exc.code.encode()
        text = str(body.get("text") or "")
        if as_bool(body.get("delete_original")):
            if original is not None and not original.deleted:
                original.deleted = True
                self._emit("message.deleted", original)
            return 200, b"ok"
        if as_bool(body.get("replace_original")) and original is not None:
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
