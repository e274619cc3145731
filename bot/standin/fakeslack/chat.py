"""chat.postMessage, chat.postEphemeral, chat.update, chat.delete and chat.getPermalink."""

from __future__ import annotations

from bot.standin.fakeslack.blocks import fill_ids, validate_blocks
from bot.standin.fakeslack.common import JSONDict, SlackError, json_arg, opt_str
from bot.standin.fakeslack.conversations import Conversations
from bot.standin.fakeslack.records import Message, Team

_SCALAR = (str, int, float, bool)


def _metadata(value: object) -> JSONDict | None:
    """Message metadata as Slack takes it: an `event_type` (letters, digits, underscores)
    and an `event_payload` object whose values are scalars, or objects (or lists of
    objects) of scalars; anything else is refused, as Slack does."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SlackError("invalid_metadata_format")
    kind, payload = value.get("event_type"), value.get("event_payload")
    if not isinstance(kind, str) or not kind or not kind.replace("_", "").isalnum():
        raise SlackError("invalid_metadata_format", ["[ERROR] event_type must be alphanumeric"])
    if not isinstance(payload, dict):
        raise SlackError("invalid_metadata_format", ["[ERROR] event_payload must be an object"])

    def flat(obj: object) -> bool:
        return isinstance(obj, dict) and all(isinstance(v, _SCALAR) for v in obj.values())

    for item in payload.values():
        fine = isinstance(item, _SCALAR) or flat(item)
        fine = fine or (isinstance(item, list) and all(flat(x) for x in item))
        if not fine:
            raise SlackError("invalid_metadata_schema")
    return value


class Chat(Conversations):
    """The ``chat.*`` methods."""

    def _message_content(self, body: JSONDict) -> tuple[str, list[JSONDict]]:
        blocks = validate_blocks(json_arg(body, "blocks", [], "invalid_blocks_format"), limit=50)
        text = str(body.get("text") or "")
        attachments = json_arg(body, "attachments", [], "invalid_attachments")
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        return text, fill_ids(blocks)

    def _chat_post_message(self, team: Team, body: JSONDict) -> JSONDict:
        channel = self._resolve_channel(team, body.get("channel"))
        if channel.is_archived:
            raise SlackError("is_archived")
        if not channel.is_member:
            raise SlackError("not_in_channel")
        text, blocks = self._message_content(body)
        metadata = _metadata(json_arg(body, "metadata", None, "invalid_metadata_format"))
        message = self._store_message(
            team.id, channel.id, text=text, blocks=blocks, thread_ts=opt_str(body.get("thread_ts"))
        )
        message.metadata = metadata
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
            thread_ts=opt_str(body.get("thread_ts")),
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
            blocks = json_arg(body, "blocks", [], "invalid_blocks_format")
            message.blocks = fill_ids(validate_blocks(blocks, limit=50))
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
