"""What a scheduled job works with: the database, the settings, a Slack client for each
workspace (`Clients`), the directory of people, and its own name as a worker."""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.config import Settings
from bot.oauth import WorkspaceBots
from bot.pacing import Pacer, teach
from bot.people import Directory
from bot.slack import JOB_BUDGET, make_client
from storage.db import Database

log = logging.getLogger(__name__)


class Clients:
    """The Web API client for each workspace: the one bot token, or in OAuth mode each
    workspace's own from its installation (`bots`). Entry points build it with
    `job_clients`; `client` serves every workspace with one given client (the console)."""

    def __init__(
        self, settings: Settings, *, client: Any = None, bots: WorkspaceBots | None = None
    ) -> None:
        self.settings = settings
        self._client = client
        self._bots = bots
        self.pacer = Pacer(settings.slack_posts_per_minute)

    def for_team(self, team_id: str) -> Any | None:
        """The team's client, or None when there is no token for it (nothing is sent, and
        nothing is claimed); its 429s on chat.postMessage slow the team's bucket down."""

        if self._bots is not None:
            bot = self._bots.find(team_id)
            if bot is None:
                log.warning("Workspace %s has no installation: nothing is sent to it", team_id)
                return None
            org = team_id if bot.is_enterprise_install else None  # an org token names its team
            client = make_client(self.settings, bot.bot_token, budget=JOB_BUDGET, team_id=org)
            return teach(client, self.pacer.bucket(team_id))
        if self._client is None:
            if not self.settings.slack_bot_token:
                log.warning("SLACK_BOT_TOKEN is not set: nothing is sent to %s", team_id)
                return None
            self._client = make_client(self.settings, budget=JOB_BUDGET)
        return teach(self._client, self.pacer.bucket(team_id))


def job_clients(settings: Settings, db: Database, *, socket_mode: bool = False) -> Clients:
    """The clients of every entry point (the scheduler in `coach serve` and `coach socket`,
    `coach scheduler`, `coach jobs run`): with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET each
    workspace's token comes from its OAuth installation, else SLACK_BOT_TOKEN serves the
    one workspace. Socket Mode always runs on the bot token, as its app does."""
    if settings.oauth_enabled and not socket_mode:
        return Clients(settings, bots=WorkspaceBots(settings, db))
    return Clients(settings)


@dataclass
class JobContext:
    db: Database
    settings: Settings
    clients: Clients
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    people: Directory = field(init=False)

    def __post_init__(self) -> None:
        self.people = Directory(self.db)

    @property
    def claim_timeout(self) -> timedelta:
        return timedelta(seconds=self.settings.claim_timeout_seconds)
