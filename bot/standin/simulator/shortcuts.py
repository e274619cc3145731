"""Shortcuts: a person uses one of the app's shortcuts on a message (``message_action``)
or from the ⚡ menu or search (``shortcut``), with the payloads Slack documents."""

from __future__ import annotations

from bot.standin.fakeslack import Message
from bot.standin.simulator.sender import JSONDict, Reply, Sender


class Shortcuts(Sender):
    """A person uses a shortcut."""

    def message_shortcut(self, user_id: str, message: Message, callback_id: str) -> Reply:
        """The shortcut ``callback_id`` on ``message`` (its ⋮ menu): Slack sends the
        message, its channel, a trigger id and a response URL."""
        if not message.visible_to(user_id) or message.ephemeral:
            raise LookupError(f"message {message.ts} has no shortcuts for {user_id}")
        payload: JSONDict = {
            **self._shortcut("message_action", user_id, callback_id),
            "channel": self._channel(message.channel),
            "message_ts": message.ts,
            "message": message.to_json(),
            "response_url": self.fake.new_response_url(self.team_id, message.channel, user_id),
        }
        return self._post_payload(payload)

    def global_shortcut(self, user_id: str, callback_id: str) -> Reply:
        """The shortcut ``callback_id`` from the ⚡ menu or search: no channel, no message."""
        return self._post_payload(self._shortcut("shortcut", user_id, callback_id))

    def _shortcut(self, kind: str, user_id: str, callback_id: str) -> JSONDict:
        return {
            "type": kind,
            "token": self.verification_token,
            "action_ts": self.fake.new_ts(),
            "team": self._team(),
            "user": self._user(user_id),
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id),
        }
