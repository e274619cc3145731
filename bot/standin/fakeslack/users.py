"""users.info: a member as Slack describes them."""

from __future__ import annotations

from bot.standin.fakeslack.common import JSONDict, SlackError
from bot.standin.fakeslack.records import Team
from bot.standin.fakeslack.state import State


class Users(State):
    """The ``users.*`` methods."""

    def _users_info(self, team: Team, body: JSONDict) -> JSONDict:
        user = self.users.get((team.id, str(body.get("user") or "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user.to_json()}
