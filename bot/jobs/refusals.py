"""What a job does when Slack refuses a message: a fault that may pass (a timeout, 429s
past the run's budget, a 5xx) gives the claim back, so the next run tries again; an
error no retry can cure (`bot.slack.PERMANENT`) settles it unsent, so it is never
tried again, and stops what is gone:

- a channel (the bot removed, the channel archived or deleted): the digest subscription
  stops, and whoever set it up is told once, with what to do;
- a person (deactivated, not found): the processes they own go back to "Who owns this?",
  which asks their channels at the next slot;
- the workspace's token (revoked, the workspace deleted): its jobs stop, as after an
  uninstall, until the app is installed again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.jobs.context import JobContext
from bot.slack import Gone, error_code, permanent
from storage import claims, coaching, workspaces

log = logging.getLogger(__name__)


def refused(
    ctx: JobContext,
    *,
    team_id: str,
    key: str,
    err: BaseException,
    now: datetime,
    person: str | None = None,
) -> Gone | None:
    """Settle the claim `key` after Slack refused its message with `err`; what is gone
    for good (the caller stops it), or None when the next run tries again."""
    gone, code = permanent(err), error_code(err)
    with ctx.db.transaction() as session:
        if gone is None:
            claims.release(session, key=key, worker=ctx.worker)
            return None
        claims.skip(session, key=key, worker=ctx.worker, now=now, detail=code)
        if gone == Gone.TOKEN and workspaces.token_gone(session, team_id=team_id, now=now):
            log.error(
                "Slack says the token of workspace %s no longer works (%s): its jobs stop "
                "until the app is installed there again",
                team_id,
                code,
            )
        if gone == Gone.PERSON and person:
            released = coaching.release_owner(session, team_id=team_id, owner_id=person, now=now)
            log.warning(
                "%s in %s can't be reached (%s): %d process(es) back to 'Who owns this?'",
                person,
                team_id,
                code,
                released,
            )
    return gone
