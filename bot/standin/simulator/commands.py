"""Slash commands: the form Slack posts, and the answer in the acknowledgement stored as
the message it becomes."""

from __future__ import annotations

from bot.standin.simulator.sender import Reply, Sender


class Commands(Sender):
    """A person runs a slash command."""

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
        fields = self.command_fields(user_id, channel_id, text, command=command)
        reply = self._post_form(fields, sign=sign, bad_signature=bad_signature, timestamp=timestamp)
        if reply.status == 200 and reply.body.strip():
            answer = reply.json if reply.json is not None else {"text": reply.body.decode()}
            if answer.get("text") or answer.get("blocks"):
                reply.message = self.fake.record_ack_message(
                    self.team_id, fields["channel_id"], user_id, answer
                )
                self.fake.set_response_original(fields["response_url"], reply.message)
        return reply

    def command_fields(
        self, user_id: str, channel_id: str, text: str, *, command: str = "/manual-task"
    ) -> dict[str, str]:
        """The fields Slack sends for a slash command: the form it posts over HTTP, and
        the payload of a ``slash_commands`` envelope in Socket Mode."""
        team = self._team()
        channel = self._channel(channel_id)
        return {
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
            "response_url": self.fake.new_response_url(self.team_id, channel["id"], user_id),
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id),
        }
