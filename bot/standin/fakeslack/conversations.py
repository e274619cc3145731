"""conversations.open and conversations.info, and finding the channel a call names (an id,
a member's id for their DM, a ``D…`` id, or ``#name``)."""

from __future__ import annotations

from typing import Any

from bot.standin.fakeslack.common import JSONDict, SlackError, as_bool
from bot.standin.fakeslack.records import Channel, Team
from bot.standin.fakeslack.workspace import Workspace


class Conversations(Workspace):
    """The ``conversations.*`` methods."""

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
        if self.users[(team.id, users[0])].deleted:
            raise SlackError("user_disabled")
        channel = self.dm_channel(team.id, users[0])
        if as_bool(body.get("return_im")):
            return {"channel": channel.to_json()}
        return {"channel": {"id": channel.id}}

    def _conversations_info(self, team: Team, body: JSONDict) -> JSONDict:
        channel = self.channels.get((team.id, str(body.get("channel") or "")))
        if channel is None:
            raise SlackError("channel_not_found")
        if channel.read_scope in team.missing_scopes:
            raise SlackError("missing_scope")
        return {"channel": channel.to_json()}
