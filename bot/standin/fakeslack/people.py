"""What people do in the workspace that the app then hears of through the simulator:
posting a message, adding or taking back a reaction."""

from __future__ import annotations

from bot.standin.fakeslack.records import Message
from bot.standin.fakeslack.workspace import Workspace


class People(Workspace):
    """A person's posts and reactions."""

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
