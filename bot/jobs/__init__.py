"""Scheduled jobs. Each is `run(ctx, now) -> dict of figures`; it never reads the clock,
and claims every unit of work in the database so that replicas never double-send."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.pacing import Pacer, teach
from storage.db import Database


class Clients:
    """The Web API client to use for a workspace (one bot token, or OAuth installations)."""

    def __init__(
        self, settings: Settings, *, client: Any = None, installation_store: Any = None
    ) -> None:
        self.settings = settings
        self._client = client
        self._store = installation_store
        self.pacer = Pacer(settings.slack_posts_per_minute)

    def for_team(self, team_id: str) -> Any | None:
        """The team's client; its 429s on chat.postMessage slow the team's bucket down."""
        if self._store is not None:
            from bot.app import JOB_BUDGET, make_client

            bot = self._store.find_bot(enterprise_id=None, team_id=team_id)
            if bot is None:
                return None
            client = make_client(self.settings, bot.bot_token, budget=JOB_BUDGET)
            return teach(client, self.pacer.bucket(team_id))
        if self._client is None:
            from bot.app import JOB_BUDGET, make_client

            self._client = make_client(self.settings, budget=JOB_BUDGET)
        return teach(self._client, self.pacer.bucket(team_id))


@dataclass
class JobContext:
    db: Database
    settings: Settings
    clients: Clients
    worker: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")

    @property
    def claim_timeout(self) -> timedelta:
        return timedelta(seconds=self.settings.claim_timeout_seconds)


Job = Callable[[JobContext, datetime], dict[str, int]]


def registry() -> dict[str, Job]:
    """Every job by its stable name."""
    from bot.jobs.nudges import run_nudges

    jobs: dict[str, Job] = {"nudges": run_nudges}
    try:
        from bot.jobs.digests import run_digests
    except ImportError:  # pragma: no cover - digests land in their own change
        return jobs
    jobs["digests"] = run_digests
    return jobs
