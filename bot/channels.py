"""Whether a channel is private: what makes a process private (bot/domain/rules.py).

Asked of Slack's `conversations.info` (scopes `channels:read`, `groups:read`, `im:read`,
`mpim:read`) before a request's transaction, within `LOOKUP_BUDGET`, and remembered a day
in the process. A DM (`D…`) is private without asking. Whenever Slack can't tell (a
`missing_scope` from an install made before these scopes, `channel_not_found`, an error,
a timeout) the channel counts as private, and is asked about again a minute later::

    private = channels.private(client, team_id="T1", channel_id="C1")
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from bot.slack import LOOKUP_BUDGET, within

log = logging.getLogger(__name__)
FRESH_FOR = 24 * 3600.0  # seconds conversations.info's answer stands
RETRY_AFTER = 60.0  # seconds before Slack is asked again about a channel it couldn't tell of


class Channels:
    """Which channels are private, per workspace, as Slack last said."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str], tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def private(self, client: Any, *, team_id: str, channel_id: str | None) -> bool:
        """True unless Slack says the channel is a public one (no channel: can't tell)."""
        if not channel_id or channel_id.startswith("D"):
            return True
        key = (team_id, channel_id)
        with self._lock:
            known = self._memo.get(key)
        if known is not None and time.monotonic() < known[1]:
            return known[0]
        said = self._ask_slack(client, channel_id)
        private = True if said is None else said
        stands = RETRY_AFTER if said is None else FRESH_FOR
        with self._lock:
            self._memo[key] = (private, time.monotonic() + stands)
        return private

    @staticmethod
    def _ask_slack(client: Any, channel_id: str) -> bool | None:
        try:
            client = within(client, LOOKUP_BUDGET)
            info = client.conversations_info(channel=channel_id)["channel"]
        except Exception as err:  # missing_scope, channel_not_found, down: can't tell
            log.warning("conversations.info failed for %s: %s", channel_id, err)
            return None
        if not isinstance(info, dict):
            return None
        return bool(
            info.get("is_private")
            or info.get("is_im")
            or info.get("is_mpim")
            or info.get("is_group")
            or not info.get("is_channel", False)
        )
