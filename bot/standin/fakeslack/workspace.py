"""Setting up the workspace: installing the app in teams and orgs, revoking a token,
adding members and channels, and looking them up."""

from __future__ import annotations

from bot.standin.fakeslack.records import Channel, Org, Team, User
from bot.standin.fakeslack.state import State


class Workspace(State):
    """Teams, orgs, members and channels: what tests add before the app runs."""

    def add_team(
        self,
        team_id: str = "T0001",
        name: str = "Acme",
        bot_token: str = "xoxb-T0001",
        bot_user_id: str = "UBOT1",
        *,
        bot_id: str | None = None,
        domain: str | None = None,
        enterprise_id: str | None = None,
    ) -> Team:
        """Install the app in a workspace; its bot token selects it in API calls. With
        `enterprise_id` (an org from `add_org`) the workspace belongs to that org: its bot
        user is the org's, and the org's token works in it too."""
        org = self.orgs[enterprise_id] if enterprise_id else None
        team = Team(
            id=team_id,
            name=name,
            domain=domain or "".join(c for c in name.lower() if c.isalnum()) or team_id.lower(),
            bot_token=bot_token,
            bot_user_id=org.bot_user_id if org else bot_user_id,
            bot_id=org.bot_id if org else bot_id or "B" + team_id.lstrip("T"),
            enterprise_id=enterprise_id,
        )
        bot_user_id = team.bot_user_id
        with self._lock:
            self.teams[team_id] = team
            self.users[(team_id, bot_user_id)] = User(
                team_id, bot_user_id, "coach", "Automation Coach", is_bot=True, bot_id=team.bot_id
            )
        return team

    def add_org(
        self,
        enterprise_id: str = "E0001",
        name: str = "Initech",
        bot_token: str = "xoxb-E0001",
        bot_user_id: str = "WBOTE1",
    ) -> Org:
        """An Enterprise Grid org with an org-wide install; add its workspaces with
        ``add_team(..., enterprise_id=...)``. Its token acts in whichever of them a call
        names (``team_id``) or whose channel, user or trigger it uses."""
        org = Org(enterprise_id, name, bot_token, bot_user_id, "B" + enterprise_id.lstrip("E"))
        with self._lock:
            self.orgs[enterprise_id] = org
        return org

    def revoke(self, token: str) -> None:
        """Make a bot token invalid (the app was uninstalled): calls answer invalid_auth."""
        with self._lock:
            holders: list[Team | Org] = [*self.teams.values(), *self.orgs.values()]
            for holder in holders:
                if holder.bot_token == token:
                    holder.revoked = True

    def add_user(
        self,
        team_id: str,
        user_id: str,
        name: str,
        *,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        real_name: str | None = None,
        deleted: bool = False,
        home_team: str | None = None,
        is_restricted: bool = False,
    ) -> User:
        """Add a workspace member (`home_team`: from another organization, through a
        Slack Connect channel; users.info then names that team)."""
        user = User(
            team_id,
            user_id,
            name,
            real_name or name.title(),
            tz,
            is_admin,
            is_owner,
            deleted=deleted,
            home_team=home_team,
            is_restricted=is_restricted,
        )
        with self._lock:
            self.users[(team_id, user_id)] = user
        return user

    def user(self, team_id: str, user_id: str) -> User | None:
        """A member by id."""
        with self._lock:
            return self.users.get((team_id, user_id))

    def user_by_name(self, team_id: str, name: str) -> User | None:
        """A member by handle (``ana`` or ``@ana``)."""
        wanted = name.lstrip("@").lower()
        with self._lock:
            for (tid, _), user in self.users.items():
                if tid == team_id and user.name.lower() == wanted:
                    return user
        return None

    def add_channel(
        self,
        team_id: str,
        channel_id: str,
        name: str,
        *,
        private: bool = False,
        mpim: bool = False,
    ) -> Channel:
        """Add a channel the bot is a member of: public, private, or a group DM."""
        channel = Channel(
            team_id, channel_id, name.lstrip("#"), is_private=private or mpim, is_mpim=mpim
        )
        with self._lock:
            self.channels[(team_id, channel_id)] = channel
        return channel

    def archive_channel(self, team_id: str, channel_id: str) -> None:
        """Archive a channel: posting to it answers ``is_archived``."""
        with self._lock:
            self.channels[(team_id, channel_id)].is_archived = True

    def remove_bot(self, team_id: str, channel_id: str) -> None:
        """Take the bot out of a channel: posting to it answers ``not_in_channel``."""
        with self._lock:
            self.channels[(team_id, channel_id)].is_member = False

    def deactivate(self, team_id: str, user_id: str) -> None:
        """Deactivate a member: users.info says ``deleted``, a DM answers ``user_disabled``."""
        with self._lock:
            self.users[(team_id, user_id)].deleted = True

    def ensure_channel(self, team_id: str, channel_id: str) -> Channel:
        """The channel with that id, creating it (or the DM for a ``D…`` id) if unknown."""
        with self._lock:
            known = self.channels.get((team_id, channel_id))
            if known:
                return known
            if channel_id.startswith("D"):
                return self.dm_channel(team_id, channel_id[1:])
            return self.add_channel(team_id, channel_id, channel_id.lower())

    def dm_channel(self, team_id: str, user_id: str) -> Channel:
        """The bot's DM channel with a user (``"D" + user_id``), created on first use."""
        channel_id = "D" + user_id
        with self._lock:
            channel = self.channels.get((team_id, channel_id))
            if channel is None:
                channel = Channel(team_id, channel_id, channel_id, is_im=True, user=user_id)
                self.channels[(team_id, channel_id)] = channel
            return channel

    def team(self, team_id: str) -> Team:
        """A team by id (KeyError if not added)."""
        with self._lock:
            return self.teams[team_id]
